package io.mmfile.platform;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.SocketExchange;
import io.mmfile.support.SrvClient;
import io.mmfile.support.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.mmfile.support.DaokeClient.result;
import static io.mmfile.support.SrvClient.app;
import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP front against a real node: headers every answer carries, how user files are served, what
 * no route answers, CORS and caching. Runs once per {@link Backend}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HttpFrontContract {
  static final String PAGE = "https://app.example.com";
  static final String PASSWORD = "correct horse";

  TestServer server;
  DaokeClient client;
  SrvClient srv;
  AppKey app;

  abstract Backend backend();

  @BeforeAll
  void startServer() {
    server = TestServer.start(backend(), new JsonObject()
      .put("http.cors.allowed-origins", PAGE + ", https://admin.example.com")
      .put("http.cache-store-max-age-seconds", 300)
      .put("auth.argon2-memory-kib", 8192)
      .put("auth.argon2-iterations", 1));
    client = new DaokeClient(server.port());
    srv = new SrvClient(client.web());
    app = server.newAppKey();
  }

  @AfterAll
  void stopServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  HttpResponse<Buffer> send(HttpMethod method, String path, MultiMap headers) {
    return await(client.web().request(method, path).putHeaders(headers).send());
  }

  /** An account of its own, logged in through srv: its uid and access token. */
  String[] newAccount() {
    String name = "front" + System.nanoTime();
    JsonObject registered = srv.post("account", app("1").put("username", name).put("password", PASSWORD));
    assertThat(registered.getString("error")).isEqualTo("0");
    JsonObject login = srv.post("login", app("1").put("username", name).put("password", PASSWORD));
    return new String[] {registered.getString("uid"), login.getString("access_token")};
  }

  /** Uploads one file through weidu and answers the URL its file info gives. */
  String uploadThroughWeidu(String filename, String contentType, Buffer bytes) {
    String[] account = newAccount();
    MultipartForm form = MultipartForm.create().binaryFileUpload("files", filename, bytes, contentType);
    HttpResponse<Buffer> stored = await(client.web().post("/weidu/api/v1/files").addQueryParam("user_id", account[0])
      .putHeader("Authorization", "Bearer " + account[1]).sendMultipartForm(form));
    assertThat(stored.statusCode()).as(stored.bodyAsString()).isEqualTo(201);
    return stored.bodyAsJsonObject().getJsonObject("data").getJsonArray("file_infos").getJsonObject(0)
      .getString("path");
  }

  /** Sends raw bytes on a fresh connection and answers everything the server sent until it closed. */
  String raw(String request) {
    NetClient net = client.vertx().createNetClient();
    try {
      NetSocket socket = await(net.connect(server.port(), "127.0.0.1"));
      Buffer answer = Buffer.buffer();
      CompletableFuture<String> closed = new CompletableFuture<>();
      socket.handler(answer::appendBuffer);
      socket.closeHandler(v -> closed.complete(answer.toString()));
      await(socket.write(request));
      return closed.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      net.close();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class UserFiles {

    @Test
    void anHtmlFileUploadedThroughWeiduIsServedAsAnAttachmentThatCannotRun() {
      Buffer page = Buffer.buffer("<html><body><script>alert(document.domain)</script></body></html>");
      String url = uploadThroughWeidu("evil.html", "text/html", page);

      HttpResponse<Buffer> got = client.get(url);

      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.body()).isEqualTo(page);
      assertThat(got.getHeader("Content-Type")).isEqualTo("application/octet-stream");
      assertThat(got.getHeader("Content-Disposition")).isEqualTo("attachment; filename=\"evil.html\"");
      assertThat(got.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(got.getHeader("Content-Security-Policy")).contains("sandbox").contains("default-src 'none'");
    }

    @Test
    void svgMarkupSentAsXmlIsAnAttachmentToo() {
      // weidu refuses an SVG that claims to be an image; as XML, a browser would still render its script
      Buffer svg = Buffer.buffer("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>");
      String url = uploadThroughWeidu("drawing.xml", "text/xml", svg);

      HttpResponse<Buffer> got = client.get(url);

      assertThat(got.getHeader("Content-Type")).isEqualTo("application/octet-stream");
      assertThat(got.getHeader("Content-Disposition")).isEqualTo("attachment; filename=\"drawing.xml\"");
    }

    @Test
    void aFileNameIsCleanedForTheHeader() {
      String url = uploadThroughWeidu("my report (final).txt", "text/plain", Buffer.buffer("hello"));

      HttpResponse<Buffer> got = client.get(url);

      assertThat(got.getHeader("Content-Type")).isEqualTo("text/plain");
      assertThat(got.getHeader("Content-Disposition"))
        .isEqualTo("attachment; filename=\"my_report_final_.txt\"; filename*=UTF-8''my%20report%20%28final%29.txt");
    }

    @Test
    void imagesAreShownInline() {
      Buffer image = Images.png(12, 12, 7);
      String url = uploadThroughWeidu("photo.png", "image/png", image);

      HttpResponse<Buffer> got = client.get(url);

      assertThat(got.getHeader("Content-Type")).isEqualTo("image/png");
      assertThat(got.getHeader("Content-Disposition")).isNull();
      assertThat(got.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void everyAnswerSaysNosniffErrorsIncluded() {
      HttpResponse<Buffer> saved = client.save(app, Images.png(8, 8, 1));
      String url = result(saved).getString("url");
      String base = url.substring(0, url.indexOf('?'));
      List<HttpResponse<Buffer>> answers = List.of(saved, client.get(url), client.get(base + "?file=nothing"),
        client.get(base + "?file=0123456789abcdef0123456789abcdef"), client.get(base + "?file=%zz"),
        await(client.web().get("/health/live").send()), await(client.web().get("/no/such/path").send()),
        await(client.web().get("/srv/v1/accountDetail").send()), await(client.web().get("/weidu/api/v1/nothing").send()));

      assertThat(answers).allSatisfy(a -> assertThat(a.getHeader("X-Content-Type-Options")).isEqualTo("nosniff"));
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Unrouted {

    @Test
    void aRequestWithoutHostIsABare400AndNoStackTrace() {
      Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      ListAppender<ILoggingEvent> log = new ListAppender<>();
      log.start();
      root.addAppender(log);
      try {
        String answer = raw("GET /dfsapi/v2/gainImage?file=x HTTP/1.1\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer).containsIgnoringCase("content-length: 0");
        assertThat(log.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
        assertThat(log.list).noneMatch(e -> e.getThrowableProxy() != null);
      } finally {
        root.detachAppender(log);
      }
    }

    @Test
    void daokePathsThatDoNotExistAnswerTheEnvelope() {
      HttpResponse<Buffer> wrongMethod = send(HttpMethod.GET, "/dfsapi/v2/saveImage", MultiMap.caseInsensitiveMultiMap());
      HttpResponse<Buffer> noSuchPath = send(HttpMethod.POST, "/dfsapi/v2/nothing", MultiMap.caseInsensitiveMultiMap());

      assertThat(wrongMethod.statusCode()).isEqualTo(200);
      assertThat(wrongMethod.bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"method is error!\"}");
      assertThat(noSuchPath.statusCode()).isEqualTo(200);
      assertThat(noSuchPath.bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"path is error!\"}");
    }

    @Test
    void gainImageAnswersAWrongMethodWithABare405() {
      HttpResponse<Buffer> got = send(HttpMethod.POST, "/dfsapi/v2/gainImage", MultiMap.caseInsensitiveMultiMap());

      assertThat(got.statusCode()).isEqualTo(405);
      assertThat(got.getHeader("Allow")).isEqualTo("GET, HEAD");
      assertThat(got.body()).isNull();
    }

    @Test
    void srvPathsThatDoNotExistAnswerBadParameters() {
      HttpResponse<Buffer> got = send(HttpMethod.GET, "/srv/v1/nothing", MultiMap.caseInsensitiveMultiMap());
      HttpResponse<Buffer> wrongMethod = send(HttpMethod.GET, "/srv/v1/login", MultiMap.caseInsensitiveMultiMap());

      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", "12"));
      assertThat(wrongMethod.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", "12"));
    }

    @Test
    void weiduPathsThatDoNotExistAnswerWeidusShape() {
      HttpResponse<Buffer> got = send(HttpMethod.GET, "/weidu/api/v1/nothing", MultiMap.caseInsensitiveMultiMap());
      HttpResponse<Buffer> wrongMethod = send(HttpMethod.DELETE, "/weidu/api/v1/files", MultiMap.caseInsensitiveMultiMap());

      assertThat(got.statusCode()).isEqualTo(404);
      assertThat(got.bodyAsJsonObject()).isEqualTo(new JsonObject().put("code", 404).put("result", "not found"));
      assertThat(wrongMethod.statusCode()).isEqualTo(405);
      assertThat(wrongMethod.bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("code", 405).put("result", "method not allowed"));
    }
  }

  /**
   * A multipart body whose part header Netty's decoder cannot parse (a parameter without {@code =}),
   * sent to the routes that read their whole body before they run: each answers in its own dialect's
   * bad-parameter shape, instead of the connection closing without a word.
   */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class MalformedMultipartOnWholeBodyRoutes {
    static final String BODY = "--B\r\nContent-Disposition: form-data; na2Content-Disposition: form-data; na2e=\"platid\"\r\n\r\n"
      + "1\r\n--B\r\nC=\"username\"\r\n\r\nabcd\r\n--B--\r\n";

    SocketExchange.Answer post(String path, String... headers) {
      byte[] body = BODY.getBytes(StandardCharsets.ISO_8859_1);
      String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length
        + "\r\nContent-Type: multipart/form-data; boundary=B" + String.join("", headers);
      return SocketExchange.exchange(server.port(), head, body, 15_000);
    }

    @Test
    void srvLoginAnswersBadParameters() {
      SocketExchange.Answer answer = post("/srv/v1/login");

      assertThat(answer.status()).as(answer.head()).isEqualTo(200);
      assertThat(new JsonObject(answer.bodyText()).getString("error")).isEqualTo("12");
    }

    @Test
    void srvBase64AvatarAnswersBadParametersWithItsTokenStatus() {
      String[] account = newAccount();
      SocketExchange.Answer answer = post("/srv/v1/pic/uploadBase64", "\r\nAuthorization: Bearer " + account[1]);

      assertThat(answer.status()).as(answer.head()).isEqualTo(200);
      assertThat(new JsonObject(answer.bodyText()).getString("error")).isEqualTo("12");
    }

    @Test
    void weiduProfileAnswers400() {
      String[] account = newAccount();
      SocketExchange.Answer answer = post("/weidu/api/v1/users/accountinfo", "\r\nAuthorization: Bearer " + account[1]);

      assertThat(answer.status()).as(answer.head()).isEqualTo(400);
      assertThat(new JsonObject(answer.bodyText()).getInteger("code")).isEqualTo(400);
    }

    @Test
    void daokeUserBindMobileAnswersTheEnvelopesBadBody() {
      SocketExchange.Answer answer = post("/accountapi/v2/userBindMobile");

      assertThat(answer.status()).as(answer.head()).isEqualTo(200);
      assertThat(new JsonObject(answer.bodyText()).getString("ERRORCODE")).isEqualTo("ME01006");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class CrossOrigin {

    MultiMap preflight(String method, String headers) {
      return MultiMap.caseInsensitiveMultiMap().add("Origin", PAGE).add("Access-Control-Request-Method", method)
        .add("Access-Control-Request-Headers", headers);
    }

    void assertAllowed(HttpResponse<Buffer> answer, String... headers) {
      assertThat(answer.statusCode()).isBetween(200, 204);
      assertThat(answer.getHeader("Access-Control-Allow-Origin")).isEqualTo(PAGE);
      assertThat(answer.getHeader("Access-Control-Allow-Methods")).contains("POST");
      String allowed = answer.getHeader("Access-Control-Allow-Headers").toLowerCase();
      for (String header : headers) {
        assertThat(allowed).contains(header.toLowerCase());
      }
    }

    @Test
    void aPreflightForSaveImageAllowsItsSignedHeaders() {
      assertAllowed(send(HttpMethod.OPTIONS, "/dfsapi/v2/saveImage", preflight("POST", "appkey,sign,content-type")),
        "appKey", "sign", "Content-Type");
    }

    @Test
    void aPreflightForSrvAllowsBearerTokensAndJson() {
      assertAllowed(send(HttpMethod.OPTIONS, "/srv/v1/login", preflight("POST", "authorization,content-type")),
        "Authorization", "Content-Type");
    }

    @Test
    void aPreflightForTheRestApiAllowsDeleteAndTheSignedBodyHash() {
      HttpResponse<Buffer> answer = send(HttpMethod.OPTIONS, "/api/v1/files",
        preflight("DELETE", "authorization,x-mmfile-content-sha256"));

      assertAllowed(answer, "Authorization", "x-mmfile-content-sha256");
      assertThat(answer.getHeader("Access-Control-Allow-Methods")).contains("DELETE");
    }

    @Test
    void aPreflightForTusAllowsPatchAndItsHeadersAndThePageReadsTheOffset() {
      HttpResponse<Buffer> answer = send(HttpMethod.OPTIONS, "/api/v1/uploads/0123456789abcdef0123456789abcdef",
        preflight("PATCH", "authorization,content-type,tus-resumable,upload-offset,upload-checksum"));

      assertAllowed(answer, "Authorization", "Content-Type", "Tus-Resumable", "Upload-Offset", "Upload-Checksum");
      assertThat(answer.getHeader("Access-Control-Allow-Methods")).contains("PATCH");
      HttpResponse<Buffer> discovery = await(client.web().request(HttpMethod.OPTIONS, "/api/v1/uploads")
        .putHeader("Origin", PAGE).send());
      assertThat(discovery.getHeader("Access-Control-Expose-Headers")).contains("Upload-Offset")
        .contains("Tus-Version").contains("Mmfile-File-Id").contains("Location");
    }

    @Test
    void aPreflightForWeiduAllowsBearerTokensAndJson() {
      assertAllowed(send(HttpMethod.OPTIONS, "/weidu/api/v1/users/accountinfo",
        preflight("POST", "authorization,content-type")), "Authorization", "Content-Type");
    }

    @Test
    void anAllowedPageReadsAnswersAndTheFileHeaders() {
      String url = result(client.save(app, Images.png(8, 8, 2))).getString("url");

      HttpResponse<Buffer> got = await(client.web().getAbs(url).putHeader("Origin", PAGE).send());

      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.getHeader("Access-Control-Allow-Origin")).isEqualTo(PAGE);
      assertThat(got.getHeader("Access-Control-Expose-Headers")).contains("Content-Disposition").contains("ETag");
    }

    @Test
    void errorsCarryTheCorsHeadersSoAPageCanReadThem() {
      HttpResponse<Buffer> got = await(client.web().get("/dfsapi/v2/gainImage")
        .addQueryParam("file", "0123456789abcdef0123456789abcdef").putHeader("Origin", PAGE).send());

      assertThat(got.statusCode()).isEqualTo(404);
      assertThat(got.getHeader("Access-Control-Allow-Origin")).isEqualTo(PAGE);
    }

    @Test
    void aPageOfAnotherOriginGetsNoCorsHeadersButTheRequestIsServed() {
      HttpResponse<Buffer> got = await(client.web().get("/health/live").putHeader("Origin", "https://evil.example")
        .send());
      HttpResponse<Buffer> preflight = send(HttpMethod.OPTIONS, "/srv/v1/login", MultiMap.caseInsensitiveMultiMap()
        .add("Origin", "https://evil.example").add("Access-Control-Request-Method", "POST"));

      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.getHeader("Access-Control-Allow-Origin")).isNull();
      assertThat(got.getHeader("Vary")).contains("Origin");
      assertThat(preflight.getHeader("Access-Control-Allow-Origin")).isNull();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Caching {

    String cacheControl(Map<String, String> fields) {
      String url = result(client.save(app, Images.png(9, 9, fields.hashCode()), fields)).getString("url");
      return client.get(url).getHeader("Cache-Control");
    }

    @Test
    void durableFilesThatNeverExpireAreImmutable() {
      assertThat(cacheControl(Map.of("isStorage", "true"))).isEqualTo("public, max-age=31536000, immutable");
    }

    @Test
    void cacheStoreFilesAreKeptOnlyBrieflySinceTheyCanBeEvicted() {
      assertThat(cacheControl(Map.of())).isEqualTo("public, max-age=300");
      assertThat(cacheControl(Map.of("cacheTime", "100000"))).isEqualTo("public, max-age=300");
    }

    @Test
    void filesThatExpireAreKeptNoLongerThanTheyLive() {
      assertThat(cacheControl(Map.of("cacheTime", "120"))).matches("public, max-age=(1[01][0-9]|120)");
      assertThat(cacheControl(Map.of("isStorage", "true", "cacheTime", "100000")))
        .matches("public, max-age=(99[0-9]{3}|100000)");
    }
  }
}
