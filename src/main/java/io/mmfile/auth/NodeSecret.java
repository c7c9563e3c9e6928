package io.mmfile.auth;

import io.mmfile.platform.MmfileConfig;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The key of the keyed hashes (HMAC-SHA256) under which one-time secrets are stored: SMS codes and srv
 * authorization codes. Whoever reads the key-value store (a Redis dump, a backup) sees only the hashes,
 * and cannot turn them back into codes without this key. {@code auth.node-secret}, or generated once into
 * {@code data.dir/keys/node-secret}; every node sharing one Redis must be given the same value.
 */
public final class NodeSecret {
  private static final int GENERATED_BYTES = 32;

  private final SecretKeySpec key;

  NodeSecret(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /** The configured secret, or the generated one under {@code dataDir/keys} (created once, 0600). Blocking. */
  public static NodeSecret load(MmfileConfig.Auth config, Path dataDir) {
    if (config.nodeSecret().isPresent()) {
      return new NodeSecret(config.nodeSecret().get().getBytes(StandardCharsets.UTF_8));
    }
    try {
      String text = SecretFile.readOrCreate(dataDir.resolve("keys").resolve("node-secret"), () -> {
        byte[] raw = new byte[GENERATED_BYTES];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw) + "\n";
      });
      return new NodeSecret(text.trim().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read or write the node secret: " + e.getMessage(), e);
    }
  }

  /** The keyed hash of {@code value} for {@code purpose} (so one code's hash never matches another kind's), hex. */
  public String hash(String purpose, String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(purpose.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
