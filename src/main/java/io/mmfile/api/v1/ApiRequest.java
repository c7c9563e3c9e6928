package io.mmfile.api.v1;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;

/**
 * An {@code /api/v1} request that passed {@link ApiAdmission}: its operation, who sent it, its parameters
 * as validated against the document (typed by their schemas) and, for an operation that is not
 * streamed, its body.
 *
 * @param caller null on a public operation
 * @param body null when the request had none, or when the operation is streamed
 */
public record ApiRequest(Operation operation, Caller caller, ValidatedRequest params, Buffer body) {
  private static final String KEY = ApiRequest.class.getName();

  /** The admitted request a handler runs for. */
  public static ApiRequest of(RoutingContext ctx) {
    ApiRequest request = ctx.get(KEY);
    if (request == null) {
      throw new IllegalStateException("no admitted /api/v1 request on this route");
    }
    return request;
  }

  void attach(RoutingContext ctx) {
    ctx.put(KEY, this);
  }

  /** A path parameter, as validated. */
  public String path(String name) {
    return string(params.getPathParameters().get(name));
  }

  /** A query parameter, as validated; null when absent. */
  public String query(String name) {
    return string(params.getQuery().get(name));
  }

  /** A query parameter of integer schema; {@code fallback} when absent. */
  public long queryLong(String name, long fallback) {
    RequestParameter value = params.getQuery().get(name);
    return value == null || value.isNull() ? fallback : value.getLong();
  }

  /** The body as a JSON object (validated against its schema); an empty object when there was none. */
  public JsonObject json() {
    if (body == null || body.length() == 0) {
      return new JsonObject();
    }
    try {
      return body.toJsonObject();
    } catch (DecodeException e) {
      throw io.mmfile.platform.Failure.of(io.mmfile.platform.Failure.Kind.MALFORMED_BODY, "the body is not a JSON object");
    }
  }

  private static String string(RequestParameter value) {
    return value == null || value.isNull() ? null : value.get().toString();
  }
}
