package io.mmfile.platform;

import io.mmfile.Main;
import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.Multipart;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** What an operator relies on: health, overload, app keys from the command line, clean shutdown. */
class ServerOperationsIT {

  @Test
  void healthReportsLiveAndReadyWithTheStoresItUses() {
    try (TestServer server = TestServer.start(Backend.MARIADB_REDIS);
         DaokeClient client = new DaokeClient(server.port())) {
      HttpResponse<Buffer> live = await(client.web().get("/health/live").send());
      HttpResponse<Buffer> ready = await(client.web().get("/health/ready").send());

      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(ready.statusCode()).isEqualTo(200);
      JsonObject body = ready.bodyAsJsonObject();
      assertThat(body.getString("outcome")).isEqualTo("UP");
      assertThat(body.getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")))
        .containsExactlyInAnyOrder("sql", "redis", "disk");
    }
  }

  @Test
  void readinessFailsWhileRedisIsUnreachable() {
    try (TestServer server = TestServer.start(Backend.EMBEDDED,
           new JsonObject().put("redis.url", "redis://127.0.0.1:" + TestServer.freePort()));
         DaokeClient client = new DaokeClient(server.port())) {
      HttpResponse<Buffer> ready = await(client.web().get("/health/ready").send());

      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.bodyAsJsonObject().getString("outcome")).isEqualTo("DOWN");
      assertThat(await(client.web().get("/health/live").send()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void refusesUploadsPastTheConcurrencyCapWithAClearError() {
    try (TestServer server = TestServer.start(Backend.EMBEDDED, new JsonObject().put("upload.max-concurrent", 1));
         DaokeClient client = new DaokeClient(server.port())) {
      AppKey app = server.newAppKey();
      Buffer image = Images.png(10, 10, 1);
      // durable, so that its bytes sit in a part file the test can see
      Multipart stalled = client.form(app, Images.pngOfSize(300_000, 2), Map.of("isStorage", "true"));
      NetClient net = client.vertx().createNetClient();
      NetSocket socket = await(net.connect(server.port(), "127.0.0.1"));
      Buffer body = stalled.body();
      await(socket.write("POST /dfsapi/v2/saveImage HTTP/1.1\r\nHost: x\r\nContent-Type: " + stalled.contentType()
        + "\r\nContent-Length: " + body.length() + "\r\n\r\n"));
      await(socket.write(body.getBuffer(0, body.length() / 2)));
      eventually(() -> !server.stagedParts().isEmpty());

      HttpResponse<Buffer> refused = client.save(app, image);

      assertThat(refused.statusCode()).isEqualTo(200);
      assertThat(refused.bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME24700\", \"RESULT\":\"save file to dfs failed!\"}");
      assertThat(refused.getHeader("Retry-After")).isEqualTo("1");

      await(socket.write(body.getBuffer(body.length() / 2, body.length())));
      eventually(() -> DaokeClient.code(client.save(app, image)).equals("0"));
      net.close();
    }
  }

  @Test
  void stoppingTheServerAbortsInFlightUploadsWithoutATrace() {
    TestServer server = TestServer.start(Backend.EMBEDDED);
    try (DaokeClient client = new DaokeClient(server.port())) {
      AppKey app = server.newAppKey();
      Multipart form = client.form(app, Images.pngOfSize(300_000, 3), Map.of("isStorage", "true"));
      Buffer body = form.body();
      NetClient net = client.vertx().createNetClient();
      NetSocket socket = await(net.connect(server.port(), "127.0.0.1"));
      await(socket.write("POST /dfsapi/v2/saveImage HTTP/1.1\r\nHost: x\r\nContent-Type: " + form.contentType()
        + "\r\nContent-Length: " + body.length() + "\r\n\r\n"));
      await(socket.write(body.getBuffer(0, body.length() / 2)));
      eventually(() -> !server.stagedParts().isEmpty());

      await(server.server().stop());

      assertThat(server.stagedParts()).isEmpty();
      assertThat(server.durableFiles()).isEmpty();
    } finally {
      server.close();
    }
  }

  @Test
  void appKeysAreManagedFromTheCommandLineWhileTheServerRuns() throws Exception {
    try (TestServer server = TestServer.start(Backend.EMBEDDED);
         DaokeClient client = new DaokeClient(server.port())) {
      Path config = Files.createTempFile("mmfile-cli-", ".yaml");
      Files.writeString(config, "data:\n  dir: " + server.dataDir() + "\n");
      try {
        JsonObject created = new JsonObject(cli(config, "appkey", "create", "--name", "camera fleet"));
        assertThat(created.fieldNames()).containsExactlyInAnyOrder("appKey", "secret");
        AppKey app = new AppKey(created.getString("appKey"), created.getString("secret"), "camera fleet", true, 0);
        assertThat(DaokeClient.code(client.save(app, Images.png(8, 8, 4)))).isEqualTo("0");

        JsonArray listed = new JsonArray(cli(config, "appkey", "list"));
        assertThat(listed.stream().map(k -> ((JsonObject) k).getString("appKey"))).contains(app.appKey());

        JsonObject disabled = new JsonObject(cli(config, "appkey", "disable", app.appKey()));
        assertThat(disabled.getBoolean("enabled")).isFalse();
      } finally {
        Files.deleteIfExists(config);
      }
    }
  }

  private static String cli(Path config, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new Main()).setOut(new PrintWriter(out));
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--config";
    all[args.length + 1] = config.toString();
    assertThat(cli.execute(all)).as("exit code of %s", String.join(" ", args)).isZero();
    return out.toString().trim();
  }
}
