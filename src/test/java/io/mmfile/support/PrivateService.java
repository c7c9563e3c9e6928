package io.mmfile.support;


import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB or Redis server of the test's own (own data directory, own free port, own socket), which
 * the test may stop and start at will; the machine's shared servers are never touched.
 */
public final class PrivateService implements AutoCloseable {
  private final String name;
  private final Path dir;
  private final int port;
  private final List<String> command;
  private Process process;

  private PrivateService(String name, Path dir, int port, List<String> command) {
    this.name = name;
    this.dir = dir;
    this.port = port;
    this.command = command;
  }

  /** A fresh MariaDB: its own datadir made by mariadb-install-db, no grant tables (any user, no password). */
  public static PrivateService mariaDb() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("mmfile-mariadb-");
    Path data = dir.resolve("data");
    String user = System.getProperty("user.name");
    run(dir, List.of("mariadb-install-db", "--no-defaults", "--datadir=" + data, "--user=" + user,
      "--auth-root-authentication-method=normal", "--skip-test-db"));
    int port = TestServer.freePort();
    return new PrivateService("mariadbd", dir, port, List.of("mariadbd", "--no-defaults", "--datadir=" + data,
      "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("mysqld.sock"),
      "--pid-file=" + dir.resolve("mysqld.pid"), "--user=" + user, "--skip-grant-tables", "--skip-name-resolve",
      "--innodb-buffer-pool-size=16M", "--skip-log-bin", "--log-error=" + dir.resolve("error.log")));
  }

  /** A Redis without persistence; {@code extra} are further {@code redis-server} options. */
  public static PrivateService redis(String... extra) throws IOException {
    Path dir = Files.createTempDirectory("mmfile-redis-");
    int port = TestServer.freePort();
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
      "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"));
    command.addAll(List.of(extra));
    return new PrivateService("redis-server", dir, port, command);
  }

  /** A Redis Sentinel watching the master on {@code masterPort} under {@code masterName} (quorum 1). */
  public static PrivateService sentinel(int masterPort, String masterName) throws IOException {
    Path dir = Files.createTempDirectory("mmfile-sentinel-");
    int port = TestServer.freePort();
    Path conf = dir.resolve("sentinel.conf");
    // Sentinel rewrites its file as it learns the topology, so it lives in the sentinel's own directory.
    Files.writeString(conf, String.join("\n", "port " + port, "bind 127.0.0.1", "dir " + dir,
      "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 1",
      "sentinel down-after-milliseconds " + masterName + " 2000", ""));
    return new PrivateService("redis-sentinel", dir, port, List.of("redis-server", conf.toString(), "--sentinel"));
  }

  public int port() {
    return port;
  }

  /** Starts the server; returns once it accepts connections. */
  public PrivateService start() throws IOException, InterruptedException {
    process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("output.log").toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!accepts()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " did not start: " + Files.readString(dir.resolve("output.log")));
      }
      Thread.sleep(100);
    }
    return this;
  }

  /** SIGTERM, and waits until the server is gone. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private boolean accepts() {
    try (Socket ignored = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      stop();
    }
    TestServer.deleteTree(dir);
  }

  private static void run(Path dir, List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }
}
