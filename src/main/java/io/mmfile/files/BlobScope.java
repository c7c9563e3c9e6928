package io.mmfile.files;

import io.mmfile.platform.MmfileConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Which durable store a blob is in, as a short name kept in SQL: bytes are shared only between files of
 * the same scope. A bucket is one store for every node that writes to it (the scope is a digest of its
 * endpoint, bucket and prefix); a node's own disk or volumes are that node's alone (the scope is a random
 * id kept in {@code data.dir/store-id}, made at the first start), so nodes that share a database never
 * name each other's local bytes.
 */
public final class BlobScope {
  static final String FILE = "store-id";

  private BlobScope() {
  }

  /** The scope of the durable store {@code config} names; blocking (may create {@code data.dir/store-id}). */
  public static String of(MmfileConfig config) {
    if (config.storage().durable() == MmfileConfig.Durable.S3) {
      MmfileConfig.S3 s3 = config.storage().s3().orElseThrow();
      return "s3:" + digest(s3.endpoint() + "\n" + s3.bucket() + "\n" + s3.prefix());
    }
    return "local:" + localId(config.dataDir().resolve(FILE));
  }

  private static String localId(Path file) {
    try {
      if (Files.exists(file)) {
        String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (id.matches("[0-9a-f]{16}")) {
          return id;
        }
        throw new IllegalStateException(file + " holds no store id (16 hex digits); restore it from a backup, or"
          + " remove it and every row of the blobs and blob_garbage tables");
      }
      byte[] random = new byte[8];
      new SecureRandom().nextBytes(random);
      String id = HexFormat.of().formatHex(random);
      Files.createDirectories(file.getParent());
      Path part = file.resolveSibling(FILE + ".new");
      Files.writeString(part, id + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
      Files.move(part, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return id;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or create " + file + ": " + e.getMessage(), e);
    }
  }

  private static String digest(String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
