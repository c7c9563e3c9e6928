package io.mmfile.files.s3;

import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * S3 answers 500 (InternalError) and 503 (SlowDown) when the client should try again: idempotent
 * requests go again, the body whole each time; other error answers and POSTs are final.
 */
class S3ClientRetryTest {
  private static final String ERROR = "<Error><Code>InternalError</Code><Message>Try again.</Message></Error>";

  Vertx vertx;
  HttpServer server;
  S3Client client;
  /** Statuses the server answers, one per request; 200 once they run out. */
  final List<Integer> answers = Collections.synchronizedList(new ArrayList<>());
  final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      requests.incrementAndGet();
      bodies.add(body.toString());
      int status = answers.isEmpty() ? 200 : answers.remove(0);
      request.response().setStatusCode(status).end(status == 200 ? "" : ERROR);
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    MmfileConfig.S3 config = new MmfileConfig.S3(URI.create("http://127.0.0.1:" + server.actualPort()), "bucket",
      "us-east-1", "access", "secret", true, "", 256 * 1024, 5L << 20, 4, 10, 0);
    client = new S3Client(vertx, config);
  }

  @AfterEach
  void stop() throws Exception {
    client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPutAnswered500And503IsSentAgainWithItsWholeBody() throws Exception {
    answers.addAll(List.of(500, 503));

    await(client.put("k", Buffer.buffer("the bytes"), Map.of()));

    assertThat(requests).hasValue(3);
    assertThat(bodies).containsOnly("the bytes");
  }

  @Test
  void aPutStillAnswered500AfterTheRetriesFails() {
    answers.addAll(List.of(500, 500, 500, 500, 500));

    assertThatThrownBy(() -> await(client.put("k", Buffer.buffer("x"), Map.of())))
      .hasMessageContaining("InternalError");
    assertThat(requests).hasValue(1 + S3Client.RETRIES);
  }

  @Test
  void otherErrorAnswersAndPostsAreNotSentAgain() {
    answers.addAll(List.of(403));
    assertThatThrownBy(() -> await(client.put("k", Buffer.buffer("x"), Map.of())));
    assertThat(requests).hasValue(1);

    answers.addAll(List.of(500));
    assertThatThrownBy(() -> await(client.createMultipartUpload("k", Map.of())));
    assertThat(requests).hasValue(2);
  }
}
