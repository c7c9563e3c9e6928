package io.mmfile.api.v1;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/**
 * One resource of {@code /api/v1} (files, accounts, uploads, …): the handlers of its operations, by the
 * {@code operationId} the OpenAPI document gives them. A handler runs once {@link ApiAdmission} has
 * admitted the request ({@link ApiRequest#of}); a streamed operation's handler admits it itself.
 * Failing the routing context ({@code ctx.fail}) answers with the failure's {@link Problem}.
 */
public interface ApiResource {
  Map<String, Handler<RoutingContext>> operations();
}
