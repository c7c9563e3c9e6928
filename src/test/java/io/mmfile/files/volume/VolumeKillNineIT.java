package io.mmfile.files.volume;

import io.mmfile.Main;
import io.mmfile.auth.AppKey;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kill -9 in the middle of concurrent uploads to the volume store: a node in a child JVM (file records in
 * MariaDB) takes uploads
 * from many clients at once (small ones held in memory, large ones spilling to staging files), is killed
 * with SIGKILL while they run, and is started again on the same data. Every upload it acknowledged must
 * be served byte-identical, {@code store verify} must find no damage, and no staging file may be left.
 */
class VolumeKillNineIT {
  private static final int CLIENTS = 12;

  @TempDir
  Path dir;
  Process node;

  /** File records go to MariaDB, whose commits are durable, so the test is about the volume store alone. */
  final String database = "mmfile_t_vol_" + Long.toHexString(System.nanoTime());

  @AfterEach
  void stopNode() throws InterruptedException {
    if (node != null && node.isAlive()) {
      node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    TestServer.dropDatabase(database);
  }

  @Test
  void everyAcknowledgedUploadSurvivesAKillNineAndNothingHalfWrittenIsServed() throws Exception {
    int port = TestServer.freePort();
    Path config = writeConfig(port);
    AppKey app = createAppKey(config);
    node = start(config, port);

    Map<String, Buffer> acknowledged = new ConcurrentHashMap<>();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicBoolean killed = new AtomicBoolean();
    AtomicInteger attempts = new AtomicInteger();
    List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> clients = new ArrayList<>();
    DaokeClient client = new DaokeClient(port, new WebClientOptions().setIdleTimeout(30), CLIENTS);
    for (int c = 0; c < CLIENTS; c++) {
      int clientNo = c;
      Thread t = new Thread(() -> {
        for (int i = 0; running.get(); i++) {
          // Every third upload is larger than the memory stage and spills to a staging file.
          int size = i % 3 == 0 ? 300_000 + i * 1000 : 20_000 + i * 100;
          Buffer image = Images.pngOfSize(size, clientNo * 10_000L + i);
          attempts.incrementAndGet();
          try {
            HttpResponse<Buffer> saved = client.save(app, image, Map.of("isStorage", "true"));
            if (saved.statusCode() == 200 && "0".equals(DaokeClient.code(saved))) {
              acknowledged.put(DaokeClient.result(saved).getString("url"), image);
            } else {
              refusals.add(saved.statusCode() + " " + saved.bodyAsString());
            }
          } catch (RuntimeException e) {
            // the node was killed under this upload: not acknowledged
            if (!killed.get()) {
              refusals.add(e.toString());
            }
          }
        }
      });
      t.start();
      clients.add(t);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (acknowledged.size() < 60 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    killed.set(true);
    node.destroyForcibly(); // SIGKILL, uploads in flight
    assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    running.set(false);
    for (Thread t : clients) {
      t.join();
    }
    Map<String, Buffer> acked = Map.copyOf(acknowledged);
    assertThat(acked).as("refused: %s", refusals.stream().limit(3).toList()).hasSizeGreaterThanOrEqualTo(60);
    assertThat(refusals).as("no upload is refused while the node runs").isEmpty();
    assertThat(attempts.get()).as("uploads were still running at the kill").isGreaterThan(acked.size());

    node = start(config, port);
    for (Map.Entry<String, Buffer> upload : acked.entrySet()) {
      HttpResponse<Buffer> served = client.get(upload.getKey());
      assertThat(served.statusCode()).as(upload.getKey()).isEqualTo(200);
      assertThat(served.body()).as(upload.getKey()).isEqualTo(upload.getValue());
    }
    client.close();
    try (var staged = Files.list(dir.resolve("data").resolve("volumes").resolve("staging"))) {
      assertThat(staged.toList()).as("staging files of the killed uploads are gone").isEmpty();
    }

    node.destroy();
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    StringWriter report = new StringWriter();
    CommandLine verify = new CommandLine(new Main());
    verify.setOut(new PrintWriter(report));
    assertThat(verify.execute("-c", config.toString(), "store", "verify")).as(report.toString()).isZero();
    assertThat(report.toString()).contains("damaged records 0");
  }

  private Path writeConfig(int port) throws IOException {
    JsonObject yaml = new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", port).put("instances", 2))
      .put("data", new JsonObject().put("dir", dir.resolve("data").toString()))
      .put("database", new JsonObject().put("url", "mysql://" + (TestServer.MYSQL_PASSWORD.isEmpty()
        ? TestServer.MYSQL_USER : TestServer.MYSQL_USER + ":" + TestServer.MYSQL_PASSWORD)
        + "@" + TestServer.MYSQL_HOST + ":" + TestServer.MYSQL_PORT + "/" + database))
      .put("storage", new JsonObject().put("durable", "volume").put("fsync", "group")
        .put("volume", new JsonObject().put("memory-stage-bytes", 262144).put("max-bytes", 4 * 1024 * 1024)))
      .put("sms", new JsonObject().put("allow-log-sender", true))
      .put("shutdown", new JsonObject().put("grace-seconds", 1));
    Path file = dir.resolve("mmfile.yaml");
    Files.writeString(file, yaml.encodePrettily()); // JSON is YAML
    return file;
  }

  private List<String> command(Path config, String... args) {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
      "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.mmfile.Main", "-c", config.toString()));
    command.addAll(List.of(args));
    return command;
  }

  private AppKey createAppKey(Path config) throws IOException, InterruptedException {
    Process cli = new ProcessBuilder(command(config, "appkey", "create", "--name", "volume-kill"))
      .redirectError(dir.resolve("appkey.log").toFile()).start();
    String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(cli.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(cli.exitValue()).as(out + Files.readString(dir.resolve("appkey.log"))).isZero();
    JsonObject created = new JsonObject(out.substring(out.lastIndexOf('{')));
    return new AppKey(created.getString("appKey"), created.getString("secret"), "volume-kill", true, 0);
  }

  private Process start(Path config, int port) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command(config)).redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("node.log").toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!live(port)) {
      assertThat(p.isAlive()).as(Files.readString(dir.resolve("node.log"))).isTrue();
      assertThat(System.nanoTime()).as("the node came up").isLessThan(deadline);
      Thread.sleep(100);
    }
    return p;
  }

  private static boolean live(int port) {
    try (var socket = new java.net.Socket("127.0.0.1", port)) {
      socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200");
    } catch (IOException e) {
      return false;
    }
  }
}
