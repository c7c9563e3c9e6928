package io.mmfile.api.daoke;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/** The daoke dialect's routes (WIRE.md §1). */
public final class DaokeRoutes {
  private final SaveImageHandler saveImage;
  private final GainImageHandler gainImage;

  public DaokeRoutes(SaveImageHandler saveImage, GainImageHandler gainImage) {
    this.saveImage = saveImage;
    this.gainImage = gainImage;
  }

  public void mount(Router router) {
    // No BodyHandler here: the multipart body is streamed by SaveImageHandler itself.
    router.post("/dfsapi/v2/saveImage").handler(saveImage);
    router.route("/dfsapi/v2/gainImage").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(gainImage);
  }
}
