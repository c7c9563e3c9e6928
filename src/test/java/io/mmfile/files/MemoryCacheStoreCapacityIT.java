package io.mmfile.files;

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

import java.util.Map;

import static io.mmfile.support.DaokeClient.code;
import static io.mmfile.support.DaokeClient.result;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capacity rules of the embedded default's in-process cache store (isStorage=false): what does not
 * fit is refused up front, and what is evicted leaves no record behind. Only the embedded default has
 * this store; on Redis the cache store is Redis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemoryCacheStoreCapacityIT {
  static final int CAPACITY = 200_000;

  TestServer server;
  DaokeClient client;
  AppKey app;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.EMBEDDED, new JsonObject().put("storage.memory-cache-max-bytes", CAPACITY));
    client = new DaokeClient(server.port());
    app = server.newAppKey();
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void refusesAFileLargerThanTheWholeCacheStoreInsteadOfAcknowledgingIt() {
    long recordsBefore = server.fileRecords();

    HttpResponse<Buffer> saved = client.save(app, Images.pngOfSize(CAPACITY + 50_000, 1), Map.of("isStorage", "false"));

    assertThat(saved.bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"length is error!\"}");
    assertThat(server.fileRecords()).isEqualTo(recordsBefore);
  }

  @Test
  void aFileEvictedFromTheCacheStoreTakesItsRecordAlong() {
    HttpResponse<Buffer> first = client.save(app, Images.pngOfSize(90_000, 2), Map.of("isStorage", "false"));
    assertThat(code(first)).isEqualTo("0");
    String firstUrl = result(first).getString("url");
    long withFirst = server.fileRecords();

    HttpResponse<Buffer> second = client.save(app, Images.pngOfSize(90_000, 3), Map.of("isStorage", "false"));
    HttpResponse<Buffer> third = client.save(app, Images.pngOfSize(90_000, 4), Map.of("isStorage", "false"));
    assertThat(code(second)).isEqualTo("0");
    assertThat(code(third)).isEqualTo("0");

    assertThat(client.get(firstUrl).statusCode()).isEqualTo(404);
    eventually(() -> server.fileRecords() == withFirst + 1);
    assertThat(client.get(result(third).getString("url")).statusCode()).isEqualTo(200);
  }
}
