package io.mmfile.api.v1;

import io.mmfile.support.ApiClient;
import io.mmfile.support.Backend;
import io.mmfile.support.Images;
import io.mmfile.support.RawHttp;
import io.mmfile.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

import static io.mmfile.api.v1.ApiCoreContract.assertProblem;
import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** An /api/v1 upload past the node's upload places is a 503 problem that says when to retry. */
class FilesApiOverloadIT {
  @Test
  void anUploadPastTheConcurrencyCapIs503WithRetryAfter() {
    Vertx vertx = Vertx.vertx();
    try (TestServer server = TestServer.start(Backend.EMBEDDED, new JsonObject().put("upload.max-concurrent", 1));
         ApiClient api = new ApiClient(server.port())) {
      String token = await(server.server().accounts().tokens().startSession("overload-account", "1")).accessToken();
      Buffer stalled = Images.pngOfSize(300_000, 41);
      try (RawHttp first = new RawHttp(vertx, server.port())) {
        first.write(RawHttp.head("/api/v1/files", "image/png", stalled.length(), "Authorization: Bearer " + token));
        first.write(stalled.getBuffer(0, stalled.length() / 2));
        eventually(() -> server.server().uploadsInFlight() == 1);

        HttpResponse<Buffer> refused = api.operation("createFile").bearer(token).body(Images.png(10, 10, 42), "image/png")
          .send();

        assertProblem(refused, 503, "overloaded");
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");

        first.write(stalled.getBuffer(stalled.length() / 2, stalled.length()));
        RawHttp.Response done = first.response();
        assertThat(done.status()).as(done.body()).isEqualTo(201);
      }
    } finally {
      vertx.close();
    }
  }
}
