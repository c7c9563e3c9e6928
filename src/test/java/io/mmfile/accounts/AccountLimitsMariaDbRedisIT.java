package io.mmfile.accounts;

import io.mmfile.support.Backend;

/** The account limits on MariaDB, with counters, codes and sessions in Redis. */
class AccountLimitsMariaDbRedisIT extends AccountLimitsContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
