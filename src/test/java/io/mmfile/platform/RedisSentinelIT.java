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
 * through the sentinel) announces. A private master and sentinel, torn down after.
 */
class RedisSentinelIT {
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
        Path cli = server.dataDir().resolve("cli-sentinel.yaml");
        Files.writeString(cli, new JsonObject()
          .put("data", new JsonObject().put("dir", server.dataDir().toString()))
          .put("database", new JsonObject().put("url", server.server().config().databaseUrl().orElseThrow().toString()))
          .put("redis", new JsonObject().put("mode", "sentinel").put("url", sentinelUrl).put("master-name", "files")
            .put("key-prefix", server.redisKeyPrefix()))
          .put("sms", new JsonObject().put("allow-log-sender", true))
          .encodePrettily());
        Cli.ok(cli, "appkey", "disable", app.appKey());
        eventually(() -> code(client.save(app, Images.png(10, 10, 2), Map.of("isStorage", "true"))).equals("ME01002"));
      }
    }
  }
}
