package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * File records in SQL. Inserts are batched: the records of uploads that finish while a statement is
 * at the database go in together with the next multi-row {@code INSERT}, at most
 * {@link #MAX_IN_FLIGHT} statements at a time (docs/architecture.md, "File records"). Each caller's
 * future completes, on the caller's context, once the statement that carried its records returned:
 * committed, so an acknowledged upload's record survives a crash.
 */
public final class FileRecordRepository {
  /** Statements at the database at once; what arrives meanwhile waits for the next one. */
  static final int MAX_IN_FLIGHT = 2;
  /** Rows in one statement: 14 placeholders each, well under MySQL's 65,535 per statement. */
  static final int MAX_ROWS = 500;
  private static final String COLUMNS =
    "file_id, app_key, store, size, sha256, content_type, extension, width, height, created_ms, expires_ms, "
      + "account_id, name, preview_id";

  private final Pool pool;

  private final Object lock = new Object();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;
  private long statements;
  private long batchedRows;

  public FileRecordRepository(Pool pool) {
    this.pool = pool;
  }

  /** Records waiting for a statement, with who waits for them. */
  private record Pending(List<FileRecord> records, Promise<Void> done, Context context) {
    void complete(AsyncResult<Void> result) {
      if (context == null) {
        done.handle(result);
      } else {
        context.runOnContext(v -> done.handle(result));
      }
    }
  }

  private static final String INSERT = "INSERT INTO files (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  public Future<Void> insert(FileRecord r) {
    return insertAll(List.of(r));
  }

  /**
   * Inserts the records of one request: all of them or none. They may share a statement with the
   * records of other requests; if that statement fails, each request's records are tried again on
   * their own, so one request's bad record fails only that request.
   */
  public Future<Void> insertAll(List<FileRecord> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    synchronized (lock) {
      queue.add(new Pending(records, done, Vertx.currentContext()));
    }
    drain();
    return done.future();
  }

  /** Statements and rows inserted so far (rows / statements is the batching achieved). */
  public long[] insertStats() {
    synchronized (lock) {
      return new long[] {statements, batchedRows};
    }
  }

  private void drain() {
    List<Pending> batch = new ArrayList<>();
    synchronized (lock) {
      if (inFlight >= MAX_IN_FLIGHT || queue.isEmpty()) {
        return;
      }
      int rows = 0;
      while (!queue.isEmpty() && (batch.isEmpty() || rows + queue.peek().records().size() <= MAX_ROWS)) {
        Pending next = queue.poll();
        rows += next.records().size();
        batch.add(next);
      }
      inFlight++;
      statements++;
      batchedRows += rows;
    }
    List<FileRecord> rows = new ArrayList<>();
    batch.forEach(p -> rows.addAll(p.records()));
    execute(rows).onComplete(ar -> {
      if (ar.succeeded() || batch.size() == 1) {
        batch.forEach(p -> p.complete(ar));
      } else {
        // which request's records broke it is unknown: each request on its own
        batch.forEach(p -> execute(p.records()).onComplete(p::complete));
      }
      synchronized (lock) {
        inFlight--;
      }
      drain();
    });
  }

  private Future<Void> execute(List<FileRecord> records) {
    if (records.size() == 1) {
      return pool.preparedQuery(INSERT)
        .execute(row(records.get(0)))
        .<Void>mapEmpty()
        .recover(Failure::sql);
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
