package io.mmfile.accounts;

import io.mmfile.support.Backend;

/** Accounts on MariaDB, with sessions, refresh tokens and codes spread over a three-master Redis Cluster. */
class AccountsRedisClusterIT extends AccountsContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS_CLUSTER;
  }
}
