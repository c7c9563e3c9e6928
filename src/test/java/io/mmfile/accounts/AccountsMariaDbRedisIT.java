package io.mmfile.accounts;

import io.mmfile.support.Backend;

/** Accounts on MariaDB, with sessions, codes and throttles in Redis. */
class AccountsMariaDbRedisIT extends AccountsContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
