package io.mmfile.api.daoke;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.Multipart;
import io.mmfile.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.mmfile.support.DaokeClient.code;
import static io.mmfile.support.DaokeClient.result;
import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * WIRE.md §1 saveImage and gainImage, against a real node. Runs once per {@link Backend}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DaokeFileApiContract {
  static final long MAX_BYTES = 1024 * 1024;

  TestServer server;
  DaokeClient client;
  AppKey app;

  abstract Backend backend();

  /** Configuration that picks the durable store under test; the default store unless a subclass says. */
  JsonObject storeOverrides() {
    return new JsonObject();
  }

  @BeforeAll
  void startServer() {
    server = TestServer.start(backend(), new JsonObject()
      .put("upload.max-bytes", MAX_BYTES)
      .put("upload.chunk-bytes", 16 * 1024)
      // the concurrency test sends hundreds of uploads at once from one address
      .put("upload.max-concurrent-per-address", 1_000_000)
      .put("storage.sweep-interval-seconds", 1)
      .mergeIn(storeOverrides()));
    client = new DaokeClient(server.port(), new WebClientOptions(), 300);
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

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class SaveImage {

    @Test
    void answersTheEnvelopeByteForByte() {
      Buffer image = Images.png(40, 30, 1);
      HttpResponse<Buffer> response = client.save(app, image);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/json; charset=utf-8");
      assertThat(response.bodyAsString()).matches(
        "\\{\"ERRORCODE\":\"0\", \"RESULT\":\\{\"url\":\"http://127\\.0\\.0\\.1:" + server.port()
          + "/dfsapi/v2/gainImage\\?isStorage=false&group=g1&file=\\d+:[0-9a-f]{32}\\.png\","
          + "\"fileID\":\"[0-9a-f]{32}\",\"fileSize\":\"" + image.length() + "\"}}");
      String fileId = result(response).getString("fileID");
      assertThat(result(response).getString("url")).contains(":" + fileId + ".png");
    }

    @Test
    void storedBytesComeBackFromTheReturnedUrl() {
      Buffer image = Images.of("jpg", 64, 64, 2);
      HttpResponse<Buffer> saved = client.save(app, image, Map.of("isStorage", "true"));

      HttpResponse<Buffer> got = client.get(result(saved).getString("url"));
      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.getHeader("Content-Type")).isEqualTo("image/jpeg");
      assertThat(got.body()).isEqualTo(image);
    }

    @Test
    void isStorageTrueWritesToTheDurableStore() {
      HttpResponse<Buffer> saved = client.save(app, Images.png(10, 10, 3), Map.of("isStorage", "true"));
      String fileId = result(saved).getString("fileID");

      assertThat(server.durableFiles()).anyMatch(p -> p.getFileName().toString().equals(fileId));
    }

    @Test
    void withoutIsStorageTheFileGoesToTheCacheStore() {
      HttpResponse<Buffer> saved = client.save(app, Images.png(10, 10, 4), Map.of("isStorage", ""));
      String fileId = result(saved).getString("fileID");

      assertThat(server.durableFiles()).noneMatch(p -> p.getFileName().toString().equals(fileId));
      if (backend() == Backend.MARIADB_REDIS) {
        assertThat(server.redisKeys("blob:" + fileId)).hasSize(1);
      }
      assertThat(client.get(result(saved).getString("url")).statusCode()).isEqualTo(200);
    }

    @Test
    void acceptsFieldsAfterTheFilePart() {
      Buffer image = Images.png(12, 12, 5);
      Map<String, String> fields = DaokeClient.signedFields(app, image.length(), Map.of("isStorage", "true"));
      Multipart form = new Multipart().file("mmfile", "a.png", "image/png", image);
      fields.forEach(form::field);

      HttpResponse<Buffer> response = client.post(form);

      assertThat(code(response)).isEqualTo("0");
      String fileId = result(response).getString("fileID");
      assertThat(result(response).getString("url")).contains("isStorage=true");
      assertThat(server.durableFiles()).anyMatch(p -> p.getFileName().toString().equals(fileId));
      assertThat(client.get(result(response).getString("url")).body()).isEqualTo(image);
    }

    @Test
    void fieldsAfterTheFileCanStillChooseTheCacheStore() {
      Buffer image = Images.png(12, 12, 55);
      Map<String, String> fields = DaokeClient.signedFields(app, image.length(), Map.of("isStorage", "false"));
      Multipart form = new Multipart().file("mmfile", "a.png", "image/png", image);
      fields.forEach(form::field);

      HttpResponse<Buffer> response = client.post(form);

      assertThat(code(response)).isEqualTo("0");
      String fileId = result(response).getString("fileID");
      assertThat(server.durableFiles()).noneMatch(p -> p.getFileName().toString().equals(fileId));
      assertThat(client.get(result(response).getString("url")).body()).isEqualTo(image);
    }

    @Test
    void acceptsAppKeyAndSignAsHeaders() {
      Buffer image = Images.png(9, 9, 6);
      Map<String, String> fields = DaokeClient.signedFields(app, image.length(), Map.of());
      Multipart form = new Multipart().field("length", fields.get("length")).file("mmfile", "a.png", "image/png", image);

      HttpResponse<Buffer> response = await(client.web().post("/dfsapi/v2/saveImage")
        .putHeader("Content-Type", form.contentType())
        .putHeader("appkey", app.appKey())
        .putHeader("sign", fields.get("sign"))
        .sendBuffer(form.body()));

      assertThat(code(response)).isEqualTo("0");
    }

    @Test
    void acceptsTheLowerCaseAppkeyFieldOfTheSeedExample() {
      Buffer image = Images.png(9, 9, 7);
      Map<String, String> fields = DaokeClient.signedFields(app, image.length(), Map.of());
      Multipart form = new Multipart().field("appkey", app.appKey()).field("length", fields.get("length"))
        .field("sign", fields.get("sign")).file("mmfile", "1.jpg", "image/jpeg", image);

      assertThat(code(client.post(form))).isEqualTo("0");
    }

    @Test
    void acceptsEveryImageFormatJudgedByContent() {
      for (String format : List.of("png", "jpg", "gif", "bmp")) {
        Buffer image = Images.of(format, 20, 10, 8);
        HttpResponse<Buffer> response = client.save(app, image);
        assertThat(code(response)).as(format).isEqualTo("0");
      }
      Buffer webp = Buffer.buffer(HexFormat.of().parseHex(
        "524946461a000000574542505650384c0d0000002f0000000007d0ff0000000000"));
      assertThat(code(client.save(app, webp))).as("webp").isEqualTo("0");
    }

    @Test
    void refusesAMalformedAppKey() {
      Buffer image = Images.png(9, 9, 9);
      Multipart form = new Multipart().field("appKey", "12ab").field("length", "" + image.length())
        .field("sign", "0".repeat(40)).file("mmfile", "a.png", "image/png", image);

      assertThat(client.post(form).bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"appKey is error!\"}");
    }

    @Test
    void refusesAnUnknownAppKey() {
      AppKey stranger = new AppKey("9999999999", "00", "x", true, 0);

      assertThat(client.save(stranger, Images.png(9, 9, 10)).bodyAsString())
        .isEqualTo("{\"ERRORCODE\":\"ME01002\", \"RESULT\":\"appKey error\"}");
    }

    @Test
    void refusesADisabledAppKey() {
      AppKey disabled = server.newAppKey();
      assertThat(await(server.server().appKeys().disable(disabled.appKey()))).isTrue();

      assertThat(code(client.save(disabled, Images.png(9, 9, 11)))).isEqualTo("ME01002");
    }

    @Test
    void refusesAWrongSign() {
      Buffer image = Images.png(9, 9, 12);
      Map<String, String> fields = DaokeClient.signedFields(app, image.length(), Map.of());
      fields.put("sign", fields.get("sign").toLowerCase());
      Multipart form = new Multipart();
      fields.forEach(form::field);
      form.file("mmfile", "a.png", "image/png", image);

      assertThat(client.post(form).bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME01019\", \"RESULT\":\"sign is not match!\"}");
    }

    @Test
    void refusesASignThatLeavesOutASignedParameter() {
      Buffer image = Images.png(9, 9, 13);
      Map<String, String> fields = DaokeClient.signedFields(app, image.length(), Map.of());
      Multipart form = new Multipart();
      fields.forEach(form::field);
      form.field("cacheTime", "60").file("mmfile", "a.png", "image/png", image);

      assertThat(code(client.post(form))).isEqualTo("ME01019");
    }

    @Test
    void refusesAMissingLength() {
      Buffer image = Images.png(9, 9, 14);
      Multipart form = new Multipart().field("appKey", app.appKey()).field("sign", "A".repeat(40))
        .file("mmfile", "a.png", "image/png", image);

      assertThat(client.post(form).bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"length is error!\"}");
    }

    @Test
    void refusesALengthThatDiffersFromTheBytesAndKeepsNothing() {
      long recordsBefore = server.fileRecords();
      Buffer image = Images.png(9, 9, 15);
      Multipart form = new Multipart();
      DaokeClient.signedFields(app, image.length() + 1, Map.of("isStorage", "true")).forEach(form::field);
      form.file("mmfile", "a.png", "image/png", image);

      assertThat(client.post(form).bodyAsString())
        .isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"file length is error!\"}");
      assertThat(server.fileRecords()).isEqualTo(recordsBefore);
      eventually(() -> server.stagedParts().isEmpty());
    }

    @Test
    void refusesAnUploadLargerThanTheLimitAsSoonAsItIsCrossed() {
      long recordsBefore = server.fileRecords();
      Buffer big = Images.pngOfSize((int) (4 * MAX_BYTES), 16);
      // a declared length within the limit, so the fields pass and the bytes themselves cross it
      Multipart form = new Multipart();
      DaokeClient.signedFields(app, MAX_BYTES, Map.of("isStorage", "true")).forEach(form::field);
      form.file("mmfile", "big.png", "image/png", big);

      HttpResponse<Buffer> response = client.post(form);

      assertThat(response.bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"file length is error!\"}");
      assertThat(server.fileRecords()).isEqualTo(recordsBefore);
      eventually(() -> server.stagedParts().isEmpty());
    }

    @Test
    void refusesADeclaredLengthOverTheLimit() {
      Buffer image = Images.png(9, 9, 17);
      Multipart form = new Multipart();
      DaokeClient.signedFields(app, MAX_BYTES + 1, Map.of()).forEach(form::field);
      form.file("mmfile", "a.png", "image/png", image);

      assertThat(client.post(form).bodyAsString())
        .isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"length is error!\"}");
    }

    @Test
    void refusesAFileThatIsNotAnImageWhateverItsName() {
      long recordsBefore = server.fileRecords();
      Buffer text = Buffer.buffer("GIF8 is not enough: this is plain text pretending to be an image");
      Multipart form = new Multipart();
      DaokeClient.signedFields(app, text.length(), Map.of("isStorage", "true")).forEach(form::field);
      form.file("mmfile", "photo.jpg", "image/jpeg", text);

      assertThat(client.post(form).bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME24601\", \"RESULT\":\"image format error!\"}");
      assertThat(server.fileRecords()).isEqualTo(recordsBefore);
      eventually(() -> server.stagedParts().isEmpty());
    }

    @Test
    void refusesAFormWithoutTheFilePart() {
      Multipart form = new Multipart();
      DaokeClient.signedFields(app, 10, Map.of()).forEach(form::field);

      assertThat(client.post(form).bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"mmfile is error!\"}");
    }

    @Test
    void refusesAnEmptyBody() {
      HttpResponse<Buffer> response = await(client.web().post("/dfsapi/v2/saveImage").send());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME01024\", \"RESULT\":\"http body is null!\"}");
    }

    @Test
    void refusesABodyThatIsNotMultipart() {
      HttpResponse<Buffer> response = await(client.web().post("/dfsapi/v2/saveImage")
        .sendJsonObject(new JsonObject().put("appKey", app.appKey())));

      assertThat(response.bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME01006\", \"RESULT\":\"error json data!\"}");
    }

    @Test
    void refusesAMalformedCacheTime() {
      Buffer image = Images.png(9, 9, 18);
      assertThat(client.save(app, image, Map.of("cacheTime", "soon")).bodyAsString())
        .isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"cacheTime is error!\"}");
    }

    @Test
    void anUploadCutOffMidBodyLeavesNothingBehind() {
      long recordsBefore = server.fileRecords();
      Buffer image = Images.pngOfSize(200 * 1024, 19);
      Multipart form = new Multipart();
      DaokeClient.signedFields(app, image.length(), Map.of("isStorage", "true")).forEach(form::field);
      form.file("mmfile", "a.png", "image/png", image);
      Buffer body = form.body();
      Buffer half = body.getBuffer(0, body.length() / 2);

      NetClient net = client.vertx().createNetClient();
      NetSocket socket = await(net.connect(server.port(), "127.0.0.1"));
      await(socket.write("POST /dfsapi/v2/saveImage HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
        + form.contentType() + "\r\nContent-Length: " + body.length() + "\r\n\r\n"));
      await(socket.write(half));
      eventually(() -> !server.stagedParts().isEmpty());
      await(socket.close());
      net.close();

      eventually(() -> server.stagedParts().isEmpty());
      assertThat(server.fileRecords()).isEqualTo(recordsBefore);
    }

    @Test
    void aNetworkReadEndingBetweenCrAndLfBeforeABoundaryCorruptsNothing() throws Exception {
      // Netty's multipart decoder, no longer used, kept that CR in the field or the file (netty/netty#12729).
      Buffer image = Images.png(12, 12, 60);
      Multipart form = client.form(app, image, Map.of("isStorage", "true"));
      Buffer body = form.body();
      String text = body.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
      String head = "POST /dfsapi/v2/saveImage HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nContent-Type: " + form.contentType()
        + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n";
      int splits = 0;
      for (int cr = text.indexOf("\r\n--"); cr >= 0; cr = text.indexOf("\r\n--", cr + 1)) {
        NetClient net = client.vertx().createNetClient();
        NetSocket socket = await(net.connect(server.port(), "127.0.0.1"));
        Buffer answer = Buffer.buffer();
        io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
        socket.handler(answer::appendBuffer).closeHandler(v -> closed.tryComplete());
        await(socket.write(Buffer.buffer(head).appendBuffer(body.getBuffer(0, cr + 1))));
        Thread.sleep(30);
        await(socket.write(body.getBuffer(cr + 1, body.length())));
        await(closed.future());
        net.close();
        String response = answer.toString();
        JsonObject envelope = new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4));
        assertThat(envelope.getString("ERRORCODE")).as("split after byte %d", cr).isEqualTo("0");
        String url = envelope.getJsonObject("RESULT").getString("url");
        assertThat(client.get(url).body()).as("split after byte %d", cr).isEqualTo(image);
        splits++;
      }
      assertThat(splits).isEqualTo(5);
    }

    @Test
    void hundredsOfConcurrentUploadsComeBackByteIdentical() throws Exception {
      int uploads = 300;
      List<Buffer> images = new ArrayList<>();
      List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
      for (int i = 0; i < uploads; i++) {
        Buffer image = Images.pngOfSize(8 * 1024 + i * 97, 1000 + i);
        images.add(image);
        Multipart form = client.form(app, image, i % 2 == 0 ? Map.of("isStorage", "true") : Map.of());
        sent.add(client.web().post("/dfsapi/v2/saveImage").putHeader("Content-Type", form.contentType())
          .sendBuffer(form.body()));
      }
      List<Future<HttpResponse<Buffer>>> fetched = new ArrayList<>();
      for (Future<HttpResponse<Buffer>> f : sent) {
        HttpResponse<Buffer> response = await(f);
        assertThat(code(response)).isEqualTo("0");
        fetched.add(client.web().getAbs(result(response).getString("url")).send());
      }
      for (int i = 0; i < uploads; i++) {
        HttpResponse<Buffer> got = await(fetched.get(i));
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(sha256(got.body())).as("upload %d", i).isEqualTo(sha256(images.get(i)));
      }
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class GainImage {
    Buffer image;
    String url;
    String fileId;

    @BeforeAll
    void upload() {
      image = Images.png(33, 22, 40);
      HttpResponse<Buffer> saved = client.save(app, image, Map.of("isStorage", "true"));
      url = result(saved).getString("url");
      fileId = result(saved).getString("fileID");
    }

    @Test
    void servesTheBytesWithValidatorsAndCachingHeaders() {
      HttpResponse<Buffer> got = client.get(url);

      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.body()).isEqualTo(image);
      assertThat(got.getHeader("Content-Type")).isEqualTo("image/png");
      assertThat(got.getHeader("ETag")).isEqualTo("\"" + sha256(image) + "\"");
      assertThat(got.getHeader("Last-Modified")).endsWith("GMT");
      assertThat(got.getHeader("Cache-Control")).contains("max-age=");
      assertThat(got.getHeader("Content-Length")).isEqualTo("" + image.length());
    }

    @Test
    void answersHeadWithHeadersOnly() {
      HttpResponse<Buffer> head = await(client.web().headAbs(url).send());

      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.getHeader("Content-Length")).isEqualTo("" + image.length());
      assertThat(head.body()).isNull();
    }

    @Test
    void servesAByteRange() {
      HttpResponse<Buffer> part = await(client.web().getAbs(url).putHeader("Range", "bytes=10-19").send());

      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(part.getHeader("Content-Range")).isEqualTo("bytes 10-19/" + image.length());
      assertThat(part.body()).isEqualTo(image.getBuffer(10, 20));
    }

    @Test
    void servesASuffixRange() {
      HttpResponse<Buffer> part = await(client.web().getAbs(url).putHeader("Range", "bytes=-5").send());

      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(part.body()).isEqualTo(image.getBuffer(image.length() - 5, image.length()));
    }

    @Test
    void refusesARangePastTheEnd() {
      HttpResponse<Buffer> part = await(client.web().getAbs(url)
        .putHeader("Range", "bytes=" + (image.length() + 10) + "-").send());

      assertThat(part.statusCode()).isEqualTo(416);
      assertThat(part.getHeader("Content-Range")).isEqualTo("bytes */" + image.length());
    }

    @Test
    void servesTheRestOfTheFileForALastPositionTooLargeForALong() {
      HttpResponse<Buffer> part = await(client.web().getAbs(url)
        .putHeader("Range", "bytes=3-99999999999999999999").send());

      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(part.getHeader("Content-Range")).isEqualTo("bytes 3-" + (image.length() - 1) + "/" + image.length());
      assertThat(part.body()).isEqualTo(image.getBuffer(3, image.length()));
    }

    @Test
    void refusesAFirstPositionTooLargeForALong() {
      HttpResponse<Buffer> part = await(client.web().getAbs(url)
        .putHeader("Range", "bytes=99999999999999999999-").send());

      assertThat(part.statusCode()).isEqualTo(416);
      assertThat(part.getHeader("Content-Range")).isEqualTo("bytes */" + image.length());
    }

    @Test
    void ignoresARangeThatDoesNotParse() {
      HttpResponse<Buffer> got = await(client.web().getAbs(url).putHeader("Range", "bytes=5-x").send());

      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.body()).isEqualTo(image);
    }

    @Test
    void answers304WhenTheETagMatches() {
      String etag = client.get(url).getHeader("ETag");

      HttpResponse<Buffer> again = await(client.web().getAbs(url).putHeader("If-None-Match", etag).send());

      assertThat(again.statusCode()).isEqualTo(304);
      assertThat(again.body()).isNull();
    }

    @Test
    void acceptsTheWholeQueryPercentEncodedAsOneValue() {
      String query = url.substring(url.indexOf('?') + 1);
      String encoded = url.substring(0, url.indexOf('?') + 1) + query.replace("&", "%26");

      HttpResponse<Buffer> got = client.get(encoded);

      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.body()).isEqualTo(image);
    }

    @Test
    void answers404ForAnUnknownFile() {
      HttpResponse<Buffer> got = client.get(url.replace(fileId, "0123456789abcdef0123456789abcdef"));

      assertThat(got.statusCode()).isEqualTo(404);
      assertThat(got.body()).isNull();
    }

    @Test
    void answers400ForAMalformedFileParameter() {
      assertThat(client.get(url.replace(fileId, "not-a-file-id")).statusCode()).isEqualTo(400);
    }

    @Test
    void answersABare400ForABrokenPercentEncoding() {
      String base = url.substring(0, url.indexOf('?'));
      for (String query : List.of("file=%zz", "file=%%", "isStorage=true%26file=%zz", "file=" + fileId + "&x=%g")) {
        HttpResponse<Buffer> got = client.get(base + "?" + query);

        assertThat(got.statusCode()).as(query).isEqualTo(400);
        assertThat(got.body()).as(query).isNull();
      }
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Expiry {

    @Test
    void anExpiredCachedFileAnswers404AndItsBytesAreReclaimed() {
      Buffer image = Images.png(9, 9, 50);
      HttpResponse<Buffer> saved = client.save(app, image, Map.of("cacheTime", "1"));
      String url = result(saved).getString("url");
      String fileId = result(saved).getString("fileID");
      assertThat(client.get(url).statusCode()).isEqualTo(200);

      eventually(() -> client.get(url).statusCode() == 404);
      if (backend() == Backend.MARIADB_REDIS) {
        assertThat(server.redisKeys("blob:" + fileId)).isEmpty();
      }
      eventually(() -> await(server.server().stores().records().find(fileId)).isEmpty());
    }

    @Test
    void anExpiredDurableFileIsDeletedFromDisk() {
      Buffer image = Images.png(9, 9, 51);
      HttpResponse<Buffer> saved = client.save(app, image, Map.of("cacheTime", "1", "isStorage", "true"));
      String fileId = result(saved).getString("fileID");
      assertThat(server.durableFiles()).anyMatch(p -> p.getFileName().toString().equals(fileId));

      eventually(() -> server.durableFiles().stream().noneMatch(p -> p.getFileName().toString().equals(fileId)));
      eventually(() -> await(server.server().stores().records().find(fileId)).isEmpty());
      assertThat(client.get(result(saved).getString("url")).statusCode()).isEqualTo(404);
    }
  }

  static String sha256(Buffer bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.getBytes()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
