package io.mmfile.faults;

import io.mmfile.support.Backend;

class VanishingClientMariaDbRedisIT extends VanishingClientContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
