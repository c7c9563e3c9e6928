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

import java.util.List;

import static io.mmfile.faults.OutageChecks.notReadable;
import static io.mmfile.faults.OutageChecks.readiness;
import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A private MariaDB stopped and started again under upload load: while it is down every upload is
 * answered ME01020 (none hangs) and the node is not ready; once it is back the node serves again
 * without a restart, and what was acknowledged before is still there.
 */
class MariaDbOutageIT {
  PrivateService mariaDb;
  TestServer server;

  @BeforeEach
  void start() throws Exception {
    mariaDb = PrivateService.mariaDb().start();
    server = TestServer.start(Backend.MARIADB_REDIS, new JsonObject()
      .put("database.url", "mysql://root@127.0.0.1:" + mariaDb.port() + "/mmfile_outage"));
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (mariaDb != null) {
      mariaDb.close();
    }
  }

  @Test
  void uploadsFailFastWithMe01020WhileMariaDbIsDownAndRecoverWithoutARestart() throws Exception {
    AppKey app = server.newAppKey();
    try (UploadLoad load = new UploadLoad(server.port(), app, 10_000, 100_000, 1.0).timeoutMs(10_000)) {
      load.start(8).awaitAcknowledged(10, () -> "");
      List<UploadLoad.Acked> before = load.ackedList();

      mariaDb.stop();
      eventually(() -> load.code("ME01020") >= 10);
      eventually(() -> readiness(load.web()) == 503);
      int acknowledgedWhileDown = load.acked.size();
      int failedWhileDown = load.code("ME01020");

      mariaDb.start();
      eventually(() -> readiness(load.web()) == 200);
      load.awaitAcknowledged(acknowledgedWhileDown + 10, () -> "");
      await(load.stop());

      assertThat(failedWhileDown).isPositive();
      assertThat(load.codes.keySet()).as("answers during the test").containsOnly("0", "ME01020");
      assertThat(load.transportErrors).as("uploads that hung or lost their connection").hasValue(0);
      assertThat(notReadable(load.web(), before)).as("acknowledged before the outage").isEmpty();
      assertThat(notReadable(load.web(), load.ackedList())).as("acknowledged at any time").isEmpty();
      assertThat(server.stagedParts()).isEmpty();
    }
  }
}
