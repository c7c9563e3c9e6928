package io.mmfile.api.v1;

import io.mmfile.auth.AppKey;
import io.mmfile.platform.Failure;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The app-key signature of {@code /api/v1} (docs/api.md "Authentication"):
 * <pre>Authorization: MMFILE-HMAC-SHA256 key=&lt;appKey&gt;, ts=&lt;unix seconds&gt;, nonce=&lt;random&gt;, sig=&lt;hex&gt;</pre>
 * {@code sig} is the lower-case hex HMAC-SHA256, keyed with the app's secret, of
 * <pre>MMFILE-HMAC-SHA256 \n METHOD \n path \n canonical query \n ts \n nonce \n content hash</pre>
 * (joined by {@code \n}, no spaces), where the content hash is the {@code x-mmfile-content-sha256}
 * header: the hex SHA-256 of the body, or {@code UNSIGNED-PAYLOAD}; without the header, the SHA-256 of an
 * empty body. Unlike the legacy {@code sign}, it covers the method, path and query, and a timestamp
 * and nonce bound its reuse. Pure logic; the clock window and the nonce store are {@link ApiAuth}'s.
 */
public final class HmacSignature {
  public static final String SCHEME = "MMFILE-HMAC-SHA256";
  public static final String CONTENT_SHA256 = "x-mmfile-content-sha256";
  public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
  /** SHA-256 of nothing: the content hash of a request without a body. */
  public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,64}");
  private static final Pattern SIG = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern TS = Pattern.compile("\\d{1,12}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** What the header carries. */
  public record Credentials(String appKey, long timestampSeconds, String nonce, String signature) {
  }

  private HmacSignature() {
  }

  /** Whether an Authorization header is of this scheme (not whether it is well formed). */
  public static boolean isScheme(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1);
  }

  /** Parses {@code key=…, ts=…, nonce=…, sig=…} (any order, each once); a malformed header is UNAUTHORIZED. */
  public static Credentials parse(String authorization) {
    if (!isScheme(authorization)) {
      throw unauthorized("not a " + SCHEME + " header");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String item : authorization.substring(SCHEME.length() + 1).split(",")) {
      String trimmed = item.trim();
      int eq = trimmed.indexOf('=');
      if (eq <= 0 || fields.put(trimmed.substring(0, eq), trimmed.substring(eq + 1)) != null) {
        throw unauthorized("malformed " + SCHEME + " header");
      }
    }
    String key = fields.get("key");
    String ts = fields.get("ts");
    String nonce = fields.get("nonce");
    String sig = fields.get("sig");
    if (fields.size() != 4 || !AppKey.wellFormed(key) || ts == null || !TS.matcher(ts).matches()
      || nonce == null || !NONCE.matcher(nonce).matches() || sig == null || !SIG.matcher(sig).matches()) {
      throw unauthorized(SCHEME + " needs key=<appKey>, ts=<unix seconds>, nonce=<16-64 of [A-Za-z0-9_-]>,"
        + " sig=<64 lower-case hex>");
    }
    return new Credentials(key, Long.parseLong(ts), nonce, sig);
  }

  /** The content hash a request declares: its header, checked for form, or that of an empty body. */
  public static String contentHash(String header) {
    if (header == null) {
      return EMPTY_SHA256;
    }
    if (header.equals(UNSIGNED_PAYLOAD) || SHA256.matcher(header).matches()) {
      return header;
    }
    throw unauthorized(CONTENT_SHA256 + " must be the body's lower-case hex SHA-256 or " + UNSIGNED_PAYLOAD);
  }

  /** The string that is signed. {@code rawPath} and {@code rawQuery} as they came on the request line. */
  public static String canonical(String method, String rawPath, String rawQuery, long timestampSeconds, String nonce,
                                 String contentHash) {
    return String.join("\n", SCHEME, method, rawPath, canonicalQuery(rawQuery), Long.toString(timestampSeconds),
      nonce, contentHash);
  }

  /**
   * The query with every name and value percent-decoded, then encoded again the one way (RFC 3986:
   * everything but unreserved characters as upper-case {@code %XX}, space as {@code %20}), sorted by
   * name, then value, and joined by {@code &}; a name without {@code =} has an empty value.
   */
  public static String canonicalQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> pairs = new ArrayList<>();
    for (String item : rawQuery.split("&")) {
      if (item.isEmpty()) {
        continue;
      }
      int eq = item.indexOf('=');
      String name = eq < 0 ? item : item.substring(0, eq);
      String value = eq < 0 ? "" : item.substring(eq + 1);
      pairs.add(new String[] {encode(decode(name)), encode(decode(value))});
    }
    pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    StringBuilder out = new StringBuilder();
    for (String[] pair : pairs) {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(pair[0]).append('=').append(pair[1]);
    }
    return out.toString();
  }

  /** The signature of {@code canonical} with {@code secret}, lower-case hex. */
  public static String sign(String canonical, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /**
   * Whether {@code signature} was made with one of the app's secrets (the current one, or the one a
   * rotation replaced while its overlap lasts), compared in constant time; every secret is tried.
   */
  public static boolean matches(String canonical, AppKey app, String signature) {
    byte[] given = signature.getBytes(StandardCharsets.US_ASCII);
    boolean matched = false;
    for (String secret : app.secrets()) {
      matched |= MessageDigest.isEqual(sign(canonical, secret).getBytes(StandardCharsets.US_ASCII), given);
    }
    return matched;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw unauthorized("the query is not percent-encoded correctly");
    }
  }

  private static String encode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
        || c == '_' || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
          .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static Failure unauthorized(String message) {
    return Failure.of(Failure.Kind.UNAUTHORIZED, message);
  }
}
