package io.mmfile.uploads;

import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code uploads} table (migration V9): one row per tus upload, keyed by its id. */
public final class ResumableUploadRepository {
  private final Pool pool;

  public ResumableUploadRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> insert(ResumableUpload u) {
    return pool.preparedQuery("INSERT INTO uploads (" + ResumableUpload.COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .execute(Tuple.from(new Object[] {u.id(), u.accountId(), u.appKey(), u.node(), u.length(), u.offset(),
        u.metadata(), u.createdMs(), u.expiresMs(), u.fileId()}))
      .<Void>mapEmpty()
      .recover(Failure::sql);
  }

  public Future<Optional<ResumableUpload>> find(String id) {
    return pool.preparedQuery("SELECT " + ResumableUpload.COLUMNS + " FROM uploads WHERE upload_id = ?")
      .execute(Tuple.of(id))
      .map(rows -> rows.size() == 0 ? Optional.<ResumableUpload>empty()
        : Optional.of(ResumableUpload.of(rows.iterator().next())))
      .recover(Failure::sql);
  }

  /**
   * Moves the acknowledged offset from {@code from} to {@code to} (and the expiry with it); false when
   * the row is gone or its offset is no longer {@code from}.
   */
  public Future<Boolean> advance(String id, long from, long to, long expiresMs) {
    return pool.preparedQuery("UPDATE uploads SET upload_offset = ?, expires_ms = ? WHERE upload_id = ? AND upload_offset = ?"
        + " AND file_id IS NULL")
      .execute(Tuple.of(to, expiresMs, id, from))
      .map(rows -> rows.rowCount() == 1)
      .recover(Failure::sql);
  }

  /** Notes the file the upload became; false when the row is gone. */
  public Future<Boolean> complete(String id, String fileId, long expiresMs) {
    return pool.preparedQuery("UPDATE uploads SET file_id = ?, expires_ms = ? WHERE upload_id = ? AND file_id IS NULL")
      .execute(Tuple.of(fileId, expiresMs, id))
      .map(rows -> rows.rowCount() == 1)
      .recover(Failure::sql);
  }

  public Future<Void> delete(String id) {
    return pool.preparedQuery("DELETE FROM uploads WHERE upload_id = ?")
      .execute(Tuple.of(id))
      .<Void>mapEmpty()
      .recover(Failure::sql);
  }

  /** Up to {@code limit} uploads held by {@code node} that expired at or before {@code nowMs}. */
  public Future<List<ResumableUpload>> expired(String node, long nowMs, int limit) {
    return pool.preparedQuery("SELECT " + ResumableUpload.COLUMNS
        + " FROM uploads WHERE node = ? AND expires_ms <= ? ORDER BY expires_ms LIMIT ?")
      .execute(Tuple.of(node, nowMs, limit))
      .map(rows -> {
        List<ResumableUpload> out = new ArrayList<>();
        rows.forEach(row -> out.add(ResumableUpload.of(row)));
        return out;
      })
      .recover(Failure::sql);
  }

  /** The ids of the uploads {@code node} holds, incomplete ones only (to find part files without a row). */
  public Future<List<String>> incompleteOn(String node) {
    return pool.preparedQuery("SELECT upload_id FROM uploads WHERE node = ? AND file_id IS NULL")
      .execute(Tuple.of(node))
      .map(rows -> {
        List<String> out = new ArrayList<>();
        rows.forEach(row -> out.add(row.getString(0)));
        return out;
      })
      .recover(Failure::sql);
  }

  public Future<Long> count() {
    return pool.query("SELECT COUNT(*) FROM uploads").execute()
      .map(rows -> rows.iterator().next().getLong(0))
      .recover(Failure::sql);
  }
}
