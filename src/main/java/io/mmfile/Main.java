package io.mmfile;

import io.mmfile.auth.AppKey;
import io.mmfile.auth.AppKeyAdmin;
import io.mmfile.auth.AppKeyChanges;
import io.mmfile.auth.AppKeyRepository;
import io.mmfile.files.volume.VolumeIndexRebuilder;
import io.mmfile.files.volume.VolumeVerifier;
import io.mmfile.platform.ConfigException;
import io.mmfile.platform.ConfigLoader;
import io.mmfile.platform.Database;
import io.mmfile.platform.Failure;
import io.mmfile.platform.KeyValueStores;
import io.mmfile.platform.LogFormat;
import io.mmfile.platform.MmfileConfig;
import io.mmfile.platform.NodeMetrics;
import io.mmfile.platform.RedisChannel;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The command line: {@code mmfile} serves; {@code mmfile appkey …} manages app keys; {@code mmfile health}
 * asks a running node whether it is ready (for container health checks); {@code mmfile store verify}
 * checks the volume store.
 */
@Command(name = "mmfile", mixinStandardHelpOptions = true, version = "mmfile 0.1",
  description = "Reactive file-and-account server.",
  subcommands = {Main.AppKeyCommand.class, HealthCommand.class, Main.StoreCommand.class, Main.DbCommand.class})
