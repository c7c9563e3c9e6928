package io.mmfile;

import io.mmfile.auth.AppKeyRepository;
import io.mmfile.platform.ConfigException;
import io.mmfile.platform.ConfigLoader;
import io.mmfile.platform.Database;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The command line: {@code mmfile} serves; {@code mmfile appkey create|list|disable} manages app keys. */
@Command(name = "mmfile", mixinStandardHelpOptions = true, version = "mmfile 0.1",
  description = "Reactive file-and-account server.", subcommands = {Main.AppKeyCommand.class})
public final class Main implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  @Option(names = {"-c", "--config"}, description = "YAML configuration file (default: ${DEFAULT-VALUE})",
    defaultValue = ConfigLoader.DEFAULT_FILE, scope = CommandLine.ScopeType.INHERIT)
  String configFile;

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Main());
    int code = cli.execute(args);
    if (code != 0 || args.length > 0) {
      System.exit(code);
    }
  }

  /** Serves until SIGTERM or SIGINT, then shuts down gracefully. */
  @Override
  public Integer call() {
    Vertx vertx = Vertx.vertx();
    MmfileConfig config;
    try {
      config = loadConfig(vertx, configFile);
    } catch (ConfigException e) {
      System.err.println("mmfile: " + e.getMessage());
      vertx.close();
      return 2;
    }
    MmfileServer server = new MmfileServer(vertx, config);
    CompletableFuture<MmfileServer> started = server.start().toCompletionStage().toCompletableFuture();
    try {
      started.join();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      System.err.println("mmfile: cannot start: " + cause.getMessage());
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
    try {
      return new ConfigLoader(vertx, System.getenv()).load(file, new JsonObject())
        .toCompletionStage().toCompletableFuture().join();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof ConfigException ce) {
        throw ce;
      }
      throw new ConfigException("(file " + file + ")", "cannot be read: " + cause.getMessage());
    }
  }

  /** {@code mmfile appkey …}: works against the same database as the server, also while it runs. */
  @Command(name = "appkey", mixinStandardHelpOptions = true, description = "Manage app keys.")
  static final class AppKeyCommand {
    @CommandLine.ParentCommand
    Main parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Command(name = "create", description = "Create an app key; prints {\"appKey\":…,\"secret\":…}.")
    int create(@Option(names = "--name", required = true, description = "who the key is for") String name) {
      return withAppKeys(keys -> keys.create(name)
        .map(key -> new JsonObject().put("appKey", key.appKey()).put("secret", key.secret()).encode()));
    }

    @Command(name = "list", description = "List app keys (without their secrets).")
    int list() {
      return withAppKeys(keys -> keys.list().map(all -> {
        JsonArray rows = new JsonArray();
        all.forEach(k -> rows.add(new JsonObject().put("appKey", k.appKey()).put("name", k.name())
          .put("enabled", k.enabled()).put("createdMs", k.createdMs())));
        return rows.encodePrettily();
      }));
    }

    @Command(name = "disable", description = "Disable an app key; its requests then fail with ME01002.")
    int disable(@Parameters(paramLabel = "KEY") String appKey) {
      return withAppKeys(keys -> keys.disable(appKey).compose(found -> found
        ? Future.succeededFuture(new JsonObject().put("appKey", appKey).put("enabled", false).encode())
        : Future.failedFuture("no app key " + appKey)));
    }

    private int withAppKeys(Function<AppKeyRepository, Future<String>> action) {
      PrintWriter out = spec.commandLine().getOut();
      Vertx vertx = Vertx.vertx();
      try {
        MmfileConfig config = loadConfig(vertx, parent.configFile);
        Database database = new Database(config);
        database.migrate();
        Pool pool = database.openPool(vertx);
        String output = action.apply(new AppKeyRepository(pool))
          .eventually(pool::close)
          .toCompletionStage().toCompletableFuture().join();
        out.println(output);
        out.flush();
        return 0;
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        System.err.println("mmfile: " + cause.getMessage());
        return 1;
      } finally {
        vertx.close();
      }
    }
  }
}
