package io.mmfile.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The daoke request signature (WIRE.md §1 "appKey and sign"): upper-case hex SHA-1 over
 * {@code name + value} of every signed parameter plus the pseudo-parameter {@code secret},
 * names sorted by byte order, no separators.
 */
public final class SignatureVerifier {
  private SignatureVerifier() {
  }

  /** Computes the sign of {@code params} (which must not contain {@code sign}) for an app's secret. */
  public static String sign(Map<String, String> params, String secret) {
    // String.compareTo orders by UTF-16 code unit, which for the ASCII names used here is byte order
    // (upper case before lower case), as the original services did.
    TreeMap<String, String> sorted = new TreeMap<>(params);
    sorted.put("secret", secret);
    StringBuilder plain = new StringBuilder();
    sorted.forEach((name, value) -> plain.append(name).append(value));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(plain.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().withUpperCase().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }

  /**
   * Whether {@code sign} was made with one of the app's secrets: the current one or, during a rotation's
   * overlap, the one it replaced (pass the key as {@link AppKeyCache} hands it out, which drops a
   * previous secret whose overlap has ended).
   */
  public static boolean matches(Map<String, String> params, AppKey app, String sign) {
    boolean matched = false;
    for (String secret : app.secrets()) {
      matched |= matches(params, secret, sign);
    }
    return matched;
  }

  /** Case-sensitive comparison in constant time. */
  public static boolean matches(Map<String, String> params, String secret, String sign) {
    if (sign == null) {
      return false;
    }
    return MessageDigest.isEqual(sign(params, secret).getBytes(StandardCharsets.US_ASCII),
      sign.getBytes(StandardCharsets.US_ASCII));
  }
}
