package io.mmfile.files;

import io.mmfile.support.Backend;

/** Cache-store files on a Redis Cluster: each upload's temporary key and final key share a slot. */
class CacheStoreRecordsRedisClusterIT extends CacheStoreRecordsContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS_CLUSTER;
  }
}
