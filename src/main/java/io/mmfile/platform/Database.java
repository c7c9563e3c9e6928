package io.mmfile.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * The SQL store: MySQL/MariaDB through vertx-mysql-client when {@code database.url} is set, else an
 * embedded H2 database (MySQL mode) under the data directory through the same {@link Pool} API.
 * Migrations run through Flyway on a worker thread before anything is served.
 */
public final class Database {
  /** Where H2's AUTO_SERVER listener binds; see {@link #embeddedServerIsLoopbackOnly()}. */
  static final String H2_BIND_ADDRESS = "127.0.0.1";

  static {
    // AUTO_SERVER (which lets the appkey command use the database while the server holds it) opens a
    // TCP listener, on every interface unless h2.bindAddress says otherwise. H2 reads the property once,
    // when its SysProperties class loads, so it is set before this class touches H2.
    if (System.getProperty("h2.bindAddress") == null) {
      System.setProperty("h2.bindAddress", H2_BIND_ADDRESS);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final int EMBEDDED_CONNECTION_LIFETIME_SECONDS = 10;

  private final MmfileConfig config;
  private final String jdbcUrl;
  private final String user;
  private String password;
  /** Embedded only: one connection held open for the node's life, see {@link #migrate()}. */
  private Connection anchor;

  public Database(MmfileConfig config) {
    this.config = config;
    if (config.embeddedDatabase()) {
      Path file = config.dataDir().toAbsolutePath().resolve("db").resolve("mmfile");
      String autoServer = embeddedServerIsLoopbackOnly() ? ";AUTO_SERVER=TRUE" : "";
      // WRITE_DELAY=0: every commit is written to the database file before it returns (H2's default,
      // 500 ms, keeps commits in memory for a background writer: a kill -9 lost them, and a full disk
      // failed only that writer, silently). A write that cannot reach the file now fails its statement.
      this.jdbcUrl = "jdbc:h2:file:" + file + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0" + autoServer;
      this.user = "sa";
      this.password = null;
    } else {
      MySQLConnectOptions options = mysqlOptions();
      this.jdbcUrl = "jdbc:mariadb://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
      this.user = options.getUser();
      this.password = options.getPassword() == null ? "" : options.getPassword();
    }
  }

  /**
   * Whether H2 will bind its AUTO_SERVER listener to loopback. False when something loaded H2 before
   * this class could set {@code h2.bindAddress} (or it was set to another address): then the embedded
   * database runs without AUTO_SERVER, and the command line cannot use it while the server runs.
   */
  static boolean embeddedServerIsLoopbackOnly() {
    String bound = org.h2.engine.SysProperties.BIND_ADDRESS;
    return bound != null && (bound.equals(H2_BIND_ADDRESS) || bound.equals("localhost") || bound.equals("::1"));
  }

  /** Creates the database when missing and applies pending migrations (blocking; run on a worker). */
  public void migrate() {
    if (config.embeddedDatabase()) {
      Path dir = config.dataDir().resolve("db");
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new IllegalStateException("cannot create " + dir + ": " + FileProblems.describe(e), e);
      }
      if (!embeddedServerIsLoopbackOnly()) {
        LOG.warn("h2.bindAddress is {}, not loopback: the embedded database runs without AUTO_SERVER, so the"
          + " appkey command works only while the server is stopped", org.h2.engine.SysProperties.BIND_ADDRESS);
      }
      password = EmbeddedCredentials.password(dir, jdbcUrl, user);
    } else {
      createMysqlDatabaseIfMissing();
    }
    Flyway.configure()
      .dataSource(jdbcUrl, user, password)
      .locations("classpath:db/migration")
      .load()
      .migrate();
    if (config.embeddedDatabase() && anchor == null) {
      // H2 closes a database when its last connection closes; the pool below retires its connections
      // now and then, so this one keeps the database open between them.
      try {
        anchor = DriverManager.getConnection(jdbcUrl, user, password);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot open " + description() + ": " + e.getMessage(), e);
      }
    }
  }

  /** Releases what {@link #migrate()} holds (blocking; run on a worker). The pool closes with Vert.x. */
  public void close() {
    if (anchor != null) {
      try {
        anchor.close();
      } catch (SQLException ignored) {
        // the database closes with its last connection either way
      }
      anchor = null;
    }
  }

  /** Opens the connection pool the rest of the node shares; after {@link #migrate()}. */
  public Pool openPool(Vertx vertx) {
    PoolOptions poolOptions = new PoolOptions()
      .setMaxSize(config.databasePoolSize())
      .setMaxWaitQueueSize(config.databaseMaxWaitQueue() == 0 ? -1 : config.databaseMaxWaitQueue())
      .setName("mmfile-sql");
    if (config.embeddedDatabase()) {
      // When a commit cannot be written (a full disk), H2 closes the database and every connection
      // to it answers "database closed" for good, while the pool keeps lending them. Retiring
      // connections after a while lets the node write again, through a reopened database, once the
      // disk has room; until then every write fails loudly.
      poolOptions.setMaxLifetime(EMBEDDED_CONNECTION_LIFETIME_SECONDS).setMaxLifetimeUnit(TimeUnit.SECONDS);
      JdbcDataSource dataSource = new JdbcDataSource();
      dataSource.setURL(jdbcUrl);
      dataSource.setUser(user);
      dataSource.setPassword(password);
      return JDBCPool.pool(vertx, dataSource, poolOptions);
    }
    return MySQLBuilder.pool()
      .with(poolOptions)
      .connectingTo(mysqlOptions())
      .using(vertx)
      .build();
  }

  /** Runs {@link #migrate()} on a worker thread. */
  public Future<Void> migrate(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      migrate();
      return null;
    }, false);
  }

  /** What {@link #compactEmbedded()} found and left: the sizes of H2's file and the files it holds. */
  public record Compaction(long bytesBefore, long bytesAfter, long files) {
  }

  /**
   * Embedded only, with the node stopped (blocking): rewrites H2's file with only its live data
   * ({@code SHUTDOWN COMPACT}). Under a sustained high write rate the file grows with what was written,
   * not with what is stored (docs/architecture.md). The database is opened without AUTO_SERVER, so a
   * node that has it open makes this fail (H2's file lock) instead of sharing it.
   */
  public Compaction compactEmbedded() {
    if (!config.embeddedDatabase()) {
      throw new IllegalStateException("database.url names MySQL/MariaDB; only the embedded database is compacted here");
    }
    Path dir = config.dataDir().resolve("db");
    Path file = dir.resolve("mmfile.mv.db");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no embedded database in " + dir);
    }
    String exclusive = jdbcUrl.replace(";AUTO_SERVER=TRUE", "");
    try {
      long before = Files.size(file);
      long files;
      try (Connection c = DriverManager.getConnection(exclusive, user, EmbeddedCredentials.password(dir, jdbcUrl, user));
           Statement st = c.createStatement()) {
        try (var rs = st.executeQuery("SELECT COUNT(*) FROM files")) {
          rs.next();
          files = rs.getLong(1);
        }
        st.execute("SHUTDOWN COMPACT");
      }
      return new Compaction(before, Files.size(file), files);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getErrorCode() == org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1
        ? "the embedded database in " + dir + " is in use: stop the node first"
        : "cannot compact the embedded database in " + dir + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + FileProblems.describe(e), e);
    }
  }

  public String description() {
    return config.embeddedDatabase() ? "embedded H2 in " + config.dataDir().resolve("db") : "MySQL " + redacted();
  }

  private String redacted() {
    MySQLConnectOptions o = mysqlOptions();
    return o.getUser() + "@" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }

  private MySQLConnectOptions mysqlOptions() {
    String url = config.databaseUrl().orElseThrow().toString();
    MySQLConnectOptions options;
    try {
      options = MySQLConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      throw new ConfigException("database.url", "is not a valid MySQL URL: '" + RedactedUrl.of(url) + "'");
    }
    if (options.getDatabase() == null || options.getDatabase().isBlank()) {
      throw new ConfigException("database.url", "must name a database, e.g. mysql://root@127.0.0.1:3306/mmfile");
    }
    options.setCachePreparedStatements(true);
    return options;
  }

  private void createMysqlDatabaseIfMissing() {
    MySQLConnectOptions options = mysqlOptions();
    String serverUrl = "jdbc:mariadb://" + options.getHost() + ":" + options.getPort() + "/";
    try (Connection c = DriverManager.getConnection(serverUrl, user, password);
         Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE IF NOT EXISTS `" + options.getDatabase().replace("`", "``")
        + "` CHARACTER SET utf8mb4");
    } catch (SQLException e) {
      // The driver's message names the host but not the port ("Socket fail to connect to host").
      throw new IllegalStateException("cannot reach the database at " + redacted() + ": "
        + RedactedUrl.of(e.getMessage()), e);
    }
  }
}
