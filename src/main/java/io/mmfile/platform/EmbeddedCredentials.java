package io.mmfile.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * The password of the embedded H2 database, generated on first use and kept in {@code data.dir/db/password}
 * with mode 0600. The server and the {@code appkey} command both read it, so only the account that owns
 * the data directory can log in to the AUTO_SERVER listener (which binds to loopback, see {@link Database}).
 * A database made by an earlier version with the empty password gets the new password set.
 */
final class EmbeddedCredentials {
  static final String FILE = "password";
  private static final SecureRandom RANDOM = new SecureRandom();

  private EmbeddedCredentials() {
  }

  /** Reads the password, making it first when there is none (blocking). */
  static String password(Path dbDir, String jdbcUrl, String user) {
    Path file = dbDir.resolve(FILE);
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
      }
      byte[] bytes = new byte[24];
      RANDOM.nextBytes(bytes);
      String password = HexFormat.of().formatHex(bytes);
      Path staged = Files.createTempFile(dbDir, FILE, ".new",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(staged, password + "\n", StandardCharsets.US_ASCII);
        if (Files.exists(dbDir.resolve("mmfile.mv.db"))) {
          setPassword(jdbcUrl, user, password);
        }
        // Without REPLACE_EXISTING: a password another process wrote meanwhile is never overwritten.
        Files.move(staged, file);
      } catch (FileAlreadyExistsException raced) {
        // Another process (server or command line) made it at the same moment: use theirs.
        return Files.readString(file, StandardCharsets.US_ASCII).trim();
      } finally {
        Files.deleteIfExists(staged);
      }
      return password;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or write " + file + ": " + FileProblems.describe(e), e);
    }
  }

  private static void setPassword(String jdbcUrl, String user, String password) {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, "");
         Statement s = c.createStatement()) {
      // Hex digits only: safe to inline (H2 takes no parameter here).
      s.execute("ALTER USER " + user + " SET PASSWORD '" + password + "'");
    } catch (SQLException e) {
      throw new IllegalStateException("the embedded database in " + jdbcUrl.substring("jdbc:h2:file:".length())
        .split(";")[0] + " has a password, but " + FILE + " is missing beside it: " + e.getMessage(), e);
    }
  }
}
