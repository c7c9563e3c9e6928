package io.mmfile.api.daoke;

import io.mmfile.platform.Failure;
import io.mmfile.platform.RequestTrace;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * Writes the daoke envelope byte for byte: always HTTP 200, {@code {"ERRORCODE":"…", "RESULT":…}} with
 * the space after the comma; RESULT raw when it is an object, else a JSON string (WIRE.md §1).
 */
public final class DaokeEnvelope {
  public static final String CONTENT_TYPE = "application/json; charset=utf-8";

  private DaokeEnvelope() {
  }

  public static String body(String code, Object result) {
    String rendered = result instanceof JsonObject json ? json.encode() : Json.encode(String.valueOf(result));
    return "{\"ERRORCODE\":" + Json.encode(code) + ", \"RESULT\":" + rendered + "}";
  }

  public static Future<Void> ok(HttpServerResponse response, Object result) {
    return send(response, "0", body("0", result));
  }

  public static Future<Void> error(HttpServerResponse response, Failure failure) {
    DaokeError error = DaokeError.of(failure);
    RequestTrace.noteFailure(failure);
    return send(response, error.code(), body(error.code(), error.message(failure.parameter())));
  }

  /** An answer that is not a domain failure (an unknown path, an unexpected error). */
  public static Future<Void> error(HttpServerResponse response, DaokeError error, String parameter) {
    return send(response, error.code(), body(error.code(), error.message(parameter)));
  }

  private static Future<Void> send(HttpServerResponse response, String code, String body) {
    if (response.ended() || response.closed()) {
      return Future.succeededFuture();
    }
    // Always HTTP 200: the code is what the access log and the metrics tell apart.
    RequestTrace.noteOutcome(code);
    return response.setStatusCode(200).putHeader("Content-Type", CONTENT_TYPE).end(body);
  }
}
