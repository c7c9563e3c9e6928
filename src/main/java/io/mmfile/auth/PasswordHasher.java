package io.mmfile.auth;

import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * argon2id password hashes in the standard {@code $argon2id$v=19$m=…,t=…,p=…$salt$hash} form. Hashing
 * runs on a small dedicated worker pool ({@code auth.hash-threads}), never on an event loop, so a login
 * flood queues there instead of starving everything else.
 */
public final class PasswordHasher {
  private static final Pattern ENCODED =
    Pattern.compile("\\$argon2id\\$v=19\\$m=(\\d+),t=(\\d+),p=(\\d+)\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  /** The outcome of a check: whether it matched, and whether the hash should be redone at today's cost. */
  public record Verification(boolean matches, boolean needsRehash) {
  }

  private final WorkerExecutor workers;
  private final int memoryKib;
  private final int iterations;
  private final int parallelism;
  private final java.util.concurrent.atomic.AtomicLong computed = new java.util.concurrent.atomic.AtomicLong();
  /** A hash of a random password nobody knows; made on first use, on a hashing thread. */
  private volatile String dummy;

  public PasswordHasher(Vertx vertx, MmfileConfig.Auth config) {
    this.workers = vertx.createSharedWorkerExecutor("mmfile-password-hashing", config.hashThreads());
    this.memoryKib = config.argon2MemoryKib();
    this.iterations = config.argon2Iterations();
    this.parallelism = config.argon2Parallelism();
  }

  public Future<String> hash(String password) {
    return workers.executeBlocking(() -> hashNow(password), false);
  }

  public Future<Verification> verify(String password, String encoded) {
    return workers.executeBlocking(() -> verifyNow(password, encoded), false);
  }

  /**
   * Costs what {@link #verify} costs at today's parameters and matches nothing: for a login name that
   * names no account, so that answering "no such account" takes as long as "wrong password".
   */
  public Future<Void> verifyNothing(String password) {
    return workers.executeBlocking(() -> {
      verifyNow(password, dummyHash());
      return null;
    }, false);
  }

  private String dummyHash() {
    String known = dummy;
    if (known == null) {
      byte[] random = new byte[16];
      RANDOM.nextBytes(random);
      known = hashNow(B64.encodeToString(random));
      computed.decrementAndGet();
      dummy = known;
    }
    return known;
  }

  String hashNow(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = argon2(password, salt, memoryKib, iterations, parallelism, HASH_BYTES);
    return "$argon2id$v=19$m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$"
      + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
  }

  Verification verifyNow(String password, String encoded) {
    Matcher m = encoded == null ? null : ENCODED.matcher(encoded);
    if (m == null || !m.matches()) {
      return new Verification(false, false);
    }
    int m0 = Integer.parseInt(m.group(1));
    int t0 = Integer.parseInt(m.group(2));
    int p0 = Integer.parseInt(m.group(3));
    byte[] salt = B64D.decode(m.group(4));
    byte[] expected = B64D.decode(m.group(5));
    byte[] actual = argon2(password, salt, m0, t0, p0, expected.length);
    boolean matches = MessageDigest.isEqual(expected, actual);
    return new Verification(matches, matches && (m0 != memoryKib || t0 != iterations || p0 != parallelism));
  }

  /** Password hashes computed since start (hashing, checking and the dummy checks alike). */
  public long hashesComputed() {
    return computed.get();
  }

  private byte[] argon2(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
    computed.incrementAndGet();
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
      .withVersion(Argon2Parameters.ARGON2_VERSION_13)
      .withMemoryAsKB(memoryKib)
      .withIterations(iterations)
      .withParallelism(parallelism)
      .withSalt(salt)
      .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
