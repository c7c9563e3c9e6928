package io.mmfile.platform;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /metrics}: counts that match what was sent, Vert.x's own metrics beside mmfile's, and who
 * may read them (a bearer token when {@code metrics.token} is set, else loopback clients only).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {
  private static final String TOKEN = "scrape-token-0123456789";
  private TestServer open;
  private TestServer guarded;
  private DaokeClient client;
  private DaokeClient guardedClient;

  @BeforeAll
  void start() {
    open = TestServer.start(Backend.EMBEDDED, new JsonObject()
      .put("metrics.store-stats-seconds", 0)
      .put("http.trusted-proxies", "127.0.0.1"));
    guarded = TestServer.start(Backend.EMBEDDED, new JsonObject().put("metrics.token", TOKEN));
    client = new DaokeClient(open.port());
    guardedClient = new DaokeClient(guarded.port());
  }

  @AfterAll
  void stop() {
    client.close();
    guardedClient.close();
    open.close();
    guarded.close();
  }

  @Test
  void countsMatchAKnownRunOfUploadsErrorsAndDownloads() {
    AppKey app = open.newAppKey();
    long sent = 0;
    long storedBytes = 0;
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Buffer image = Images.png(16 + i, 16, i);
      HttpResponse<Buffer> saved = client.save(app, image, Map.of("isStorage", "true"));
      assertThat(DaokeClient.code(saved)).isEqualTo("0");
      urls.add(DaokeClient.result(saved).getString("url"));
      sent += image.length();
      storedBytes += image.length();
    }
    AppKey forged = new AppKey(app.appKey(), "0".repeat(40), app.name(), true, 0);
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> refused = client.save(forged, Images.png(8, 8, 10 + i));
      assertThat(DaokeClient.code(refused)).isEqualTo("ME01019");
    }
    HttpResponse<Buffer> notImage = client.save(app, Buffer.buffer("not an image at all"));
    assertThat(DaokeClient.code(notImage)).isEqualTo("ME24601");
    for (String url : urls) {
      assertThat(client.get(url).statusCode()).isEqualTo(200);
    }

    String text = scrape(client, null).bodyAsString();
    assertThat(value(text, "mmfile_uploads_total", "dialect", "daoke", "outcome", "0", "store", "durable")).isEqualTo(3);
    assertThat(value(text, "mmfile_uploads_total", "dialect", "daoke", "outcome", "ME01019", "store", "none")).isEqualTo(2);
    assertThat(value(text, "mmfile_uploads_total", "dialect", "daoke", "outcome", "ME24601", "store", "cache")).isEqualTo(1);
    assertThat(value(text, "mmfile_upload_duration_seconds_count", "dialect", "daoke")).isEqualTo(6);
    assertThat(value(text, "mmfile_download_duration_seconds_count", "dialect", "daoke")).isEqualTo(3);
    assertThat(value(text, "mmfile_upload_duration_seconds_bucket", "dialect", "daoke", "le", "+Inf")).isEqualTo(6);
    assertThat(value(text, "mmfile_http_received_bytes_total", "dialect", "daoke")).isGreaterThan(sent);
    assertThat(value(text, "mmfile_http_sent_bytes_total", "dialect", "daoke")).isGreaterThan(storedBytes);
    assertThat(value(text, "mmfile_store_files", "store", "durable")).isEqualTo(3);
    assertThat(value(text, "mmfile_store_bytes", "store", "durable")).isEqualTo(storedBytes);
    assertThat(value(text, "mmfile_uploads_in_flight")).isEqualTo(0);
    // Vert.x's own HTTP server metrics are in the same registry
    assertThat(text).contains("vertx_http_server_requests_total{");
  }

  @Test
  void withoutATokenOnlyLoopbackClientsAreAnswered() {
    assertThat(scrape(client, null).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> remote = await(client.web().get("/metrics").putHeader("X-Forwarded-For", "203.0.113.9").send());
    assertThat(remote.statusCode()).isEqualTo(403);
    assertThat(remote.bodyAsString()).doesNotContain("mmfile_");
  }

  @Test
  void withATokenTheScraperMustSendIt() {
    HttpResponse<Buffer> none = scrape(guardedClient, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.getHeader("WWW-Authenticate")).startsWith("Bearer");
    assertThat(scrape(guardedClient, "wrong-token-0123456789").statusCode()).isEqualTo(401);
    HttpResponse<Buffer> good = scrape(guardedClient, TOKEN);
    assertThat(good.statusCode()).isEqualTo(200);
    assertThat(good.getHeader("Content-Type")).startsWith("text/plain");
    assertThat(good.bodyAsString()).contains("mmfile_uploads_in_flight");
  }

  @Test
  void theConsoleIsAbsentWithoutAnAdminPassword() {
    for (String path : List.of("/console", "/console/", "/console/index.html", "/console/api/keys")) {
      HttpResponse<Buffer> answer = await(client.web().get(path).send());
      assertThat(answer.statusCode()).as(path).isEqualTo(404);
      assertThat(answer.bodyAsString()).as(path).doesNotContain("<html");
    }
  }

  private static HttpResponse<Buffer> scrape(DaokeClient client, String token) {
    var request = client.web().get("/metrics");
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return await(request.send());
  }

  /** The value of the sample {@code name} with exactly these labels (pairs of name and value). */
  static double value(String exposition, String name, String... labels) {
    Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "(\\{([^}]*)})? (\\S+)$", Pattern.MULTILINE);
    Matcher m = sample.matcher(exposition);
    while (m.find()) {
      String found = m.group(2) == null ? "" : m.group(2);
      List<String> want = new ArrayList<>();
      for (int i = 0; i < labels.length; i += 2) {
        want.add(labels[i] + "=\"" + labels[i + 1] + "\"");
      }
      List<String> have = found.isEmpty() ? List.of() : List.of(found.split(","));
      if (have.size() == want.size() && have.containsAll(want)) {
        return Double.parseDouble(m.group(3));
      }
    }
    throw new AssertionError("no sample " + name + " " + List.of(labels) + " in:\n" + grep(exposition, name));
  }

  private static String grep(String text, String name) {
    StringBuilder out = new StringBuilder();
    text.lines().filter(l -> l.startsWith(name)).forEach(l -> out.append(l).append('\n'));
    return out.toString();
  }
}
