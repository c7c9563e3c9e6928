package io.mmfile.files;

import io.vertx.core.json.JsonObject;

/**
 * How a staged upload becomes a file: who it belongs to, how long it lives, where it goes, and
 * whether it must be an image. {@code contentType} and {@code extension} name files that are not images.
 */
public record CommitRequest(String appKey, long expectedLength, long ttlMs, StoreKind store, boolean requireImage,
                            String accountId, String name, String contentType, String extension) {

  /** A daoke image: an app's upload of a known length. */
  public static CommitRequest image(String appKey, long expectedLength, long ttlMs, StoreKind store) {
    return new CommitRequest(appKey, expectedLength, ttlMs, store, true, null, null, null, null);
  }

  JsonObject toJson() {
    return new JsonObject().put("appKey", appKey == null ? "" : appKey).put("length", expectedLength)
      .put("ttlMs", ttlMs).put("store", store.column()).put("requireImage", requireImage)
      .put("accountId", accountId).put("name", name).put("contentType", contentType).put("extension", extension);
  }
}
