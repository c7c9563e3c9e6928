package io.mmfile.files;

import io.vertx.core.json.JsonObject;

/** The metadata of one stored file. {@code expiresMs} is null for files that never expire. */
public record FileRecord(String fileId, String appKey, StoreKind store, long size, String sha256,
                         String contentType, String extension, int width, int height,
                         long createdMs, Long expiresMs, String accountId, String name, String previewId) {

  public boolean image() {
    return contentType.startsWith("image/");
  }

  public boolean expiredAt(long nowMs) {
    return expiresMs != null && expiresMs <= nowMs;
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("fileId", fileId).put("appKey", appKey).put("store", store.column()).put("size", size)
      .put("sha256", sha256).put("contentType", contentType).put("extension", extension)
      .put("width", width).put("height", height).put("createdMs", createdMs).put("expiresMs", expiresMs)
      .put("accountId", accountId).put("name", name).put("previewId", previewId);
  }

  public static FileRecord fromJson(JsonObject json) {
    return new FileRecord(json.getString("fileId"), json.getString("appKey"),
      StoreKind.fromColumn(json.getString("store")), json.getLong("size"), json.getString("sha256"),
      json.getString("contentType"), json.getString("extension"), json.getInteger("width"),
      json.getInteger("height"), json.getLong("createdMs"), json.getLong("expiresMs"), json.getString("accountId"),
      json.getString("name"), json.getString("previewId"));
  }
}
