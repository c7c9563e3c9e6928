package io.mmfile.faults;

import io.mmfile.support.Backend;
import io.mmfile.support.S3Proxy;
import io.vertx.core.json.JsonObject;

/**
 * Clients vanishing mid-upload with an S3-compatible bucket as the durable store: no staging file, no
 * object and no unfinished multipart upload stays behind (the bucket is listed for both).
 */
class VanishingClientS3IT extends VanishingClientContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }

  @Override
  JsonObject storeOverrides() {
    return S3Proxy.shared().nodeConfig(S3Proxy.newPrefix()).put("storage.s3.memory-stage-bytes", 0);
  }
}
