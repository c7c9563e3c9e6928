package io.mmfile.api.v1;

import io.mmfile.support.Backend;

/** The /api/v1 account resources on MariaDB, with sessions, codes and throttles in Redis. */
class ApiAccountsMariaDbRedisIT extends ApiAccountsContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
