package io.mmfile.platform;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** A wire dialect: contributes its routes to the one route table of {@link HttpVerticle}. */
public interface Dialect {
  void mount(Router router);

  /**
   * Answers, in this dialect's own shape, a request under its paths that no route took ({@code status}
   * 404: no such path; 405: not that method) or whose route failed with nothing to catch it (500: an
   * unexpected error). Returns false, writing nothing, when the request is not under this dialect's paths.
   */
  default boolean answerUnrouted(RoutingContext ctx, int status) {
    return false;
  }
}
