package io.mmfile.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A registered client application: the daoke {@code appKey} and the secret its requests are signed with.
 * After {@code appkey rotate} the secret it replaced is still accepted until {@code previousSecretUntilMs},
 * so that clients can be moved to the new secret without a gap.
 *
 * @param previousSecret the secret replaced by the last rotation, or null
 */
public record AppKey(String appKey, String secret, String name, boolean enabled, long createdMs,
                     String previousSecret, long previousSecretUntilMs) {
  /** WIRE.md §1: an appKey is digits only, at most 10 characters. */
  private static final Pattern FORMAT = Pattern.compile("[0-9]{1,10}");

  /** A key that has never been rotated. */
  public AppKey(String appKey, String secret, String name, boolean enabled, long createdMs) {
    this(appKey, secret, name, enabled, createdMs, null, 0);
  }

  public static boolean wellFormed(String appKey) {
    return appKey != null && FORMAT.matcher(appKey).matches();
  }

  /** This key as it stands at {@code nowMs}: the previous secret is gone once its overlap has ended. */
  public AppKey at(long nowMs) {
    return previousSecret == null || nowMs < previousSecretUntilMs ? this
      : new AppKey(appKey, secret, name, enabled, createdMs, null, 0);
  }

  /** The secrets requests may be signed with: the current one, then the previous one while it lasts. */
  public List<String> secrets() {
    List<String> all = new ArrayList<>(2);
    all.add(secret);
    if (previousSecret != null) {
      all.add(previousSecret);
    }
    return all;
  }

  /** Whether {@code candidate} is one of {@link #secrets()}, compared in constant time. */
  public boolean acceptsSecret(String candidate) {
    if (candidate == null) {
      return false;
    }
    boolean accepted = false;
    for (String s : secrets()) {
      accepted |= MessageDigest.isEqual(s.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }
    return accepted;
  }
}
