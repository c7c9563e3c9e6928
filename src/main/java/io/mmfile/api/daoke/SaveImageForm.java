package io.mmfile.api.daoke;

import io.mmfile.auth.AppKey;
import io.mmfile.auth.SignatureVerifier;
import io.mmfile.files.StoreKind;
import io.mmfile.platform.Failure;
import io.vertx.core.MultiMap;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The form fields of saveImage (WIRE.md §1), checked in the order the original service checked them.
 * {@code appKey} and {@code sign} may come as form fields or as headers; fields win.
 */
public final class SaveImageForm {
  private static final Pattern SIGN = Pattern.compile("[0-9A-Fa-f]{40}");
  private static final Pattern NUMBER = Pattern.compile("\\d{1,15}(\\.\\d{1,6})?");

  /** What a valid form asks for. {@code ttlMs} is 0 for files that never expire. */
  public record Params(String appKey, long length, StoreKind store, long ttlMs) {
  }

  private SaveImageForm() {
  }

  /** A form field as the client sent it (the first one of that name). */
  static String field(MultiMap fields, String name) {
    return fields.get(name);
  }

  /** The appKey, from a field ({@code appKey} or {@code appkey}) or a header; malformed → ME01023. */
  public static String appKey(MultiMap fields, MultiMap headers) {
    String appKey = first(fields, headers, "appKey", "appkey");
    if (!AppKey.wellFormed(appKey)) {
      throw Failure.invalid("appKey");
    }
    return appKey;
  }

  /** Like {@link #appKey}, but null while the client has not sent one yet. */
  public static String appKeyIfPresent(MultiMap fields, MultiMap headers) {
    return first(fields, headers, "appKey", "appkey") == null ? null : appKey(fields, headers);
  }

  /**
   * Whether the fields so far settle {@link #check}'s answer for good: {@code sign} and {@code length}
   * came as fields, and so did {@code isStorage} and {@code cacheTime}, the optional signed ones (a
   * later field of a name already seen changes nothing: the first one counts). Without them a later
   * field could still make a wrong-looking sign right.
   */
  static boolean signSettled(MultiMap fields) {
    return fields.contains("sign") && fields.contains("length") && fields.contains("isStorage")
      && fields.contains("cacheTime");
  }

  /**
   * Whether {@link #check} can run on the fields so far: {@code appKey}, {@code sign} and
   * {@code length} came as fields (a field would win over a header sent with the same name, so
   * credentials in headers are checked when the form is complete).
   */
  static boolean checkable(MultiMap fields) {
    return (fields.contains("appKey") || fields.contains("appkey")) && fields.contains("sign") && fields.contains("length");
  }

  /** Checks every remaining field and the sign for an app that exists and is enabled. */
  public static Params check(MultiMap fields, MultiMap headers, AppKey app, long maxBytes) {
    String sign = first(fields, headers, "sign");
    if (sign == null || !SIGN.matcher(sign).matches()) {
      throw Failure.invalid("sign");
    }
    String length = field(fields, "length");
    if (length == null) {
      throw Failure.invalid("length");
    }
    long declared = wholeNumber(length, "length");
    if (declared > maxBytes) {
      throw Failure.invalid("length");
    }
    String isStorage = field(fields, "isStorage");
    StoreKind store = store(isStorage);
    String cacheTime = field(fields, "cacheTime");
    long ttlMs = cacheTime == null || cacheTime.isEmpty() ? 0 : ttlMs(cacheTime);

    Map<String, String> signed = new LinkedHashMap<>();
    signed.put("appKey", app.appKey());
    signed.put("length", length);
    if (isStorage != null) {
      signed.put("isStorage", isStorage);
    }
    if (cacheTime != null) {
      signed.put("cacheTime", cacheTime);
    }
    if (!SignatureVerifier.matches(signed, app, sign)) {
      throw Failure.of(Failure.Kind.BAD_SIGNATURE, "sign is not match");
    }
    return new Params(app.appKey(), declared, store, ttlMs);
  }

  private static StoreKind store(String isStorage) {
    if (isStorage == null || isStorage.isEmpty() || isStorage.equals("false")) {
      return StoreKind.CACHE;
    }
    if (isStorage.equals("true")) {
      return StoreKind.DURABLE;
    }
    throw Failure.invalid("isStorage");
  }

  /** cacheTime is seconds, possibly with a fraction (the seed types it as double); 0 means no expiry. */
  private static long ttlMs(String cacheTime) {
    if (!NUMBER.matcher(cacheTime).matches()) {
      throw Failure.invalid("cacheTime");
    }
    return new BigDecimal(cacheTime).movePointRight(3).longValue();
  }

  /** The seed types length as double, so {@code 1050.0} is accepted; {@code 1050.5} is not a byte count. */
  private static long wholeNumber(String value, String name) {
    if (!NUMBER.matcher(value).matches()) {
      throw Failure.invalid(name);
    }
    BigDecimal number = new BigDecimal(value);
    if (number.stripTrailingZeros().scale() > 0) {
      throw Failure.invalid(name);
    }
    return number.longValueExact();
  }

  private static String first(MultiMap fields, MultiMap headers, String... names) {
    for (String name : names) {
      String value = field(fields, name);
      if (value != null) {
        return value;
      }
    }
    for (String name : names) {
      String value = headers.get(name);
      if (value != null) {
        return value;
      }
    }
    return null;
  }
}
