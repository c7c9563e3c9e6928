package io.mmfile.files;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.Multipart;
import io.mmfile.support.RawHttp;
import io.mmfile.support.SrvClient;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.mmfile.support.SrvClient.app;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one upload exchange behind saveImage, srv avatars and weidu files: broken multipart, bodies that
 * stop short or stall, slow links, form limits, early refusal, caps per client and per app, and
 * all-or-nothing commits, each in the dialect's own shape. Runs once per {@link Backend}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UploadExchangeContract {
  static final String SAVE = "/dfsapi/v2/saveImage";
  static final String AVATAR = "/srv/v1/pic/upload";
  static final String FILES = "/weidu/api/v1/files";
  static final String BASE64_AVATAR = "/srv/v1/pic/uploadBase64";
  static final String PASSWORD = "correct horse";

  TestServer server;
  DaokeClient client;
  AppKey app;
  String uid;
  String token;

  abstract Backend backend();

  @BeforeAll
  void startServer() {
    server = TestServer.start(backend(), new JsonObject()
      .put("upload.max-bytes", 1024 * 1024)
      .put("upload.max-request-bytes", 2 * 1024 * 1024)
      .put("upload.chunk-bytes", 16 * 1024)
      .put("upload.max-parts", 3)
      .put("upload.max-fields", 16)
      .put("upload.max-field-bytes", 1024)
      .put("upload.idle-timeout-seconds", 2)
      .put("auth.argon2-memory-kib", 8192)
      .put("auth.argon2-iterations", 1));
    client = new DaokeClient(server.port());
    app = server.newAppKey();
    SrvClient srv = new SrvClient(client.web());
    String username = "u" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    JsonObject registered = srv.post("account", app("1").put("username", username).put("password", PASSWORD));
    assertThat(registered.getString("error")).isEqualTo("0");
    uid = registered.getString("uid");
    token = srv.post("login", app("1").put("username", username).put("password", PASSWORD)).getString("access_token");
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

  RawHttp raw() {
    return new RawHttp(client.vertx(), server.port());
  }

  /** Sends {@code body} whole, with a Content-Length that matches it. */
  RawHttp.Response send(String path, String contentType, Buffer body, String... headers) {
    try (RawHttp http = raw()) {
      http.write(RawHttp.head(path, contentType, body.length(), headers)).write(body);
      return http.response();
    }
  }

  static String daokeCode(RawHttp.Response response) {
    assertThat(response.status()).as("an answer, not a silent close: %s", response).isEqualTo(200);
    return new JsonObject(response.body()).getString("ERRORCODE");
  }

  /** A pic/uploadBase64 body carrying a PNG of about {@code bytes} bytes. */
  static Buffer base64Avatar(int bytes, int seed) {
    return Buffer.buffer(new JsonObject().put("type", "1")
      .put("imgBase64", Base64.getEncoder().encodeToString(Images.pngOfSize(bytes, seed).getBytes())).encode());
  }

  static String boundaryOf(Multipart form) {
    return form.contentType().substring(form.contentType().indexOf("boundary=") + "boundary=".length());
  }

  void assertNothingKept(long recordsBefore, int filesBefore) {
    eventually(() -> server.stagedParts().isEmpty());
    assertThat(server.fileRecords()).isEqualTo(recordsBefore);
    assertThat(server.durableFiles()).hasSize(filesBefore);
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class MalformedMultipart {

    @Test
    void aMissingOrEmptyBoundaryIsME01006() {
      Buffer body = client.form(app, Images.png(8, 8, 1), Map.of()).body();
      for (String type : List.of("multipart/form-data", "multipart/form-data; boundary=",
        "multipart/form-data; boundary", "multipart/form-data; boundary=\"\"")) {
        RawHttp.Response response = send(SAVE, type, body);
        assertThat(response.body()).as(type).isEqualTo("{\"ERRORCODE\":\"ME01006\", \"RESULT\":\"error json data!\"}");
      }
    }

    @Test
    void aBodyEndingBeforeItsClosingBoundaryIsAnsweredAtOnceAndKeepsNothing() {
      long records = server.fileRecords();
      int files = server.durableFiles().size();
      Multipart form = client.form(app, Images.pngOfSize(40 * 1024, 2), Map.of("isStorage", "true"));

      RawHttp.Response response = send(SAVE, form.contentType(), form.unfinished());

      // Not the idle timeout's ME24700: the end of the body itself says it is incomplete.
      assertThat(daokeCode(response)).isEqualTo("ME01006");
      assertNothingKept(records, files);
    }

    @Test
    void aClientThatStallsMidBodyGetsTheIdleTimeoutsAnswer() {
      long records = server.fileRecords();
      int files = server.durableFiles().size();
      Multipart form = client.form(app, Images.pngOfSize(40 * 1024, 3), Map.of("isStorage", "true"));
      Buffer body = form.body();
      try (RawHttp http = raw()) {
        http.write(RawHttp.head(SAVE, form.contentType(), body.length())).write(body.getBuffer(0, body.length() / 2));

        assertThat(http.response().body())
          .isEqualTo("{\"ERRORCODE\":\"ME24700\", \"RESULT\":\"save file to dfs failed!\"}");
      }
      assertNothingKept(records, files);
    }

    @Test
    void aPartHeaderWithoutEqualsGetsAnAnswerAndALogLine() {
      Logger logger = (Logger) LoggerFactory.getLogger(UploadExchange.class);
      ListAppender<ILoggingEvent> logged = new ListAppender<>();
      logged.start();
      logger.addAppender(logged);
      try {
        Multipart form = new Multipart();
        String boundary = boundaryOf(form);
        Buffer body = Buffer.buffer("--" + boundary + "\r\nContent-Disposition: form-data; x\r\n\r\nvalue\r\n--"
          + boundary + "--\r\n");

        assertThat(daokeCode(send(SAVE, form.contentType(), body))).isEqualTo("ME01006");
        eventually(() -> logged.list.stream().anyMatch(e -> e.getFormattedMessage().contains("malformed multipart body")));
      } finally {
        logger.detachAppender(logged);
      }
    }

    @Test
    void srvAndWeiduAnswerTheSameMistakesInTheirShapes() {
      Multipart form = new Multipart().field("platid", "1").field("vercode", "1").field("channel", "x")
        .file("file", "me.png", "image/png", Images.png(8, 8, 4));
      String bearer = "Authorization: Bearer " + token;

      RawHttp.Response srvEmpty = send(AVATAR, "multipart/form-data; boundary=", form.body(), bearer);
      assertThat(new JsonObject(srvEmpty.body()).getString("error")).isEqualTo("12");
      RawHttp.Response srvShort = send(AVATAR, form.contentType(), form.unfinished(), bearer);
      assertThat(new JsonObject(srvShort.body()).getString("error")).isEqualTo("12");

      Multipart files = new Multipart().file("files", "a.png", "image/png", Images.png(8, 8, 5));
      RawHttp.Response weiduEmpty = send(FILES, "multipart/form-data; boundary", files.body(), bearer);
      assertThat(weiduEmpty.status()).isEqualTo(400);
      assertThat(new JsonObject(weiduEmpty.body()).getInteger("code")).isEqualTo(400);
      RawHttp.Response weiduShort = send(FILES, files.contentType(), files.unfinished(), bearer);
      assertThat(weiduShort.status()).isEqualTo(400);
      try (RawHttp http = raw()) {
        Buffer body = files.body();
        http.write(RawHttp.head(FILES, files.contentType(), body.length(), bearer)).write(body.getBuffer(0, 100));
        assertThat(http.response().status()).isEqualTo(408);
      }
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Limits {

    @Test
    void tooManyFieldsIsAClientErrorNamingTheLimit() {
      Multipart form = new Multipart();
      for (int i = 0; i < 40; i++) {
        form.field("f" + i, "v");
      }
      assertThat(client.post(form).bodyAsString())
        .isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"form fields is error!\"}");
    }

    @Test
    void aFieldOverTheSizeLimitIsAClientErrorNamingTheLimit() {
      Multipart form = new Multipart().field("appKey", app.appKey()).field("sign", "x".repeat(5000));
      assertThat(client.post(form).bodyAsString())
        .isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"form field size is error!\"}");
    }

    @Test
    void tooManyFilePartsIsAClientErrorNamingTheLimit() {
      Buffer image = Images.png(8, 8, 6);
      Multipart form = client.form(app, image, Map.of());
      for (int i = 0; i < 3; i++) {
        form.file("extra" + i, "x.png", "image/png", image);
      }
      assertThat(client.post(form).bodyAsString())
        .isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"form parts is error!\"}");
    }

    @Test
    void aBodyOverTheRequestLimitIsRefusedBeforeItIsRead() {
      try (RawHttp http = raw()) {
        Multipart form = new Multipart();
        http.write(RawHttp.head(SAVE, form.contentType(), 3L * 1024 * 1024));

        assertThat(daokeCode(http.response())).isEqualTo("ME01023");
        assertThat(new JsonObject(http.response().body()).getString("RESULT")).isEqualTo("body size is error!");
      }
    }

    @Test
    void aBase64AvatarOverTheBodyLimitIsRefusedBeforeItIsRead() {
      try (RawHttp http = raw()) {
        http.write(RawHttp.head(BASE64_AVATAR, "application/json", 3L * 1024 * 1024, "Authorization: Bearer " + token));

        JsonObject answer = new JsonObject(http.response().body());
        assertThat(answer.getString("error")).isEqualTo("12");
        assertThat(answer.getString("reason")).isEqualTo("body size");
      }
    }

    @Test
    void weiduTakesAtMostMaxPartsFilesAndStoresNoneOfTooMany() {
      long records = server.fileRecords();
      int files = server.durableFiles().size();
      Multipart form = new Multipart();
      for (int i = 0; i < 4; i++) {
        form.file("files", "f" + i + ".png", "image/png", Images.png(8, 8, 10 + i));
      }

      RawHttp.Response response = send(FILES, form.contentType(), form.body(), "Authorization: Bearer " + token);

      assertThat(response.status()).isEqualTo(413);
      assertThat(new JsonObject(response.body()).getString("result")).isEqualTo("form parts is invalid");
      assertNothingKept(records, files);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class SlowLinks {

    @Test
    void anUploadArrivingSteadilyAt1KBPerSecondIsStored() {
      // 5 KB at 1 KB/s takes longer than the 2 s idle timeout, but no second of it is silent.
      Buffer image = Images.pngOfSize(5 * 1024, 20);
      Multipart form = client.form(app, image, Map.of("isStorage", "true"));
      Buffer body = form.body();
      JsonObject envelope;
      try (RawHttp http = raw()) {
        http.write(RawHttp.head(SAVE, form.contentType(), body.length())).drip(body, 100, 100);
        envelope = new JsonObject(http.response().body());
      }

      assertThat(envelope.getString("ERRORCODE")).isEqualTo("0");
      // the raw request's Host header carries no port, and the URL is built from it
      String url = envelope.getJsonObject("RESULT").getString("url")
        .replace("http://127.0.0.1/", "http://127.0.0.1:" + server.port() + "/");
      assertThat(client.get(url).body()).isEqualTo(image);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class EarlyRefusal {

    @Test
    void srvRefusesABadBearerTokenBeforeReadingTheBody() {
      Multipart form = new Multipart().field("platid", "1").field("vercode", "1").field("channel", "x")
        .file("file", "me.png", "image/png", Images.pngOfSize(200 * 1024, 30));
      Buffer body = form.body();
      try (RawHttp http = raw()) {
        http.write(RawHttp.head(AVATAR, form.contentType(), body.length(), "Authorization: Bearer not-a-token"))
          .write(body.getBuffer(0, 64 * 1024));

        // Answered while most of the body is still unsent, and none of it was staged.
        JsonObject answer = new JsonObject(http.response().body());
        assertThat(answer.getString("error")).isEqualTo("5");
        assertThat(answer.getString("token_status")).isEqualTo("2");
      }
      assertThat(server.stagedParts()).isEmpty();
    }

    @Test
    void srvRefusesABadBearerTokenOnABase64AvatarBeforeReadingTheBody() {
      Buffer body = base64Avatar(600 * 1024, 32);
      try (RawHttp http = raw()) {
        http.write(RawHttp.head(BASE64_AVATAR, "application/json", body.length(), "Authorization: Bearer not-a-token"))
          .write(body.getBuffer(0, 64 * 1024));

        // Answered while most of the body is still unsent.
        JsonObject answer = new JsonObject(http.response().body());
        assertThat(answer.getString("error")).isEqualTo("5");
        assertThat(answer.getString("token_status")).isEqualTo("2");
      }
    }

    @Test
    void saveImageRefusesAnUnknownAppKeyHeaderBeforeReadingTheBody() {
      Multipart form = client.form(app, Images.pngOfSize(200 * 1024, 31), Map.of());
      Buffer body = form.body();
      try (RawHttp http = raw()) {
        http.write(RawHttp.head(SAVE, form.contentType(), body.length(), "appKey: 9999999999"))
          .write(body.getBuffer(0, 64 * 1024));

        assertThat(daokeCode(http.response())).isEqualTo("ME01002");
      }
      assertThat(server.stagedParts()).isEmpty();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AllOrNothing {

    @Test
    void weiduStoresNoFileWhenALaterOneFails() {
      long records = server.fileRecords();
      int files = server.durableFiles().size();
      Multipart form = new Multipart()
        .file("files", "first.png", "image/png", Images.png(16, 16, 40))
        .file("files", "notes.txt", "text/plain", Buffer.buffer("fine"))
        .file("files", "second.png", "image/png", Buffer.buffer("this claims to be a PNG and is not"));

      RawHttp.Response response = send(FILES, form.contentType(), form.body(), "Authorization: Bearer " + token);

      assertThat(response.status()).isEqualTo(415);
      assertNothingKept(records, files);
    }

    @Test
    void weiduStoresEveryFileOfARequestThatSucceeds() {
      long records = server.fileRecords();
      Multipart form = new Multipart()
        .file("files", "first.png", "image/png", Images.png(16, 16, 41))
        .file("files", "notes.txt", "text/plain", Buffer.buffer("fine"));

      RawHttp.Response response = send(FILES, form.contentType(), form.body(), "Authorization: Bearer " + token);

      assertThat(response.status()).as(response.body()).isEqualTo(201);
      assertThat(new JsonObject(response.body()).getJsonObject("data").getJsonArray("file_infos")).hasSize(2);
      assertThat(server.fileRecords()).isEqualTo(records + 2);
    }

    @Test
    void aWeiduFileNamedLikeAnImageIsCheckedByItsBytes() {
      Multipart form = new Multipart().file("files", "photo.jpg", "application/octet-stream",
        Buffer.buffer("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"));

      RawHttp.Response response = send(FILES, form.contentType(), form.body(), "Authorization: Bearer " + token);

      assertThat(response.status()).isEqualTo(415);
    }
  }

  /** saveImage fields sent before the file part are checked when the part begins. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class FieldsFirst {

    /** Sends the head, the fields and the first 64 KiB of the file, and reads the answer before sending more. */
    RawHttp.Response sendFieldsAndPartOfTheFile(Map<String, String> fields) {
      Buffer image = Images.pngOfSize(256 * 1024, 70);
      Multipart form = new Multipart();
      fields.forEach(form::field);
      form.file("mmfile", "a.png", "image/png", image);
      Buffer body = form.body();
      try (RawHttp http = raw()) {
        int fileStart = body.length() - image.length() - ("\r\n--" + boundaryOf(form) + "--\r\n").length();
        http.write(RawHttp.head(SAVE, form.contentType(), body.length())).write(body.getBuffer(0, fileStart + 64 * 1024));
        return http.response();
      }
    }

    @Test
    void aWrongSignIsRefusedBeforeAByteOfTheFileIsStored() {
      long records = server.fileRecords();
      int files = server.durableFiles().size();
      Map<String, String> fields = DaokeClient.signedFields(app, 256 * 1024, Map.of("isStorage", "true", "cacheTime", "0"));
      fields.put("sign", fields.get("sign").toLowerCase());

      RawHttp.Response response = sendFieldsAndPartOfTheFile(fields);

      assertThat(response.body()).isEqualTo("{\"ERRORCODE\":\"ME01019\", \"RESULT\":\"sign is not match!\"}");
      assertThat(server.stagedParts()).isEmpty();
      assertNothingKept(records, files);
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeAByteOfTheFileIsStored() {
      RawHttp.Response response = sendFieldsAndPartOfTheFile(DaokeClient.signedFields(app, 1L << 40, Map.of("isStorage", "true")));

      assertThat(response.body()).isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"length is error!\"}");
      assertThat(server.stagedParts()).isEmpty();
    }
  }

  /**
   * Where the bytes go, on a node whose durable store refuses every write (its free-space floor is
   * above any disk): a cache-store upload whose fields come first streams straight into the cache
   * store and succeeds; with its fields after the file it must be staged in the durable store first,
   * which refuses it.
   */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class StraightToTheChosenStore {
    TestServer full;
    AppKey key;

    @BeforeAll
    void start() {
      full = TestServer.start(backend(), new JsonObject().put("storage.min-free-bytes", Long.MAX_VALUE / 2));
      key = full.newAppKey();
    }

    @AfterAll
    void stop() {
      if (full != null) {
        full.close();
      }
    }

    RawHttp.Response post(Multipart form) {
      try (RawHttp http = new RawHttp(client.vertx(), full.port())) {
        http.write(RawHttp.head(SAVE, form.contentType(), form.body().length())).write(form.body());
        return http.response();
      }
    }

    @Test
    void fieldsBeforeTheFileSendItStraightToTheCacheStore() {
      Buffer image = Images.pngOfSize(200 * 1024, 71);
      Multipart form = client.form(key, image, Map.of("isStorage", "false"));

      RawHttp.Response response = post(form);

      assertThat(daokeCode(response)).isEqualTo("0");
      String url = new JsonObject(response.body()).getJsonObject("RESULT").getString("url")
        .replaceFirst("//[^/]+", "//127.0.0.1:" + full.port());
      assertThat(client.get(url).body()).isEqualTo(image);
    }

    @Test
    void fieldsAfterTheFileStageItInTheDurableStoreFirst() {
      Buffer image = Images.pngOfSize(200 * 1024, 72);
      Multipart form = new Multipart().file("mmfile", "a.png", "image/png", image);
      DaokeClient.signedFields(key, image.length(), Map.of("isStorage", "false")).forEach(form::field);

      assertThat(daokeCode(post(form))).isEqualTo("ME24700");
    }
  }

  /** File records of concurrent uploads share INSERT statements. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Records {

    FileRecord record(String appKey) {
      return new FileRecord(FileId.next(), appKey, StoreKind.DURABLE, 1, "0".repeat(64), "image/png", "png", 1, 1,
        System.currentTimeMillis(), null, null, null, null);
    }

    /** Inserts each list as one request's records, all asked for at once from one event loop. */
    List<io.vertx.core.Future<Void>> insertAtOnce(List<List<FileRecord>> requests) {
      FileRecordRepository repository = server.server().stores().records();
      io.vertx.core.Promise<List<io.vertx.core.Future<Void>>> asked = io.vertx.core.Promise.promise();
      server.vertx().runOnContext(v -> asked.complete(requests.stream()
        .map(request -> repository.insertAll(request).<Void>mapEmpty()).toList()));
      List<io.vertx.core.Future<Void>> inserts = TestServer.await(asked.future());
      TestServer.await(io.vertx.core.Future.join(inserts).otherwiseEmpty());
      return inserts;
    }

    @Test
    void recordsAskedForTogetherGoInFewStatementsAndAreAllFound() {
      FileRecordRepository repository = server.server().stores().records();
      long[] before = repository.insertStats();
      List<List<FileRecord>> requests = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        requests.add(List.of(record(app.appKey())));
      }

      List<io.vertx.core.Future<Void>> inserts = insertAtOnce(requests);

      assertThat(inserts).allMatch(io.vertx.core.Future::succeeded);
      long[] after = repository.insertStats();
      assertThat(after[1] - before[1]).as("rows").isEqualTo(40);
      // one statement goes at once (two on MariaDB); the rest waits for it and goes in one or two more
      assertThat(after[0] - before[0]).as("statements").isLessThan(20);
      for (List<FileRecord> request : requests) {
        assertThat(TestServer.await(repository.find(request.get(0).fileId()))).isPresent();
      }
    }

    @Test
    void aBadRecordFailsOnlyTheRequestItCameWith() {
      FileRecordRepository repository = server.server().stores().records();
      List<FileRecord> good = new ArrayList<>();
      List<List<FileRecord>> requests = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        FileRecord r = record(app.appKey());
        good.add(r);
        requests.add(List.of(r));
      }
      // app_key is NOT NULL: this request's statement must fail, on both databases
      FileRecord bad = record(null);
      FileRecord withBad = record(app.appKey());
      requests.add(5, List.of(withBad, bad));

      List<io.vertx.core.Future<Void>> inserts = insertAtOnce(requests);

      assertThat(inserts.get(5).failed()).isTrue();
      assertThat(TestServer.await(repository.find(withBad.fileId()))).as("all of a request or none").isEmpty();
      for (int i = 0; i < inserts.size(); i++) {
        if (i != 5) {
          assertThat(inserts.get(i).succeeded()).as("request %d", i).isTrue();
        }
      }
      for (FileRecord r : good) {
        assertThat(TestServer.await(repository.find(r.fileId()))).isPresent();
      }
    }
  }

  /** What one upload costs on the event bus between the HTTP and the storage verticles. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class EventBus {

    @Test
    void anUploadIsOneMessagePerChunkWithTheCommitFoldedIntoTheLastAndFewReplies() {
      java.util.concurrent.atomic.AtomicInteger transfers = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
      io.vertx.core.Handler<io.vertx.core.eventbus.DeliveryContext<Object>> count = delivery -> {
        if (delivery.message().body() instanceof StorageProtocol.Transfer) {
          transfers.incrementAndGet();
          if (delivery.message().replyAddress() != null) {
            requests.incrementAndGet();
          }
        }
        delivery.next();
      };
      server.vertx().eventBus().addOutboundInterceptor(count);
      try {
        // 100 KiB in chunks of at least 16 KiB (this node's upload.chunk-bytes): at most 7 chunks
        assertThat(DaokeClient.code(client.save(app, Images.pngOfSize(100 * 1024, 80), Map.of("isStorage", "true"))))
          .isEqualTo("0");
      } finally {
        server.vertx().eventBus().removeOutboundInterceptor(count);
      }
      // before: an open, 7 chunks and a commit, each a request with its reply (18 messages)
      assertThat(transfers.get()).as("transfers").isBetween(1, 7);
      // every 2nd chunk (half of the 4-chunk window) asks for an acknowledgement, and the commit for the record
      assertThat(requests.get()).as("transfers that ask for a reply").isBetween(1, 4);
    }
  }

  /** The caps, on a node of their own with a long idle timeout, so held uploads stay held. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Gate {
    TestServer capped;
    AppKey first;
    AppKey second;

    @BeforeAll
    void start() {
      capped = TestServer.start(backend(), new JsonObject()
        .put("upload.max-concurrent", 64)
        .put("upload.max-concurrent-per-address", 3)
        .put("upload.max-concurrent-per-app-key", 2)
        .put("upload.idle-timeout-seconds", 60)
        .put("auth.argon2-memory-kib", 8192)
        .put("auth.argon2-iterations", 1));
      first = capped.newAppKey();
      second = capped.newAppKey();
    }

    @AfterAll
    void stop() {
      if (capped != null) {
        capped.close();
      }
    }

    /**
     * An upload that sends its head and part of its body, then holds its place. It sends more than one
     * event-bus chunk, so its staging file exists at once rather than at the next periodic flush of a
     * trickling upload (a quarter of the idle timeout), which a busy machine can push past the wait.
     * Its fields come first and name the durable store, so its bytes go to a part file there.
     */
    RawHttp hold(AppKey appKey) {
      Multipart form = client.form(appKey, Images.pngOfSize(256 * 1024, 50), Map.of("isStorage", "true"));
      Buffer body = form.body();
      RawHttp http = new RawHttp(client.vertx(), capped.port());
      http.write(RawHttp.head(SAVE, form.contentType(), body.length(), "appKey: " + appKey.appKey()))
        .write(body.getBuffer(0, 128 * 1024));
      return http;
    }

    RawHttp.Response upload(AppKey appKey) {
      Multipart form = client.form(appKey, Images.png(8, 8, 51), Map.of());
      try (RawHttp http = new RawHttp(client.vertx(), capped.port())) {
        http.write(RawHttp.head(SAVE, form.contentType(), form.body().length(), "appKey: " + appKey.appKey()))
          .write(form.body());
        return http.response();
      }
    }

    @Test
    void base64AvatarsHoldPlacesInTheSameGate() {
      WebClient web = WebClient.create(client.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(capped.port()));
      SrvClient srv = new SrvClient(web);
      String username = "g" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
      assertThat(srv.post("account", app("1").put("username", username).put("password", PASSWORD)).getString("error"))
        .isEqualTo("0");
      String bearer = "Authorization: Bearer "
        + srv.post("login", app("1").put("username", username).put("password", PASSWORD)).getString("access_token");
      Buffer body = base64Avatar(256 * 1024, 52);
      List<RawHttp> held = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          RawHttp http = new RawHttp(client.vertx(), capped.port());
          held.add(http.write(RawHttp.head(BASE64_AVATAR, "application/json", body.length(), bearer))
            .write(body.getBuffer(0, 64 * 1024)));
        }
        eventually(() -> capped.server().uploadsInFlight() == 3);

        assertThat(daokeCode(upload(second))).as("the address holds three avatars").isEqualTo("ME24700");
        try (RawHttp fourth = new RawHttp(client.vertx(), capped.port())) {
          fourth.write(RawHttp.head(BASE64_AVATAR, "application/json", body.length(), bearer)).write(body);
          RawHttp.Response refused = fourth.response();
          assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("50");
          assertThat(refused.header("Retry-After")).isEqualTo("1");
        }
      } finally {
        held.forEach(RawHttp::close);
        web.close();
      }
      eventually(() -> capped.server().uploadsInFlight() == 0);
    }

    @Test
    void oneAppKeyCannotTakeMoreThanItsShareAndOneAddressNoMoreThanItsOwn() {
      List<RawHttp> held = new ArrayList<>();
      try {
        held.add(hold(first));
        held.add(hold(first));
        eventually(() -> capped.stagedParts().size() == 2);

        RawHttp.Response sameApp = upload(first);
        assertThat(daokeCode(sameApp)).isEqualTo("ME24700");
        assertThat(sameApp.header("Retry-After")).isEqualTo("1");
        assertThat(daokeCode(upload(second))).as("another app key still gets in").isEqualTo("0");

        held.add(hold(second));
        eventually(() -> capped.stagedParts().size() == 3);
        assertThat(daokeCode(upload(second))).as("the address holds three").isEqualTo("ME24700");
      } finally {
        held.forEach(RawHttp::close);
      }
      eventually(() -> capped.stagedParts().isEmpty());
      assertThat(daokeCode(upload(first))).as("places are given back").isEqualTo("0");
    }
  }
}
