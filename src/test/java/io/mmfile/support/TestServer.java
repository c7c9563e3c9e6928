package io.mmfile.support;

import io.mmfile.MmfileServer;
import io.mmfile.auth.AppKey;
import io.mmfile.files.s3.S3BlobStore;
import io.mmfile.files.s3.S3Client;
import io.mmfile.files.volume.VolumeBlobStore;
import io.mmfile.platform.ConfigLoader;
import io.mmfile.platform.KeyValueStores;
import io.mmfile.platform.MmfileConfig;
import io.mmfile.platform.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real mmfile node for one test class, on its own port, data directory, database and Redis key
 * prefix; {@link #close()} removes all of them.
 */
public final class TestServer implements AutoCloseable {
  /** Where the tests find MariaDB and Redis; overridable for machines that run them elsewhere. */
  public static final String MYSQL_HOST = env("MMFILE_TEST_MYSQL_HOST", "127.0.0.1");
  public static final int MYSQL_PORT = Integer.parseInt(env("MMFILE_TEST_MYSQL_PORT", "3306"));
  public static final String MYSQL_USER = env("MMFILE_TEST_MYSQL_USER", "root");
  public static final String MYSQL_PASSWORD = env("MMFILE_TEST_MYSQL_PASSWORD", "");
  public static final String REDIS_URL = env("MMFILE_TEST_REDIS_URL", "redis://127.0.0.1:6379");

  private final Backend backend;
  private final Vertx vertx;
  private final MmfileServer server;
  private final Path dataDir;
  private final String database;
  private final String keyPrefix;
  private final int port;

  private TestServer(Backend backend, Vertx vertx, MmfileServer server, Path dataDir, String database,
                     String keyPrefix, int port) {
    this.backend = backend;
    this.vertx = vertx;
    this.server = server;
    this.dataDir = dataDir;
    this.database = database;
    this.keyPrefix = keyPrefix;
    this.port = port;
  }

  public static TestServer start(Backend backend) {
    return start(backend, new JsonObject());
  }

  /** Starts a node; {@code overrides} are dotted config keys, e.g. {@code upload.max-bytes}. */
  public static TestServer start(Backend backend, JsonObject overrides) {
    return start(backend, overrides, java.time.Clock.systemUTC());
  }

  /** Like {@link #start(Backend, JsonObject)}, with the clock that ends rotated app-key secrets. */
  public static TestServer start(Backend backend, JsonObject overrides, java.time.Clock clock) {
    String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("mmfile-test-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    int port = freePort();
    JsonObject config = new JsonObject()
      .put("http.port", port)
      .put("http.host", "127.0.0.1")
      .put("http.instances", 2)
      .put("data.dir", dataDir.toString())
      // The contracts name their durable store: the disk store unless a class says otherwise (the
      // default volume store has its own classes, e.g. DaokeFileApiVolumeIT, VolumeKillNineIT).
      .put("storage.durable", "disk")
      .put("shutdown.grace-seconds", 1)
      // Test nodes log SMS codes even on MariaDB, and leave the per-address and per-app allowances
      // (one test class registers far more accounts from 127.0.0.1 than a person would) to the tests
      // that are about them.
      .put("sms.allow-log-sender", true)
      .put("auth.registrations-per-address-per-hour", 0)
      .put("sms.per-address-per-hour", 0)
      .put("sms.per-app-per-hour", 0);
    String database = null;
    String keyPrefix = null;
    if (backend != Backend.EMBEDDED) {
      database = "mmfile_t_" + id;
      keyPrefix = "mmfile-t-" + id + ":";
      String auth = MYSQL_PASSWORD.isEmpty() ? MYSQL_USER : MYSQL_USER + ":" + MYSQL_PASSWORD;
      config.put("database.url", "mysql://" + auth + "@" + MYSQL_HOST + ":" + MYSQL_PORT + "/" + database)
        .put("redis.url", REDIS_URL)
        .put("redis.key-prefix", keyPrefix);
      if (backend == Backend.MARIADB_REDIS_CLUSTER) {
        config.put("redis.url", RedisCluster.shared().urls()).put("redis.mode", "cluster");
      }
    }
    config.mergeIn(overrides);
    // As Main does: the configuration first, read on a Vert.x of its own; it names the node's transport.
    Vertx reader = Vertx.vertx();
    MmfileConfig parsed;
    try {
      parsed = await(new ConfigLoader(reader, Map.of()).load(ConfigLoader.DEFAULT_FILE, config));
    } finally {
      reader.close();
    }
    NodeMetrics metrics = NodeMetrics.standalone();
    Vertx vertx = NodeMetrics.vertx(metrics.registry(), parsed.http().transport());
    try {
      MmfileServer server = await(new MmfileServer(vertx, parsed, clock, metrics).start());
      return new TestServer(backend, vertx, server, dataDir, database, keyPrefix, port);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  public Backend backend() {
    return backend;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The node's Vert.x (to watch its event bus). */
  public Vertx vertx() {
    return vertx;
  }

  public MmfileServer server() {
    return server;
  }

  public String redisKeyPrefix() {
    return keyPrefix;
  }

  /**
   * A configuration file for the command line that names this node's data directory and database, so
   * {@code mmfile --config FILE appkey …} works on the same keys. Deleted with the node.
   */
  public Path cliConfig() {
    MmfileConfig config = server.config();
    StringBuilder yaml = new StringBuilder("data:\n  dir: \"" + dataDir + "\"\n");
    config.databaseUrl().ifPresent(url -> yaml.append("database:\n  url: \"").append(url).append("\"\n"));
    yaml.append("auth:\n  app-key-rotation-overlap-minutes: ")
      .append(config.appKeys().rotationOverlapMinutes()).append("\n");
    yaml.append("sms:\n  allow-log-sender: ").append(config.sms().allowLogSender()).append("\n");
    Path file = dataDir.resolve("cli.yaml");
    try {
      Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return file;
  }

  public AppKey newAppKey() {
    AppKey key = await(server.appKeys().create("test"));
    SecretWatch.watch(key.secret());
    return key;
  }

  /**
   * Files committed to the durable store's directory tree (temporary parts excluded); with the volume
   * store, which keeps no file per upload, one path per live file, named by its id.
   */
  public List<Path> durableFiles() {
    if (server.stores().durable() instanceof VolumeBlobStore volumes) {
      return volumes.fileIds().stream().map(Path::of).toList();
    }
    if (server.stores().durable() instanceof S3BlobStore s3) {
      // What the bucket holds, asked of the S3 server itself.
      return await(s3.client().listKeys(server.config().storage().s3().orElseThrow().prefix())).stream()
        .map(key -> Path.of(s3.fileIdOf(key).orElse(key))).toList();
    }
    return listFiles(dataDir.resolve("files"), p -> !p.getFileName().toString().endsWith(".part"));
  }

  /**
   * Partial files still waiting in the durable store's staging directory (any store's); with the S3
   * store also the bucket's unfinished multipart uploads, one path per upload, named by its key.
   */
  public List<Path> stagedParts() {
    List<Path> parts = new ArrayList<>(listFiles(dataDir.resolve("files"), p -> p.getFileName().toString().endsWith(".part")));
    parts.addAll(listFiles(dataDir.resolve("volumes").resolve("staging"), p -> true));
    parts.addAll(listFiles(dataDir.resolve("s3-staging"), p -> true));
    if (server.stores().durable() instanceof S3BlobStore s3) {
      await(s3.client().listMultipartUploads(server.config().storage().s3().orElseThrow().prefix()))
        .forEach(upload -> parts.add(Path.of(upload.key())));
    }
    return parts;
  }

  /** Number of file records in SQL. */
  public long fileRecords() {
    return await(server.stores().records().count());
  }

  /** Keys under this server's Redis prefix matching {@code pattern} (e.g. {@code blob:*}). */
  public List<String> redisKeys(String pattern) {
    Redis redis = redisClient(vertx);
    try {
      Response keys = await(redis.send(Request.cmd(Command.KEYS).arg(keyPrefix + pattern)));
      List<String> names = new ArrayList<>();
      keys.forEach(k -> names.add(k.toString()));
      return names;
    } finally {
      redis.close();
    }
  }

  @Override
  public void close() {
    try {
      await(server.stop());
    } catch (RuntimeException ignored) {
      // the node is gone either way; clean what it left
    }
    try {
      if (backend != Backend.EMBEDDED) {
        dropDatabase(database);
        Vertx cleaner = Vertx.vertx();
        try {
          Redis redis = redisClient(cleaner);
          Response keys = await(redis.send(Request.cmd(Command.KEYS).arg(keyPrefix + "*")));
          for (Response key : keys) {
            await(redis.send(Request.cmd(Command.DEL).arg(key.toString())));
          }
        } finally {
          cleaner.close();
        }
      }
    } finally {
      server.config().storage().s3().ifPresent(s3 -> {
        try {
          cleanBucket(s3);
        } catch (RuntimeException e) {
          // a test that stopped its S3 server took the objects with it
        }
      });
      deleteTree(dataDir);
    }
  }

  /** A client of this node's Redis; on a cluster, KEYS asks every master and DEL goes to each key's. */
  private Redis redisClient(Vertx on) {
    return KeyValueStores.redis(on, server.config());
  }

  /** Deletes every key under {@code prefix} on the Redis at {@code url}. */
  public static void deleteRedisKeys(String url, String prefix) {
    Vertx vertx = Vertx.vertx();
    try {
      Redis redis = Redis.createClient(vertx, url);
      Response keys = await(redis.send(Request.cmd(Command.KEYS).arg(prefix + "*")));
      for (Response key : keys) {
        await(redis.send(Request.cmd(Command.DEL).arg(key.toString())));
      }
    } finally {
      vertx.close();
    }
  }

  /** Removes the objects and unfinished multipart uploads under the node's prefix, many at a time. */
  private static void cleanBucket(MmfileConfig.S3 s3) {
    Vertx cleaner = Vertx.vertx();
    try {
      S3Client client = new S3Client(cleaner, s3);
      List<String> keys = await(client.listKeys(s3.prefix()));
      for (int at = 0; at < keys.size(); at += 32) {
        await(Future.all(keys.subList(at, Math.min(keys.size(), at + 32)).stream().map(client::delete).toList()));
      }
      for (S3Client.MultipartUpload upload : await(client.listMultipartUploads(s3.prefix()))) {
        await(client.abortMultipartUpload(upload.key(), upload.uploadId()));
      }
      await(client.close());
    } finally {
      cleaner.close();
    }
  }

  public static void dropDatabase(String name) {
    try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + MYSQL_HOST + ":" + MYSQL_PORT + "/",
      MYSQL_USER, MYSQL_PASSWORD); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS `" + name + "`");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test database " + name, e);
    }
  }

  public static boolean databaseExists(String name) {
    try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + MYSQL_HOST + ":" + MYSQL_PORT + "/",
      MYSQL_USER, MYSQL_PASSWORD); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SHOW DATABASES LIKE '" + name + "'")) {
      return rs.next();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls a condition the server reaches asynchronously; fails after a generous deadline. */
  public static void eventually(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within 20 s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> listFiles(Path root, java.util.function.Predicate<Path> keep) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    // The server creates and deletes staging files while the tree is walked: a file gone between
    // being listed and being looked at makes the walk fail, so walk again.
    for (int attempt = 0; ; attempt++) {
      try (Stream<Path> walk = Files.walk(root)) {
        return walk.filter(Files::isRegularFile).filter(keep).toList();
      } catch (java.io.UncheckedIOException e) {
        if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 10) {
          throw e;
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  public static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
