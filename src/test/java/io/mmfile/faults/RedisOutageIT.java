package io.mmfile.faults;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.PrivateService;
import io.mmfile.support.TestServer;
import io.mmfile.support.UploadLoad;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.mmfile.faults.OutageChecks.notReadable;
import static io.mmfile.faults.OutageChecks.readiness;
import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A private Redis (no persistence) stopped and started again under cache-store upload load: while it
 * is down those uploads are answered ME01021 (none hangs) and the node is not ready; once it is back
 * the node serves again without a restart.
 */
class RedisOutageIT {
  PrivateService redis;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    redis = PrivateService.redis().start();
    server = TestServer.start(Backend.MARIADB_REDIS, new JsonObject()
      .put("redis.url", "redis://127.0.0.1:" + redis.port()));
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void cacheUploadsFailFastWithMe01021WhileRedisIsDownAndRecoverWithoutARestart() throws Exception {
    AppKey app = server.newAppKey();
    try (UploadLoad load = new UploadLoad(server.port(), app, 10_000, 100_000, 0.0).timeoutMs(10_000)) {
      load.start(8).awaitAcknowledged(10, () -> "");

      redis.stop();
      eventually(() -> load.code("ME01021") >= 10);
      eventually(() -> readiness(load.web()) == 503);

      redis.start();
      eventually(() -> readiness(load.web()) == 200);
      long recovered = System.nanoTime();
      // Counted by send time: the load runs on while readiness is polled, so a count of all
      // acknowledgements could be reached by uploads sent before the recovery was seen.
      eventually(() -> sentAfter(load, recovered).size() >= 20);
      await(load.stop());

      assertThat(load.codes.keySet()).as("answers during the test").containsOnly("0", "ME01021");
      assertThat(load.transportErrors).as("uploads that hung or lost their connection").hasValue(0);
      // The restarted Redis kept nothing (no persistence, by its configuration); what was sent after
      // it came back must read back whole. An upload stored just before the stop may be acknowledged
      // late, and the restart rightly lost it: it was sent before the recovery, so it is not among these.
      var afterRecovery = sentAfter(load, recovered);
      assertThat(notReadable(load.web(), afterRecovery)).isEmpty();
      assertThat(server.stagedParts()).isEmpty();
    }
  }

  private static java.util.List<UploadLoad.Acked> sentAfter(UploadLoad load, long nanos) {
    return load.ackedList().stream().filter(a -> a.sentNanos() > nanos).toList();
  }
}
