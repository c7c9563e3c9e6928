package io.mmfile.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A secret the node generates once and keeps in {@code data.dir/keys}: readable and writable by the
 * owner only (0600). The file is created with those permissions, so there is no moment in which others
 * could read it; a file left with wider permissions by an older version is narrowed when read. Blocking.
 */
final class SecretFile {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private SecretFile() {
  }

  static String readOrCreate(Path file, Supplier<String> generate) throws IOException {
    Files.createDirectories(file.getParent());
    if (!Files.exists(file)) {
      try {
        create(file, generate.get());
      } catch (FileAlreadyExistsException raced) {
        // another node process on the same data.dir created it first: use theirs
      }
    }
    narrow(file);
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static void create(Path file, String content) throws IOException {
    boolean posix = Files.getFileStore(file.getParent()).supportsFileAttributeView("posix");
    if (posix) {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } else {
      Files.createFile(file);
    }
    Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }

  private static void narrow(Path file) throws IOException {
    if (Files.getFileStore(file).supportsFileAttributeView("posix")
      && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
  }
}
