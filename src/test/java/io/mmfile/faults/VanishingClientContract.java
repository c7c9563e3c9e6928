package io.mmfile.faults;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.Multipart;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.mmfile.support.DaokeClient.code;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that vanishes in the middle of an upload, at every stage of the body, with a FIN or a
 * reset: nothing of it stays behind, no staging file, no blob, no record. Runs once per {@link Backend}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class VanishingClientContract {
  abstract Backend backend();

  /** Configuration that picks the durable store under test; the default store unless a subclass says. */
  JsonObject storeOverrides() {
    return new JsonObject();
  }

  TestServer server;
  DaokeClient client;
  AppKey app;
  /** Seeds of the follow-up uploads: each one new bytes, so that each adds a file (identical bytes share one). */
  private long nextSeed = 1;

  @BeforeAll
  void startServer() {
    server = TestServer.start(backend(), new JsonObject().put("upload.chunk-bytes", 16 * 1024).mergeIn(storeOverrides()));
    client = new DaokeClient(server.port(), new WebClientOptions(), 4);
    app = server.newAppKey();
  }

  @AfterAll
  void stopServer() {
    client.close();
    server.close();
  }

  /** {@code cut}: where the client stops, as a fraction of the body; {@code reset}: RST instead of FIN. */
  @ParameterizedTest(name = "isStorage={0}, gone after {1} of the body, reset={2}")
  @CsvSource({
    "true, 0.0, false", "true, 0.001, true", "true, 0.1, false", "true, 0.5, true", "true, 0.9, false",
    "true, 0.999, true", "true, 1.0, false",
    "false, 0.0, true", "false, 0.1, true", "false, 0.5, false", "false, 0.999, false", "false, 1.0, true"})
  void aClientGoneMidUploadLeavesNoBytesAndNoRows(boolean durable, double cut, boolean reset) throws Exception {
    long records = server.fileRecords();
    int durableFiles = server.durableFiles().size();
    int cacheBlobs = cacheBlobs();
    Buffer image = Images.pngOfSize(300 * 1024, 7);
    Multipart form = new Multipart();
    DaokeClient.signedFields(app, image.length(), Map.of("isStorage", Boolean.toString(durable))).forEach(form::field);
    form.file("mmfile", "v.png", "image/png", image);
    Buffer body = form.body();
    // 1.0: everything but the last byte of the closing boundary.
    int sent = cut >= 1.0 ? body.length() - 1 : (int) (body.length() * cut);

    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /dfsapi/v2/saveImage HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + form.contentType()
        + "\r\nContent-Length: " + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body.getBytes(0, sent));
      out.flush();
      if (sent > 64 * 1024) {
        // The server holds bytes of the upload: a part file in the durable store, or a temporary key in
        // Redis (the fields come first, so a cache-store upload goes straight there; the embedded cache
        // store keeps them in memory, out of the test's sight).
        if (durable) {
          eventually(() -> !server.stagedParts().isEmpty());
        } else if (backend() == Backend.MARIADB_REDIS) {
          eventually(() -> !server.redisKeys("tmp:*").isEmpty());
        }
      }
      if (reset) {
        socket.setSoLinger(true, 0);
      }
    }

    eventually(() -> server.stagedParts().isEmpty());
    // a cache-store upload's temporary key goes once its abort reached Redis
    int blobsBefore = cacheBlobs;
    eventually(() -> cacheBlobs() == blobsBefore);
    assertThat(server.fileRecords()).isEqualTo(records);
    assertThat(server.durableFiles()).hasSize(durableFiles);
    assertThat(cacheBlobs()).isEqualTo(cacheBlobs);
    // And the node is none the worse for it.
    assertThat(code(client.save(app, Images.png(10, 10, nextSeed++), Map.of("isStorage", Boolean.toString(durable)))))
      .isEqualTo("0");
    records++;
    if (durable) {
      durableFiles++;
    } else if (backend() == Backend.MARIADB_REDIS) {
      cacheBlobs++;
    }
    assertThat(server.fileRecords()).isEqualTo(records);
    assertThat(server.durableFiles()).hasSize(durableFiles);
    assertThat(cacheBlobs()).isEqualTo(cacheBlobs);
  }

  /** Cache-store blobs, temporary ones included (Redis only; the embedded cache store is in memory). */
  private int cacheBlobs() {
    if (backend() != Backend.MARIADB_REDIS) {
      return 0;
    }
    return server.redisKeys("blob:*").size() + server.redisKeys("tmp:*").size();
  }
}
