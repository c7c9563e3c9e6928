package io.mmfile;

import io.mmfile.files.FileId;
import io.mmfile.files.FileRecord;
import io.mmfile.files.FileRecordRepository;
import io.mmfile.files.StoreKind;
import io.mmfile.platform.Database;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mmfile db compact}: the embedded database's file shrinks to its data, every record kept (DbCompactIT: a running node's). */
class DbCompactTest {
  static final int RECORDS = 4_000;

  @TempDir
  Path dir;
  Vertx vertx;
  Path configFile;
  MmfileConfig config;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    configFile = dir.resolve("mmfile.yaml");
    Files.writeString(configFile, "data:\n  dir: " + dir.resolve("data") + "\n");
    config = Main.loadConfig(vertx, configFile.toString());
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Records inserted 20 to a commit, as concurrent uploads give them: each commit leaves chunks behind. */
  void writeRecords(Database database) throws Exception {
    Pool pool = database.openPool(vertx);
    FileRecordRepository records = new FileRecordRepository(pool, true, "test", false);
    for (int done = 0; done < RECORDS; done += 20) {
      List<Future<FileRecord>> batch = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        byte[] hash = new byte[32];
        ThreadLocalRandom.current().nextBytes(hash);
        batch.add(records.insert(new FileRecord(FileId.next(), "testkey001", StoreKind.DURABLE, 1000,
          HexFormat.of().formatHex(hash), "image/jpeg", "jpg", 1, 1, System.currentTimeMillis(), null, null, null, null)));
      }
      Future.all(batch).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  record Run(int exit, String out) {
  }

  Run compact() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out));
    int exit = cli.execute("-c", configFile.toString(), "db", "compact");
    return new Run(exit, out.toString());
  }

  Path h2File() {
    return dir.resolve("data").resolve("db").resolve("mmfile.mv.db");
  }

  @Test
  void shrinksTheFileToItsDataAndKeepsEveryRecord() throws Exception {
    Database database = new Database(config);
    database.migrate();
    writeRecords(database);
    database.close();
    long before = Files.size(h2File());

    Run run = compact();

    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.out()).contains(RECORDS + " files").contains(String.format("%,d bytes before", before));
    assertThat(Files.size(h2File())).as("the file after compaction, against %d bytes before", before).isLessThan(before / 2);
    Database reopened = new Database(config);
    reopened.migrate();
    Pool pool = reopened.openPool(vertx);
    long count = new FileRecordRepository(pool, true, "test", false).count()
      .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    reopened.close();
    assertThat(count).isEqualTo(RECORDS);
  }
}
