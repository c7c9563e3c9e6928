package io.mmfile.platform;

import io.mmfile.support.Backend;
import io.mmfile.support.Cli;
import io.mmfile.support.LogCapture;
import io.mmfile.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What an operator reads when start-up or a command goes wrong: the address, the file, the reason. */
class StartupMessagesIT {

  @Test
  void aBusyPortIsNamedAndNoDemoCommandIsPrintedForIt() throws Exception {
    Path dataDir = Files.createTempDirectory("mmfile-busy-");
    PrintStream console = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    // The demo command goes to standard output (its secret must not reach the log): watch both.
    System.setOut(new PrintStream(new TeeOutputStream(console, printed), true));
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();
      try (LogCapture log = new LogCapture()) {
        assertThatThrownBy(() -> TestServer.start(Backend.EMBEDDED,
            new JsonObject().put("http.port", port).put("data.dir", dataDir.toString())))
          .hasMessage("127.0.0.1:" + port + " is already in use");
        assertThat(log.text()).doesNotContain("demo app key");
        assertThat(printed.toString()).doesNotContain("upload the demo image").doesNotContain("curl");
      }

      // The next start that gets a port is the first start that prints the demo command.
      try (TestServer server = TestServer.start(Backend.EMBEDDED, new JsonObject().put("data.dir", dataDir.toString()))) {
        TestServer.eventually(() -> printed.toString().contains("upload the demo image"));
        assertThat(printed.toString()).contains("http://localhost:" + server.port() + "/dfsapi/v2/saveImage");
      }
    } finally {
      System.setOut(console);
      TestServer.deleteTree(dataDir);
    }
  }

  /** Writes to two streams. */
  private static final class TeeOutputStream extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    TeeOutputStream(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public synchronized void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      first.write(b, off, len);
      second.write(b, off, len);
    }
  }

  @Test
  void anUnreachableRedisIsNamedAtStart() {
    int port = TestServer.freePort();
    try (LogCapture log = new LogCapture();
         TestServer server = TestServer.start(Backend.EMBEDDED, new JsonObject().put("redis.url", "redis://127.0.0.1:" + port))) {
      assertThat(log.lines()).anySatisfy(line -> assertThat(line).startsWith("WARN Redis at 127.0.0.1:" + port + " does not answer"));
    }
  }

  @Test
  void withMySqlAndNoKeyTheLogSaysHowToMakeOne() {
    try (LogCapture log = new LogCapture(); TestServer server = TestServer.start(Backend.MARIADB_REDIS)) {
      TestServer.eventually(() -> log.text().contains("no app keys yet: create one with `java -jar mmfile.jar appkey create"));
      assertThat(log.text()).doesNotContain("upload the demo image");
    }
  }

  @Test
  void aMissingConfigurationFileIsCalledMissing() {
    Cli.Result serve = Cli.run(Path.of("no-such-dir", "mmfile.yaml"));
    Cli.Result appkey = Cli.run(Path.of("no-such-dir", "mmfile.yaml"), "appkey", "list");

    for (Cli.Result result : List.of(serve, appkey)) {
      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(result.err()).isEqualTo("mmfile: configuration file '" + Path.of("no-such-dir", "mmfile.yaml") + "' does not exist");
    }
  }

  @Test
  void anAppKeyCommandThatCannotReachMySqlNamesHostAndPort() throws IOException {
    int port = TestServer.freePort();
    Path config = Files.createTempFile("mmfile-unreachable-", ".yaml");
    try {
      Files.writeString(config, "database:\n  url: mysql://mmfile:s3cret@127.0.0.1:" + port + "/mmfile\n"
        + "sms:\n  allow-log-sender: true\n");

      Cli.Result result = Cli.run(config, "appkey", "list");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.err()).contains("127.0.0.1:" + port).doesNotContain("s3cret");
    } finally {
      Files.deleteIfExists(config);
    }
  }

  /** A real permission problem, in a child JVM that runs as an unprivileged user (root may write anywhere). */
  @Test
  void anUnwritableDataDirectorySaysPermissionDenied() throws Exception {
    Path parent = Files.createTempDirectory("mmfile-readonly-");
    try {
      // Readable and searchable by everyone, writable by nobody.
      parent.toFile().setReadable(true, false);
      parent.toFile().setExecutable(true, false);
      parent.toFile().setWritable(false, false);
      List<String> command = new ArrayList<>();
      if ("root".equals(System.getProperty("user.name"))) {
        command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
      }
      command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Path.of("target", "mmfile.jar").toAbsolutePath().toString()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("MMFILE_DATA_DIR", parent.resolve("data").toString());
      builder.environment().put("MMFILE_HTTP_PORT", Integer.toString(TestServer.freePort()));
      builder.environment().put("MMFILE_HTTP_HOST", "127.0.0.1");
      Process child = builder.start();
      boolean ended = child.waitFor(60, TimeUnit.SECONDS);
      if (!ended) {
        child.destroyForcibly();
      }
      String output = new String(child.getInputStream().readAllBytes());

      assertThat(ended).as("the child stops by itself: %s", output).isTrue();
      assertThat(child.exitValue()).isEqualTo(1);
      assertThat(output).contains("mmfile: cannot start: cannot create " + parent.resolve("data").resolve("db")
        + ": permission denied");
    } finally {
      parent.toFile().setWritable(true, false);
      TestServer.deleteTree(parent);
    }
  }
}
