package io.mmfile.support;

import io.mmfile.auth.AppKey;
import io.mmfile.auth.AppKeyRepository;
import io.mmfile.platform.ConfigLoader;
import io.mmfile.platform.Database;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.mmfile.support.TestServer.await;

/**
 * An mmfile node in a child JVM ({@code java -cp <test classpath> io.mmfile.Main -c <file>}), so a test
 * can kill it with SIGKILL and start it again on the same data directory and database.
 */
public final class ChildNode implements AutoCloseable {
  private final Path dir;
  private final Path configFile;
  private final int port;
  private Process process;

  /** {@code config}: dotted keys, written as the node's YAML file; the port and data.dir are added. */
  public ChildNode(Path dir, int port, Map<String, Object> config) throws IOException {
    this.dir = dir;
    this.port = port;
    this.configFile = dir.resolve("mmfile.yaml");
    JsonObject nested = new JsonObject();
    Map<String, Object> all = new java.util.LinkedHashMap<>(config);
    all.put("http.port", port);
    all.put("http.host", "127.0.0.1");
    all.put("data.dir", dir.resolve("data").toString());
    all.forEach((key, value) -> {
      String[] parts = key.split("\\.");
      JsonObject node = nested;
      for (int i = 0; i < parts.length - 1; i++) {
        if (node.getJsonObject(parts[i]) == null) {
          node.put(parts[i], new JsonObject());
        }
        node = node.getJsonObject(parts[i]);
      }
      node.put(parts[parts.length - 1], value);
    });
    // JSON is YAML.
    Files.writeString(configFile, nested.encodePrettily());
  }

  public int port() {
    return port;
  }

  /** The node's YAML file, for the command line ({@code mmfile --config FILE appkey …}). */
  public Path configFile() {
    return configFile;
  }

  public Path dataDir() {
    return dir.resolve("data");
  }

  /** Creates an app key in the node's database (migrating it first), from this JVM, before the node starts. */
  public AppKey createAppKey() {
    Vertx vertx = Vertx.vertx();
    try {
      MmfileConfig config = await(new ConfigLoader(vertx, Map.of()).load(configFile.toString(), new JsonObject()));
      Database database = new Database(config);
      database.migrate();
      Pool pool = database.openPool(vertx);
      try {
        return await(new AppKeyRepository(pool).create("faults"));
      } finally {
        await(pool.close());
        database.close();
      }
    } finally {
      vertx.close();
    }
  }

  /** Starts the node; returns once it answers /health/live. */
  public void start() throws IOException, InterruptedException {
    process = new ProcessBuilder(command())
      .directory(dir.toFile())
      .redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node.log").toFile()))
      .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!live()) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the node exited with " + process.exitValue() + ":\n" + log());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the node did not come up:\n" + log());
      }
      Thread.sleep(100);
    }
  }

  /** SIGKILL: no shutdown hook, no flush, nothing. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the node survived SIGKILL");
    }
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("node.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private boolean live() {
    try (var socket = new java.net.Socket("127.0.0.1", port)) {
      socket.getOutputStream().write(("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      return answer.startsWith("HTTP/1.1 200");
    } catch (IOException e) {
      return false;
    }
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx256m");
    // Quick start-up counts more here than peak speed.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.mmfile.Main");
    command.add("-c");
    command.add(configFile.toString());
    command.addAll(List.of(args));
    return command;
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
