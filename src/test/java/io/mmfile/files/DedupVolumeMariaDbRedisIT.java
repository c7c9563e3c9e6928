package io.mmfile.files;

import io.mmfile.support.Backend;
import io.vertx.core.json.JsonObject;

/** Deduplication on the volume store, on MariaDB. */
class DedupVolumeMariaDbRedisIT extends DedupContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }

  @Override
  JsonObject storeOverrides() {
    return DedupVolumeEmbeddedIT.volumeStore();
  }
}
