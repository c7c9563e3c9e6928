package io.mmfile.api.srv;

import io.mmfile.accounts.AccountFormats;
import io.mmfile.platform.Failure;
import io.mmfile.platform.FormBody;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static java.util.Map.entry;

/**
 * The parameters of one srv request: a JSON body, or a form-encoded one, plus the query string.
 * Scalars are read as strings whatever their JSON type ({@code "vercode": 1} reads as {@code "1"}); an
 * object or array where a string is expected is refused (error 12), and so is a value longer than
 * its declared limit. The editable profile fields inside {@code data} are checked by
 * {@link io.mmfile.accounts.ProfileField}.
 */
final class SrvParams {
  /**
   * WIRE.md §3: the POSTs of seed 004 carry {@code platid}, {@code vercode} and {@code channel}, and
   * refuse a request without them (error 12). Every other call (the GETs, the companion POSTs, the
   * calls of §3.1) may send the triple and need not: the original client sends none there.
   */
  private static final Set<String> NEED_CLIENT_TRIPLE = Set.of("/srv/v1/login", "/srv/v1/account",
    "/srv/v1/password", "/srv/v1/pic/upload");
  private static final String[] CLIENT_TRIPLE = {"platid", "vercode", "channel"};
  /** Every string field srv reads, and its longest value; the limits are declared in {@link AccountFormats}. */
  private static final Map<String, Integer> STRINGS = Map.ofEntries(
    entry("platid", AccountFormats.CLIENT_VALUE_MAX), entry("vercode", AccountFormats.CLIENT_VALUE_MAX),
    entry("channel", AccountFormats.CLIENT_VALUE_MAX), entry("client_id", AccountFormats.CLIENT_VALUE_MAX),
    entry("client_secret", AccountFormats.TOKEN_MAX), entry("authorizationcode", AccountFormats.TOKEN_MAX),
    entry("access_token", AccountFormats.TOKEN_MAX), entry("refresh_token", AccountFormats.TOKEN_MAX),
    entry("username", AccountFormats.USERNAME_MAX), entry("phonenumber", AccountFormats.MOBILE_MAX),
    entry("mailaddress", AccountFormats.EMAIL_MAX), entry("password", AccountFormats.PASSWORD_MAX),
    entry("oldpassword", AccountFormats.PASSWORD_MAX), entry("newpassword", AccountFormats.PASSWORD_MAX),
    entry("verificationcode", AccountFormats.VERIFICATION_CODE_MAX),
    entry("registersource", AccountFormats.REGISTER_SOURCE_MAX),
    // base64 images: bounded by the body limit, which follows upload.max-bytes
    entry("file", Integer.MAX_VALUE), entry("imgBase64", Integer.MAX_VALUE));
  /** Fields that are JSON objects, and their longest encoding in bytes. */
  private static final Map<String, Integer> OBJECTS = Map.of("data", AccountFormats.REGISTER_DATA_MAX_BYTES);

  private final JsonObject values;

  private SrvParams(JsonObject values) {
    this.values = values;
  }

  /** Parses the request; on the seed's POSTs, checks {@code platid}, {@code vercode} and {@code channel}. */
  static SrvParams of(RoutingContext ctx) {
    // The route's declared path, whatever the request's spelling of it (a trailing slash, say).
    String route = ctx.currentRoute() != null && ctx.currentRoute().getPath() != null ? ctx.currentRoute().getPath()
      : ctx.normalizedPath();
    boolean needsClientTriple = ctx.request().method() == HttpMethod.POST && NEED_CLIENT_TRIPLE.contains(route);
    return of(ctx.queryParams(), ctx.request().getHeader("Content-Type"), () -> FormBody.fields(ctx),
      ctx.body() == null ? null : ctx.body().buffer(), needsClientTriple);
  }

  /** Like {@link #of(RoutingContext)}, for a multipart form already parsed (the upload exchange's fields). */
  static SrvParams of(RoutingContext ctx, MultiMap form) {
    String route = ctx.currentRoute() != null && ctx.currentRoute().getPath() != null ? ctx.currentRoute().getPath()
      : ctx.normalizedPath();
    boolean needsClientTriple = ctx.request().method() == HttpMethod.POST && NEED_CLIENT_TRIPLE.contains(route);
    return of(ctx.queryParams(), ctx.request().getHeader("Content-Type"), () -> form, null, needsClientTriple);
  }

  /**
   * The same as a pure function of the request's parts: the query, the Content-Type, the decoded form
   * (read only for form bodies) and the raw body.
   */
  static SrvParams of(MultiMap query, String contentType, Supplier<MultiMap> form, Buffer body,
                      boolean needsClientTriple) {
    JsonObject values = new JsonObject();
    query.forEach(e -> values.put(e.getKey(), e.getValue()));
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
      form.get().forEach(e -> values.put(e.getKey(), e.getValue()));
    } else if (body != null && body.length() > 0) {
      Object json;
      try {
        json = Json.decodeValue(body);
      } catch (DecodeException e) {
        throw Failure.of(Failure.Kind.MALFORMED_BODY, "body is not JSON");
      }
      if (json instanceof JsonObject object) {
        values.mergeIn(object);
      } else if (json != null) {
        throw Failure.of(Failure.Kind.MALFORMED_BODY, "body is not a JSON object");
      }
    }
    checkTypesAndLengths(values);
    SrvParams params = new SrvParams(values);
    if (needsClientTriple) {
      for (String required : CLIENT_TRIPLE) {
        if (params.get(required) == null) {
          throw Failure.invalid(required);
        }
      }
    }
    return params;
  }

  private static void checkTypesAndLengths(JsonObject values) {
    for (Map.Entry<String, Object> field : values) {
      Object value = field.getValue();
      Integer max = STRINGS.get(field.getKey());
      if (max != null && value != null) {
        if (value instanceof JsonObject || value instanceof JsonArray) {
          throw Failure.about(Failure.Kind.MALFORMED_BODY, field.getKey(), field.getKey() + " must be a string");
        }
        AccountFormats.requireLength(String.valueOf(value), max, field.getKey());
      }
      Integer maxBytes = OBJECTS.get(field.getKey());
      if (maxBytes != null && value instanceof JsonObject object) {
        AccountFormats.requireBytes(object.encode(), maxBytes, field.getKey());
      }
    }
  }

  /** A non-blank value as a string, else null. */
  String get(String name) {
    Object v = values.getValue(name);
    if (v == null) {
      return null;
    }
    String s = String.valueOf(v);
    return s.isBlank() ? null : s.trim();
  }

  /** A value kept exactly as sent (passwords are not trimmed). */
  String raw(String name) {
    Object v = values.getValue(name);
    return v == null ? null : String.valueOf(v);
  }

  /** A JSON object sent as one, or as a string holding one (as form bodies must); else null. */
  JsonObject object(String name) {
    Object v = values.getValue(name);
    if (v == null || (v instanceof String s && s.isBlank())) {
      return null;
    }
    if (v instanceof JsonObject o) {
      return o;
    }
    if (v instanceof String s) {
      try {
        return new JsonObject(s);
      } catch (DecodeException | ClassCastException e) {
        throw Failure.invalid(name);
      }
    }
    throw Failure.invalid(name);
  }
}
