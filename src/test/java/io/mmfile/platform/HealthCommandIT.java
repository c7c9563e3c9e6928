package io.mmfile.platform;

import io.mmfile.support.Backend;
import io.mmfile.support.Cli;
import io.mmfile.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mmfile health}, the container health check: exit 0 only while the node is ready. */
class HealthCommandIT {

  @Test
  void exitsZeroWhileTheNodeIsReady() {
    try (TestServer server = TestServer.start(Backend.EMBEDDED)) {
      Cli.Result result = Cli.run(null, "health", "--url", "http://127.0.0.1:" + server.port() + "/health/ready");

      assertThat(result.exitCode()).isZero();
      assertThat(result.out()).startsWith("200 ");
    }
  }

  @Test
  void findsTheNodeFromItsConfiguration() throws Exception {
    try (TestServer server = TestServer.start(Backend.EMBEDDED)) {
      java.nio.file.Path config = server.dataDir().resolve("health.yaml");
      java.nio.file.Files.writeString(config, "http:\n  host: 0.0.0.0\n  port: " + server.port() + "\n");

      assertThat(Cli.run(config, "health").exitCode()).isZero();
    }
  }

  @Test
  void exitsOneWhileADependencyIsDown() {
    try (TestServer server = TestServer.start(Backend.EMBEDDED,
      new JsonObject().put("redis.url", "redis://127.0.0.1:" + TestServer.freePort()))) {
      // A generous limit: on a loaded machine the readiness answer can take longer than the default wait,
      // and this test is about the 503, not about giving up.
      Cli.Result result = Cli.run(null, "health", "--timeout-seconds", "60",
        "--url", "http://127.0.0.1:" + server.port() + "/health/ready");

      assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
      assertThat(result.out()).as(result.err()).startsWith("503 ");
    }
  }

  @Test
  void exitsOneWhenNothingListens() {
    int port = TestServer.freePort();

    Cli.Result result = Cli.run(null, "health", "--url", "http://127.0.0.1:" + port + "/health/ready");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("127.0.0.1:" + port).contains("does not answer");
  }
}
