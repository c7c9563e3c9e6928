package io.mmfile.files;

import io.vertx.core.json.JsonObject;

/**
 * The metadata of one stored file. {@code expiresMs} is null for files that never expire.
 *
 * <p>{@code blobKey} names the bytes in the store when they may be shared with other files (a row of the
 * {@code blobs} table counts the files that name it; docs/architecture.md, "Deduplication"); null means
 * the file's bytes are its own, stored under its file id. {@code blobClass} is what the store said of the
 * bytes it committed ({@link BlobStore.BlobWriter#dedupClass()}): which blobs they may be shared with.
 * It travels from the commit to the insert and is not kept in the record's row.
 */
public record FileRecord(String fileId, String appKey, StoreKind store, long size, String sha256,
                         String contentType, String extension, int width, int height,
                         long createdMs, Long expiresMs, String accountId, String name, String previewId,
                         String blobKey, String blobClass) {

  /** A file whose bytes are its own. */
  public FileRecord(String fileId, String appKey, StoreKind store, long size, String sha256,
                    String contentType, String extension, int width, int height,
                    long createdMs, Long expiresMs, String accountId, String name, String previewId) {
    this(fileId, appKey, store, size, sha256, contentType, extension, width, height, createdMs, expiresMs,
      accountId, name, previewId, null, null);
  }

  /** The key the file's bytes are stored under: its blob's, or its own id. */
  public String bytesKey() {
    return blobKey != null ? blobKey : fileId;
  }

  /** Whether the file names a counted blob (whose bytes go only with its last file). */
  public boolean sharesBlob() {
    return blobKey != null;
  }

  public FileRecord withBlob(String key, String dedupClass) {
    return new FileRecord(fileId, appKey, store, size, sha256, contentType, extension, width, height, createdMs,
      expiresMs, accountId, name, previewId, key, dedupClass);
  }

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
      .put("accountId", accountId).put("name", name).put("previewId", previewId).put("blobKey", blobKey)
      .put("blobClass", blobClass);
  }

  public static FileRecord fromJson(JsonObject json) {
    return new FileRecord(json.getString("fileId"), json.getString("appKey"),
      StoreKind.fromColumn(json.getString("store")), json.getLong("size"), json.getString("sha256"),
      json.getString("contentType"), json.getString("extension"), json.getInteger("width"),
      json.getInteger("height"), json.getLong("createdMs"), json.getLong("expiresMs"), json.getString("accountId"),
      json.getString("name"), json.getString("previewId"), json.getString("blobKey"), json.getString("blobClass"));
  }
}
