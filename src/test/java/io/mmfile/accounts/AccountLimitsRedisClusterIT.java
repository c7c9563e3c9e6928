package io.mmfile.accounts;

import io.mmfile.support.Backend;

/** The account limits (login throttles, SMS allowances) with their counters on a Redis Cluster. */
class AccountLimitsRedisClusterIT extends AccountLimitsContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS_CLUSTER;
  }
}
