package io.mmfile.faults;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Multipart;
import io.mmfile.support.Images;
import io.mmfile.support.SrvClient;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.mmfile.support.DaokeClient.code;
import static io.mmfile.support.DaokeClient.result;
import static io.mmfile.support.SrvClient.app;
import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded default with its data directory on a small tmpfs that the test fills up: under the
 * free-space floor the node refuses uploads with a store failure and is not ready; on a disk that is
 * really full every write that cannot reach the disk fails loudly, and nothing that was acknowledged
 * is missing after a restart.
 */
class FullDiskIT {
  private static final String PASSWORD = "Secret-123456";

  Tmpfs tmpfs;
  TestServer server;
  LogCapture logs;

  @BeforeEach
  void mountTmpfs() throws Exception {
    if (!Tmpfs.canMount()) {
      System.err.println("FullDiskIT SKIPPED: mounting a tmpfs needs root; run the suite as root (CI does)");
    }
    Assumptions.assumeTrue(Tmpfs.canMount(), "mounting a tmpfs needs root; run the suite as root (CI does)");
    tmpfs = Tmpfs.mount(48L * 1024 * 1024);
    logs = new LogCapture();
  }

  @AfterEach
  void unmount() throws Exception {
    if (server != null) {
      server.close();
    }
    if (logs != null) {
      logs.close();
    }
    if (tmpfs != null) {
      tmpfs.close();
    }
  }

  private TestServer start(long minFreeBytes) {
    return TestServer.start(Backend.EMBEDDED, new JsonObject()
      .put("data.dir", tmpfs.path().resolve("data").toString())
      .put("storage.min-free-bytes", minFreeBytes)
      .put("auth.argon2-memory-kib", 8192)
      .put("auth.argon2-iterations", 1));
  }

  @Test
  void underTheFloorUploadsAreRefusedAsAStoreFailureAndTheNodeIsNotReady() throws Exception {
    server = start(16L * 1024 * 1024);
    AppKey app = server.newAppKey();
    try (DaokeClient client = new DaokeClient(server.port(), new WebClientOptions(), 4)) {
      assertThat(code(client.save(app, Images.png(20, 20, 1), Map.of("isStorage", "true")))).isEqualTo("0");
      assertThat(readiness(client)).isEqualTo(200);

      Path filler = tmpfs.fill("filler", 8L * 1024 * 1024);
      eventually(() -> readiness(client) == 503);
      JsonObject health = await(client.web().get("/health/ready").send()).bodyAsJsonObject();
      assertThat(health.getJsonArray("checks").stream().map(c -> (JsonObject) c)
        .filter(c -> c.getString("id").equals("disk")).findFirst().orElseThrow().getString("status")).isEqualTo("DOWN");

      // a durable upload, and a cache-store one whose fields come after the file (it is staged on the
      // data volume until its isStorage is known), are refused
      HttpResponse<Buffer> durable = client.save(app, Images.png(20, 20, 2), Map.of("isStorage", "true"));
      Buffer late = Images.png(20, 20, 4);
      Multipart fieldsLast = new Multipart().file("mmfile", "a.png", "image/png", late);
      DaokeClient.signedFields(app, late.length(), Map.of("isStorage", "false")).forEach(fieldsLast::field);
      for (HttpResponse<Buffer> refused : List.of(durable, client.post(fieldsLast))) {
        assertThat(refused.bodyAsJsonObject().getString("ERRORCODE")).isEqualTo("ME24700");
        assertThat(refused.bodyAsJsonObject().getString("RESULT")).isEqualTo("save file to dfs failed!");
      }
      // with its fields first, a cache-store upload goes straight to the cache store and needs no disk
      assertThat(code(client.save(app, Images.png(20, 20, 5), Map.of("isStorage", "false")))).isEqualTo("0");
      assertThat(server.stagedParts()).isEmpty();
      assertThat(logs.warnings()).anySatisfy(line -> assertThat(line).startsWith("ERROR")
        .contains(tmpfs.path().toString()).contains("bytes free").contains("storage.min-free-bytes"));
      assertThat(logs.warnings()).anySatisfy(line -> assertThat(line).startsWith("WARN")
        .contains("durable store").contains("bytes free"));

      Files.delete(filler);
      eventually(() -> readiness(client) == 200);
      Buffer image = Images.png(20, 20, 3);
      HttpResponse<Buffer> saved = client.save(app, image, Map.of("isStorage", "true"));
      assertThat(code(saved)).isEqualTo("0");
      assertThat(client.get(result(saved).getString("url")).body()).isEqualTo(image);
    }
  }

