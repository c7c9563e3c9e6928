package io.mmfile.api.daoke;

import io.mmfile.support.Backend;

/** gainImage scaling on MariaDB and Redis: variants kept in Redis. */
class ScalingMariaDbRedisIT extends ScalingContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
