package io.mmfile.platform;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.Cli;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.PrivateService;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.mmfile.support.DaokeClient.code;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code redis.mode: sentinel}: a node given only a sentinel's address finds the master through it,
 * stores cache-store files there, reports ready, and hears app-key changes the command line (also
 * through the sentinel) announces; when the master dies, the node follows the replica the sentinel
 * promotes, subscription included. Private masters, replicas and sentinels, torn down after.
 */
class RedisSentinelIT {
  @Test
  void aNodeFollowsTheMasterTheSentinelPromotesAfterAFailover() throws Exception {
    try (PrivateService master = PrivateService.redis().start();
         PrivateService replica = PrivateService.redis("--replicaof", "127.0.0.1",
           Integer.toString(master.port())).start();
         PrivateService sentinel = PrivateService.sentinel(master.port(), "files").start()) {
      try (TestServer server = TestServer.start(Backend.MARIADB_REDIS, new JsonObject()
             .put("redis.mode", "sentinel").put("redis.url", "redis://127.0.0.1:" + sentinel.port())
             .put("redis.master-name", "files").put("auth.app-key-cache-seconds", 3600));
           DaokeClient client = new DaokeClient(server.port())) {
        AppKey app = server.newAppKey();
        assertThat(code(client.save(app, Images.png(10, 10, 1)))).isEqualTo("0");
        eventually(() -> server.server().appKeyChanges().listening());

        master.stop();

        // The sentinel notices after its down-after time and promotes the replica; meanwhile cache-store
        // uploads fail (ME01021), then succeed on the new master.
        eventually(() -> code(client.save(app, Images.png(10, 10, 2))).equals("0"));
        eventually(() -> server.server().appKeyChanges().listening());
        // The subscription stands on the new master: a change published there by the command line arrives.
        Cli.ok(cliConfig(server, "redis://127.0.0.1:" + sentinel.port()), "appkey", "disable", app.appKey());
        eventually(() -> code(client.save(app, Images.png(10, 10, 3), Map.of("isStorage", "true"))).equals("ME01002"));
      }
    }
  }

  @Test
  void aNodeFindsTheMasterThroughTheSentinel() throws Exception {
    try (PrivateService master = PrivateService.redis().start();
         PrivateService sentinel = PrivateService.sentinel(master.port(), "files").start()) {
      String sentinelUrl = "redis://127.0.0.1:" + sentinel.port();
      try (TestServer server = TestServer.start(Backend.MARIADB_REDIS, new JsonObject()
             .put("redis.mode", "sentinel").put("redis.url", sentinelUrl).put("redis.master-name", "files")
             .put("auth.app-key-cache-seconds", 3600));
           DaokeClient client = new DaokeClient(server.port())) {
        AppKey app = server.newAppKey();
        Buffer image = Images.png(10, 10, 1);
        HttpResponse<Buffer> saved = client.save(app, image);
        assertThat(code(saved)).isEqualTo("0");
        assertThat(client.get(DaokeClient.result(saved).getString("url")).body()).isEqualTo(image);
        assertThat(server.redisKeys("blob:*")).as("the cache store is the master behind the sentinel").hasSize(1);
        assertThat(client.get("http://127.0.0.1:" + server.port() + "/health/ready").statusCode()).isEqualTo(200);

        eventually(() -> server.server().appKeyChanges().listening());
        Cli.ok(cliConfig(server, sentinelUrl), "appkey", "disable", app.appKey());
        eventually(() -> code(client.save(app, Images.png(10, 10, 2), Map.of("isStorage", "true"))).equals("ME01002"));
      }
    }
  }

  /** A command-line configuration for {@code server}'s database, reaching Redis through the sentinel. */
  private static Path cliConfig(TestServer server, String sentinelUrl) throws java.io.IOException {
    Path cli = server.dataDir().resolve("cli-sentinel.yaml");
    Files.writeString(cli, new JsonObject()
      .put("data", new JsonObject().put("dir", server.dataDir().toString()))
      .put("database", new JsonObject().put("url", server.server().config().databaseUrl().orElseThrow().toString()))
      .put("redis", new JsonObject().put("mode", "sentinel").put("url", sentinelUrl).put("master-name", "files")
        .put("key-prefix", server.redisKeyPrefix()))
      .put("sms", new JsonObject().put("allow-log-sender", true))
      .encodePrettily());
    return cli;
  }
}
