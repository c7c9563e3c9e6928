package io.mmfile.platform;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * {@code GET /metrics}, the Prometheus text format, on the main port. With {@code metrics.token} set
 * the scraper must send {@code Authorization: Bearer <token>} (else 401); without one only clients on
 * loopback are answered (else 403), the client being the one {@code http.trusted-proxies} names, so a
 * proxy on the same host does not open it to the world.
 */
public final class MetricsEndpoint {
  public static final String PATH = "/metrics";

  private final NodeMetrics metrics;
  private final Optional<byte[]> token;
  private final ClientAddress clientAddress;
  private final NodeMetrics.Refresher storeSizes;

  public MetricsEndpoint(NodeMetrics metrics, Optional<String> token, ClientAddress clientAddress,
                         NodeMetrics.Refresher storeSizes) {
    this.metrics = metrics;
    this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    this.clientAddress = clientAddress;
    this.storeSizes = storeSizes;
  }

  public void mount(Router router) {
    router.get(PATH).handler(this::scrape);
  }

  /** Whether the request may read the metrics (and the console's live counters share this rule only for the token). */
  boolean allowed(RoutingContext ctx) {
    if (token.isPresent()) {
      String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
      return MessageDigest.isEqual(given, token.get());
    }
    return loopback(clientAddress.of(ctx.request()));
  }

  private void scrape(RoutingContext ctx) {
    if (!allowed(ctx)) {
      int status = token.isPresent() ? 401 : 403;
      if (status == 401) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
      }
      ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .end(new JsonObject().put("error", status == 401 ? "a bearer token is required"
          : "metrics are served to loopback clients only (set metrics.token to scrape from elsewhere)").encode());
      return;
    }
    storeSizes.due().onComplete(ar -> {
      if (!ctx.response().ended() && !ctx.response().closed()) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
          .end(metrics.scrape());
      }
    });
  }

  static boolean loopback(String address) {
    Optional<byte[]> bytes = Cidr.literal(address);
    if (bytes.isEmpty()) {
      return false;
    }
    try {
      return InetAddress.getByAddress(bytes.get()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
