import io.mmfile.files.EvictedRecords;
import io.mmfile.files.FileId;
import io.mmfile.files.FileRecord;
import io.mmfile.files.FileRecordCache;
import io.mmfile.files.FileRecordRepository;
import io.mmfile.files.StoreKind;
import io.mmfile.platform.ConfigLoader;
import io.mmfile.platform.Database;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CPU per file record of the SQL side alone, without HTTP, parsing or bytes: CONCURRENCY chains each
 * insert a new record (distinct SHA-256, as a camera's uploads), and start the next when it returns, the
 * way the storage verticles call {@link FileRecordRepository#insert} under load. The process's CPU time
 * (user + system, every thread: the pool's workers, H2's writes) over the measured SECONDS is divided by
 * the records. The database is the node's own (embedded H2 under DIR, with {@link Database}'s settings,
 * or {@code MMFILE_DATABASE_URL}).
 *
 * <p>MODE: {@code dedup} (each record takes a blob reference, the durable store's default), {@code plain}
 * ({@code storage.dedup: false}, or the cache store), {@code evict} (plain, and every insert past the
 * first 2,000 evicts the oldest record as a full cache store does, through {@link EvictedRecords}).
 *
 * <p>PREFILL (optional, default 0): before anything is measured, records of the same MODE are inserted, 500
 * a statement, until the database holds that many files (a DIR that has them already is used as it is):
 * what a record costs on H2 depends on how many are there and on how the file got there
 * (docs/benchmarks/profile.md, "H2's cost per file record and how long the node has been writing").
 *
 * <p>Usage (from the repository, after {@code mvn package}):
 * {@code java -cp target/mmfile.jar bench/tools/RecordCost.java DIR dedup|plain|evict SECONDS CONCURRENCY [PREFILL]}
 */
public final class RecordCost {
  private static final SecureRandom RANDOM = new SecureRandom();

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String mode = args[1];
    int seconds = Integer.parseInt(args[2]);
    int concurrency = Integer.parseInt(args[3]);
    long prefill = args.length > 4 ? Long.parseLong(args[4]) : 0;
    Files.createDirectories(dir);
    Vertx vertx = Vertx.vertx();
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.put("MMFILE_DATA_DIR", dir.toString());
    MmfileConfig config = await(new ConfigLoader(vertx, env).load(ConfigLoader.DEFAULT_FILE, new JsonObject()));
    Database database = new Database(config);
    database.migrate();
    Pool pool = database.openPool(vertx);
    FileRecordRepository records = new FileRecordRepository(pool, config.embeddedDatabase(), "bench", mode.equals("dedup"));
    EvictedRecords evictions = new EvictedRecords(records, new FileRecordCache(records, 1000, java.time.Duration.ofMinutes(1)), 500);
    prefill(records, mode, prefill);
    ArrayDeque<String> live = new ArrayDeque<>();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = 0; round < 2; round++) { // the first round warms the JIT up
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      AtomicLong done = new AtomicLong();
      long[] stats0 = records.insertStats();
      long cpu0 = os.getProcessCpuTime();
      long java0 = javaThreadsCpu();
      long t0 = System.nanoTime();
      Promise<Void> finished = Promise.promise();
      AtomicLong running = new AtomicLong(concurrency);
      for (int c = 0; c < concurrency; c++) {
        vertx.runOnContext(v -> chain(vertx, records, evictions, live, mode.equals("evict"), end, done, running, finished));
      }
      await(finished.future());
      double elapsed = (System.nanoTime() - t0) / 1e9;
      long cpu = os.getProcessCpuTime() - cpu0;
      long javaCpu = javaThreadsCpu() - java0;
      long[] stats = records.insertStats();
      if (round == 1) {
        System.out.printf("%s concurrency=%d: %d records, %.0f records/s, %.0f us CPU per record (%.0f in Java threads,"
            + " the JIT and GC left out), %.1f rows per statement, load %s%n", mode, concurrency, done.get(),
          done.get() / elapsed, cpu / 1000.0 / done.get(), javaCpu / 1000.0 / done.get(),
          (stats[1] - stats0[1]) / (double) Math.max(1, stats[0] - stats0[0]),
          Files.readString(Path.of("/proc/loadavg")).trim());
        Path file = dir.resolve("db").resolve("mmfile.mv.db");
        if (Files.exists(file)) { // how much H2's file grew: it keeps old chunks for a while (profile.md)
          System.out.printf("database file %d MB, %d files%n", Files.size(file) >> 20, await(records.count()));
        }
      }
    }
    await(pool.close());
    database.close();
    await(vertx.close());
  }

  private static void chain(Vertx vertx, FileRecordRepository records, EvictedRecords evictions, ArrayDeque<String> live,
                            boolean evict, long end, AtomicLong done, AtomicLong running, Promise<Void> finished) {
    if (System.nanoTime() >= end) {
      if (running.decrementAndGet() == 0) {
        finished.complete();
      }
      return;
    }
    FileRecord record = newRecord(records, evict);
    records.insert(record).onComplete(ar -> {
      if (ar.failed()) {
        ar.cause().printStackTrace();
      }
      done.incrementAndGet();
      if (evict) {
        live.add(record.fileId());
        if (live.size() > 2000) {
          evictions.evicted(live.poll());
        }
      }
      chain(vertx, records, evictions, live, evict, end, done, running, finished);
    });
  }

  /** A record of new bytes, as an upload makes it: a cache-store record when {@code evict}. */
  private static FileRecord newRecord(FileRecordRepository records, boolean evict) {
    byte[] hash = new byte[32];
    RANDOM.nextBytes(hash);
    long now = System.currentTimeMillis();
    FileRecord r = new FileRecord(FileId.next(), "benchkey01", evict ? StoreKind.CACHE : StoreKind.DURABLE, 102400,
      HexFormat.of().formatHex(hash), "image/jpeg", "jpg", 640, 480, now, null, null, null, null);
    return !evict && records.deduplicates() ? r.withBlob(null, "volume@bench") : r;
  }

  /** Inserts records, 500 a statement and four statements queued at a time, until {@code total} are there. */
  private static void prefill(FileRecordRepository records, String mode, long total) throws Exception {
    long have = await(records.count());
    long t0 = System.nanoTime();
    while (have < total) {
      java.util.List<Future<java.util.List<FileRecord>>> batches = new java.util.ArrayList<>();
      for (int b = 0; b < 4 && have < total; b++) {
        java.util.List<FileRecord> batch = new java.util.ArrayList<>();
        for (int i = 0; i < 500 && have < total; i++, have++) {
          batch.add(newRecord(records, mode.equals("evict")));
        }
        batches.add(records.insertAll(batch));
      }
      await(Future.all(batches));
    }
    if (total > 0) {
      System.out.printf("prefilled to %d records in %.0f s%n", await(records.count()), (System.nanoTime() - t0) / 1e9);
    }
  }

  /** CPU time of the live Java threads (the JIT's and GC's threads are not among them). */
  private static long javaThreadsCpu() {
    var threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long id : threads.getAllThreadIds()) {
      sum += Math.max(0, threads.getThreadCpuTime(id));
    }
    return sum;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get();
  }
}
