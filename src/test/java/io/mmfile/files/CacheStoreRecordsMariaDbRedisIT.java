package io.mmfile.files;

import io.mmfile.support.Backend;

/** Cache-store records on MariaDB, with the cache store in Redis. */
class CacheStoreRecordsMariaDbRedisIT extends CacheStoreRecordsContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
