package io.mmfile.platform;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each node names itself and each request: {@code X-Mmfile-Node} and {@code X-Request-Id} on every
 * answer, the request id in every log line the request causes (across SQL lookups and the storage
 * verticle), and one access-log line per request with its status, bytes, time, dialect, app key and file id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestTracingIT {
  private TestServer server;
  private DaokeClient trustedPeer;
  private DaokeClient otherPeer;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger mmfile = (Logger) LoggerFactory.getLogger("io.mmfile");
  private final Logger access = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
  private Level mmfileLevel;

  @BeforeAll
  void start() {
    // 127.0.0.1 is the balancer; a client connecting from 127.0.0.2 is not
    server = TestServer.start(Backend.EMBEDDED, new JsonObject()
      .put("node.id", "node-a")
      .put("http.trusted-proxies", "127.0.0.1"));
    trustedPeer = new DaokeClient(server.port());
    otherPeer = new DaokeClient(server.port(), new WebClientOptions().setLocalAddress("127.0.0.2"), 2);
  }

  @AfterAll
  void stop() {
    trustedPeer.close();
    otherPeer.close();
    server.close();
  }

  @BeforeEach
  void capture() {
    logs.start();
    mmfileLevel = mmfile.getLevel();
    mmfile.setLevel(Level.DEBUG);
    mmfile.addAppender(logs);
    access.addAppender(logs);
  }

  @AfterEach
  void release() {
    mmfile.detachAppender(logs);
    access.detachAppender(logs);
    mmfile.setLevel(mmfileLevel);
    logs.stop();
    logs.list.clear();
  }

  @Test
  void everyAnswerNamesTheNodeAndANewRequestId() {
    HttpResponse<Buffer> first = await(otherPeer.web().get("/health/live").send());
    HttpResponse<Buffer> second = await(otherPeer.web().get("/no/such/path").send());
    assertThat(first.getHeader(NodeIdentity.HEADER)).isEqualTo("node-a");
    assertThat(second.getHeader(NodeIdentity.HEADER)).isEqualTo("node-a");
    assertThat(first.getHeader("X-Request-Id")).matches("[0-9a-z]{16}");
    assertThat(second.getHeader("X-Request-Id")).matches("[0-9a-z]{16}").isNotEqualTo(first.getHeader("X-Request-Id"));
  }

  @Test
  void takesTheRequestIdOfATrustedProxyOnly() {
    HttpResponse<Buffer> viaProxy = await(trustedPeer.web().get("/health/live").putHeader("X-Request-Id", "lb-4711").send());
    HttpResponse<Buffer> direct = await(otherPeer.web().get("/health/live").putHeader("X-Request-Id", "lb-4712").send());
    HttpResponse<Buffer> garbage = await(trustedPeer.web().get("/health/live")
      .putHeader("X-Request-Id", "a\"b c").send());
    assertThat(viaProxy.getHeader("X-Request-Id")).isEqualTo("lb-4711");
    assertThat(direct.getHeader("X-Request-Id")).matches("[0-9a-z]{16}");
    assertThat(garbage.getHeader("X-Request-Id")).matches("[0-9a-z]{16}");
  }

  @Test
  void everyLineAnUploadCausesCarriesItsRequestId() {
    AppKey app = server.newAppKey();
    // not an image: refused by the storage verticle at commit, after an SQL lookup of the app key
    HttpResponse<Buffer> refused = otherPeer.save(app, Buffer.buffer("plain text, not an image"));
    assertThat(DaokeClient.code(refused)).isNotEqualTo("0");
    String id = refused.getHeader("X-Request-Id");
    List<ILoggingEvent> lines = linesOf(id);
    assertThat(lines).extracting(ILoggingEvent::getFormattedMessage)
      .anySatisfy(m -> assertThat(m).contains("aborted: not an image"));
    assertThat(lines).filteredOn(e -> e.getThreadName().contains("worker"))
      .as("the storage verticle's lines").isNotEmpty();
    assertThat(lines).allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry(LogContext.NODE, "node-a"));
    // and no line of this node at all without one, while only this request ran
    assertThat(logs.list).filteredOn(e -> e.getLoggerName().startsWith("io.mmfile.files"))
      .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry(LogContext.REQUEST_ID, id));
  }

  @Test
  void accessLogNamesStatusBytesTimeDialectAppKeyAndFileId() {
    AppKey app = server.newAppKey();
    HttpResponse<Buffer> saved = otherPeer.save(app, Images.png(8, 8, 7), Map.of("isStorage", "true"));
    assertThat(DaokeClient.code(saved)).isEqualTo("0");
    String fileId = DaokeClient.result(saved).getString("fileID");
    String saveLine = accessLine(saved.getHeader("X-Request-Id"));
    assertThat(saveLine)
      .matches("127\\.0\\.0\\.2 - - \\[[^]]+] \"POST /dfsapi/v2/saveImage HTTP/1\\.1\" 200 \\d+ \"-\" \"[^\"]*\" .*")
      .contains(" node=node-a", " dialect=daoke", " outcome=0", " appKey=" + app.appKey(), " fileId=" + fileId)
      .containsPattern(" ms=\\d+\\.\\d+");
    HttpResponse<Buffer> fetched = otherPeer.get(DaokeClient.result(saved).getString("url"));
    String getLine = accessLine(fetched.getHeader("X-Request-Id"));
    assertThat(getLine)
      .contains("\"GET /dfsapi/v2/gainImage HTTP/1.1\" 200 " + fetched.body().length() + " ")
      .contains(" fileId=" + fileId, " appKey=" + app.appKey())
      .as("the query string is not logged").doesNotContain("file=", "?");
  }

  @Test
  void accessLogInJsonNamesTheSameFields() {
    try (TestServer json = TestServer.start(Backend.EMBEDDED, new JsonObject().put("node.id", "node-j")
      .put("log.access", "json")); DaokeClient probe = new DaokeClient(json.port())) {
      HttpResponse<Buffer> answer = await(probe.web().get("/no/such/path")
        .putHeader("User-Agent", "probe \"1\"").send());
      String id = answer.getHeader("X-Request-Id");
      JsonObject line = new JsonObject(accessLine(id));
      assertThat(line.getString("requestId")).isEqualTo(id);
      assertThat(line.getString("node")).isEqualTo("node-j");
      assertThat(line.getString("method")).isEqualTo("GET");
      assertThat(line.getString("path")).isEqualTo("/no/such/path");
      assertThat(line.getInteger("status")).isEqualTo(404);
      assertThat(line.getLong("bytes")).isEqualTo(answer.body().length());
      assertThat(line.getString("userAgent")).isEqualTo("probe \"1\"");
      assertThat(line.getString("dialect")).isEqualTo("ops");
      assertThat(line.getDouble("ms")).isNotNegative();
    }
  }

  private List<ILoggingEvent> linesOf(String requestId) {
    synchronized (logs.list) {
      return logs.list.stream().filter(e -> requestId.equals(e.getMDCPropertyMap().get(LogContext.REQUEST_ID))).toList();
    }
  }

  private String accessLine(String requestId) {
    // the access line is written once the answer is out, which the client may see first
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      synchronized (logs.list) {
        for (ILoggingEvent e : logs.list) {
          if (e.getLoggerName().equals(AccessLog.LOGGER) && (e.getFormattedMessage().contains("requestId=" + requestId)
            || e.getFormattedMessage().contains("\"requestId\":\"" + requestId + "\""))) {
            return e.getFormattedMessage();
          }
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("no access line for " + requestId + " in " + logs.list);
  }
}
