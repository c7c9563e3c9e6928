package io.mmfile.api.srv;

import io.mmfile.platform.Failure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Set;

/**
 * The parameters of one srv request: a JSON body, or a form-encoded one, plus the query string.
 * Values are read as strings whatever their JSON type ({@code "vercode": 1} reads as {@code "1"}).
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

  private final JsonObject values;

  private SrvParams(JsonObject values) {
    this.values = values;
  }

  /** Parses the request; on the seed's POSTs, checks {@code platid}, {@code vercode} and {@code channel}. */
  static SrvParams of(RoutingContext ctx) {
    JsonObject values = new JsonObject();
    ctx.queryParams().forEach(e -> values.put(e.getKey(), e.getValue()));
    String contentType = ctx.request().getHeader("Content-Type");
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
      // A CR kept by Netty's multipart decoder at a read boundary (netty/netty#12729) is not part of the value.
      ctx.request().formAttributes().forEach(e -> values.put(e.getKey(),
        type.startsWith("multipart/") && e.getValue().endsWith("\r")
          ? e.getValue().substring(0, e.getValue().length() - 1) : e.getValue()));
    } else if (ctx.body() != null && ctx.body().length() > 0) {
      try {
        JsonObject json = ctx.body().asJsonObject();
        if (json != null) {
          values.mergeIn(json);
        }
      } catch (DecodeException | ClassCastException e) {
        throw Failure.of(Failure.Kind.MALFORMED_BODY, "body is not a JSON object");
      }
    }
    SrvParams params = new SrvParams(values);
    // The route's declared path, whatever the request's spelling of it (a trailing slash, say).
    String route = ctx.currentRoute() != null && ctx.currentRoute().getPath() != null ? ctx.currentRoute().getPath()
      : ctx.normalizedPath();
    if (ctx.request().method() == HttpMethod.POST && NEED_CLIENT_TRIPLE.contains(route)) {
      for (String required : CLIENT_TRIPLE) {
        if (params.get(required) == null) {
          throw Failure.invalid(required);
        }
      }
    }
    return params;
  }

  /** A non-blank value as a string, else null. */
  String get(String name) {
    Object v = values.getValue(name);
    if (v == null) {
      return null;
    }
    String s = v instanceof JsonObject || v instanceof io.vertx.core.json.JsonArray ? v.toString() : String.valueOf(v);
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