public final class Main implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  @Option(names = {"-c", "--config"}, description = "YAML configuration file (default: ${DEFAULT-VALUE})",
    defaultValue = ConfigLoader.DEFAULT_FILE, scope = CommandLine.ScopeType.INHERIT)
  String configFile;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Main());
    int code = cli.execute(args);
    // Serving returns 0 and leaves the server running; a subcommand (or --help, a failure) is done.
    boolean serving = code == 0 && cli.getParseResult() != null && !cli.getParseResult().hasSubcommand()
      && !cli.isUsageHelpRequested() && !cli.isVersionHelpRequested();
    if (!serving) {
      System.exit(code);
    }
  }

  /** Serves until SIGTERM or SIGINT, then shuts down gracefully. */
  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    // The configuration is read first, on a Vert.x of its own: it says which transport the node's runs on.
    Vertx reader = Vertx.vertx();
    MmfileConfig config;
    try {
      config = loadConfig(reader, configFile);
    } catch (ConfigException e) {
      err.println("mmfile: " + e.getMessage());
      err.flush();
      return 2;
    } finally {
      reader.close();
    }
    NodeMetrics metrics = new NodeMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    Vertx vertx = NodeMetrics.vertx(metrics.registry(), config.http().transport());
    LogFormat.apply(config);
    MmfileServer server = new MmfileServer(vertx, config, java.time.Clock.systemUTC(), metrics);
    CompletableFuture<MmfileServer> started = server.start().toCompletionStage().toCompletableFuture();
    try {
      started.join();
    } catch (RuntimeException e) {
      Throwable cause = unwrap(e);
      err.println("mmfile: cannot start: " + cause.getMessage());
      err.flush();
      LOG.debug("start failure", cause);
      vertx.close();
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down: in-flight requests get {} s", config.shutdownGraceSeconds());
      try {
        server.stop().toCompletionStage().toCompletableFuture().get(config.shutdownGraceSeconds() + 10L, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("shutdown did not finish cleanly: {}", e.toString());
      }
    }, "mmfile-shutdown"));
    return 0;
  }

  static MmfileConfig loadConfig(Vertx vertx, String file) {
    // The bundled defaults stand in for the default file when it is absent; a file named on purpose must exist.
    if (!file.equals(ConfigLoader.DEFAULT_FILE) && !Files.isRegularFile(Path.of(file))) {
      throw ConfigException.file(file, Files.exists(Path.of(file)) ? "is not a regular file" : "does not exist");
    }
    try {
      return new ConfigLoader(vertx, System.getenv()).load(file, new JsonObject())
        .toCompletionStage().toCompletableFuture().join();
    } catch (RuntimeException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof ConfigException ce) {
        throw ce;
      }
      throw ConfigException.file(file, "cannot be read: " + cause.getMessage());
    }
  }

  /** The failure itself, not the wrapper that a join or a future put around it. */
  static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** What a command that works on the node's files without the node does with its configuration: an exit code. */
  @FunctionalInterface
  interface OfflineWork {
    int run(MmfileConfig config) throws IOException;
  }

  /**
   * Runs such a command ({@code store verify}, {@code store rebuild-index}, {@code db compact}): the
   * configuration is read on a Vert.x of its own, and a configuration that cannot be read or a failure of
   * the work is one line on standard error ({@code mmfile: <failing><message>}) and exit code 2.
   */
  static int offline(String configFile, String failing, OfflineWork work) {
    Vertx vertx = Vertx.vertx();
    try {
      return work.run(loadConfig(vertx, configFile));
    } catch (ConfigException e) {
      System.err.println("mmfile: " + e.getMessage());
      return 2;
    } catch (IOException | RuntimeException e) {
      System.err.println("mmfile: " + failing + e.getMessage());
      return 2;
    } finally {
      vertx.close();
    }
  }

  /** {@code mmfile db compact}: gives back the space the embedded database's file holds beyond its data. */
  @Command(name = "db", mixinStandardHelpOptions = true, description = "Maintain the embedded database.")
  static final class DbCommand {
    @CommandLine.ParentCommand
    Main parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Command(name = "compact", description = "With the node stopped: rewrite the embedded H2 database's file "
      + "(data.dir/db) with only its live data and print its size before and after. Exits 2 when the node "
      + "has it open, there is none, or database.url names MySQL/MariaDB.")
    int compact() {
      PrintWriter out = spec.commandLine().getOut();
      return offline(parent.configFile, "", config -> {
        Database.Compaction done = new Database(config).compactEmbedded();
        out.printf("embedded database: %d %s; %,d bytes before, %,d after%n", done.files(),
          done.files() == 1 ? "file" : "files", done.bytesBefore(), done.bytesAfter());
        out.flush();
        return 0;
      });
    }
  }

  /** {@code mmfile store verify}: reads the volume store under data.dir and reports what it holds. */
  @Command(name = "store", mixinStandardHelpOptions = true, description = "Check the durable store.")
  static final class StoreCommand {
    @CommandLine.ParentCommand
    Main parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Command(name = "verify", description = "Scan the volumes and their index logs under data.dir/volumes: "
      + "files, live bytes, garbage, damaged records. Exits 1 when a record is damaged, 2 when the store "
      + "cannot be read.")
    int verify() {
      PrintWriter out = spec.commandLine().getOut();
      return offline(parent.configFile, "cannot verify the store: ", config -> {
        VolumeVerifier.Report report = VolumeVerifier.verify(config.dataDir().resolve("volumes"));
        out.print(report.render());
        out.flush();
        return report.clean() ? 0 : 1;
      });
    }

    @Command(name = "rebuild-index", description = "With the node stopped: rewrite the index log (.idx) of "
      + "volumes under data.dir/volumes from their records, keeping the tombstones still readable in the old "
      + "log (a lost log's tombstones are gone: files deleted from that volume count as live again). Exits 2 "
      + "when a volume cannot be read.")
    int rebuildIndex(@Option(names = "--volume", paramLabel = "ID",
      description = "only this volume (the number in its file name); default: every volume") Integer only) {
      PrintWriter out = spec.commandLine().getOut();
      return offline(parent.configFile, "cannot rebuild the index: ", config -> {
        Path root = config.dataDir().resolve("volumes");
        List<Integer> ids = new java.util.ArrayList<>();
        try (var files = Files.newDirectoryStream(root, "*.dat")) {
          for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.matches("\\d{8}\\.dat")) {
              ids.add(Integer.parseInt(name.substring(0, 8)));
            }
          }
        }
        if (only != null && !ids.contains(only)) {
          System.err.println("mmfile: no volume " + only + " under " + root);
          return 2;
        }
        ids.sort(Integer::compare);
        for (int id : ids) {
          if (only == null || only == id) {
            out.print(VolumeIndexRebuilder.rebuild(root, id).render());
          }
        }
        out.flush();
        return 0;
      });
    }
  }

  /** {@code mmfile appkey …}: works against the same database as the server, also while it runs. */
  @Command(name = "appkey", mixinStandardHelpOptions = true, description = "Manage app keys.")
  static final class AppKeyCommand {
    @CommandLine.ParentCommand
    Main parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Changes made here are audited as the command line's, from the operating-system user who ran it. */
    private static final AppKeyAdmin.Actor ACTOR = new AppKeyAdmin.Actor("command line",
      "user " + System.getProperty("user.name", "?"));

    @Command(name = "create", description = "Create an app key; prints {\"appKey\":…,\"secret\":…}.")
    int create(@Option(names = "--name", required = true, description = "who the key is for") String name) {
      return withAppKeys((keys, config) -> keys.create(name, ACTOR).map(AppKeyCommand::withSecret));
    }

    @Command(name = "list", description = "List app keys (without their secrets).")
    int list() {
      return withAppKeys((keys, config) -> keys.list().map(all -> {
        JsonArray rows = new JsonArray();
        all.forEach(k -> rows.add(new JsonObject().put("appKey", k.appKey()).put("name", k.name())
          .put("enabled", k.enabled()).put("createdMs", k.createdMs())
          .put("previousSecretUntilMs", k.previousSecret() == null ? null : k.previousSecretUntilMs())));
        return rows.encodePrettily();
      }));
    }

    @Command(name = "disable", description = "Disable an app key; its requests then fail with ME01002.")
    int disable(@Parameters(paramLabel = "KEY") String appKey) {
      return withAppKeys((keys, config) -> named(appKey, keys.disable(appKey, ACTOR))
        .map(k -> new JsonObject().put("appKey", appKey).put("enabled", false).encode()));
    }

    @Command(name = "enable", description = "Enable a disabled app key again, with the secret it had.")
    int enable(@Parameters(paramLabel = "KEY") String appKey) {
      return withAppKeys((keys, config) -> named(appKey, keys.enable(appKey, ACTOR))
        .map(k -> new JsonObject().put("appKey", appKey).put("enabled", true).encode()));
    }

    @Command(name = "delete", description = "Delete an app key for good: its requests fail, its files stay readable.")
    int delete(@Parameters(paramLabel = "KEY") String appKey) {
      return withAppKeys((keys, config) -> named(appKey, keys.delete(appKey, ACTOR))
        .map(v -> new JsonObject().put("appKey", appKey).put("deleted", true).encode()));
    }

    @Command(name = "rotate", description = "Give an app key a new secret, printed once; the old one is still "
      + "accepted for auth.app-key-rotation-overlap-minutes (or --overlap-minutes).")
    int rotate(@Parameters(paramLabel = "KEY") String appKey,
               @Option(names = "--overlap-minutes", description = "minutes the old secret stays valid "
                 + "(default: auth.app-key-rotation-overlap-minutes)") Integer overlapMinutes) {
      return withAppKeys((keys, config) -> {
        if (overlapMinutes != null && overlapMinutes < 0) {
          return Future.failedFuture("--overlap-minutes must not be negative");
        }
        Duration overlap = overlapMinutes == null ? config.appKeys().rotationOverlap()
          : Duration.ofMinutes(overlapMinutes);
        return named(appKey, keys.rotate(appKey, overlap, ACTOR)).map(key -> new JsonObject()
          .put("appKey", key.appKey()).put("secret", key.secret())
          .put("previousSecretUntilMs", key.previousSecretUntilMs()).encode());
      });
    }

    private static String withSecret(AppKey key) {
      return new JsonObject().put("appKey", key.appKey()).put("secret", key.secret()).encode();
    }

    /** An unknown key is said in the command line's own words. */
    private static <T> Future<T> named(String appKey, Future<T> action) {
      return action.recover(t -> Future.failedFuture(t instanceof Failure f && f.kind() == Failure.Kind.NOT_FOUND
        ? new IllegalArgumentException("no app key " + appKey) : t));
    }

    private int withAppKeys(BiFunction<AppKeyAdmin, MmfileConfig, Future<String>> action) {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Vertx vertx = Vertx.vertx();
      try {
        MmfileConfig config = loadConfig(vertx, parent.configFile);
        Database database = new Database(config);
        database.migrate();
        Pool pool = database.openPool(vertx);
        // With Redis, the nodes hear of a change at once (else when their cached copy expires).
        Redis redis = config.redisUrl().isPresent() ? KeyValueStores.redis(vertx, config) : null;
        AppKeyChanges changes = redis == null ? AppKeyChanges.local()
          : AppKeyChanges.redis(new RedisChannel(vertx, redis, AppKeyChanges.channelName(config.redisKeyPrefix())));
        String output;
        try {
          output = action.apply(new AppKeyAdmin(new AppKeyRepository(pool, Clock.systemUTC(), changes),
              config.appKeys().rotationOverlap()), config)
            .eventually(pool::close)
            .eventually(() -> redis == null ? Future.succeededFuture() : redis.close())
            .toCompletionStage().toCompletableFuture().join();
        } finally {
          database.close();
        }
        out.println(output);
        out.flush();
        return 0;
      } catch (RuntimeException e) {
        err.println("mmfile: " + unwrap(e).getMessage());
        err.flush();
        return e instanceof ConfigException ? 2 : 1;
      } finally {
        vertx.close();
      }
    }
  }
}
