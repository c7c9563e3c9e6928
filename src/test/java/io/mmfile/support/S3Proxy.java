package io.mmfile.support;

import io.mmfile.files.s3.S3Client;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.mmfile.support.TestServer.await;

/**
 * A real S3-compatible server for tests: s3proxy on its filesystem blob store, run as a child JVM from
 * the jar the build copies to {@code target/s3proxy/} (its own Jetty and Jackson stay out of the test
 * class path), on a free loopback port, with a data directory that {@link #close()} removes. It checks
 * SigV4 signatures, so a request mmfile signs wrongly fails here as it would on AWS.
 *
 * <p>{@link #shared()} is one server for the whole test JVM (one bucket, each node under its own key
 * prefix); {@link #startPrivate()} is one a test may stop.
 */
public final class S3Proxy implements AutoCloseable {
  public static final String BUCKET = "mmfile-test";
  public static final String ACCESS_KEY = "mmfile-test";
  private static S3Proxy shared;

  private final String secretKey = "s3proxy-secret-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  private final Path dir;
  private final int port;
  private Process process;

  private S3Proxy(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** The server of this test JVM, started on first use, stopped when the JVM exits. */
  public static synchronized S3Proxy shared() {
    if (shared == null) {
      shared = startPrivate();
      S3Proxy server = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    }
    return shared;
  }

  /** A server of the caller's own, with the bucket created. */
  public static S3Proxy startPrivate() {
    try {
      S3Proxy server = new S3Proxy(Files.createTempDirectory("mmfile-s3-"), TestServer.freePort());
      server.start();
      server.createBucket();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void start() throws IOException {
    Path jar = Path.of(System.getProperty("mmfile.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: the build copies it before the integration tests"
        + " (mvn verify, or mvn dependency:copy@s3proxy-for-tests)");
    }
    Files.createDirectories(dir.resolve("blobs"));
    Path properties = dir.resolve("s3proxy.conf");
    Files.writeString(properties, String.join("\n",
      "s3proxy.endpoint=http://127.0.0.1:" + port,
      "s3proxy.authorization=aws-v2-or-v4",
      "s3proxy.identity=" + ACCESS_KEY,
      "s3proxy.credential=" + secretKey,
      "jclouds.provider=filesystem-nio2",
      "jclouds.filesystem.basedir=" + dir.resolve("blobs"),
      "jclouds.identity=local",
      "jclouds.credential=local", ""));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(java, "-Xmx192m", "-XX:TieredStopAtLevel=1", "-jar", jar.toAbsolutePath().toString(),
      "--properties", properties.toString())
      .redirectErrorStream(true)
      .redirectOutput(dir.resolve("s3proxy.log").toFile())
      .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          String log = Files.exists(dir.resolve("s3proxy.log")) ? Files.readString(dir.resolve("s3proxy.log")) : "";
          close();
          throw new IllegalStateException("s3proxy did not start on port " + port + ":\n" + log);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  public int port() {
    return port;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public String secretKey() {
    return secretKey;
  }

  /** The configuration of a node whose durable store is this server's bucket, under {@code prefix}. */
  public JsonObject nodeConfig(String prefix) {
    // The node must never log it (the watch forgets it after each test class, so each asks again).
    SecretWatch.watch(secretKey);
    return new JsonObject()
      .put("storage.durable", "s3")
      .put("storage.s3.endpoint", endpoint())
      .put("storage.s3.bucket", BUCKET)
      .put("storage.s3.region", "us-east-1")
      .put("storage.s3.access-key", ACCESS_KEY)
      .put("storage.s3.secret-key", secretKey)
      .put("storage.s3.path-style", true)
      .put("storage.s3.prefix", prefix);
  }

  /** A fresh key prefix, so that nodes sharing this server do not see each other's objects. */
  public static String newPrefix() {
    return "t-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()) + "/";
  }

  /** Settings for a client of this server (for tests that look into the bucket themselves). */
  public MmfileConfig.S3 clientConfig(String prefix) {
    SecretWatch.watch(secretKey);
    return new MmfileConfig.S3(URI.create(endpoint()), BUCKET, "us-east-1", ACCESS_KEY, secretKey, true, prefix,
      0, 5L << 20, 8, 30, 0);
  }

  private void createBucket() {
    Vertx vertx = Vertx.vertx();
    try {
      S3Client client = new S3Client(vertx, clientConfig(""));
      await(client.createBucket());
      await(client.close());
    } finally {
      vertx.close();
    }
  }

  /** Stops the server (kill, as a crashed service would go) and keeps its data, for {@link #restart()}. */
  public void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** Starts a stopped server again on the same port, with its data. */
  public void restart() {
    try {
      start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    stop();
    TestServer.deleteTree(dir);
  }
}
