package io.mmfile.platform;

import io.vertx.ext.web.Router;

/** A wire dialect: contributes its routes to the one route table of {@link HttpVerticle}. */
public interface Dialect {
  void mount(Router router);
}
