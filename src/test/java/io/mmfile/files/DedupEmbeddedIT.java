package io.mmfile.files;

import io.mmfile.support.Backend;
import io.vertx.core.json.JsonObject;

/** Deduplication on the embedded database (H2) with the disk store (a file per upload). */
class DedupEmbeddedIT extends DedupContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }

  @Override
  JsonObject storeOverrides() {
    return diskStore();
  }
}
