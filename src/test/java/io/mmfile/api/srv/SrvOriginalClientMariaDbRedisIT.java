package io.mmfile.api.srv;

import io.mmfile.support.Backend;

/** The original srv client on MariaDB, with sessions, codes and throttles in Redis. */
class SrvOriginalClientMariaDbRedisIT extends SrvOriginalClientContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
