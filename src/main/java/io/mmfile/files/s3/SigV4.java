package io.mmfile.files.s3;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * AWS Signature Version 4 for S3 requests, header-based (the {@code Authorization} header). Pure
 * computation, no I/O: {@link S3Client} gives it the request's method, path, query and headers, and the
 * payload's SHA-256 or {@link #UNSIGNED_PAYLOAD} for bodies streamed from a file.
 */
public final class SigV4 {
  public static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
  public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
    .withZone(ZoneOffset.UTC);
  private static final String ALGORITHM = "AWS4-HMAC-SHA256";

  private final String accessKey;
  private final byte[] secret;
  private final String region;
  private final String service;

  public SigV4(String accessKey, String secretKey, String region, String service) {
    this.accessKey = accessKey;
    this.secret = ("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8);
    this.region = region;
    this.service = service;
  }

  /** What a signed request carries: {@code x-amz-date} and {@code Authorization}. */
  public record Signature(String amzDate, String authorization) {
  }

  /**
   * Signs a request. {@code encodedPath} is the path exactly as sent (each segment URI-encoded);
   * {@code query} holds decoded names and values; {@code headers} must include {@code host} and
   * {@code x-amz-content-sha256} (names in any case), and every one of them is signed.
   */
  public Signature sign(String method, String encodedPath, Map<String, String> query, Map<String, String> headers,
                        String payloadSha256, Instant at) {
    String amzDate = AMZ_DATE.format(at);
    String day = amzDate.substring(0, 8);
    SortedMap<String, String> canonicalHeaders = new TreeMap<>();
    headers.forEach((name, value) -> canonicalHeaders.put(name.toLowerCase(Locale.ROOT), value.trim().replaceAll(" +", " ")));
    canonicalHeaders.put("x-amz-date", amzDate);
    String signedHeaders = String.join(";", canonicalHeaders.keySet());
    StringBuilder canonical = new StringBuilder()
      .append(method).append('\n')
      .append(encodedPath.isEmpty() ? "/" : encodedPath).append('\n')
      .append(canonicalQuery(query)).append('\n');
    canonicalHeaders.forEach((name, value) -> canonical.append(name).append(':').append(value).append('\n'));
    canonical.append('\n').append(signedHeaders).append('\n').append(payloadSha256);
    String scope = day + "/" + region + "/" + service + "/aws4_request";
    String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonical.toString());
    String signature = HexFormat.of().formatHex(hmac(signingKey(day), stringToSign));
    return new Signature(amzDate, ALGORITHM + " Credential=" + accessKey + "/" + scope + ",SignedHeaders="
      + signedHeaders + ",Signature=" + signature);
  }

  /** The key of one day, region and service (AWS's kDate → kRegion → kService → kSigning chain). */
  byte[] signingKey(String day) {
    byte[] key = hmac(secret, day);
    key = hmac(key, region);
    key = hmac(key, service);
    return hmac(key, "aws4_request");
  }

  static String canonicalQuery(Map<String, String> query) {
    return new TreeMap<>(query.entrySet().stream().collect(Collectors.toMap(
        e -> encode(e.getKey(), true), e -> encode(e.getValue() == null ? "" : e.getValue(), true))))
      .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
  }

  /**
   * RFC 3986 encoding as SigV4 wants it: everything but unreserved characters percent-encoded, upper-case
   * hex; {@code /} kept when encoding a path ({@code encodeSlash} false).
   */
  public static String encode(String text, boolean encodeSlash) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_' || c == '.' || c == '~' || (c == '/' && !encodeSlash)) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
          .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
      }
    }
    return out.toString();
  }

  public static String sha256Hex(String text) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** Never the secret. */
  @Override
  public String toString() {
    return "SigV4[" + accessKey + ", " + region + "/" + service + "]";
  }
}
