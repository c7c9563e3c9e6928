package io.mmfile.api.v1;

import io.mmfile.files.MultipartBody;
import io.mmfile.platform.Failure;
import io.mmfile.platform.RequestTrace;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An RFC 9457 problem, the one error shape of {@code /api/v1}: {@code type}, {@code title},
 * {@code status}, {@code detail}, {@code instance} (the request's path), plus the stable {@code code}
 * clients branch on, {@code parameter} for a bad parameter and {@code request_id}. The table from
 * {@link Failure.Kind} to status and code is here and nowhere else (docs/api.md lists the codes).
 */
public final class Problem {
  private static final Logger LOG = LoggerFactory.getLogger(Problem.class);
  public static final String MEDIA_TYPE = "application/problem+json";
  /** What a 401 names: the two ways in (docs/api.md "Authentication"). */
  static final String WWW_AUTHENTICATE = "Bearer realm=\"mmfile\", " + HmacSignature.SCHEME + " realm=\"mmfile\"";

  private final int status;
  private final String code;
  private final String title;
  private final String detail;
  private String parameter;
  private long retryAfterSeconds;

  private Problem(int status, String code, String title, String detail) {
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
  }

  public static Problem of(int status, String code, String title, String detail) {
    return new Problem(status, code, title, detail);
  }

  /** A bad request parameter, named: {@code invalid_parameter} with {@code parameter}. */
  public static Problem invalidParameter(String parameter, String detail) {
    Problem problem = new Problem(400, "invalid_parameter", "Invalid parameter", detail);
    problem.parameter = parameter;
    return problem;
  }

  public Problem retryAfter(long seconds) {
    this.retryAfterSeconds = seconds;
    return this;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The one table from a domain failure to the problem clients see. */
  public static Problem of(Failure failure) {
    String detail = failure.getMessage();
    return switch (failure.kind()) {
      case INVALID_PARAMETER -> tooLarge(failure.parameter())
        ? of(413, "payload_too_large", "Payload too large", detail)
        : invalidParameter(failure.parameter(), detail);
      case EMPTY_BODY -> of(400, "empty_body", "Empty body", detail);
      case MALFORMED_BODY -> of(400, "malformed_body", "Malformed body", detail);
      case UNAUTHORIZED -> of(401, "unauthorized", "Unauthorized", detail);
      case TOKEN_EXPIRED -> of(401, "token_expired", "Access token expired", detail);
      case SESSION_REPLACED -> of(401, "session_replaced", "Session replaced", detail);
      case BAD_SIGNATURE -> of(401, "bad_signature", "Bad signature", detail);
      case WRONG_PASSWORD -> of(401, "wrong_password", "Wrong password", detail);
      case PASSWORD_NOT_SET -> of(409, "password_not_set", "Password not set", detail);
      case CODE_WRONG -> of(400, "code_wrong", "Wrong verification code", detail);
      case CODE_EXPIRED -> of(400, "code_expired", "Verification code expired", detail);
      case FORBIDDEN -> of(403, "forbidden", "Forbidden", detail);
      case RATE_LIMITED -> of(429, "rate_limited", "Too many requests", detail)
        .retryAfter(Math.max(1, failure.retryAfterSeconds()));
      case UNSUPPORTED_CONTENT -> of(415, "unsupported_media_type", "Unsupported media type", detail);
      case NOT_FOUND -> of(404, "not_found", "Not found", detail);
      case CONFLICT -> of(409, "conflict", "Conflict", detail);
      case OVERLOADED -> of(503, "overloaded", "Overloaded", detail).retryAfter(1);
      case SQL_UNAVAILABLE, REDIS_UNAVAILABLE, STORE_FAILED ->
        of(503, "unavailable", "Service unavailable", "a store did not answer; try again").retryAfter(1);
      case ABORTED -> of(408, "request_timeout", "Request timeout", detail);
    };
  }

  /** The body and request limits of the upload exchange come as invalid "sizes"; here they are 413s. */
  private static boolean tooLarge(String parameter) {
    return MultipartBody.BODY_SIZE.equals(parameter) || "file length".equals(parameter);
  }

  /**
   * Whatever a route failed with: a {@link Failure} by the table, an {@link HttpException} (Vert.x's own
   * refusals) by its status, anything else as a 500 that names nothing of the cause (logged here).
   */
  public static Problem from(Throwable t, int status) {
    if (t instanceof Failure f) {
      return of(f);
    }
    if (t instanceof HttpException http) {
      return ofStatus(http.getStatusCode(), null);
    }
    if (t != null || status >= 500) {
      LOG.error("unexpected error under /api/v1", t);
      return ofStatus(500, null);
    }
    return ofStatus(status, null);
  }

  /** The problem a bare status stands for (unknown path, method not allowed, …). */
  public static Problem ofStatus(int status, String detail) {
    return switch (status) {
      case 400 -> of(400, "bad_request", "Bad request", detail);
      case 401 -> of(401, "unauthorized", "Unauthorized", detail);
      case 403 -> of(403, "forbidden", "Forbidden", detail);
      case 404 -> of(404, "not_found", "Not found", detail == null ? "no such resource" : detail);
      case 405 -> of(405, "method_not_allowed", "Method not allowed", detail);
      case 413 -> of(413, "payload_too_large", "Payload too large", detail);
      case 415 -> of(415, "unsupported_media_type", "Unsupported media type", detail);
      case 416 -> of(416, "range_not_satisfiable", "Range not satisfiable", detail);
      case 429 -> of(429, "rate_limited", "Too many requests", detail).retryAfter(1);
      case 503 -> of(503, "unavailable", "Service unavailable", detail).retryAfter(1);
      default -> status >= 500 ? of(500, "internal_error", "Internal server error", "an unexpected error; it is logged")
        : of(status, "error", "Error", detail);
    };
  }

  public JsonObject toJson(String instance, String requestId) {
    JsonObject json = new JsonObject()
      .put("type", "urn:mmfile:problem:" + code)
      .put("title", title)
      .put("status", status);
    if (detail != null) {
      json.put("detail", detail);
    }
    json.put("instance", instance).put("code", code);
    if (parameter != null) {
      json.put("parameter", parameter);
    }
    if (requestId != null) {
      json.put("request_id", requestId);
    }
    return json;
  }

  /** Writes this problem as the answer, unless one is already out. */
  public void send(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      // the bytes of an answer are already going out: nothing else can be said on this stream
      response.reset();
      return;
    }
    String requestId = RequestTrace.of(ctx).map(RequestTrace::id).orElse(null);
    send(response, ctx.request().path(), requestId);
  }

  /** Writes this problem on a bare response (the upload exchange's refusals). */
  public void send(HttpServerResponse response, String instance, String requestId) {
    // whatever the failed route had set about a file or a success does not describe a problem
    response.headers().remove(HttpHeaders.ETAG).remove(HttpHeaders.LAST_MODIFIED).remove(HttpHeaders.CACHE_CONTROL)
      .remove(HttpHeaders.CONTENT_DISPOSITION).remove(HttpHeaders.LOCATION).remove(HttpHeaders.ACCEPT_RANGES)
      .remove(HttpHeaders.CONTENT_LENGTH).remove("Content-Security-Policy");
    if (status != 416) {
      // a 416 says which range the file has
      response.headers().remove(HttpHeaders.CONTENT_RANGE);
    }
    response.setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, MEDIA_TYPE)
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    if (status == 401) {
      response.putHeader("WWW-Authenticate", WWW_AUTHENTICATE);
    }
    if (retryAfterSeconds > 0) {
      response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
    }
    // the access log's and the upload metrics' outcome: the HTTP status, as for a success
    RequestTrace.noteOutcome(Integer.toString(status));
    response.end(toJson(instance, requestId).encode());
  }
}
