package io.mmfile.api.v1;

import io.mmfile.support.Backend;

/** The frame of /api/v1 on MariaDB and Redis: nonces are remembered in Redis. */
class ApiCoreMariaDbRedisIT extends ApiCoreContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
