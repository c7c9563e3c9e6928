package io.mmfile.files;

import io.mmfile.platform.ConfigLoader;
import io.mmfile.platform.Database;
import io.mmfile.platform.MmfileConfig;
import io.mmfile.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database made before V10 (files indexed by sha256), upgraded by a node's start: the files of that
 * time are still found by their bytes (/api/v1/files/by-hash, now through the blob), and {@code files}
 * keeps no index that a new record adds to at a random place, on both backends. A blob whose row is
 * missing keeps its bytes until the last file that names them is deleted.
 */
class FileIndexesUpgradeIT {
  static final String APP_KEY = "testkey001";
  static final String BLOB_CLASS = "disk";

  @TempDir
  Path dir;
  Vertx vertx;
  String mariaDb;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    if (mariaDb != null) {
      TestServer.dropDatabase(mariaDb);
    }
    await(vertx.close());
  }

  @Test
  void embeddedDatabaseUpgradedFindsItsFilesByHash() throws Exception {
    // the URL Database gives the embedded H2 (a database of an earlier version had the empty password)
    String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("data/db/mmfile") + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
    upgradeAndCheck(url, "sa", "", new JsonObject());
  }

  @Test
  void mariaDbUpgradedFindsItsFilesByHash() throws Exception {
    mariaDb = "mmfile_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + TestServer.MYSQL_HOST + ":" + TestServer.MYSQL_PORT
      + "/", TestServer.MYSQL_USER, TestServer.MYSQL_PASSWORD); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE `" + mariaDb + "`");
    }
    String auth = TestServer.MYSQL_PASSWORD.isEmpty() ? TestServer.MYSQL_USER : TestServer.MYSQL_USER + ":" + TestServer.MYSQL_PASSWORD;
    upgradeAndCheck("jdbc:mariadb://" + TestServer.MYSQL_HOST + ":" + TestServer.MYSQL_PORT + "/" + mariaDb,
      TestServer.MYSQL_USER, TestServer.MYSQL_PASSWORD, new JsonObject()
        .put("database.url", "mysql://" + auth + "@" + TestServer.MYSQL_HOST + ":" + TestServer.MYSQL_PORT + "/" + mariaDb)
        .put("sms.allow-log-sender", true));
  }

  private void upgradeAndCheck(String url, String user, String password, JsonObject overrides) throws Exception {
    Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").target("9").load().migrate();
    assertThat(indexedFirstColumns(url, user, password)).contains("sha256");
    String sha256 = randomSha256();
    String shared = FileId.next();
    String copy = FileId.next();
    String stranger = FileId.next();
    long now = System.currentTimeMillis();
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      insertFile(c, shared, APP_KEY, sha256, shared, now - 3_000);
      insertFile(c, copy, APP_KEY, sha256, shared, now - 2_000);
      insertFile(c, stranger, "otherkey01", sha256, shared, now - 1_000);
      try (PreparedStatement s = c.prepareStatement("INSERT INTO blobs (blob_key, blob_class, sha256, size, refs, created_ms)"
        + " VALUES (?, ?, ?, 100, 3, ?)")) {
        s.setString(1, shared);
        s.setString(2, BLOB_CLASS);
        s.setString(3, sha256);
        s.setLong(4, now - 3_000);
        s.executeUpdate();
      }
    }

    MmfileConfig config = await(new ConfigLoader(vertx, Map.of())
      .load(ConfigLoader.DEFAULT_FILE, overrides.copy().put("data.dir", dir.resolve("data").toString())));
    Database database = new Database(config);
    await(vertx.executeBlocking(() -> {
      database.migrate();
      return null;
    }));
    try {
      Pool pool = database.openPool(vertx);
      FileRecordRepository records = new FileRecordRepository(pool, config.embeddedDatabase(), "test", true);
      Optional<FileRecord> found = await(records.ownedWithHash(sha256, APP_KEY, null, BLOB_CLASS, now));
      // the caller's newest file with those bytes; the other app key's newer one is not the caller's
      assertThat(found).map(FileRecord::fileId).contains(copy);
      assertThat(await(records.ownedWithHash(sha256, APP_KEY, null, "s3", now))).isEmpty();
      assertThat(await(records.ownedWithHash(randomSha256(), APP_KEY, null, BLOB_CLASS, now))).isEmpty();

      // a blob whose row is missing: its bytes stay while a file names them, and go with the last one
      List<String> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();
      records.dropBytesWith(key -> {
        dropped.add(key);
        return io.vertx.core.Future.succeededFuture();
      });
      await(pool.query("DELETE FROM blobs WHERE blob_key = '" + shared + "'").execute());
      assertThat(await(records.release(await(records.find(copy)).orElseThrow()))).isTrue();
      assertThat(await(records.release(await(records.find(stranger)).orElseThrow()))).isTrue();
      assertThat(dropped).as("bytes dropped while a file still names them").isEmpty();
      assertThat(await(records.release(await(records.find(shared)).orElseThrow()))).isTrue();
      assertThat(dropped).containsExactly(shared);
      await(pool.close());
    } finally {
      await(vertx.executeBlocking(() -> {
        database.close();
        return null;
      }));
    }
    // the embedded database now has the password the node made for it
    String upgraded = config.embeddedDatabase()
      ? java.nio.file.Files.readString(dir.resolve("data/db/password")).trim() : password;
    assertThat(indexedFirstColumns(url, user, upgraded)).contains("blob_key").doesNotContain("sha256");
    assertThat(singleColumnIndexes(url, user, upgraded)).doesNotContain("account_id");
  }

  private static void insertFile(Connection c, String fileId, String appKey, String sha256, String blobKey, long createdMs)
    throws Exception {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO files (file_id, app_key, store, size, sha256, content_type,"
      + " extension, width, height, created_ms, expires_ms, blob_key) VALUES (?, ?, ?, 100, ?, 'image/jpeg', 'jpg', 1, 1, ?,"
      + " NULL, ?)")) {
      s.setString(1, fileId);
      s.setString(2, appKey);
      s.setString(3, StoreKind.DURABLE.column());
      s.setString(4, sha256);
      s.setLong(5, createdMs);
      s.setString(6, blobKey);
      s.executeUpdate();
    }
  }

  /** The first column of every index on {@code files}, lower case. */
  private static List<String> indexedFirstColumns(String url, String user, String password) throws Exception {
    List<String> columns = new ArrayList<>();
    for (String[] entry : indexEntries(url, user, password)) {
      if (entry[1].equals("1")) {
        columns.add(entry[2]);
      }
    }
    return columns;
  }

  /** The column of every index on {@code files} that has only one. */
  private static List<String> singleColumnIndexes(String url, String user, String password) throws Exception {
    List<String[]> entries = indexEntries(url, user, password);
    List<String> columns = new ArrayList<>();
    for (String[] entry : entries) {
      if (entries.stream().filter(e -> e[0].equals(entry[0])).count() == 1) {
        columns.add(entry[2]);
      }
    }
    return columns;
  }

  /** {index name, position, column} of every index column on {@code files}. */
  private static List<String[]> indexEntries(String url, String user, String password) throws Exception {
    List<String[]> entries = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url, user, password);
         ResultSet rs = c.getMetaData().getIndexInfo(c.getCatalog(), null, "files", false, false)) {
      while (rs.next()) {
        if (rs.getString("COLUMN_NAME") != null) {
          entries.add(new String[] {rs.getString("INDEX_NAME"), String.valueOf(rs.getShort("ORDINAL_POSITION")),
            rs.getString("COLUMN_NAME").toLowerCase()});
        }
      }
    }
    return entries;
  }

  private static String randomSha256() {
    byte[] hash = new byte[32];
    ThreadLocalRandom.current().nextBytes(hash);
    return HexFormat.of().formatHex(hash);
  }
}
