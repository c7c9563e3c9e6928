package io.mmfile.api.v1;

import io.mmfile.platform.Dialect;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The {@code /api/v1} dialect: its route table is the OpenAPI document's operations, each served by the
 * handler an {@link ApiResource} gives for its {@code operationId}, after {@link ApiAdmission}. Every
 * error under {@code /api/v1}, unknown paths and methods included, is a {@link Problem}. A node does not
 * start when an operation of the document has no handler, or a handler no operation.
 */
public final class ApiRoutes implements Dialect {
  public static final String BASE = "/api/v1";

  private final ApiDocument document;
  private final ApiAdmission admission;
  private final ApiReference reference;
  private final Map<String, Handler<RoutingContext>> handlers;

  public ApiRoutes(ApiDocument document, ApiReference reference, ApiAdmission admission, List<ApiResource> resources) {
    this.document = document;
    this.admission = admission;
    this.reference = reference;
    Map<String, Handler<RoutingContext>> all = new HashMap<>();
    all.put("getOpenApiDocument", this::openApiDocument);
    all.put("getApiReference", reference::page);
    for (ApiResource resource : resources) {
      resource.operations().forEach((id, handler) -> {
        if (all.put(id, handler) != null) {
          throw new IllegalStateException("two handlers for operation " + id);
        }
      });
    }
    Set<String> declared = document.contract().operations().stream().map(Operation::getOperationId)
      .collect(Collectors.toCollection(TreeSet::new));
    Set<String> missing = new TreeSet<>(declared);
    missing.removeAll(all.keySet());
    Set<String> undeclared = new TreeSet<>(all.keySet());
    undeclared.removeAll(declared);
    if (!missing.isEmpty() || !undeclared.isEmpty()) {
      throw new IllegalStateException("the /api/v1 document and its handlers differ: operations without a handler "
        + missing + ", handlers without an operation " + undeclared);
    }
    this.handlers = Map.copyOf(all);
  }

  @Override
  public void mount(Router router) {
    for (Operation operation : document.contract().operations()) {
      Route route = router.route(operation.getHttpMethod(), vertxPath(operation.getOpenAPIPath()))
        .putMetadata(ApiAdmission.OPERATION, operation);
      if (!document.streamed(operation)) {
        route.handler(admission.buffered(operation));
      }
      route.handler(handlers.get(operation.getOperationId())).failureHandler(ApiRoutes::failed);
    }
    router.get(ApiReference.ASSETS + ":asset").handler(reference::asset).failureHandler(ApiRoutes::failed);
  }

  /** {@code /files/{id}} → {@code /files/:id}. */
  static String vertxPath(String openApiPath) {
    return openApiPath.replaceAll("\\{([^}/]+)}", ":$1");
  }

  private void openApiDocument(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
      .end(document.json());
  }

  /** What a route failed with, as a problem; a body still unread is dropped and the connection closed after. */
  static void failed(RoutingContext ctx) {
    Problem problem = Problem.from(ctx.failure(), ctx.statusCode());
    closeIfBodyUnread(ctx);
    problem.send(ctx);
  }

  private static void closeIfBodyUnread(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!request.isEnded() && ApiAdmission.hasBody(request)) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      request.handler(ignored -> { });
      request.resume();
    }
  }

  /** Unknown paths (404), methods (405, with {@code Allow}) and unexpected errors (500) under {@code /api/v1}. */
  @Override
  public boolean answerUnrouted(RoutingContext ctx, int status) {
    String path = ctx.normalizedPath();
    if (!path.equals(BASE) && !path.startsWith(BASE + "/")) {
      return false;
    }
    String detail = null;
    if (status == 405) {
      Path declared = document.contract().findPath(path);
      if (declared != null) {
        String allow = declared.getOperations().stream().map(o -> o.getHttpMethod().name()).sorted()
          .collect(Collectors.joining(", "));
        ctx.response().putHeader(HttpHeaders.ALLOW, allow);
        detail = ctx.request().method().name() + " is not an operation of " + path + " (allowed: " + allow + ")";
      }
    } else if (status == 404) {
      detail = "no operation of /api/v1 at " + path + " (see " + BASE + "/docs)";
    }
    closeIfBodyUnread(ctx);
    // a 500 is logged by the HTTP front already
    Problem.ofStatus(status, detail).send(ctx);
    return true;
  }
}
