package io.mmfile.uploads;

import io.mmfile.auth.AppKey;
import io.mmfile.files.FileRecord;
import io.mmfile.support.ApiClient;
import io.mmfile.support.Backend;
import io.mmfile.support.CuttingProxy;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.SrvClient;
import io.mmfile.support.TestServer;
import io.mmfile.support.TusHttp;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

import static io.mmfile.support.SrvClient.app;
import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * tus 1.0 at /api/v1/uploads, spoken by the official Java tus client and by single requests: uploads
 * that become files served by gainImage, links cut at random points and resumed byte for byte, the
 * protocol's refusals (409, 412, 413, 460, 410), termination and expiry that leave no bytes or rows.
 * Runs once per {@link Backend}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ResumableUploadsContract {
  static final String PASSWORD = "correct horse";
  static final int MAX_BYTES = 2 * 1024 * 1024;

  TestServer server;
  DaokeClient daoke;
  String uid;
  String token;
  TusHttp tus;

  abstract Backend backend();

  @BeforeAll
  void startServer() {
    server = TestServer.start(backend(), new JsonObject()
      .put("upload.max-bytes", MAX_BYTES)
      .put("upload.max-request-bytes", 2 * MAX_BYTES)
      .put("upload.chunk-bytes", 16 * 1024)
      .put("upload.idle-timeout-seconds", 5)
      .put("auth.argon2-memory-kib", 8192)
      .put("auth.argon2-iterations", 1));
    daoke = new DaokeClient(server.port());
    String[] account = register(daoke);
    uid = account[0];
    token = account[1];
    tus = new TusHttp(server.port(), token);
  }

  /** A new account on the node: its uid and an access token. */
  static String[] register(DaokeClient client) {
    SrvClient srv = new SrvClient(client.web());
    String username = "t" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    JsonObject registered = srv.post("account", app("1").put("username", username).put("password", PASSWORD));
    assertThat(registered.getString("error")).isEqualTo("0");
    String token = srv.post("login", app("1").put("username", username).put("password", PASSWORD)).getString("access_token");
    return new String[] {registered.getString("uid"), token};
  }

  @AfterAll
  void stopServer() {
    if (daoke != null) {
      daoke.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static byte[] image(int bytes, long seed) {
    return Images.pngOfSize(bytes, seed).getBytes();
  }

  static String sha256Hex(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  String fileIdOf(String location) {
    HttpResponse<String> head = tus.head(location);
    assertThat(head.statusCode()).isEqualTo(200);
    return head.headers().firstValue("Mmfile-File-Id").orElseThrow();
  }

  /** The file's bytes as gainImage serves them. */
  byte[] gainImage(String fileId) {
    FileRecord record = await(server.server().stores().records().find(fileId)).orElseThrow();
    String url = "http://127.0.0.1:" + server.port() + "/dfsapi/v2/gainImage?isStorage=true&group=g1&file="
      + record.createdMs() / 1000 + ":" + fileId + (record.extension().isEmpty() ? "" : "." + record.extension());
    var response = daoke.get(url);
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body().getBytes();
  }

  Path partOf(String location) {
    return server.server().resumableUploads().partOf(location.substring(location.lastIndexOf('/') + 1));
  }

  long rowsOfUploads() {
    return await(server.server().resumableUploadRows());
  }

  @Test
  void optionsAdvertisesTheVersionExtensionsLimitAndChecksumAlgorithms() {
    HttpResponse<String> response = tus.send(HttpRequest.newBuilder(java.net.URI.create(tus.base() + TusHttp.PATH))
      .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("Tus-Version")).hasValue("1.0.0");
    assertThat(response.headers().firstValue("Tus-Extension").orElseThrow().split(","))
      .contains("creation", "creation-with-upload", "termination", "expiration", "checksum");
    assertThat(response.headers().firstValue("Tus-Max-Size")).hasValue(Integer.toString(MAX_BYTES));
    assertThat(response.headers().firstValue("Tus-Checksum-Algorithm").orElseThrow().split(",")).contains("sha256");
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class WithTheTusClient {

    @Test
    void anUploadInSeveralPatchesBecomesAFileServedByGainImage() throws Exception {
      byte[] bytes = image(300_000, 1);
      TusHttp.ClientRun run = TusHttp.uploadWithClient(server.port(), token, bytes,
        Map.of("filename", "road.png", "filetype", "image/png"), 16 * 1024, 64 * 1024, 1, attempt -> { });
      String fileId = fileIdOf(run.uploadUrl().getPath());
      assertThat(fileId).matches("[0-9a-f]{32}");
      FileRecord record = await(server.server().stores().records().find(fileId)).orElseThrow();
      assertThat(record.size()).isEqualTo(bytes.length);
      assertThat(record.sha256()).isEqualTo(sha256Hex(bytes));
      assertThat(record.accountId()).isEqualTo(uid);
      assertThat(record.contentType()).isEqualTo("image/png");
      assertThat(record.name()).isEqualTo("road.png");
      assertThat(gainImage(fileId)).isEqualTo(bytes);
      assertThat(partOf(run.uploadUrl().getPath())).as("the part file is gone once the file is committed").doesNotExist();
    }

    @Test
    void connectionsCutAtRandomPointsResumeFromWhatTheServerHoldsByteForByte() throws Exception {
      // fixed seeds, named in a failure: the cut points are drawn from them
      for (long seed : new long[] {11, 12, 13}) {
        byte[] bytes = image(600_000 + (int) seed * 1000, seed);
        Random random = new Random(seed);
        try (CuttingProxy proxy = new CuttingProxy(server.port())) {
          int cuts = 4;
          TusHttp.ClientRun run = TusHttp.uploadWithClient(proxy.port(), token, bytes, Map.of("filename", "cut.png"),
            8 * 1024, 256 * 1024, 40, attempt -> {
              if (attempt <= cuts) {
                proxy.arm(1_000 + random.nextInt(bytes.length / cuts), CuttingProxy.Fault.CUT);
              }
            });
          System.err.printf("tus upload of %d bytes, seed %d: %d attempts, resumed at %s, after %s%n", bytes.length,
            seed, run.attempts(), run.resumedAt(), run.failures());
          assertThat(run.attempts()).as("seed %d: every armed cut hit an attempt", seed).isGreaterThan(cuts);
          assertThat(run.resumedAt()).as("seed %d: later attempts resumed past 0: %s", seed, run.resumedAt())
            .anyMatch(offset -> offset > 0);
          assertThat(proxy.upstreamBytes()).as("seed %d: nothing sent twice beyond the cut requests", seed)
            .isLessThan(2L * bytes.length);
          String fileId = fileIdOf(run.uploadUrl().getPath());
          assertThat(gainImage(fileId)).as("seed %d", seed).isEqualTo(bytes);
          assertThat(partOf(run.uploadUrl().getPath())).doesNotExist();
        }
      }
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class SingleRequests {

    @Test
    void thePatchThatCompletesAnUploadCarriesTheFileId() throws Exception {
      byte[] bytes = image(50_000, 2);
      String location = tus.created(bytes.length, TusHttp.metadata(Map.of("filename", "a.png")));
      assertThat(location).startsWith(TusHttp.PATH + "/");
      HttpResponse<String> first = tus.patch(location, 0, java.util.Arrays.copyOf(bytes, 20_000));
      assertThat(first.statusCode()).isEqualTo(204);
      assertThat(first.headers().firstValue("Upload-Offset")).hasValue("20000");
      assertThat(first.headers().firstValue("Upload-Expires")).isPresent();
      assertThat(first.headers().firstValue("Mmfile-File-Id")).isEmpty();
      HttpResponse<String> last = tus.patch(location, 20_000, java.util.Arrays.copyOfRange(bytes, 20_000, bytes.length));
      assertThat(last.statusCode()).isEqualTo(204);
      assertThat(last.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(bytes.length));
      String fileId = last.headers().firstValue("Mmfile-File-Id").orElseThrow();
      assertThat(fileId).matches("[0-9a-f]{32}");
      assertThat(gainImage(fileId)).isEqualTo(bytes);
      assertThat(partOf(location)).doesNotExist();
      // a client whose answer was lost asks again: the same file
      assertThat(fileIdOf(location)).isEqualTo(fileId);
      HttpResponse<String> again = tus.patch(location, bytes.length, new byte[0]);
      assertThat(again.statusCode()).isEqualTo(204);
      assertThat(again.headers().firstValue("Mmfile-File-Id")).hasValue(fileId);
    }

    @Test
    void creationWithUploadStoresTheBytesOfThePost() throws Exception {
      byte[] bytes = image(30_000, 3);
      HttpResponse<String> response = tus.send(tus.request(TusHttp.PATH).header("Upload-Length", Integer.toString(bytes.length))
        .header("Content-Type", "application/offset+octet-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
      assertThat(response.statusCode()).isEqualTo(201);
      assertThat(response.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(bytes.length));
      assertThat(gainImage(response.headers().firstValue("Mmfile-File-Id").orElseThrow())).isEqualTo(bytes);
    }

    @Test
    void aWrongOffsetIs409AndChangesNothing() {
      String location = tus.created(1000, null);
      HttpResponse<String> response = tus.patch(location, 5, new byte[100]);
      assertThat(response.statusCode()).isEqualTo(409);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(new JsonObject(response.body()).getInteger("status")).isEqualTo(409);
      assertThat(tus.head(location).headers().firstValue("Upload-Offset")).hasValue("0");
      assertThat(tus.patch(location, 0, new byte[100]).statusCode()).isEqualTo(204);
      assertThat(tus.patch(location, 0, new byte[100]).statusCode()).isEqualTo(409);
      assertThat(tus.head(location).headers().firstValue("Upload-Offset")).hasValue("100");
    }

    @Test
    void aChecksumMismatchIs460AndTheChunkIsDiscarded() throws Exception {
      byte[] bytes = image(40_000, 4);
      String location = tus.created(bytes.length, null);
      byte[] chunk = java.util.Arrays.copyOf(bytes, 10_000);
      byte[] other = java.util.Arrays.copyOf(bytes, 10_000);
      other[5000] ^= 1;
      HttpResponse<String> refused = tus.patch(location, 0, chunk, "Upload-Checksum", "sha256 " + TusHttp.sha256Base64(other));
      assertThat(refused.statusCode()).isEqualTo(460);
      assertThat(new JsonObject(refused.body()).getInteger("status")).isEqualTo(460);
      assertThat(tus.head(location).headers().firstValue("Upload-Offset")).hasValue("0");
      Path part = server.server().resumableUploads().partOf(location.substring(location.lastIndexOf('/') + 1));
      assertThat(Files.size(part)).as("the discarded chunk's bytes are cut off the part file").isZero();
      HttpResponse<String> accepted = tus.patch(location, 0, chunk, "Upload-Checksum", "sha256 " + TusHttp.sha256Base64(chunk));
      assertThat(accepted.statusCode()).isEqualTo(204);
      assertThat(accepted.headers().firstValue("Upload-Offset")).hasValue("10000");
      HttpResponse<String> unknown = tus.patch(location, 10_000, new byte[10], "Upload-Checksum", "crc32 AAAAAA==");
      assertThat(unknown.statusCode()).isEqualTo(400);
      HttpResponse<String> rest = tus.patch(location, 10_000, java.util.Arrays.copyOfRange(bytes, 10_000, bytes.length),
        "Upload-Checksum", "sha256 " + TusHttp.sha256Base64(java.util.Arrays.copyOfRange(bytes, 10_000, bytes.length)));
      assertThat(rest.statusCode()).isEqualTo(204);
      assertThat(gainImage(rest.headers().firstValue("Mmfile-File-Id").orElseThrow())).isEqualTo(bytes);
    }

    @Test
    void anUploadLargerThanTheLimitIsRefusedAtCreationWith413() {
      long rows = rowsOfUploads();
      HttpResponse<String> response = tus.create(MAX_BYTES + 1L, null);
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(rowsOfUploads()).isEqualTo(rows);
    }

    @Test
    void bytesPastTheUploadLengthAre413AndDoNotCount() {
      String location = tus.created(100, null);
      assertThat(tus.patch(location, 0, new byte[101]).statusCode()).isEqualTo(413);
      assertThat(tus.head(location).headers().firstValue("Upload-Offset")).hasValue("0");
    }

    @Test
    void anotherVersionIs412WithTheVersionsOffered() {
      HttpResponse<String> response = tus.send(tus.request(TusHttp.PATH).header("Upload-Length", "10")
        .setHeader("Tus-Resumable", "0.2.2").POST(HttpRequest.BodyPublishers.noBody()).build());
      assertThat(response.statusCode()).isEqualTo(412);
      assertThat(response.headers().firstValue("Tus-Version")).hasValue("1.0.0");
    }

    @Test
    void withoutAnAccessTokenItIs401() {
      HttpResponse<String> response = tus.send(HttpRequest.newBuilder(java.net.URI.create(tus.base() + TusHttp.PATH))
        .header("Tus-Resumable", "1.0.0").header("Upload-Length", "10").POST(HttpRequest.BodyPublishers.noBody()).build());
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void anotherAccountsUploadIsNotFound() {
      String location = tus.created(100, null);
      TusHttp other = new TusHttp(server.port(), register(daoke)[1]);
      assertThat(other.head(location).statusCode()).isEqualTo(404);
      assertThat(other.patch(location, 0, new byte[10]).statusCode()).isEqualTo(404);
      assertThat(other.delete(location).statusCode()).isEqualTo(404);
      assertThat(tus.head(location).statusCode()).isEqualTo(200);
    }

    @Test
    void terminationDeletesTheBytesAndTheRow() {
      long rows = rowsOfUploads();
      String location = tus.created(1000, null);
      assertThat(tus.patch(location, 0, new byte[400]).statusCode()).isEqualTo(204);
      Path part = server.server().resumableUploads().partOf(location.substring(location.lastIndexOf('/') + 1));
      assertThat(part).exists();
      assertThat(tus.delete(location).statusCode()).isEqualTo(204);
      assertThat(part).doesNotExist();
      assertThat(rowsOfUploads()).isEqualTo(rows);
      assertThat(tus.head(location).statusCode()).isEqualTo(404);
      assertThat(tus.patch(location, 400, new byte[10]).statusCode()).isEqualTo(404);
    }

    @Test
    void anUploadThatMustBeAnImageAndIsNotLeavesNoBytesAndNoRows() {
      long records = server.fileRecords();
      long rows = rowsOfUploads();
      byte[] noise = new byte[20_000];
      new Random(5).nextBytes(noise);
      String location = tus.created(noise.length, TusHttp.metadata(Map.of("filename", "fake.jpg")));
      HttpResponse<String> response = tus.patch(location, 0, noise);
      assertThat(response.statusCode()).isEqualTo(415);
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(server.fileRecords()).isEqualTo(records);
      assertThat(rowsOfUploads()).isEqualTo(rows);
      assertThat(partOf(location)).doesNotExist();
      eventually(() -> server.stagedParts().isEmpty());
    }

    @Test
    void anyFileMayBeUploadedWhenNoImageIsAskedFor() {
      byte[] noise = new byte[20_000];
      new Random(6).nextBytes(noise);
      String location = tus.created(noise.length, TusHttp.metadata(Map.of("filename", "log.bin",
        "filetype", "application/octet-stream")));
      HttpResponse<String> response = tus.patch(location, 0, noise);
      assertThat(response.statusCode()).isEqualTo(204);
      String fileId = response.headers().firstValue("Mmfile-File-Id").orElseThrow();
      assertThat(await(server.server().stores().records().find(fileId)).orElseThrow().size()).isEqualTo(noise.length);
    }

    @Test
    void badMetadataIs400() {
      assertThat(tus.create(10, "filename not*base64").statusCode()).isEqualTo(400);
      assertThat(tus.create(10, "a " + java.util.Base64.getEncoder().encodeToString("x".getBytes()) + ",a").statusCode())
        .isEqualTo(400);
    }
  }

  /** Every operation of the uploads tag, called as the document names it, with both kinds of credentials. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class ThroughTheDocument {
    ApiClient api;
    AppKey app;

    @BeforeAll
    void client() {
      api = new ApiClient(server.port());
      app = server.newAppKey();
    }

    @AfterAll
    void close() {
      api.close();
    }

    String idOf(io.vertx.ext.web.client.HttpResponse<Buffer> created) {
      String location = created.getHeader("Location");
      return location.substring(location.lastIndexOf('/') + 1);
    }

    @Test
    void theCapabilitiesNeedNoCredentials() {
      var response = api.operation("getUploadCapabilities").send();
      assertThat(response.statusCode()).isEqualTo(204);
      assertThat(response.getHeader("Tus-Version")).isEqualTo("1.0.0");
      assertThat(response.getHeader("Tus-Checksum-Algorithm")).contains("sha256");
    }

    @Test
    void anAppKeyUploadsWithItsSignatureAndOwnsTheFile() throws Exception {
      byte[] bytes = image(40_000, 7);
      var created = api.operation("createUpload").signed(app).header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", Integer.toString(bytes.length))
        .header("Upload-Metadata", TusHttp.metadata(Map.of("filename", "cam.png"))).send();
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      String id = idOf(created);
      var head = api.operation("getUploadOffset").path("id", id).signed(app).header("Tus-Resumable", "1.0.0").send();
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.getHeader("Upload-Offset")).isEqualTo("0");
      // a signed hash the bytes do not match: refused as a bad signature, nothing counts
      var forged = api.operation("appendToUpload").path("id", id).signed(app).header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0").contentHash(ApiClient.sha256(Buffer.buffer("other bytes")))
        .body(Buffer.buffer(bytes), "application/offset+octet-stream").send();
      assertThat(forged.statusCode()).isEqualTo(401);
      assertThat(forged.bodyAsJsonObject().getString("code")).isEqualTo("bad_signature");
      assertThat(tus.head(TusHttp.PATH + "/" + id).statusCode()).as("another account's view").isEqualTo(404);
      var appended = api.operation("appendToUpload").path("id", id).signed(app).header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0").body(Buffer.buffer(bytes), "application/offset+octet-stream").send();
      assertThat(appended.statusCode()).as(appended.bodyAsString()).isEqualTo(204);
      String fileId = appended.getHeader("Mmfile-File-Id");
      FileRecord record = await(server.server().stores().records().find(fileId)).orElseThrow();
      assertThat(record.appKey()).isEqualTo(app.appKey());
      assertThat(record.accountId()).isNull();
      assertThat(gainImage(fileId)).isEqualTo(bytes);
      var content = api.operation("getFileContent").path("id", fileId).signed(app).send();
      assertThat(content.statusCode()).isEqualTo(200);
      assertThat(content.body().getBytes()).as("served by /api/v1 too").isEqualTo(bytes);
    }

    @Test
    void anOverriddenPostPatchesAndTerminates() {
      var created = api.operation("createUpload").bearer(token).header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", "1000").send();
      assertThat(created.statusCode()).isEqualTo(201);
      String id = idOf(created);
      var patched = api.operation("overrideUploadMethod").path("id", id).bearer(token).header("Tus-Resumable", "1.0.0")
        .header("X-HTTP-Method-Override", "PATCH").header("Upload-Offset", "0")
        .body(Buffer.buffer(new byte[600]), "application/offset+octet-stream").send();
      assertThat(patched.statusCode()).isEqualTo(204);
      assertThat(patched.getHeader("Upload-Offset")).isEqualTo("600");
      var wrongType = api.operation("appendToUpload").path("id", id).bearer(token).header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "600").body(Buffer.buffer(new byte[10]), "application/octet-stream").send();
      assertThat(wrongType.statusCode()).isEqualTo(415);
      var badOffset = api.operation("appendToUpload").path("id", id).bearer(token).header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "minus one").body(Buffer.buffer(new byte[10]), "application/offset+octet-stream").send();
      assertThat(badOffset.statusCode()).isEqualTo(400);
      assertThat(badOffset.bodyAsJsonObject().getString("parameter")).isEqualTo("Upload-Offset");
      var terminated = api.operation("terminateUpload").path("id", id).bearer(token).header("Tus-Resumable", "1.0.0").send();
      assertThat(terminated.statusCode()).isEqualTo(204);
      assertThat(server.server().resumableUploads().partOf(id)).doesNotExist();
      var gone = api.operation("overrideUploadMethod").path("id", id).bearer(token).header("Tus-Resumable", "1.0.0")
        .header("X-HTTP-Method-Override", "DELETE").send();
      assertThat(gone.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void anExpiredUploadIsGoneAndTheSweepReclaimsItsBytesAndRow() throws Exception {
    try (TestServer shortLived = TestServer.start(backend(), new JsonObject()
      .put("uploads.expire-after", "2s")
      .put("storage.sweep-interval-seconds", 3600)
      .put("auth.argon2-memory-kib", 8192)
      .put("auth.argon2-iterations", 1));
         DaokeClient client = new DaokeClient(shortLived.port())) {
      TusHttp http = new TusHttp(shortLived.port(), register(client)[1]);
      // creation with its bytes: one request, well within the 2 s
      HttpResponse<String> patched = http.send(http.request(TusHttp.PATH).header("Upload-Length", "1000")
        .header("Content-Type", "application/offset+octet-stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[300])).build());
      assertThat(patched.statusCode()).isEqualTo(201);
      assertThat(patched.headers().firstValue("Upload-Offset")).hasValue("300");
      String location = patched.headers().firstValue("Location").orElseThrow();
      String id = location.substring(location.lastIndexOf('/') + 1);
      Path part = shortLived.server().resumableUploads().partOf(id);
      assertThat(Files.size(part)).isEqualTo(300);
      long expires = java.time.ZonedDateTime.parse(patched.headers().firstValue("Upload-Expires").orElseThrow(),
        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
      eventually(() -> System.currentTimeMillis() > expires + 1000);
      assertThat(http.head(location).statusCode()).isEqualTo(410);
      assertThat(http.patch(location, 300, new byte[10]).statusCode()).isEqualTo(410);
      assertThat(await(shortLived.server().resumableUploads().sweep())).isEqualTo(1);
      assertThat(part).doesNotExist();
      assertThat(await(shortLived.server().resumableUploadRows())).isZero();
      assertThat(http.head(location).statusCode()).isEqualTo(404);
    }
  }
}
