package io.mmfile.api.daoke;

import io.mmfile.support.Backend;
import io.mmfile.support.S3Proxy;
import io.vertx.core.json.JsonObject;

/**
 * The daoke file API with an S3-compatible bucket (s3proxy, a real server) as the durable store, on
 * MariaDB and Redis as a node of several would run, and every upload staged on disk (no memory stage),
 * so the contract's checks on staged bytes see them.
 */
class DaokeFileApiS3IT extends DaokeFileApiContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }

  @Override
  JsonObject storeOverrides() {
    return S3Proxy.shared().nodeConfig(S3Proxy.newPrefix())
      .put("storage.s3.memory-stage-bytes", 0);
  }
}
