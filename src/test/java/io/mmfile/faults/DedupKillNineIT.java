package io.mmfile.faults;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.ChildNode;
import io.mmfile.support.Images;
import io.mmfile.support.TestServer;
import io.mmfile.support.UploadLoad;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 in the middle of concurrent uploads of the same few images (so that most uploads find their
 * bytes already stored and drop their own copy), on MariaDB and the disk store, then a restart: every
 * acknowledged upload reads back byte-identical, every blob's count of references is the number of
 * records that name it, no record names a blob that is not counted, the bytes a crash left listed as
 * garbage are removed, and every stored file is one of the images, whole.
 */
class DedupKillNineIT {
  private static final int CONCURRENT_UPLOADS = 16;
  private static final int ACKNOWLEDGED_BEFORE_KILL = 60;

  @Test
  void referencesStayExactThroughKillNineAndLeftGarbageIsRemoved() throws Exception {
    String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    Path dir = Files.createTempDirectory("mmfile-dedup-kill-");
    List<Buffer> images = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      images.add(Images.pngOfSize(40_000 + i * 1_000, ThreadLocalRandom.current().nextLong()));
    }
    Map<String, Object> config = new LinkedHashMap<>(FaultNodes.config(Backend.MARIADB_REDIS, id));
    config.put("storage.durable", "disk");
    try (ChildNode node = new ChildNode(dir, TestServer.freePort(), config)) {
      AppKey app = node.createAppKey();
      node.start();
      List<UploadLoad.Acked> acked;
      UploadLoad load = new UploadLoad(node.port(), app, 0, 0, 1.0).fromPool(images).start(CONCURRENT_UPLOADS);
      try {
        load.awaitAcknowledged(ACKNOWLEDGED_BEFORE_KILL, node::log);
        node.kill9();
        await(load.stop());
        acked = load.ackedList();
      } finally {
        load.close();
      }

      node.start();

      try (UploadLoad reader = new UploadLoad(node.port(), app, 0, 0, 1)) {
        List<String> lost = new ArrayList<>();
        for (UploadLoad.Acked file : acked) {
          HttpResponse<Buffer> response = await(reader.web().getAbs(file.url()).send());
          if (response.statusCode() != 200 || !UploadLoad.sha256(response.body()).equals(file.sha256())) {
            lost.add(file.url() + " -> " + response.statusCode());
          }
        }
        assertThat(lost).as("acknowledged before the kill, of %d; node log:%n%s", acked.size(), node.log()).isEmpty();
      }
      String database = "mmfile_f_" + id;
      assertThat(query(database, "SELECT b.blob_key, b.refs, (SELECT COUNT(*) FROM files f WHERE f.blob_key = b.blob_key)"
        + " FROM blobs b WHERE b.refs <> (SELECT COUNT(*) FROM files f WHERE f.blob_key = b.blob_key)"))
        .as("blobs whose references differ from the records naming them").isEmpty();
      assertThat(query(database, "SELECT f.file_id, f.blob_key FROM files f WHERE f.blob_key IS NOT NULL"
        + " AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.blob_key = f.blob_key)"))
        .as("records naming a blob that is not counted").isEmpty();
      eventually(() -> query(database, "SELECT blob_key FROM blob_garbage").isEmpty());

      List<String> hashes = images.stream().map(UploadLoad::sha256).toList();
      try (Stream<Path> walk = Files.walk(node.dataDir().resolve("files"))) {
        for (Path file : walk.filter(Files::isRegularFile).toList()) {
          assertThat(hashes).as("stored file %s is one of the images, whole", file)
            .contains(UploadLoad.sha256(Files.readAllBytes(file)));
        }
      }
      List<List<String>> blobs = query(database, "SELECT sha256, COUNT(*) FROM blobs GROUP BY sha256");
      assertThat(blobs).as("one blob per image").allMatch(row -> row.get(1).equals("1"));
      System.err.printf("dedup kill -9: %d uploads acknowledged of %d images, %d blobs after the restart%n",
        acked.size(), images.size(), blobs.size());
    } finally {
      FaultNodes.cleanUp(Backend.MARIADB_REDIS, id);
      TestServer.deleteTree(dir);
    }
  }

  private static List<List<String>> query(String database, String sql) {
    String url = "jdbc:mariadb://" + TestServer.MYSQL_HOST + ":" + TestServer.MYSQL_PORT + "/" + database;
    try (Connection conn = DriverManager.getConnection(url, TestServer.MYSQL_USER, TestServer.MYSQL_PASSWORD);
         ResultSet rows = conn.createStatement().executeQuery(sql)) {
      List<List<String>> out = new ArrayList<>();
      int columns = rows.getMetaData().getColumnCount();
      while (rows.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rows.getString(i));
        }
        out.add(row);
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
