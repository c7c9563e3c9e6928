package io.mmfile.api.daoke;

import io.vertx.core.http.HttpMethod;
import io.mmfile.platform.Dialect;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/** The daoke dialect's routes (WIRE.md §1): the file API and the account API. */
public final class DaokeRoutes implements Dialect {
  private final SaveImageHandler saveImage;
  private final GainImageHandler gainImage;
  private final UserBindMobileHandler userBindMobile;

  public DaokeRoutes(SaveImageHandler saveImage, GainImageHandler gainImage, UserBindMobileHandler userBindMobile) {
    this.saveImage = saveImage;
    this.gainImage = gainImage;
    this.userBindMobile = userBindMobile;
  }

  @Override
  public void mount(Router router) {
    // No BodyHandler here: the multipart body is streamed by SaveImageHandler itself.
    router.post("/dfsapi/v2/saveImage").handler(saveImage);
    router.route("/dfsapi/v2/gainImage").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(gainImage);
    router.post("/accountapi/v2/userBindMobile")
      .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
      .handler(userBindMobile)
      .failureHandler(userBindMobile::failure);
  }
}
