package io.mmfile.api.daoke;

import io.mmfile.support.Backend;
import io.vertx.core.json.JsonObject;

/**
 * The daoke file API with the volume store as the durable store, group fsync on, and every upload
 * staged on disk (no memory stage), so the contract's checks on staged bytes see them.
 */
class DaokeFileApiVolumeIT extends DaokeFileApiContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }

  @Override
  JsonObject storeOverrides() {
    return new JsonObject()
      .put("storage.durable", "volume")
      .put("storage.fsync", "group")
      .put("storage.volume.memory-stage-bytes", 0)
      .put("storage.volume.expiry-bucket-seconds", 1)
      .put("storage.volume.retire-grace-seconds", 0);
  }
}
