package io.mmfile.api.v1;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A successful {@code /api/v1} answer of the account resources: a status, a JSON body (none for 202 and
 * 204) and, for a created resource, its {@code Location}. Never cached: they carry tokens, secrets and
 * personal data. A failed future fails the routing context, which answers its {@link Problem}.
 */
record ApiAnswer(int status, JsonObject body, String location) {
  static ApiAnswer json(int status, JsonObject body) {
    return new ApiAnswer(status, body, null);
  }

  static ApiAnswer empty(int status) {
    return new ApiAnswer(status, null, null);
  }

  ApiAnswer location(String path) {
    return new ApiAnswer(status, body, path);
  }

  /** Answers with what {@code answer} gives, or fails {@code ctx} with its failure. */
  static void send(RoutingContext ctx, Future<ApiAnswer> answer) {
    answer.onComplete(ar -> {
      HttpServerResponse response = ctx.response();
      if (response.ended() || response.closed()) {
        return;
      }
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ApiAnswer a = ar.result();
      response.setStatusCode(a.status()).putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
      if (a.location() != null) {
        response.putHeader(HttpHeaders.LOCATION, a.location());
      }
      if (a.body() == null) {
        response.end();
      } else {
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(a.body().encode());
      }
    });
  }
}
