package io.mmfile.platform;

import io.mmfile.support.Backend;
import io.mmfile.support.Cli;
import io.mmfile.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded H2 database's AUTO_SERVER listener (which lets the command line use the database while
 * the server runs) is reachable over loopback only, and only with the generated password.
 */
class EmbeddedDatabaseExposureIT {

  @Test
  void theDatabaseListenerBindsToLoopbackOnly() throws Exception {
    try (TestServer server = TestServer.start(Backend.EMBEDDED)) {
      int port = h2ServerPort(server.dataDir());

      List<String> listeners = listeningAddresses(port);

      assertThat(listeners).as("listening sockets on port %d", port).isNotEmpty()
        .allSatisfy(address -> assertThat(address).isIn("0100007F", "0000000000000000FFFF00000100007F",
          "00000000000000000000000001000000"));
    }
  }

  @Test
  void theDatabaseTakesOnlyTheGeneratedPasswordKeptPrivate() throws Exception {
    try (TestServer server = TestServer.start(Backend.EMBEDDED)) {
      Path passwordFile = server.dataDir().resolve("db").resolve("password");

      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
      String password = Files.readString(passwordFile).trim();
      assertThat(password).matches("[0-9a-f]{48}");
      assertThatThrownBy(() -> connect(server.dataDir(), "")).isInstanceOf(SQLException.class);
      try (Connection ok = connect(server.dataDir(), password)) {
        assertThat(ok.isValid(5)).isTrue();
      }
      // And the command line, which reads the same file, still works while the server runs.
      assertThat(Cli.ok(server.cliConfig(), "appkey", "list")).startsWith("[");
    }
  }

  @Test
  void aDatabaseMadeWithTheEmptyPasswordGetsTheGeneratedOne() throws Exception {
    Path dataDir = Files.createTempDirectory("mmfile-old-h2-");
    try {
      Files.createDirectories(dataDir.resolve("db"));
      // What earlier versions left: the schema made with user sa and the empty password, and a key in it.
      org.flywaydb.core.Flyway.configure().dataSource(url(dataDir), "sa", "").locations("classpath:db/migration")
        .load().migrate();
      try (Connection old = DriverManager.getConnection(url(dataDir), "sa", "")) {
        old.createStatement().execute("INSERT INTO app_keys (app_key, secret, name, enabled, created_ms)"
          + " VALUES ('1000000007', 'S', 'kept', 1, 0)");
      }

      try (TestServer server = TestServer.start(Backend.EMBEDDED, new JsonObject().put("data.dir", dataDir.toString()))) {
        String password = Files.readString(dataDir.resolve("db").resolve("password")).trim();
        assertThatThrownBy(() -> connect(dataDir, "")).isInstanceOf(SQLException.class);
        try (Connection ok = connect(dataDir, password)) {
          assertThat(ok.createStatement().executeQuery("SELECT name FROM app_keys WHERE app_key = '1000000007'").next())
            .isTrue();
        }
      }
    } finally {
      TestServer.deleteTree(dataDir);
    }
  }

  private static Connection connect(Path dataDir, String password) throws SQLException {
    return DriverManager.getConnection(url(dataDir), "sa", password);
  }

  private static String url(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("db").resolve("mmfile")
      + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;AUTO_SERVER=TRUE";
  }

  /** The port H2 wrote into its lock file for other processes to connect to. */
  private static int h2ServerPort(Path dataDir) throws IOException {
    Path lock = dataDir.resolve("db").resolve("mmfile.lock.db");
    TestServer.eventually(() -> Files.exists(lock));
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(lock)) {
      properties.load(in);
    }
    String server = properties.getProperty("server");
    assertThat(server).as("AUTO_SERVER address in the lock file").isNotNull();
    return Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
  }

  /** Local addresses (kernel hex notation) of the sockets listening on {@code port}, IPv4 and IPv6. */
  private static List<String> listeningAddresses(int port) throws IOException {
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    List<String> addresses = new ArrayList<>();
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      for (String line : Files.readAllLines(file)) {
        String[] columns = line.trim().split("\\s+");
        // sl local_address rem_address st ...; st 0A is LISTEN
        if (columns.length > 3 && columns[3].equals("0A") && columns[1].endsWith(":" + hexPort)) {
          addresses.add(columns[1].substring(0, columns[1].indexOf(':')));
        }
      }
    }
    return addresses;
  }
}
