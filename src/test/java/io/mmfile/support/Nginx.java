package io.mmfile.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * nginx as the load balancer in front of mmfile nodes, the test's own instance: the configuration
 * {@code nginx.conf} beside this class (also used by {@code bench/cluster}), a temporary prefix
 * directory, a free loopback port. Debian's {@code nginx} package ({@code scripts/test} installs it).
 */
public final class Nginx implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final Process process;

  private Nginx(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Starts nginx balancing over {@code nodePorts} on 127.0.0.1; returns once it accepts connections. */
  public static Nginx start(List<Integer> nodePorts) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("mmfile-nginx-");
    // Workers run as an unprivileged user when the master is root: they must reach their temp paths.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    int port = TestServer.freePort();
    String template;
    try (InputStream in = Nginx.class.getResourceAsStream("nginx.conf")) {
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String servers = nodePorts.stream()
      .map(p -> "    server 127.0.0.1:" + p + " max_fails=1 fail_timeout=2s;")
      .collect(Collectors.joining("\n"));
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, template.replace("@DIR@", dir.toString()).replace("@PORT@", Integer.toString(port))
      .replace("@SERVERS@", servers));
    // Debian puts it in /usr/sbin, which a user's PATH may lack.
    String binary = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
    Process process = new ProcessBuilder(binary, "-p", dir.toString(), "-c", conf.toString(),
      "-e", dir.resolve("error.log").toString())
      .redirectErrorStream(true).redirectOutput(dir.resolve("output.log").toFile()).start();
    Nginx nginx = new Nginx(dir, port, process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!nginx.accepts()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        String why = nginx.log();
        nginx.close();
        throw new IllegalStateException("nginx did not start: " + why);
      }
      Thread.sleep(50);
    }
    return nginx;
  }

  public int port() {
    return port;
  }

  /** nginx's error log and output, for failure messages. */
  public String log() {
    StringBuilder out = new StringBuilder();
    for (String name : List.of("output.log", "error.log")) {
      try {
        out.append(Files.readString(dir.resolve(name)));
      } catch (IOException e) {
        out.append("(no ").append(name).append(")");
      }
    }
    return out.toString();
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
    if (process.isAlive()) {
      // SIGTERM: fast shutdown of the master and its workers.
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    TestServer.deleteTree(dir);
  }
}
