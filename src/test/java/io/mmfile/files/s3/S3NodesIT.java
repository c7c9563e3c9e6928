package io.mmfile.files.s3;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.S3Proxy;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Objects;

import static io.mmfile.support.DaokeClient.code;
import static io.mmfile.support.DaokeClient.result;
import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/** Nodes whose durable store is one S3 bucket: each serves what any other stored, and readiness covers S3. */
class S3NodesIT {

  @Nested
  class TwoNodesOnOneDatabaseRedisAndBucket {
    @Test
    void aDurableFileUploadedThroughOneNodeIsServedByTheOther() {
      JsonObject s3 = S3Proxy.shared().nodeConfig(S3Proxy.newPrefix());
      try (TestServer a = TestServer.start(Backend.MARIADB_REDIS, s3.copy());
           TestServer b = TestServer.start(Backend.MARIADB_REDIS, s3.copy()
             .put("database.url", a.server().config().databaseUrl().orElseThrow().toString())
             .put("redis.key-prefix", a.redisKeyPrefix()));
           DaokeClient toA = new DaokeClient(a.port(), new WebClientOptions(), 4);
           DaokeClient toB = new DaokeClient(b.port(), new WebClientOptions(), 4)) {
        AppKey app = a.newAppKey();
        // Larger than a part: it goes to the bucket as a multipart upload.
        Buffer large = Images.pngOfSize(6 * 1024 * 1024, 91);
        Buffer small = Images.png(40, 30, 92);

        HttpResponse<Buffer> viaA = toA.save(app, large, Map.of("isStorage", "true"));
        HttpResponse<Buffer> viaB = toB.save(app, small, Map.of("isStorage", "true"));
        assertThat(code(viaA)).isEqualTo("0");
        assertThat(code(viaB)).isEqualTo("0");

        String largeOnB = onPort(result(viaA).getString("url"), a.port(), b.port());
        HttpResponse<Buffer> whole = toB.get(largeOnB);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(large);
        String etag = whole.getHeader("ETag");

        HttpResponse<Buffer> range = await(toB.web().getAbs(largeOnB).putHeader("Range", "bytes=5242870-5242889").send());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.getHeader("Content-Range")).isEqualTo("bytes 5242870-5242889/" + large.length());
        assertThat(range.body()).isEqualTo(large.getBuffer(5242870, 5242890));
        assertThat(await(toB.web().getAbs(largeOnB).putHeader("If-None-Match", etag).send()).statusCode()).isEqualTo(304);

        HttpResponse<Buffer> smallOnA = toA.get(onPort(result(viaB).getString("url"), b.port(), a.port()));
        assertThat(smallOnA.statusCode()).isEqualTo(200);
        assertThat(smallOnA.body()).isEqualTo(small);
        assertThat(a.durableFiles()).hasSize(2);
        assertThat(a.stagedParts()).isEmpty();
      }
    }

    private String onPort(String url, int from, int to) {
      String moved = url.replace("127.0.0.1:" + from + "/", "127.0.0.1:" + to + "/");
      assertThat(moved).isNotEqualTo(url);
      return moved;
    }
  }

  @Nested
  class Readiness {
    @Test
    void readinessReportsTheBucketAndFollowsItsOutageAndReturn() {
      try (S3Proxy own = S3Proxy.startPrivate();
           TestServer node = TestServer.start(Backend.EMBEDDED, own.nodeConfig(S3Proxy.newPrefix()));
           DaokeClient client = new DaokeClient(node.port(), new WebClientOptions(), 2)) {
        HttpResponse<Buffer> ready = ready(client);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(check(ready, "s3")).isEqualTo("UP");

        own.stop();
        eventually(() -> ready(client).statusCode() == 503);
        assertThat(check(ready(client), "s3")).isEqualTo("DOWN");
        // A durable upload fails as a store failure, and the node keeps running.
        AppKey app = node.newAppKey();
        assertThat(code(client.save(app, Images.png(10, 10, 93), Map.of("isStorage", "true")))).isEqualTo("ME24700");

        own.restart();
        eventually(() -> ready(client).statusCode() == 200);
        assertThat(code(client.save(app, Images.png(10, 10, 94), Map.of("isStorage", "true")))).isEqualTo("0");
      }
    }

    private HttpResponse<Buffer> ready(DaokeClient client) {
      return await(client.web().get("/health/ready").send());
    }

    private String check(HttpResponse<Buffer> ready, String id) {
      return ready.bodyAsJsonObject().getJsonArray("checks").stream().map(c -> (JsonObject) c)
        .filter(c -> Objects.equals(c.getString("id"), id)).findFirst().map(c -> c.getString("status")).orElse(null);
    }
  }
}
