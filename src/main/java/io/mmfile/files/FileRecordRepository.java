package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * File records in SQL. Inserts are batched: the records of uploads that finish while a statement is
 * at the database go in together with the next multi-row {@code INSERT}, at most
 * {@link #MAX_IN_FLIGHT} statements at a time, one on the embedded H2 (docs/architecture.md, "File
 * records"). Each caller's
 * future completes, on the caller's context, once the statement that carried its records returned:
 * committed, so an acknowledged upload's record survives a crash.
 *
 * <p>Deduplication (docs/architecture.md, "Deduplication") happens here too: a record whose bytes may be
 * shared ({@link FileRecord#blobClass()} set) takes a reference to the {@code blobs} row of equal bytes
 * and class in the same transaction that inserts it, or registers its own bytes as that row. A record
 * that found a blob already there names it, and its own fresh bytes are garbage: listed in
 * {@code blob_garbage} in the same transaction and removed from the store right after it. Deleting a
 * file that names a blob ({@link #release}) drops its reference, and the bytes go only with the last.
 */
public final class FileRecordRepository {
  private static final Logger LOG = LoggerFactory.getLogger(FileRecordRepository.class);
  /** Tries of a transaction that lost a race for a blob row (a deadlock, a duplicate key) before it fails. */
  private static final int BLOB_TRIES = 5;
  /**
   * Statements at MySQL/MariaDB at once; what arrives meanwhile waits for the next one. The embedded H2
   * gets one at a time: each of its commits serialises every B-tree page the transaction dirtied, a cost
   * that hardly grows with the rows, so one commit of all that waited beats two of half as many
   * (docs/benchmarks/profile.md, "File records on H2").
   */
  static final int MAX_IN_FLIGHT = 2;
  /** Rows in one statement: 15 placeholders each, well under MySQL's 65,535 per statement. */
  static final int MAX_ROWS = 500;
  private static final String COLUMNS =
    "file_id, app_key, store, size, sha256, content_type, extension, width, height, created_ms, expires_ms, "
      + "account_id, name, preview_id, blob_key";
  private static final String PLACEHOLDERS = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final Pool pool;
  /** The embedded H2 through vertx-jdbc-client: see {@link #inTransaction}. */
  private final boolean jdbc;
  /** {@link #MAX_IN_FLIGHT}, or 1 on the embedded H2. */
  private final int maxInFlight;
  private final String blobScope;
  private final boolean dedup;
  private volatile Function<String, Future<Void>> dropBytes = key -> Future.succeededFuture();
  private final Object blobLock = new Object();
  /** The last blob transaction on the embedded database: see {@link #oneAtATime}. */
  private Future<Void> blobTail = Future.succeededFuture();

  private final Object lock = new Object();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;
  private long statements;
  private long batchedRows;

  /**
   * Records in {@code pool}; {@code blobScope} names the durable store this node writes to (its bytes may
   * be shared only with blobs of the same scope, and only this scope's garbage is this node's to remove);
   * {@code jdbc} says the pool is the embedded database's; {@code dedup} whether new uploads share bytes
   * with equal ones (false: each keeps its own, and its record goes in without a blob transaction).
   */
  public FileRecordRepository(Pool pool, boolean jdbc, String blobScope, boolean dedup) {
    this.pool = pool;
    this.jdbc = jdbc;
    this.maxInFlight = jdbc ? 1 : MAX_IN_FLIGHT;
    this.blobScope = blobScope;
    this.dedup = dedup;
  }

  /** Whether new uploads share bytes with equal ones ({@code storage.dedup}); files that do already keep doing so. */
  public boolean deduplicates() {
    return dedup;
  }

  /** The durable store's scope: see the constructor. */
  public String blobScope() {
    return blobScope;
  }

  /** How garbage bytes of the durable store are removed (its {@link BlobStore#delete(String)}). */
  public void dropBytesWith(Function<String, Future<Void>> delete) {
    this.dropBytes = delete;
  }

  /** Records waiting for a statement, with who waits for them. */
  private record Pending(List<FileRecord> records, Promise<List<FileRecord>> done, Context context) {
    void complete(AsyncResult<List<FileRecord>> result) {
      if (context == null) {
        done.handle(result);
      } else {
        context.runOnContext(v -> done.handle(result));
      }
    }
  }

  private static final String INSERT = "INSERT INTO files (" + COLUMNS + ") VALUES " + PLACEHOLDERS;

  /** Inserts one record; answers it as stored (with the blob it names). */
  public Future<FileRecord> insert(FileRecord r) {
    return insertAll(List.of(r)).map(stored -> stored.get(0));
  }

  /**
   * Inserts the records of one request: all of them or none. They may share a statement with the
   * records of other requests; if that statement fails, each request's records are tried again on
   * their own, so one request's bad record fails only that request. Answers the records as stored, in
   * the same order: a record whose bytes were found in the store already names that blob.
   */
  public Future<List<FileRecord>> insertAll(List<FileRecord> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Promise<List<FileRecord>> done = Promise.promise();
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
      if (inFlight >= maxInFlight || queue.isEmpty()) {
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
      if (ar.succeeded()) {
        int from = 0;
        for (Pending p : batch) {
          int to = from + p.records().size();
          p.complete(Future.succeededFuture(ar.result().subList(from, to)));
          from = to;
        }
      } else if (batch.size() == 1) {
        batch.get(0).complete(ar);
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

  /**
   * One statement for records whose bytes are their own; records whose bytes may be shared go in one
   * transaction with their blob references, tried again if it lost a race for a blob row.
   */
  private Future<List<FileRecord>> execute(List<FileRecord> records) {
    if (records.stream().noneMatch(r -> r.blobClass() != null && !r.sharesBlob())) {
      return insertRows(pool, records).map(records).recover(Failure::sql);
    }
    return withBlobs(records);
  }

  /**
   * The upload is answered once its record is in; a duplicate's own copy is removed behind it (its
   * garbage row, committed with the record, makes sure it goes even if this node does not get to it).
   * Waiting for that removal would put a delete, and on the volume store with {@code fsync=group} the
   * fsync of its tombstone, in front of the answer of every duplicate.
   */
  private Future<List<FileRecord>> withBlobs(List<FileRecord> records) {
    return referenceAndInsert(records, 1)
      .onSuccess(stored -> dropGarbage(duplicateBytes(stored)));
  }

  private Future<List<FileRecord>> referenceAndInsert(List<FileRecord> records, int attempt) {
    long now = System.currentTimeMillis();
    return inTransaction(conn -> referenceBlobs(conn, records, now)
        .compose(stored -> insertRows(conn, stored)
          .compose(v -> markGarbage(conn, duplicateBytes(stored), now))
          .map(stored)))
      .recover(t -> {
        if (attempt < BLOB_TRIES) {
          LOG.debug("blob references lost a race (try {}): {}", attempt, t.getMessage());
          return referenceAndInsert(records, attempt + 1);
        }
        return Failure.sql(t);
      });
  }

  /**
   * Runs {@code work} in a transaction on a connection of its own. On MySQL/MariaDB that is
   * {@link Pool#withTransaction}. On the embedded H2 it is plain SQL on the connection ({@code SET
   * AUTOCOMMIT FALSE} … {@code COMMIT} or {@code ROLLBACK}, then autocommit back on): vertx-jdbc-client
   * 5.0's own transactions leave the pooled connection with autocommit off, so that a later plain INSERT
   * on it never commits (vert-x3/vertx-jdbc-client#356).
   */
  private <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    if (!jdbc) {
      return pool.withTransaction(work);
    }
    return oneAtATime(() -> pool.withConnection(conn -> conn.query("SET AUTOCOMMIT FALSE").execute()
      .compose(begun -> work.apply(conn))
      .compose(result -> conn.query("COMMIT").execute().map(result),
        failure -> conn.query("ROLLBACK").execute().transform(ignored -> Future.<T>failedFuture(failure)))
      .transform(done -> conn.query("SET AUTOCOMMIT TRUE").execute()
        .transform(ignored -> Future.<T>future(p -> p.handle(done))))));
  }

  /**
   * Runs the blob transactions of the embedded database one after the other. Run concurrently on H2,
   * the race tests (DedupContract) saw an upsert racing the delete of the same row neither insert nor
   * update, and a blob's bytes listed as garbage twice, which means two transactions each took a row
   * they should not have; InnoDB's row and gap locks make the same statements wait instead. One process
   * owns an H2 database, so ordering its blob transactions here is enough.
   */
  private <T> Future<T> oneAtATime(java.util.function.Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    synchronized (blobLock) {
      blobTail = blobTail.transform(ignored -> {
        Future<T> run;
        try {
          run = work.get();
        } catch (RuntimeException e) {
          run = Future.failedFuture(e);
        }
        run.onComplete(done);
        return run.<Void>mapEmpty().otherwiseEmpty();
      });
    }
    return done.future();
  }

  /** The keys of fresh bytes that turned out to be a copy of a blob already there. */
  private static List<String> duplicateBytes(List<FileRecord> stored) {
    return stored.stream().filter(r -> r.sharesBlob() && !r.blobKey().equals(r.fileId())).map(FileRecord::fileId).toList();
  }

  /**
   * For each record that may share its bytes: one more reference to the blob of equal bytes and class,
   * or a new blob of its own bytes (refs 1). One upsert for all of them, in a fixed order so that two
   * transactions lock the rows alike; answers the records naming their blobs.
   */
  private static Future<List<FileRecord>> referenceBlobs(SqlConnection conn, List<FileRecord> records, long now) {
    List<FileRecord> sharing = records.stream().filter(r -> r.blobClass() != null && !r.sharesBlob())
      .sorted(Comparator.comparing(FileRecord::sha256).thenComparingLong(FileRecord::size)
        .thenComparing(FileRecord::blobClass))
      .toList();
    StringBuilder upsert = new StringBuilder("INSERT INTO blobs (blob_key, blob_class, sha256, size, refs, created_ms) VALUES ");
    List<Object> values = new ArrayList<>();
    StringBuilder hashes = new StringBuilder();
    List<Object> hashValues = new ArrayList<>();
    for (int i = 0; i < sharing.size(); i++) {
      FileRecord r = sharing.get(i);
      upsert.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, 1, ?)");
      values.addAll(List.of(r.fileId(), r.blobClass(), r.sha256(), r.size(), now));
      hashes.append(i == 0 ? "?" : ", ?");
      hashValues.add(r.sha256());
    }
    // refs > 0 on every row there is: the delete that brings a row to 0 removes it in its transaction.
    upsert.append(" ON DUPLICATE KEY UPDATE refs = refs + 1");
    // FOR UPDATE: a locking read, so the rows as they are now (the ones the upsert just inserted or
    // counted, and locks), not as a snapshot of the transaction would show them. If two rows of the same
    // content still show (seen on H2 before its blob transactions ran one at a time), the record takes
    // its own row or the transaction is tried again.
    return conn.preparedQuery(upsert.toString()).execute(Tuple.from(values))
      .compose(v -> conn.preparedQuery("SELECT blob_key, blob_class, sha256, size FROM blobs WHERE sha256 IN (" + hashes
          + ") FOR UPDATE").execute(Tuple.from(hashValues)))
      .map(rows -> {
        Map<String, List<String>> keys = new HashMap<>();
        rows.forEach(row -> keys.computeIfAbsent(contentKey(row.getString(2), row.getLong(3), row.getString(1)),
          k -> new ArrayList<>()).add(row.getString(0)));
        List<FileRecord> stored = new ArrayList<>(records.size());
        for (FileRecord r : records) {
          if (r.blobClass() == null || r.sharesBlob()) {
            stored.add(r);
            continue;
          }
          List<String> found = keys.getOrDefault(contentKey(r.sha256(), r.size(), r.blobClass()), List.of());
          // our own row, when the upsert inserted it; else the one row it added a reference to
          String key = found.contains(r.fileId()) ? r.fileId() : found.size() == 1 ? found.get(0) : null;
          if (key == null) {
            throw new IllegalStateException("the blob of " + r.fileId() + " is not known after its upsert (" + found.size()
              + " rows)");
          }
          stored.add(r.withBlob(key, r.blobClass()));
        }
        return stored;
      });
  }

  private static String contentKey(String sha256, long size, String blobClass) {
    return sha256 + "/" + size + "/" + blobClass;
  }

  private static Future<Void> insertRows(SqlClient client, List<FileRecord> records) {
    if (records.size() == 1) {
      return client.preparedQuery(INSERT).execute(row(records.get(0))).mapEmpty();
    }
    StringBuilder sql = new StringBuilder("INSERT INTO files (" + COLUMNS + ") VALUES ");
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(PLACEHOLDERS);
      Tuple row = row(records.get(i));
      for (int j = 0; j < row.size(); j++) {
        values.add(row.getValue(j));
      }
    }
    return client.preparedQuery(sql.toString()).execute(Tuple.from(values)).mapEmpty();
  }

  private Future<Void> markGarbage(SqlConnection conn, List<String> keys, long now) {
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    StringBuilder sql = new StringBuilder("INSERT INTO blob_garbage (blob_key, scope, created_ms) VALUES ");
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ?)");
      values.addAll(List.of(keys.get(i), blobScope, now));
    }
    return conn.preparedQuery(sql.toString()).execute(Tuple.from(values)).mapEmpty();
  }

  /**
   * Removes garbage bytes from the store, then their {@code blob_garbage} rows. A failure leaves the row
   * for the next {@link #sweepGarbage}; the caller is not failed for it (the bytes are nobody's).
   */
  private Future<Void> dropGarbage(List<String> keys) {
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<String>> dropped = new ArrayList<>();
    for (String key : keys) {
      dropped.add(dropBytes.apply(key).map(key));
    }
    // one statement for the rows of every removed key (a batch's duplicates come together)
    return Future.join(dropped).transform(ignored -> {
      List<String> removed = dropped.stream().filter(Future::succeeded).map(Future::result).toList();
      dropped.stream().filter(Future::failed).findFirst().ifPresent(f -> LOG.warn(
        "could not remove {} unreferenced blobs yet (the garbage sweep tries again): {}",
        dropped.stream().filter(Future::failed).count(), f.cause().getMessage()));
      if (removed.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      String marks = String.join(", ", java.util.Collections.nCopies(removed.size(), "?"));
      return pool.preparedQuery("DELETE FROM blob_garbage WHERE blob_key IN (" + marks + ")")
        .execute(Tuple.from(new ArrayList<Object>(removed)))
        .<Void>mapEmpty()
        .recover(t -> {
          LOG.warn("could not clear {} garbage rows (the garbage sweep does): {}", removed.size(), t.getMessage());
          return Future.succeededFuture();
        });
    });
  }

  /**
   * Removes up to {@code limit} bytes listed as garbage of this node's store that a crash (or a store
   * that did not answer) left behind; answers how many. Run at start and with the expiry sweep.
   */
  public Future<Integer> sweepGarbage(int limit) {
    return pool.preparedQuery("SELECT blob_key FROM blob_garbage WHERE scope = ? LIMIT ?")
      .execute(Tuple.of(blobScope, limit))
      .recover(Failure::sql)
      .compose(rows -> {
        List<String> keys = new ArrayList<>();
        rows.forEach(row -> keys.add(row.getString(0)));
        return dropGarbage(keys).map(keys.size());
      });
  }

  /**
   * Deletes the record of a file that names a blob and drops its reference, in one transaction; the
   * last reference takes the blob's row and lists its bytes as garbage, which are then removed from the
   * store. Answers whether this call deleted the record (false: it was already gone).
   *
   * <p>Against an upload of the same bytes committing meanwhile, the blob row is the arbiter: the
   * upload's upsert either incremented it first (so this delete leaves the bytes) or finds it gone once
   * this transaction committed and registers its own bytes, which it has already written.
   */
  public Future<Boolean> release(FileRecord record) {
    String key = record.bytesKey();
    long now = System.currentTimeMillis();
    return inTransaction(conn -> conn.preparedQuery("DELETE FROM files WHERE file_id = ?").execute(Tuple.of(record.fileId()))
        .compose(deleted -> {
          if (deleted.rowCount() == 0) {
            return Future.succeededFuture(new boolean[] {false, false});
          }
          return conn.preparedQuery("UPDATE blobs SET refs = refs - 1 WHERE blob_key = ?").execute(Tuple.of(key))
            .compose(updated -> updated.rowCount() == 0
              // no row (it should have one): the bytes go only if no record names them
              // two counts, each through an index (files_blob_key, the primary key); one OR would scan files
              ? conn.preparedQuery("SELECT (SELECT COUNT(*) FROM files WHERE blob_key = ?) + (SELECT COUNT(*) FROM files"
                  + " WHERE file_id = ?)").execute(Tuple.of(key, key))
                .map(rows -> rows.iterator().next().getLong(0) == 0)
              : conn.preparedQuery("DELETE FROM blobs WHERE blob_key = ? AND refs <= 0").execute(Tuple.of(key))
                .map(gone -> gone.rowCount() > 0))
            .compose(last -> last
              ? markGarbage(conn, List.of(key), now).map(new boolean[] {true, true})
              : Future.succeededFuture(new boolean[] {true, false}));
        }))
      .recover(Failure::sql)
      .compose(done -> (done[1] ? dropGarbage(List.of(key)) : Future.<Void>succeededFuture()).map(done[0]));
  }

  /** The references a blob has now (0 when it has no row); for tests and operations. */
  public Future<Integer> references(String blobKey) {
    return pool.preparedQuery("SELECT refs FROM blobs WHERE blob_key = ?").execute(Tuple.of(blobKey))
      .map(rows -> rows.size() == 0 ? 0 : rows.iterator().next().getInteger(0))
      .recover(Failure::sql);
  }

  /** Blob rows and the garbage not yet removed: {@code [blobs, sum of refs, garbage]}; for tests and operations. */
  public Future<long[]> blobTotals() {
    return pool.query("SELECT (SELECT COUNT(*) FROM blobs), (SELECT COALESCE(SUM(refs), 0) FROM blobs),"
        + " (SELECT COUNT(*) FROM blob_garbage)").execute()
      .map(rows -> {
        Row row = rows.iterator().next();
        return new long[] {row.getLong(0), row.getLong(1), row.getLong(2)};
      })
      .recover(Failure::sql);
  }

  /**
   * The newest durable file of the caller's ({@code accountId} when not null, else {@code appKey}) with
   * these bytes whose blob has class {@code blobClass}: a file whose bytes a new file of that class may
   * name ({@link #reference}). Only the caller's own files are looked at, so nobody learns whether
   * somebody else stored given bytes.
   */
  public Future<Optional<FileRecord>> ownedWithHash(String sha256, String appKey, String accountId, String blobClass,
                                                    long nowMs) {
    // an app key owns the files it uploaded that belong to no account (api/v1 FilesResource.owns)
    String owner = accountId != null ? "f.account_id = ?" : "f.app_key = ? AND f.account_id IS NULL";
    String columns = "f." + COLUMNS.replace(", ", ", f.");
    // through the blob (blobs_content, then files_blob_key): files has no index on sha256 (V10)
    return pool.preparedQuery("SELECT " + columns + " FROM blobs b JOIN files f ON f.blob_key = b.blob_key"
        + " WHERE b.sha256 = ? AND b.blob_class = ? AND " + owner + " AND f.store = ?"
        + " AND (f.expires_ms IS NULL OR f.expires_ms > ?) ORDER BY f.created_ms DESC LIMIT 1")
      .execute(Tuple.of(sha256, blobClass, accountId != null ? accountId : appKey, StoreKind.DURABLE.column(), nowMs))
      .map(rows -> rows.size() == 0 ? Optional.<FileRecord>empty() : Optional.of(toRecord(rows.iterator().next())))
      .recover(Failure::sql);
  }

  /**
   * Inserts {@code record}, which names the blob {@code record.blobKey()} of another file, taking a
   * reference to it in the same transaction. Answers false (and inserts nothing) when the blob is gone:
   * its last file was deleted meanwhile, and the caller uploads the bytes instead.
   */
  public Future<Boolean> reference(FileRecord record) {
    if (!record.sharesBlob()) {
      return Future.failedFuture(new IllegalArgumentException("a record that names a blob is required"));
    }
    return inTransaction(conn -> conn.preparedQuery("UPDATE blobs SET refs = refs + 1 WHERE blob_key = ?")
        .execute(Tuple.of(record.blobKey()))
        .compose(updated -> updated.rowCount() == 0
          ? Future.succeededFuture(false)
          : insertRows(conn, List.of(record)).map(true)))
      .recover(Failure::sql);
  }

  private static Tuple row(FileRecord r) {
    return Tuple.from(new Object[] {r.fileId(), r.appKey(), r.store().column(), r.size(), r.sha256(),
      r.contentType(), r.extension(), r.width(), r.height(), r.createdMs(), r.expiresMs(), r.accountId(),
      r.name(), r.previewId(), r.blobKey()});
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

  /** Deletes the records of {@code fileIds} (at most {@link #MAX_ROWS}) in one statement; records without bytes only. */
  public Future<Void> deleteAll(List<String> fileIds) {
    if (fileIds.size() == 1) {
      return delete(fileIds.get(0));
    }
    String marks = String.join(", ", java.util.Collections.nCopies(fileIds.size(), "?"));
    return pool.preparedQuery("DELETE FROM files WHERE file_id IN (" + marks + ")")
      .execute(Tuple.from(new ArrayList<Object>(fileIds)))
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

  /** Who a page of files belongs to: an account, or an app key's own files (not an account's). */
  public record Owner(String accountId, String appKey) {
    public static Owner account(String accountId) {
      return new Owner(accountId, null);
    }

    public static Owner appKey(String appKey) {
      return new Owner(null, appKey);
    }
  }

  /** Where a page starts: after the file {@code fileId} created at {@code createdMs} (newest first). */
  public record PagePosition(long createdMs, String fileId) {
    /** Before every file. */
    public static final PagePosition START = new PagePosition(Long.MAX_VALUE, "~");
  }

  /**
   * Up to {@code limit} live files of {@code owner} after {@code after}, newest first (ties by id): a
   * keyset page, so files added meanwhile never shift one. Indexed by (account_id, created_ms) and
   * (app_key, created_ms).
   */
  public Future<List<FileRecord>> page(Owner owner, PagePosition after, long nowMs, int limit) {
    String who = owner.accountId() != null ? "account_id = ?" : "app_key = ? AND account_id IS NULL";
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM files WHERE " + who
        + " AND (expires_ms IS NULL OR expires_ms > ?) AND (created_ms < ? OR (created_ms = ? AND file_id < ?))"
        + " ORDER BY created_ms DESC, file_id DESC LIMIT ?")
      .execute(Tuple.of(owner.accountId() != null ? owner.accountId() : owner.appKey(), nowMs, after.createdMs(),
        after.createdMs(), after.fileId(), limit))
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
      row.getInteger(8), row.getLong(9), row.getLong(10), row.getString(11), row.getString(12), row.getString(13),
      row.getString(14), null);
  }
}
