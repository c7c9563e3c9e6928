package io.mmfile.auth;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mmfile.support.Backend;
import io.mmfile.support.Cli;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.MutableClock;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.mmfile.support.DaokeClient.code;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The life of an app key as an operator drives it from the command line while the node serves:
 * create, disable, enable, rotate (with the old secret accepted for the overlap), delete.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AppKeyLifeCycleContract {
  private static final int OVERLAP_MINUTES = 10;

  private final MutableClock clock = new MutableClock();
  private TestServer server;
  private DaokeClient client;
  private Path config;

  abstract Backend backend();

  @BeforeAll
  void start() {
    // No key cache, so each command shows at the next request (the cache has its own test).
    server = TestServer.start(backend(), new JsonObject()
      .put("auth.app-key-cache-seconds", 0)
      .put("auth.app-key-rotation-overlap-minutes", OVERLAP_MINUTES), clock);
    client = new DaokeClient(server.port());
    config = server.cliConfig();
  }

  @AfterAll
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void aDisabledKeyIsEnabledAgainWithTheSecretItHad() {
    AppKey app = create("enable me");
    assertThat(code(client.save(app, Images.png(8, 8, 1)))).isEqualTo("0");

    Cli.ok(config, "appkey", "disable", app.appKey());
    assertThat(code(client.save(app, Images.png(8, 8, 2)))).isEqualTo("ME01002");

    JsonObject enabled = new JsonObject(Cli.ok(config, "appkey", "enable", app.appKey()));
    assertThat(enabled).isEqualTo(new JsonObject().put("appKey", app.appKey()).put("enabled", true));
    assertThat(code(client.save(app, Images.png(8, 8, 3)))).isEqualTo("0");
  }

  @Test
  void enablingAnEnabledKeyIsNoError() {
    AppKey app = create("already on");

    assertThat(Cli.run(config, "appkey", "enable", app.appKey()).exitCode()).isZero();
    assertThat(Cli.run(config, "appkey", "disable", app.appKey()).exitCode()).isZero();
    assertThat(Cli.run(config, "appkey", "disable", app.appKey()).exitCode()).isZero();
  }

  @Test
  void aDeletedKeyUploadsNoMoreButItsFilesStayReadable() {
    AppKey app = create("delete me");
    Buffer image = Images.png(12, 12, 4);
    HttpResponse<Buffer> saved = client.save(app, image, Map.of("isStorage", "true"));
    assertThat(code(saved)).isEqualTo("0");
    String url = DaokeClient.result(saved).getString("url");

    JsonObject deleted = new JsonObject(Cli.ok(config, "appkey", "delete", app.appKey()));

    assertThat(deleted).isEqualTo(new JsonObject().put("appKey", app.appKey()).put("deleted", true));
    assertThat(code(client.save(app, Images.png(8, 8, 5)))).isEqualTo("ME01002");
    HttpResponse<Buffer> read = client.get(url);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.body()).isEqualTo(image);
    assertThat(new JsonArray(Cli.ok(config, "appkey", "list")).stream()
      .map(k -> ((JsonObject) k).getString("appKey"))).doesNotContain(app.appKey());
    Cli.Result enable = Cli.run(config, "appkey", "enable", app.appKey());
    assertThat(enable.exitCode()).isEqualTo(1);
    assertThat(enable.err()).contains("no app key " + app.appKey());
    assertThat(Cli.run(config, "appkey", "rotate", app.appKey()).exitCode()).isEqualTo(1);
    assertThat(Cli.run(config, "appkey", "delete", app.appKey()).exitCode()).isEqualTo(1);
  }

  @Test
  void rotationAcceptsTheOldSecretForTheOverlapAndRefusesItAfter() {
    AppKey old = create("rotate me");

    JsonObject rotated = new JsonObject(Cli.ok(config, "appkey", "rotate", old.appKey()));

    assertThat(rotated.getString("appKey")).isEqualTo(old.appKey());
    assertThat(rotated.getString("secret")).matches("[0-9A-F]{40}").isNotEqualTo(old.secret());
    assertThat(rotated.getLong("previousSecretUntilMs"))
      .isGreaterThan(System.currentTimeMillis() + Duration.ofMinutes(OVERLAP_MINUTES - 1).toMillis());
    AppKey fresh = new AppKey(old.appKey(), rotated.getString("secret"), old.name(), true, 0);
    assertThat(code(client.save(fresh, Images.png(8, 8, 6)))).as("new secret").isEqualTo("0");
    assertThat(code(client.save(old, Images.png(8, 8, 7)))).as("old secret inside the overlap").isEqualTo("0");
    // The secret is printed once: list never shows it.
    assertThat(Cli.ok(config, "appkey", "list")).doesNotContain(fresh.secret()).doesNotContain(old.secret());

    clock.advance(Duration.ofMinutes(OVERLAP_MINUTES).plusSeconds(1));
    try {
      assertThat(code(client.save(old, Images.png(8, 8, 8)))).as("old secret after the overlap").isEqualTo("ME01019");
      assertThat(code(client.save(fresh, Images.png(8, 8, 9)))).as("new secret after the overlap").isEqualTo("0");
    } finally {
      clock.advance(Duration.ofMinutes(OVERLAP_MINUTES).plusSeconds(1).negated());
    }
  }

  @Test
  void rotationWithoutOverlapRefusesTheOldSecretAtOnce() {
    AppKey old = create("rotate hard");

    JsonObject rotated = new JsonObject(Cli.ok(config, "appkey", "rotate", old.appKey(), "--overlap-minutes", "0"));

    AppKey fresh = new AppKey(old.appKey(), rotated.getString("secret"), old.name(), true, 0);
    assertThat(code(client.save(old, Images.png(8, 8, 10)))).isEqualTo("ME01019");
    assertThat(code(client.save(fresh, Images.png(8, 8, 11)))).isEqualTo("0");
  }

  @Test
  void aSecondRotationEndsTheFirstSecretAtOnce() {
    AppKey first = create("rotate twice");
    String second = new JsonObject(Cli.ok(config, "appkey", "rotate", first.appKey())).getString("secret");
    String third = new JsonObject(Cli.ok(config, "appkey", "rotate", first.appKey())).getString("secret");

    assertThat(code(client.save(first, Images.png(8, 8, 12)))).isEqualTo("ME01019");
    assertThat(code(client.save(new AppKey(first.appKey(), second, "", true, 0), Images.png(8, 8, 13)))).isEqualTo("0");
    assertThat(code(client.save(new AppKey(first.appKey(), third, "", true, 0), Images.png(8, 8, 14)))).isEqualTo("0");
  }

  @Test
  void commandsOnAnUnknownKeySaySo() {
    for (String command : new String[] {"enable", "disable", "rotate", "delete"}) {
      Cli.Result result = Cli.run(config, "appkey", command, "1000000001");
      assertThat(result.exitCode()).as(command).isEqualTo(1);
      assertThat(result.err()).as(command).isEqualTo("mmfile: no app key 1000000001");
    }
  }

  @Test
  void everyChangeFromTheCommandLineIsAuditedLikeTheConsoles() {
    String key;
    ListAppender<ILoggingEvent> audit = new ListAppender<>();
    Logger auditLogger = (Logger) LoggerFactory.getLogger("mmfile.audit");
    audit.start();
    auditLogger.addAppender(audit);
    try {
      AppKey app = create("audited");
      key = app.appKey();
      for (String action : new String[] {"disable", "enable", "rotate", "delete"}) {
        Cli.ok(config, "appkey", action, app.appKey());
      }
      Cli.run(config, "appkey", "disable", "1000000001");
    } finally {
      auditLogger.detachAppender(audit);
    }
    java.util.List<String> lines;
    synchronized (audit.list) {
      lines = audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
    String from = " (from user " + System.getProperty("user.name") + ")";
    assertThat(lines).filteredOn(l -> l.startsWith("command line ")).containsExactly(
      "command line create app key: " + key + " (audited)" + from,
      "command line disable app key: " + key + from,
      "command line enable app key: " + key + from,
      "command line rotate app key secret: " + key + from,
      "command line delete app key: " + key + from);
  }

  private AppKey create(String name) {
    JsonObject created = new JsonObject(Cli.ok(config, "appkey", "create", "--name", name));
    return new AppKey(created.getString("appKey"), created.getString("secret"), name, true, 0);
  }
}
