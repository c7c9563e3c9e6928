package io.mmfile.uploads;

import io.vertx.sqlclient.Row;

/**
 * One tus upload as SQL holds it: who owns it, how long it will be, how many bytes the node that holds
 * it ({@code node}) has written and fsynced ({@code offset}), the client's {@code Upload-Metadata}
 * header as sent, and when it expires. {@code fileId} is set once the upload became a file.
 */
public record ResumableUpload(String id, String accountId, String appKey, String node, long length, long offset,
                              String metadata, long createdMs, long expiresMs, String fileId) {

  static final String COLUMNS =
    "upload_id, account_id, app_key, node, length, upload_offset, metadata, created_ms, expires_ms, file_id";

  static ResumableUpload of(Row row) {
    return new ResumableUpload(row.getString(0), row.getString(1), row.getString(2), row.getString(3),
      row.getLong(4), row.getLong(5), row.getString(6), row.getLong(7), row.getLong(8), row.getString(9));
  }

  public boolean complete() {
    return fileId != null;
  }

  public boolean expired(long nowMs) {
    return expiresMs <= nowMs;
  }

  /** Whether {@code owner} may see and change this upload. */
  public boolean ownedBy(UploadOwner owner) {
    return owner.accountId() != null ? owner.accountId().equals(accountId) : owner.appKey() != null
      && owner.appKey().equals(appKey) && accountId == null;
  }

  ResumableUpload withOffset(long newOffset, long newExpiresMs) {
    return new ResumableUpload(id, accountId, appKey, node, length, newOffset, metadata, createdMs, newExpiresMs, fileId);
  }

  ResumableUpload withFile(String newFileId) {
    return new ResumableUpload(id, accountId, appKey, node, length, offset, metadata, createdMs, expiresMs, newFileId);
  }
}
