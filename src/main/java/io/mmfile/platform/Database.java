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

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The SQL store: MySQL/MariaDB through vertx-mysql-client when {@code database.url} is set, else an
 * embedded H2 database (MySQL mode) under the data directory through the same {@link Pool} API.
 * Migrations run through Flyway on a worker thread before anything is served.
 */
public final class Database {

  private final MmfileConfig config;
  private final String jdbcUrl;
  private final String user;
  private final String password;

  public Database(MmfileConfig config) {
    this.config = config;
    if (config.embeddedDatabase()) {
      Path file = config.dataDir().toAbsolutePath().resolve("db").resolve("mmfile");
      // AUTO_SERVER lets the appkey command open the database while the server holds it.
      this.jdbcUrl = "jdbc:h2:file:" + file + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;AUTO_SERVER=TRUE";
      this.user = "sa";
      this.password = "";
    } else {
      MySQLConnectOptions options = mysqlOptions();
      this.jdbcUrl = "jdbc:mariadb://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
      this.user = options.getUser();
      this.password = options.getPassword() == null ? "" : options.getPassword();
    }
  }

  /** Creates the database when missing and applies pending migrations (blocking; run on a worker). */
  public void migrate() {
    if (config.embeddedDatabase()) {
      try {
        Files.createDirectories(config.dataDir().resolve("db"));
      } catch (java.io.IOException e) {
        throw new IllegalStateException("cannot create " + config.dataDir().resolve("db") + ": " + e.getMessage(), e);
      }
    } else {
      createMysqlDatabaseIfMissing();
    }
    Flyway.configure()
      .dataSource(jdbcUrl, user, password)
      .locations("classpath:db/migration")
      .load()
      .migrate();
  }

  /** Opens the connection pool the rest of the node shares. */
  public Pool openPool(Vertx vertx) {
    PoolOptions poolOptions = new PoolOptions()
      .setMaxSize(config.databasePoolSize())
      .setMaxWaitQueueSize(config.databaseMaxWaitQueue() == 0 ? -1 : config.databaseMaxWaitQueue())
      .setName("mmfile-sql");
    if (config.embeddedDatabase()) {
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

  public String description() {
    return config.embeddedDatabase() ? "embedded H2 in " + config.dataDir().resolve("db") : "MySQL " + redacted();
  }

  private String redacted() {
    MySQLConnectOptions o = mysqlOptions();
    return o.getUser() + "@" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }

  private MySQLConnectOptions mysqlOptions() {
    MySQLConnectOptions options = MySQLConnectOptions.fromUri(config.databaseUrl().orElseThrow().toString());
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
      throw new IllegalStateException("cannot reach the database at " + redacted() + ": " + e.getMessage(), e);
    }
  }
}
