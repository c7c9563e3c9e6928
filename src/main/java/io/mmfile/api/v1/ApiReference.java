package io.mmfile.api.v1;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The rendered reference of the OpenAPI document at {@code /api/v1/docs}: Swagger UI from its webjar on
 * the class path (no CDN, so the page works offline), its files held in memory (read once at start).
 * The page and its scripts are served with a Content-Security-Policy that lets them load nothing but
 * this origin's files, and no inline script (the page's start-up code is a file of its own).
 */
public final class ApiReference {
  static final String PATH = ApiRoutes.BASE + "/docs";
  static final String ASSETS = PATH + "/assets/";
  /** The webjar's files are under its version, which the build writes here (the fat jar has no Maven metadata). */
  private static final String WEBJAR_PROPERTIES = "io/mmfile/api/v1/swagger-ui.properties";
  /** Swagger UI sets inline styles on its elements; scripts, fonts and fetches stay on this origin. */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    + "frame-ancestors 'none'";

  private static final String PAGE = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
      <meta charset="utf-8">
      <title>mmfile API reference</title>
      <link rel="icon" type="image/png" href="%1$sfavicon-32x32.png">
      <link rel="stylesheet" href="%1$sswagger-ui.css">
    </head>
    <body>
      <div id="swagger-ui"></div>
      <script src="%1$sswagger-ui-bundle.js"></script>
      <script src="%1$sinit.js"></script>
    </body>
    </html>
    """.formatted(ASSETS);

  private static final String INIT = """
    window.onload = function () {
      window.ui = SwaggerUIBundle({ url: '%s/openapi.json', dom_id: '#swagger-ui', deepLinking: true });
    };
    """.formatted(ApiRoutes.BASE);

  private record Asset(Buffer bytes, String contentType) {
  }

  private final Map<String, Asset> assets;

  private ApiReference(Map<String, Asset> assets) {
    this.assets = assets;
  }

  /** Reads the webjar's files; blocking, once per node. */
  public static ApiReference load() {
    String webjar = "META-INF/resources/webjars/swagger-ui/" + webjarVersion() + "/";
    return new ApiReference(Map.of(
      "swagger-ui.css", new Asset(resource(webjar + "swagger-ui.css"), "text/css; charset=utf-8"),
      "swagger-ui-bundle.js", new Asset(resource(webjar + "swagger-ui-bundle.js"), "text/javascript; charset=utf-8"),
      "favicon-32x32.png", new Asset(resource(webjar + "favicon-32x32.png"), "image/png"),
      "init.js", new Asset(Buffer.buffer(INIT), "text/javascript; charset=utf-8")));
  }

  private static String webjarVersion() {
    java.util.Properties properties = new java.util.Properties();
    try (InputStream in = ApiReference.class.getClassLoader().getResourceAsStream(WEBJAR_PROPERTIES)) {
      if (in == null) {
        throw new IllegalStateException(WEBJAR_PROPERTIES + " is not on the class path");
      }
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Buffer resource(String name) {
    try (InputStream in = ApiReference.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void page(RoutingContext ctx) {
    send(ctx.response(), Buffer.buffer(PAGE.getBytes(StandardCharsets.UTF_8)), "text/html; charset=utf-8", "no-cache");
  }

  void asset(RoutingContext ctx) {
    Asset asset = assets.get(ctx.pathParam("asset"));
    if (asset == null) {
      Problem.ofStatus(404, "no such file of the reference page").send(ctx);
      return;
    }
    send(ctx.response(), asset.bytes(), asset.contentType(), "public, max-age=86400");
  }

  private static void send(HttpServerResponse response, Buffer bytes, String contentType, String cacheControl) {
    response.putHeader(HttpHeaders.CONTENT_TYPE, contentType)
      .putHeader(HttpHeaders.CACHE_CONTROL, cacheControl)
      .putHeader("Content-Security-Policy", CSP)
      .putHeader("Referrer-Policy", "no-referrer")
      .end(bytes);
  }
}