  @Test
  void onAFullDiskWritesFailLoudlyAndNothingAcknowledgedIsLostAfterARestart() throws Exception {
    server = start(0);
    AppKey app = server.newAppKey();
    Map<String, Buffer> savedFiles = new java.util.LinkedHashMap<>();
    List<String> accounts = new ArrayList<>();
    int refused = 0;
    Path filler;
    try (DaokeClient client = new DaokeClient(server.port(), new WebClientOptions(), 4)) {
      SrvClient srv = new SrvClient(client.web());
      refused += write(client, srv, app, savedFiles, accounts, "before");

      filler = tmpfs.fill("filler", 0);
      for (int round = 0; round < 5; round++) {
        refused += write(client, srv, app, savedFiles, accounts, "full" + round);
      }
      assertThat(refused).as("writes refused on the full disk").isPositive();
      assertThat(logs.warnings()).as("what the node logged").anySatisfy(line -> assertThat(line).contains("SQL store failed"));

      Files.delete(filler);
      // The node writes again once there is room: without a restart.
      eventually(() -> {
        int before = accounts.size();
        write(client, srv, app, savedFiles, accounts, "after" + System.nanoTime());
        return accounts.size() > before;
      });
      write(client, srv, app, savedFiles, accounts, "last");
    }
    int oldPort = server.port();
    server.close();
    server = start(0);
    try (DaokeClient client = new DaokeClient(server.port(), new WebClientOptions(), 4)) {
      SrvClient srv = new SrvClient(client.web());
      for (Map.Entry<String, Buffer> file : savedFiles.entrySet()) {
        HttpResponse<Buffer> response = client.get(file.getKey().replace(":" + oldPort + "/", ":" + server.port() + "/"));
        assertThat(response.statusCode()).as("acknowledged upload %s after the restart", file.getKey()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(file.getValue());
      }
      for (String name : accounts) {
        assertThat(srv.post("login", app("1").put("username", name).put("password", PASSWORD)).getString("error"))
          .as("login of %s, registered and acknowledged before the restart", name).isEqualTo("0");
      }
    }
  }

  /** One upload and one registration; remembers what was acknowledged, counts what was refused. */
  private int write(DaokeClient client, SrvClient srv, AppKey app, Map<String, Buffer> savedFiles,
                    List<String> accounts, String tag) {
    int refused = 0;
    Buffer image = Images.pngOfSize(16 * 1024, tag.hashCode());
    HttpResponse<Buffer> saved = client.save(app, image, Map.of("isStorage", "true"));
    assertThat(saved.statusCode()).isEqualTo(200);
    if (code(saved).equals("0")) {
      savedFiles.put(result(saved).getString("url"), image);
    } else {
      assertThat(code(saved)).isIn("ME24700", "ME01020");
      refused++;
    }
    String name = "disk" + tag.replaceAll("[^a-z0-9]", "") + System.nanoTime() % 100000;
    JsonObject registered = srv.post("account", app("1").put("username", name).put("password", PASSWORD));
    if (registered.getString("error").equals("0")) {
      accounts.add(name);
    } else {
      assertThat(registered.getString("error")).isEqualTo("50");
      refused++;
    }
    return refused;
  }

  private static int readiness(DaokeClient client) {
    return await(client.web().get("/health/ready").send()).statusCode();
  }
}
