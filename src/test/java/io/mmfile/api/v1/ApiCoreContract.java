package io.mmfile.api.v1;

import io.mmfile.auth.AppKey;
import io.mmfile.support.ApiClient;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The frame of {@code /api/v1} against a real node: the document and its reference page, problems for
 * every error, and both ways of authenticating. Runs once per {@link Backend}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiCoreContract extends ApiNodeContract {
  private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"([^\"]+)\"");


  /** A durable file saved through saveImage with {@code key}: it belongs to that app key. */
  String savedWith(AppKey key) {
    HttpResponse<Buffer> saved = daoke.save(key, Images.png(12, 8, 7), Map.of("isStorage", "true"));
    return DaokeClient.result(saved).getString("fileID");
  }

  static void assertProblem(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getString("type")).isEqualTo("urn:mmfile:problem:" + code);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("code")).isEqualTo(code);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("instance")).startsWith("/api/v1");
    assertThat(problem.getString("request_id")).isEqualTo(response.getHeader("X-Request-Id"));
    assertThat(response.bodyAsString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Nested
  class TheDocument {
    @Test
    void isServedAsJsonAndIsTheYamlOnTheClassPath() {
      HttpResponse<Buffer> response = api.operation("getOpenApiDocument").send();

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
      JsonObject document = response.bodyAsJsonObject();
      assertThat(document.getString("openapi")).isEqualTo("3.1.0");
      assertThat(document).isEqualTo(ApiDocument.read());
    }

    @Test
    void referencePageLoadsOnlyFilesOfThisOriginAndEachIsServed() {
      HttpResponse<Buffer> page = api.operation("getApiReference").send();

      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.getHeader("Content-Type")).startsWith("text/html");
      String csp = page.getHeader("Content-Security-Policy");
      assertThat(csp).contains("default-src 'none'").contains("script-src 'self'").doesNotContain("unsafe-eval");
      String html = page.bodyAsString();
      assertThat(html).doesNotContain("<script>").doesNotContain("//cdn").doesNotContain("https://");
      Matcher m = ASSET.matcher(html);
      int assets = 0;
      while (m.find()) {
        assets++;
        String path = m.group(1);
        assertThat(path).startsWith("/api/v1/docs/assets/");
        HttpResponse<Buffer> asset = await(api.web().get(path).send());
        assertThat(asset.statusCode()).as(path).isEqualTo(200);
        assertThat(asset.body().length()).as(path).isPositive();
        assertThat(asset.getHeader("Content-Security-Policy")).isEqualTo(csp);
      }
      assertThat(assets).isEqualTo(4);
    }

    @Test
    void theStartUpScriptPointsSwaggerUiAtTheDocument() {
      HttpResponse<Buffer> init = await(api.web().get("/api/v1/docs/assets/init.js").send());

      assertThat(init.bodyAsString()).contains("'/api/v1/openapi.json'");
    }

    @Test
    void anUnknownAssetIsAProblem() {
      assertProblem(await(api.web().get("/api/v1/docs/assets/nothing.js").send()), 404, "not_found");
    }
  }

  @Nested
  class Problems {
    @Test
    void unknownPathIs404() {
      assertProblem(await(api.web().get("/api/v1/nothing/here").send()), 404, "not_found");
    }

    @Test
    void theBarePrefixIs404() {
      assertProblem(await(api.web().get("/api/v1").send()), 404, "not_found");
    }

    @Test
    void wrongMethodIs405NamingTheAllowedOnes() {
      HttpResponse<Buffer> response = await(api.web().delete("/api/v1/openapi.json").send());

      assertProblem(response, 405, "method_not_allowed");
      assertThat(response.getHeader("Allow")).isEqualTo("GET");
    }

    @Test
    void aPathParameterAgainstItsSchemaIs400NamingIt() {
      HttpResponse<Buffer> response = api.operation("getFile").path("id", "not-an-id").signed(app).send();

      assertProblem(response, 400, "invalid_parameter");
      assertThat(response.bodyAsJsonObject().getString("parameter")).isEqualTo("id");
    }

    @Test
    void aFileThatDoesNotExistIs404() {
      HttpResponse<Buffer> response = api.operation("getFile").path("id", "0".repeat(32)).signed(app).send();

      assertProblem(response, 404, "not_found");
    }

    @Test
    void legacyPathsKeepTheirOwnErrors() {
      HttpResponse<Buffer> response = await(api.web().get("/dfsapi/v2/nothing").send());

      assertThat(response.getHeader("Content-Type")).doesNotContain("problem");
    }
  }

  /** JSON bodies of operations that are not streamed: read within api.max-json-bytes, then validated. */
  @Nested
  class Bodies {
    @Test
    void aBodyOverTheLimitIs413() {
      String password = "p".repeat(70_000);

      HttpResponse<Buffer> response = api.operation("createSession")
        .json(new JsonObject().put("username", "someone").put("password", password)).send();

      assertProblem(response, 413, "payload_too_large");
    }

    @Test
    void aBodyOfAnotherMediaTypeIs415() {
      HttpResponse<Buffer> response = api.operation("createSession")
        .body(Buffer.buffer("username=someone&password=x"), "application/x-www-form-urlencoded").send();

      assertProblem(response, 415, "unsupported_media_type");
    }

    @Test
    void aFieldAgainstItsSchemaIsNamed() {
      HttpResponse<Buffer> response = api.operation("createSession")
        .json(new JsonObject().put("username", "someone").put("password", 12345)).send();

      assertProblem(response, 400, "invalid_parameter");
      assertThat(response.bodyAsJsonObject().getString("parameter")).isEqualTo("password");
    }

    @Test
    void anAppKeysSignedBodyHashIsCheckedAgainstTheBody() {
      Buffer image = Images.png(12, 8, 71);
      HttpResponse<Buffer> saved = api.operation("createFile").signed(app).body(image, "image/png").send();
      assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(201);
      String sha256 = ApiClient.sha256(image);
      Buffer body = new JsonObject().put("name", "again.png").toBuffer();

      HttpResponse<Buffer> forged = api.operation("createFileByHash").path("sha256", sha256).signed(app)
        .contentHash(ApiClient.sha256(new JsonObject().put("name", "other.png").toBuffer()))
        .body(body, "application/json").send();
      HttpResponse<Buffer> honest = api.operation("createFileByHash").path("sha256", sha256).signed(app)
        .body(body, "application/json").send();

      assertProblem(forged, 401, "bad_signature");
      assertThat(honest.statusCode()).as(honest.bodyAsString()).isEqualTo(201);
      assertThat(honest.bodyAsJsonObject().getString("name")).isEqualTo("again.png");
    }
  }

  @Nested
  class Authentication {
    @Test
    void withoutCredentialsIs401WithTheSchemes() {
      HttpResponse<Buffer> response = api.operation("getFile").path("id", savedWith(app)).send();

      assertProblem(response, 401, "unauthorized");
      assertThat(response.getHeader("WWW-Authenticate")).contains("Bearer").contains("MMFILE-HMAC-SHA256");
    }

    @Test
    void anAppKeySignatureReadsTheKeysOwnFileSavedThroughSaveImage() {
      String id = savedWith(app);

      HttpResponse<Buffer> response = api.operation("getFile").path("id", id).signed(app).send();

      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      JsonObject file = response.bodyAsJsonObject();
      assertThat(file.getString("id")).isEqualTo(id);
      assertThat(file.getString("content_type")).isEqualTo("image/png");
      assertThat(file.getInteger("width")).isEqualTo(12);
      assertThat(file.getInteger("height")).isEqualTo(8);
      assertThat(file.getString("url")).endsWith("/api/v1/files/" + id + "/content");
      assertThat(file.getValue("expires_at")).isNull();
    }

    @Test
    void anotherAppKeysFileIsForbidden() {
      String id = savedWith(server.newAppKey());

      assertProblem(api.operation("getFile").path("id", id).signed(app).send(), 403, "forbidden");
    }

    @Test
    void aReplayedSignatureIsRefused() {
      String id = savedWith(app);
      String nonce = ApiClient.nonce();
      long ts = System.currentTimeMillis() / 1000;
      assertThat(api.operation("getFile").path("id", id).signed(app).signedAt(ts).nonce(nonce).send().statusCode())
        .isEqualTo(200);

      HttpResponse<Buffer> again = api.operation("getFile").path("id", id).signed(app).signedAt(ts).nonce(nonce).send();

      assertProblem(again, 401, "unauthorized");
      assertThat(again.bodyAsJsonObject().getString("detail")).contains("nonce");
    }

    @Test
    void aTimestampOutsideTheWindowIsRefused() {
      String id = savedWith(app);
      long old = System.currentTimeMillis() / 1000 - 301;

      HttpResponse<Buffer> response = api.operation("getFile").path("id", id).signed(app).signedAt(old).send();

      assertProblem(response, 401, "unauthorized");
      assertThat(response.bodyAsJsonObject().getString("detail")).contains("ts");
    }

    @Test
    void aSignatureOfAnotherPathIsRefused() {
      String id = savedWith(app);
      long ts = System.currentTimeMillis() / 1000;
      String nonce = ApiClient.nonce();
      String sig = ApiClient.signature(app.secret(), "GET", "/api/v1/files/" + "0".repeat(32), null, ts, nonce,
        ApiClient.sha256(Buffer.buffer()));

      HttpResponse<Buffer> response = api.operation("getFile").path("id", id)
        .header("Authorization", "MMFILE-HMAC-SHA256 key=" + app.appKey() + ", ts=" + ts + ", nonce=" + nonce
          + ", sig=" + sig).send();

      assertProblem(response, 401, "bad_signature");
    }

    @Test
    void aSignatureWithAnotherSecretIsRefused() {
      String id = savedWith(app);
      AppKey forged = new AppKey(app.appKey(), "F".repeat(32), "forged", true, 0);

      assertProblem(api.operation("getFile").path("id", id).signed(forged).send(), 401, "bad_signature");
    }

    @Test
    void aDisabledAppKeyIsRefused() {
      AppKey disabled = server.newAppKey();
      String id = savedWith(disabled);
      await(server.server().appKeys().disable(disabled.appKey()));
      TestServer.eventually(() -> api.operation("getFile").path("id", id).signed(disabled).send().statusCode() == 401);

      assertProblem(api.operation("getFile").path("id", id).signed(disabled).send(), 401, "unauthorized");
    }

    @Test
    void aMalformedSignatureHeaderIsRefused() {
      HttpResponse<Buffer> response = api.operation("getFile").path("id", "0".repeat(32))
        .header("Authorization", "MMFILE-HMAC-SHA256 key=" + app.appKey() + ", sig=abc").send();

      assertProblem(response, 401, "unauthorized");
    }

    @Test
    void anUnknownSchemeIsRefused() {
      HttpResponse<Buffer> response = api.operation("getFile").path("id", "0".repeat(32))
        .header("Authorization", "Basic dXNlcjpwYXNz").send();

      assertProblem(response, 401, "unauthorized");
    }

    @Test
    void aForgedAccessTokenIsRefused() {
      assertProblem(api.operation("getFile").path("id", "0".repeat(32)).bearer("eyJhbGciOiJFUzI1NiJ9.e30.c2ln").send(),
        401, "unauthorized");
    }

    @Test
    void anAccessTokenReadsTheAccountsOwnFilesOnly() {
      String token = await(server.server().accounts().tokens().startSession("api-core-" + ApiClient.nonce(), "1"))
        .accessToken();

      // a file of an app key is not the account's
      assertProblem(api.operation("getFile").path("id", savedWith(app)).bearer(token).send(), 403, "forbidden");
    }
  }
}
