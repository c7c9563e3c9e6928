package io.mmfile.platform;

import io.vertx.core.Future;
import io.netty.util.AsciiString;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP front: one instance per event loop, all sharing the port. Declares the route table in one
 * place; each dialect contributes its routes. Stops gracefully: in-flight requests get
 * {@code shutdown.grace-seconds} to finish.
 */
public final class HttpVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  private static final AsciiString NOSNIFF = AsciiString.cached("X-Content-Type-Options");
  private static final AsciiString NOSNIFF_VALUE = AsciiString.cached("nosniff");
  private static final AsciiString NODE = AsciiString.cached(NodeIdentity.HEADER);
  private static final AsciiString REQUEST_ID = AsciiString.cached("X-Request-Id");

  private final MmfileConfig config;
  private final List<Dialect> dialects;
  private final Health health;
  private final Front front;
  private HttpServer server;

  /** What every request goes through before its route: the node's name, its id, the access log. */
  public record Front(String nodeId, ClientAddress clientAddress, AccessLog accessLog, NodeMetrics metrics,
                      MetricsEndpoint metricsEndpoint) {
  }

  public HttpVerticle(MmfileConfig config, List<Dialect> dialects, Health health, Front front) {
    this.config = config;
    this.dialects = dialects;
    this.health = health;
    this.front = front;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    traceRequests(router, front);
    router.route().handler(HttpVerticle::flushEarlyAnswers);
    allowCrossOrigin(router, config.http().cors());
    if (front.metricsEndpoint() != null) {
      front.metricsEndpoint().mount(router);
    }
    health.mount(router, vertx);
    dialects.forEach(d -> d.mount(router));
    answerErrors(router, dialects);
    server = vertx.createHttpServer(serverOptions()).requestHandler(withSafeHeaders(router, front));
    return server.listen();
  }

  /**
   * Every answer, errors included, says {@code X-Content-Type-Options: nosniff}: a browser never guesses
   * a type from the bytes, so a stored file that looks like HTML cannot run as HTML on this origin. It
   * also names the node ({@code X-Mmfile-Node}) and the request ({@code X-Request-Id}: the one a trusted
   * proxy sent, else a new one), and the request's trace starts here, on the request's own context.
   */
  static Handler<HttpServerRequest> withSafeHeaders(Router router, Front front) {
    AsciiString nodeId = new AsciiString(front.nodeId());
    return request -> {
      String fromProxy = front.clientAddress().fromTrustedProxy(request) ? request.getHeader(REQUEST_ID) : null;
      RequestTrace trace = RequestTrace.begin(fromProxy);
      request.response().putHeader(NOSNIFF, NOSNIFF_VALUE)
        .putHeader(NODE, nodeId)
        .putHeader(REQUEST_ID, trace.id());
      router.handle(request);
    };
  }

  /** The first route of all: ties the trace to the routing context and logs the request when it is over. */
  static void traceRequests(Router router, Front front) {
    router.route().handler(ctx -> {
      RequestTrace trace = RequestTrace.currentOrNull();
      if (trace == null) {
        trace = RequestTrace.begin(null);
      }
      trace.attach(ctx);
      trace.dialect(AccessLog.dialectOf(ctx.normalizedPath()));
      RequestEnd end = new RequestEnd(front, ctx, trace);
      // Not ctx.addEndHandler: that takes the response's end, close and exception handlers, and an
      // exception (a malformed multipart part) would count as the end before the upload answers.
      ctx.addBodyEndHandler(end);
      trace.onClosed(end);
      ctx.response().closeHandler(end.closed());
      ctx.next();
    });
  }

  /**
   * The end of one request, whichever comes first: its answer's last byte (completed) or its
   * connection closing before that; counted and logged once. One object per request for the three
   * callbacks, on the event loop of the request.
   */
  private static final class RequestEnd implements Handler<Void>, Runnable {
    private final Front front;
    private final RoutingContext ctx;
    private final RequestTrace trace;
    private final String client;
    private boolean over;

    RequestEnd(Front front, RoutingContext ctx, RequestTrace trace) {
      this.front = front;
      this.ctx = ctx;
      this.trace = trace;
      this.client = front.accessLog().enabled() ? front.clientAddress().of(ctx.request()) : null;
    }

    /** The answer's body ended. */
    @Override
    public void handle(Void v) {
      end(true);
    }

    /** The connection closed (through {@link RequestTrace#closed}). */
    @Override
    public void run() {
      if (!ctx.response().ended()) {
        end(false);
      }
    }

    /** The response's close handler: tells the trace, which may have been handed another handler. */
    Handler<Void> closed() {
      return v -> trace.closed();
    }

    private void end(boolean completed) {
      if (!over) {
        over = true;
        ended(front, ctx.request(), client, trace, completed);
      }
    }
  }

  private static void ended(Front front, HttpServerRequest request, String client, RequestTrace trace, boolean completed) {
    if (front.metrics() != null) {
      front.metrics().requestEnded(trace, request.bytesRead(), request.response().bytesWritten(), completed);
    }
    if (client != null) {
      front.accessLog().log(request, client, trace, completed);
    }
  }

  /**
   * An answer given before the request's body was all read (a refused upload, a body the decoder
   * cannot parse) is flushed as soon as it is written. Vert.x defers the flush of writes made while it
   * reads until the read completes; when Netty's form decoder throws something Vert.x does not expect
   * (a part header such as {@code Content-Disposition: form-data; x}), Vert.x closes the connection
   * right after the request's exception handler (where the dialect answers) returns, and an answer not
   * flushed by then is lost: the client would see the connection close without a word. Requests
   * without a body, and HTTP/2 (which resets a stream instead), need nothing.
   */
  static void flushEarlyAnswers(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.version() != io.vertx.core.http.HttpVersion.HTTP_2 && hasBody(request)) {
      // The body-end handler, not the end handler: Vert.x reports a decoder exception to the response
      // too, and the routing context's end handlers run once, for whichever comes first.
      ctx.addBodyEndHandler(v -> {
        if (!request.isEnded() && request.connection() instanceof io.vertx.core.net.impl.VertxConnection connection) {
          connection.flush();
        }
      });
    }
    ctx.next();
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return length != null ? !"0".equals(length.trim()) : request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }

  /**
   * CORS through Vert.x's handler for the configured origins; nothing at all when none are. Requests from
   * other origins are served without CORS headers (so browsers keep their pages out) rather than refused:
   * a non-browser client that happens to send {@code Origin} still works.
   */
  static void allowCrossOrigin(Router router, MmfileConfig.Cors cors) {
    if (!cors.enabled()) {
      return;
    }
    CorsHandler handler = CorsHandler.create()
      .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.DELETE, HttpMethod.PATCH))
      // what the legacy clients send: daoke's appKey and sign headers, Bearer tokens, JSON and multipart
      // bodies; /api/v1's signed body hash and DELETE; and tus's PATCH and headers (tus-js-client in a page)
      .allowedHeaders(Set.of("appKey", "sign", "Authorization", "Content-Type", "Range", "If-None-Match",
        "If-Modified-Since", "x-mmfile-content-sha256", "Tus-Resumable", "Upload-Length", "Upload-Offset",
        "Upload-Metadata", "Upload-Checksum", "X-HTTP-Method-Override"))
      .exposedHeaders(Set.of("Content-Disposition", "Content-Range", "Accept-Ranges", "ETag", "Retry-After",
        "Location", "Tus-Resumable", "Tus-Version", "Tus-Extension", "Tus-Max-Size", "Tus-Checksum-Algorithm",
        "Upload-Offset", "Upload-Length", "Upload-Metadata", "Upload-Expires", "Mmfile-File-Id"))
      .maxAgeSeconds(cors.maxAgeSeconds());
    if (!cors.anyOrigin()) {
      handler.addOrigins(cors.allowedOrigins());
    }
    Set<String> allowed = Set.copyOf(cors.allowedOrigins());
    router.route().handler(ctx -> {
      String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
      if (origin != null && (cors.anyOrigin() || allowed.contains(origin))) {
        handler.handle(ctx);
        return;
      }
      if (!cors.anyOrigin()) {
        // the answer differs by origin: shared caches must not hand one origin's answer to another
        ctx.response().headers().add(HttpHeaders.VARY, "Origin");
      }
      ctx.next();
    });
  }

  /**
   * What no route answered: 400 from Vert.x itself (no Host header, a path not starting with '/') is the
   * client's mistake, a bare 400 logged at debug, not an ERROR with a stack trace per request; 404, 405
   * and unexpected errors (500) are answered by the dialect owning the path, in its own shape.
   */
  static void answerErrors(Router router, List<Dialect> dialects) {
    router.errorHandler(400, ctx -> {
      LOG.debug("bad request {} {}: {}", ctx.request().method(), ctx.request().uri(),
        ctx.failure() == null ? "" : ctx.failure().getMessage());
      if (!ctx.response().ended() && !ctx.response().closed()) {
        ctx.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
      }
    });
    router.errorHandler(404, ctx -> unrouted(ctx, dialects, 404, "not found"));
    router.errorHandler(405, ctx -> unrouted(ctx, dialects, 405, "method not allowed"));
    router.errorHandler(500, ctx -> {
      LOG.error("unhandled error on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
      unrouted(ctx, dialects, 500, "internal error");
    });
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
      // Netty cuts a body into pieces of at most this size (8 KiB by default) and Vert.x copies and
      // dispatches each piece on its own; 64 KiB pieces make a 100 KiB upload 2 pieces instead of 13
      .setMaxChunkSize(65536)
      .setHandle100ContinueAutomatically(true)
      // Netty's decoder enforces these on url-encoded forms; multipart bodies are read by mmfile's
      // own parser (MultipartParser), which enforces the same keys.
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

  /** The dialect owning the path answers in its own shape; other paths get a small JSON error. */
  private static void unrouted(RoutingContext ctx, List<Dialect> dialects, int status, String message) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    for (Dialect dialect : dialects) {
      if (dialect.answerUnrouted(ctx, status)) {
        return;
      }
    }
    ctx.response().setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
      .end(new JsonObject().put("error", message).encode());
  }
}
