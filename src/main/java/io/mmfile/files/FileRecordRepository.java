package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** File records in SQL. */
public final class FileRecordRepository {
  private static final String COLUMNS =
    "file_id, app_key, store, size, sha256, content_type, extension, width, height, created_ms, expires_ms, "
      + "account_id, name, preview_id";

  private final Pool pool;

  public FileRecordRepository(Pool pool) {
    this.pool = pool;
  }

  private static final String INSERT = "INSERT INTO files (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  public Future<Void> insert(FileRecord r) {
    return pool.preparedQuery(INSERT)
      .execute(row(r))
      .<Void>mapEmpty()
      .recover(Failure::sql);
  }

  /** Inserts the records of one request in one statement: all of them or none. */
  public Future<Void> insertAll(List<FileRecord> records) {
    if (records.size() == 1) {
      return insert(records.get(0));
    }
    StringBuilder sql = new StringBuilder("INSERT INTO files (" + COLUMNS + ") VALUES ");
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      Tuple row = row(records.get(i));
      for (int j = 0; j < row.size(); j++) {
        values.add(row.getValue(j));
      }
    }
    return pool.preparedQuery(sql.toString())
      .execute(Tuple.from(values))
      .<Void>mapEmpty()
      .recover(Failure::sql);
  }

  private static Tuple row(FileRecord r) {
    return Tuple.from(new Object[] {r.fileId(), r.appKey(), r.store().column(), r.size(), r.sha256(),
      r.contentType(), r.extension(), r.width(), r.height(), r.createdMs(), r.expiresMs(), r.accountId(),
      r.name(), r.previewId()});
  }

  public Future<Optional<FileRecord>> find(String fileId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM files WHERE file_id = ?")
      .execute(Tuple.of(fileId))
      .map(rows -> rows.size() == 0 ? Optional.<FileRecord>empty() : Optional.of(toRecord(rows.iterator().next())))
      .recover(Failure::sql);
  }

  /** Up to {@code limit} records that expired at or before {@code nowMs}. */
  public Future<List<FileRecord>> expired(long nowMs, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM files WHERE expires_ms <= ? ORDER BY expires_ms LIMIT ?")
      .execute(Tuple.of(nowMs, limit))
      .map(rows -> {
        List<FileRecord> records = new ArrayList<>();
        rows.forEach(row -> records.add(toRecord(row)));
        return records;
      })
      .recover(Failure::sql);
  }

  public Future<Void> delete(String fileId) {
    return pool.preparedQuery("DELETE FROM files WHERE file_id = ?")
      .execute(Tuple.of(fileId))
      .<Void>mapEmpty()
      .recover(Failure::sql);
  }

  /** The files of an account, newest first. */
  public Future<List<FileRecord>> ofAccount(String accountId, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM files WHERE account_id = ? ORDER BY created_ms DESC LIMIT ?")
      .execute(Tuple.of(accountId, limit))
      .map(rows -> {
        List<FileRecord> records = new ArrayList<>();
        rows.forEach(row -> records.add(toRecord(row)));
        return records;
      })
      .recover(Failure::sql);
  }

  /** The newest files, of every app key or of {@code appKey} only; for the operator console. */
  public Future<java.util.List<FileRecord>> newest(String appKey, int limit) {
    Future<io.vertx.sqlclient.RowSet<Row>> rows = appKey == null
      ? pool.preparedQuery("SELECT " + COLUMNS + " FROM files ORDER BY created_ms DESC LIMIT ?").execute(Tuple.of(limit))
      : pool.preparedQuery("SELECT " + COLUMNS + " FROM files WHERE app_key = ? ORDER BY created_ms DESC LIMIT ?")
        .execute(Tuple.of(appKey, limit));
    return rows.map(set -> {
      java.util.List<FileRecord> out = new java.util.ArrayList<>();
      set.forEach(row -> out.add(toRecord(row)));
      return out;
    }).recover(Failure::sql);
  }

  /** Files and bytes per store: {@code {durable: [files, bytes], cache: [files, bytes]}} (stores with files only). */
  public Future<java.util.Map<StoreKind, long[]>> totalsByStore() {
    return pool.query("SELECT store, COUNT(*), COALESCE(SUM(size), 0) FROM files GROUP BY store").execute()
      .map(rows -> {
        java.util.Map<StoreKind, long[]> totals = new java.util.EnumMap<>(StoreKind.class);
        rows.forEach(row -> totals.put(StoreKind.fromColumn(row.getString(0)), new long[] {row.getLong(1), row.getLong(2)}));
        return totals;
      })
      .recover(Failure::sql);
  }

  public Future<Long> count() {
    return pool.query("SELECT COUNT(*) FROM files").execute()
      .map(rows -> rows.iterator().next().getLong(0))
      .recover(Failure::sql);
  }

  private static FileRecord toRecord(Row row) {
    return new FileRecord(row.getString(0), row.getString(1), StoreKind.fromColumn(row.getString(2)),
      row.getLong(3), row.getString(4), row.getString(5), row.getString(6), row.getInteger(7),
      row.getInteger(8), row.getLong(9), row.getLong(10), row.getString(11), row.getString(12), row.getString(13));
  }
}
