package io.mmfile.files;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code storage.dedup: false}: identical uploads keep a copy each, their records name no blob, and
 * deleting one takes only its own copy (README, "Deduplication").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DedupSwitchedOffIT {
  static final Map<String, String> DURABLE = Map.of("isStorage", "true");

  TestServer server;
  DaokeClient client;
  AppKey app;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.EMBEDDED,
      new JsonObject().put("storage.durable", "disk").put("storage.dedup", false));
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

  FileRecordRepository records() {
    return server.server().stores().records();
  }

  @Test
  void identicalUploadsKeepACopyEachAndADeleteTakesOnlyItsOwn() {
    Buffer image = Images.pngOfSize(20_000, 7L);
    long copies = server.durableFiles().size();
    long[] blobs = await(records().blobTotals());

    HttpResponse<Buffer> first = client.save(app, image, DURABLE);
    HttpResponse<Buffer> second = client.save(app, image, DURABLE);
    assertThat(code(first)).as(first.bodyAsString()).isEqualTo("0");
    assertThat(code(second)).as(second.bodyAsString()).isEqualTo("0");
    String firstId = result(first).getString("fileID");
    String secondId = result(second).getString("fileID");

    assertThat(server.durableFiles()).as("copies in the store").hasSize((int) copies + 2);
    assertThat(await(records().find(firstId)).orElseThrow().sharesBlob()).isFalse();
    assertThat(await(records().find(secondId)).orElseThrow().sharesBlob()).isFalse();
    assertThat(await(records().blobTotals())).as("blob rows, references, garbage")
      .containsExactly(blobs[0], blobs[1], blobs[2]);

    await(delete(firstId));

    assertThat(server.durableFiles()).hasSize((int) copies + 1);
    HttpResponse<Buffer> kept = client.get(result(second).getString("url"));
    assertThat(kept.statusCode()).isEqualTo(200);
    assertThat(kept.body()).isEqualTo(image);
  }

  /** Deletes a file as the console and the expiry sweep do. */
  Future<Void> delete(String fileId) {
    FileExpiry expiry = new FileExpiry(server.server().stores());
    Promise<Void> done = Promise.promise();
    server.vertx().runOnContext(v -> records().find(fileId)
      .compose(found -> found.map(expiry::reclaim).orElse(Future.succeededFuture()))
      .onComplete(done));
    return done.future();
  }
}
