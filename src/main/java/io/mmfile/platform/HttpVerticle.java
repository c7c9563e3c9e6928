package io.mmfile.platform;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP front: one instance per event loop, all sharing the port. Declares the route table in one
 * place; each dialect contributes its routes. Stops gracefully: in-flight requests get
 * {@code shutdown.grace-seconds} to finish.
 */
public final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  private final MmfileConfig config;
  private final List<Dialect> dialects;
  private final Health health;
  private HttpServer server;

  public HttpVerticle(MmfileConfig config, List<Dialect> dialects, Health health) {
    this.config = config;
    this.dialects = dialects;
    this.health = health;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    health.mount(router, vertx);
    dialects.forEach(d -> d.mount(router));
    router.errorHandler(404, ctx -> plainError(ctx, 404, "not found"));
    router.errorHandler(405, ctx -> plainError(ctx, 405, "method not allowed"));
    router.errorHandler(500, ctx -> {
      LOG.error("unhandled error on {}", ctx.request().path(), ctx.failure());
      plainError(ctx, 500, "internal error");
    });
    server = vertx.createHttpServer(serverOptions()).requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.shutdown(config.shutdownGraceSeconds(), TimeUnit.SECONDS);
  }

  private HttpServerOptions serverOptions() {
    MmfileConfig.Http http = config.http();
    HttpServerOptions options = new HttpServerOptions()
      .setHost(http.host())
      .setPort(http.port())
      .setIdleTimeout(http.idleTimeoutSeconds())
      .setIdleTimeoutUnit(TimeUnit.SECONDS)
      .setCompressionSupported(false)
      .setTcpNoDelay(true)
      .setHandle100ContinueAutomatically(true)
      // Netty's form decoder enforces these for every form, multipart or url-encoded; the upload
      // exchange answers a form past them with the limit it crossed (MultipartBody).
      .setMaxFormFields(config.upload().maxFields())
      .setMaxFormAttributeSize(config.upload().maxFieldBytes());
    if (http.tls()) {
      options.setSsl(true)
        .setUseAlpn(true)
        .setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(http.tlsCert().orElseThrow().toString())
          .setKeyPath(http.tlsKey().orElseThrow().toString()));
      options.setSslEngineOptions(OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions());
    }
    return options;
  }

  /** Logs once per node which TLS engine serves; the JDK engine is only a fallback. */
  public static void logTlsEngine(MmfileConfig config) {
    if (!config.http().tls()) {
      return;
    }
    if (OpenSSLEngineOptions.isAvailable()) {
      LOG.info("TLS through OpenSSL (BoringSSL), HTTP/2 over ALPN");
    } else {
      LOG.warn("OpenSSL is not available ({}); TLS falls back to the JDK engine",
        io.netty.handler.ssl.OpenSsl.unavailabilityCause() == null ? "unknown reason"
          : io.netty.handler.ssl.OpenSsl.unavailabilityCause().getMessage());
    }
  }

  private static void plainError(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status)
      .putHeader("Content-Type", "application/json; charset=utf-8")
      .end(new JsonObject().put("error", message).encode());
  }
}
