package io.mmfile.auth;

import io.mmfile.support.Backend;
import io.mmfile.support.Cli;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.PrivateService;
import io.mmfile.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.mmfile.support.DaokeClient.code;
import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one MariaDB and one Redis (a private one, so that the test can restart it). Both
 * remember app keys for an hour, so when a change made on one node, or by the command line, shows on
 * the other, only the Redis announcement can have carried it there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppKeyChangesAcrossNodesIT {
  private static final int HOUR = 3600;

  private final AtomicInteger images = new AtomicInteger();
  private PrivateService redis;
  private TestServer a;
  private TestServer b;
  private DaokeClient clientA;
  private DaokeClient clientB;
  private Path cliConfig;

  @BeforeAll
  void start() throws Exception {
    redis = PrivateService.redis().start();
    String redisUrl = "redis://127.0.0.1:" + redis.port();
    a = TestServer.start(Backend.MARIADB_REDIS, new JsonObject()
      .put("redis.url", redisUrl).put("auth.app-key-cache-seconds", HOUR));
    String databaseUrl = a.server().config().databaseUrl().orElseThrow().toString();
    b = TestServer.start(Backend.MARIADB_REDIS, new JsonObject()
      .put("database.url", databaseUrl).put("redis.url", redisUrl).put("redis.key-prefix", a.redisKeyPrefix())
      .put("auth.app-key-cache-seconds", HOUR));
    clientA = new DaokeClient(a.port());
    clientB = new DaokeClient(b.port());
    cliConfig = a.dataDir().resolve("cli-redis.yaml");
    Files.writeString(cliConfig, new JsonObject()
      .put("data", new JsonObject().put("dir", a.dataDir().toString()))
      .put("database", new JsonObject().put("url", databaseUrl))
      .put("redis", new JsonObject().put("url", redisUrl).put("key-prefix", a.redisKeyPrefix()))
      .put("sms", new JsonObject().put("allow-log-sender", true))
      .encodePrettily());
    eventually(() -> a.server().appKeyChanges().listening() && b.server().appKeyChanges().listening());
  }

  @AfterAll
  void stop() throws Exception {
    clientA.close();
    clientB.close();
    // b shares a's database and key prefix: a, closed last, removes them.
    b.close();
    a.close();
    redis.close();
  }

  @Test
  void aKeyDisabledOnOneNodeIsRefusedByTheOther() {
    AppKey app = a.newAppKey();
    assertThat(save(clientB, app)).as("b remembers the key").isEqualTo("0");

    await(a.server().appKeys().disable(app.appKey()));

    assertThat(save(clientA, app)).as("the node that disabled it").isEqualTo("ME01002");
    eventually(() -> save(clientB, app).equals("ME01002"));
  }

  @Test
  void commandLineChangesReachEveryNode() {
    AppKey app = a.newAppKey();
    assertThat(save(clientA, app)).isEqualTo("0");
    assertThat(save(clientB, app)).isEqualTo("0");

    Cli.ok(cliConfig, "appkey", "disable", app.appKey());
    eventually(() -> save(clientA, app).equals("ME01002") && save(clientB, app).equals("ME01002"));

    Cli.ok(cliConfig, "appkey", "enable", app.appKey());
    eventually(() -> save(clientA, app).equals("0") && save(clientB, app).equals("0"));

    JsonObject rotated = new JsonObject(Cli.ok(cliConfig, "appkey", "rotate", app.appKey(), "--overlap-minutes", "0"));
    AppKey fresh = new AppKey(app.appKey(), rotated.getString("secret"), app.name(), true, 0);
    eventually(() -> save(clientA, app).equals("ME01019") && save(clientB, app).equals("ME01019"));
    assertThat(save(clientB, fresh)).isEqualTo("0");

    Cli.ok(cliConfig, "appkey", "delete", app.appKey());
    eventually(() -> save(clientA, fresh).equals("ME01002") && save(clientB, fresh).equals("ME01002"));
  }

  @Test
  void aNodeHearsOfChangesAgainAfterRedisRestarts() throws Exception {
    redis.stop();
    eventually(() -> !a.server().appKeyChanges().listening() && !b.server().appKeyChanges().listening());
    redis.start();
    eventually(() -> a.server().appKeyChanges().listening() && b.server().appKeyChanges().listening());

    AppKey app = b.newAppKey();
    assertThat(save(clientA, app)).as("a remembers the key").isEqualTo("0");
    await(b.server().appKeys().disable(app.appKey()));

    eventually(() -> save(clientA, app).equals("ME01002"));
  }

  /** A durable upload (it does not need Redis); answers the daoke code. */
  private String save(DaokeClient client, AppKey app) {
    return code(client.save(app, Images.png(6, 6, images.incrementAndGet()), Map.of("isStorage", "true")));
  }
}
