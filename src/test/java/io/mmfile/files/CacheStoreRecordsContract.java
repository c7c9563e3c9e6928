package io.mmfile.files;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

import static io.mmfile.support.DaokeClient.code;
import static io.mmfile.support.DaokeClient.result;
import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cache-store file whose bytes the store dropped on its own (Redis evicting under maxmemory, the
 * in-process store past its capacity) does not leave its record behind. Runs per backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CacheStoreRecordsContract {
  TestServer server;
  DaokeClient client;
  AppKey app;

  abstract Backend backend();

  @BeforeAll
  void start() {
    server = TestServer.start(backend());
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
  void aFileWhoseBytesTheCacheStoreDroppedLosesItsRecordAtTheNextRead() {
    HttpResponse<Buffer> saved = client.save(app, Images.png(20, 20, 7), Map.of("isStorage", "false"));
    assertThat(code(saved)).isEqualTo("0");
    String fileId = result(saved).getString("fileID");
    long records = server.fileRecords();

    // What an eviction does: the bytes go, nothing else is told.
    await(server.server().stores().cache().delete(fileId));

    assertThat(client.get(result(saved).getString("url")).statusCode()).isEqualTo(404);
    eventually(() -> server.fileRecords() == records - 1);
    assertThat(await(server.server().stores().records().find(fileId))).isEmpty();
  }

  @Test
  void aDurableFileIsNeverForgottenThatWay() {
    HttpResponse<Buffer> saved = client.save(app, Images.png(20, 20, 8), Map.of("isStorage", "true"));
    String fileId = result(saved).getString("fileID");

    await(server.server().stores().durable().delete(fileId));

    assertThat(client.get(result(saved).getString("url")).statusCode()).isEqualTo(404);
    assertThat(await(server.server().stores().records().find(fileId))).isPresent();
  }
}
