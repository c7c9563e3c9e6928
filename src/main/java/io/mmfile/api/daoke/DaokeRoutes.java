package io.mmfile.api.daoke;

import io.vertx.core.http.HttpMethod;
import io.mmfile.platform.Dialect;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.mmfile.platform.FormBody;
import io.mmfile.platform.MmfileConfig;

/** The daoke dialect's routes (WIRE.md §1): the file API and the account API. */
public final class DaokeRoutes implements Dialect {
  private static final String SAVE_IMAGE = "/dfsapi/v2/saveImage";
  private static final String GAIN_IMAGE = "/dfsapi/v2/gainImage";
  private final SaveImageHandler saveImage;
  private final GainImageHandler gainImage;
  private final UserBindMobileHandler userBindMobile;

  private final MmfileConfig.Upload limits;

  public DaokeRoutes(SaveImageHandler saveImage, GainImageHandler gainImage, UserBindMobileHandler userBindMobile,
                     MmfileConfig.Upload limits) {
    this.limits = limits;
    this.saveImage = saveImage;
    this.gainImage = gainImage;
    this.userBindMobile = userBindMobile;
  }

  @Override
  public void mount(Router router) {
    // No BodyHandler here: the multipart body is streamed by SaveImageHandler itself.
    router.post(SAVE_IMAGE).handler(saveImage);
    router.route(GAIN_IMAGE).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(gainImage);
    router.post("/accountapi/v2/userBindMobile")
      .handler(new FormBody(16 * 1024, limits))
      .handler(userBindMobile)
      .failureHandler(userBindMobile::failure);
  }

  /**
   * gainImage answers bare statuses, as the original did; every other daoke path the envelope (HTTP 200):
   * an unexpected error on saveImage is {@code ME24700}, elsewhere {@code ME01022}; a path or method
   * that does not exist is {@code ME01023} naming {@code path} or {@code method}.
   */
  @Override
  public boolean answerUnrouted(RoutingContext ctx, int status) {
    String path = ctx.normalizedPath();
    if (path.equals(GAIN_IMAGE)) {
      if (status == 405) {
        ctx.response().putHeader("Allow", "GET, HEAD");
      }
      GainImageHandler.bare(ctx.response(), status);
      return true;
    }
    if (!path.startsWith("/dfsapi/") && !path.startsWith("/accountapi/")) {
      return false;
    }
    DaokeError error = status != 500 ? DaokeError.PARAMETER
      : path.equals(SAVE_IMAGE) ? DaokeError.SAVE_FAILED : DaokeError.INTERNAL;
    DaokeEnvelope.error(ctx.response(), error, status == 405 ? "method" : "path");
    return true;
  }
}
