package io.mmfile.files;

import io.mmfile.support.Backend;
import io.vertx.core.json.JsonObject;

/** Deduplication on MariaDB with the disk store. */
class DedupMariaDbRedisIT extends DedupContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }

  @Override
  JsonObject storeOverrides() {
    return diskStore();
  }
}
