package io.mmfile.console;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.SecretWatch;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The console's JSON API without a browser: who may call it, and what each action does. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleApiIT {
  private static final String PASSWORD = "api-test-password-91c2";
  private TestServer server;
  private DaokeClient client;
  private WebClientSession admin;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.EMBEDDED, new JsonObject().put("console.admin-password", PASSWORD));
    SecretWatch.watch(PASSWORD);
    client = new DaokeClient(server.port());
    admin = WebClientSession.create(client.web());
    HttpResponse<Buffer> login = await(admin.post("/console/api/login").sendJsonObject(new JsonObject().put("password", PASSWORD)));
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.getHeader("Set-Cookie").toLowerCase(java.util.Locale.ROOT))
      .contains("httponly", "samesite=strict", "path=/console");
  }

  @AfterAll
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void refusesAnyoneWithoutASessionAndChangesWithoutTheConsoleHeader() {
    assertThat(await(client.web().get("/console/api/keys").send()).statusCode()).isEqualTo(401);
    assertThat(await(client.web().post("/console/api/login").sendJsonObject(new JsonObject().put("password", "guess")))
      .statusCode()).isEqualTo(401);
    HttpResponse<Buffer> forged = await(admin.post("/console/api/keys").sendJsonObject(new JsonObject().put("name", "x")));
    assertThat(forged.statusCode()).as("a cross-site form cannot send X-Console").isEqualTo(403);
    assertThat(await(admin.get("/console/api/keys").send()).statusCode()).isEqualTo(200);
  }

  @Test
  void servesItsPagesFromTheJarUnderAStrictContentSecurityPolicy() {
    HttpResponse<Buffer> page = await(client.web().get("/console/").send());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("Content-Type")).startsWith("text/html");
    assertThat(page.getHeader("Content-Security-Policy")).contains("default-src 'self'", "frame-ancestors 'none'");
    assertThat(page.bodyAsString()).contains("<script src=\"console.js\"></script>");
    HttpResponse<Buffer> bare = await(client.web().get("/console").followRedirects(false).send());
    assertThat(bare.statusCode()).isEqualTo(302);
    assertThat(bare.getHeader("Location")).isEqualTo("/console/");
  }

  @Test
  void rotatesDisablesAndEnablesAKeyAndDeletesAFile() {
    JsonObject created = change("keys", new JsonObject().put("name", "api camera"));
    String appKey = created.getString("appKey");
    SecretWatch.watch(created.getString("secret"));
    JsonObject rotated = change("keys/" + appKey + "/rotate", null);
    SecretWatch.watch(rotated.getString("secret"));
    assertThat(rotated.getString("secret")).matches("[0-9A-F]{40}").isNotEqualTo(created.getString("secret"));
    AppKey key = new AppKey(appKey, rotated.getString("secret"), "api camera", true, 0);

    HttpResponse<Buffer> saved = client.save(key, Images.png(20, 20, 4), Map.of("isStorage", "true"));
    assertThat(DaokeClient.code(saved)).isEqualTo("0");
    String fileId = DaokeClient.result(saved).getString("fileID");
    JsonObject byId = await(admin.get("/console/api/files").addQueryParam("fileId", fileId).send()).bodyAsJsonObject();
    assertThat(byId.getJsonArray("files")).hasSize(1);
    assertThat(byId.getJsonArray("files").getJsonObject(0).getString("thumbnail")).startsWith("/dfsapi/v2/gainImage?")
      .endsWith("&scaling=120x120x4");

    change("keys/" + appKey + "/disable", null);
    assertThat(DaokeClient.code(client.save(key, Images.png(8, 8, 5)))).isEqualTo("ME01002");
    change("keys/" + appKey + "/enable", null);
    assertThat(DaokeClient.code(client.save(key, Images.png(8, 8, 6)))).isEqualTo("0");

    HttpResponse<Buffer> deleted = await(admin.delete("/console/api/files/" + fileId).putHeader("X-Console", "1").send());
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(client.get(DaokeClient.result(saved).getString("url")).statusCode()).isEqualTo(404);
    assertThat(await(admin.delete("/console/api/files/" + fileId).putHeader("X-Console", "1").send()).statusCode())
      .isEqualTo(404);
  }

  private JsonObject change(String path, JsonObject body) {
    var request = admin.post("/console/api/" + path).putHeader("X-Console", "1");
    HttpResponse<Buffer> answer = await(body == null ? request.send() : request.sendJsonObject(body));
    assertThat(answer.statusCode()).as(path + ": " + answer.bodyAsString()).isEqualTo(200);
    return answer.bodyAsJsonObject();
  }
}
