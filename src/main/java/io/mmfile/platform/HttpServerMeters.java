package io.mmfile.platform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MetricsNaming;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Vert.x's per-request HTTP server meters ({@code vertx_http_server_requests_total}, {@code _active_requests},
 * {@code _request_bytes}, {@code _response_bytes}, {@code _response_time_seconds}, {@code _request_resets_total}:
 * the same names, descriptions, types and {@code method}/{@code code} tags Vert.x's Micrometer metrics
 * give them), kept once per method and status instead of looked up by name and tags, and the active
 * requests gauge registered again, on every request: those look-ups and the gauge's re-registration
 * were about 8 % of a download's CPU. Everything else (connections, bytes, errors, event bus, pools) is
 * Vert.x's own, through the metrics this wraps.
 */
final class HttpServerMeters {
  private final MeterRegistry registry;
  private final MetricsNaming names;
  private final ConcurrentMap<HttpMethod, MethodMeters> byMethod = new ConcurrentHashMap<>();

  private HttpServerMeters(MeterRegistry registry, MetricsNaming names) {
    this.registry = registry;
    // Vert.x names its meters under the domain's prefix the same way (AbstractMetrics)
    this.names = names.withBaseName(MetricsDomain.HTTP_SERVER.getPrefix());
  }

  /**
   * Vert.x's metrics from {@code factory}, but for the per-request HTTP server meters. Only for the
   * labels {@link NodeMetrics#vertx} enables: {@code method} and {@code code}, no path, route or peer.
   */
  static VertxMetricsFactory around(VertxMetricsFactory factory, MeterRegistry registry, MetricsNaming names) {
    HttpServerMeters meters = new HttpServerMeters(registry, names);
    return new VertxMetricsFactory() {
      @Override
      public VertxMetrics metrics(VertxOptions options) {
        return meters.new Metrics(factory.metrics(options));
      }

      @Override
      public MetricsOptions newOptions() {
        return factory.newOptions();
      }

      @Override
      public MetricsOptions newOptions(MetricsOptions options) {
        return factory.newOptions(options);
      }

      @Override
      public MetricsOptions newOptions(JsonObject json) {
        return factory.newOptions(json);
      }
    };
  }

  private MethodMeters meters(HttpMethod method) {
    MethodMeters m = byMethod.get(method);
    return m != null ? m : byMethod.computeIfAbsent(method, MethodMeters::new);
  }

  /** The meters of one method; those of a status are made at its first answer. */
  private final class MethodMeters {
    final String method;
    final LongAdder active = new LongAdder();
    final DistributionSummary requestBytes;
    private final AtomicReferenceArray<CodeMeters> byCode = new AtomicReferenceArray<>(1000);

    MethodMeters(HttpMethod method) {
      this.method = method.toString();
      Gauge.builder(names.getHttpActiveRequests(), active, LongAdder::doubleValue)
        .description("Number of requests being processed").tags("method", this.method).register(registry);
      requestBytes = DistributionSummary.builder(names.getHttpRequestBytes()).description("Size of requests in bytes")
        .tags("method", this.method).register(registry);
    }

    /** Registered at the first reset, as Vert.x does; resets are rare. */
    void reset() {
      Counter.builder(names.getHttpRequestResetsCount()).description("Number of request resets")
        .tags("method", method).register(registry).increment();
      active.decrement();
    }

    CodeMeters code(int status) {
      int at = status >= 0 && status < 1000 ? status : 0;
      CodeMeters m = byCode.get(at);
      if (m == null) {
        m = new CodeMeters(method, String.valueOf(status));
        if (at != 0 && !byCode.compareAndSet(at, null, m)) {
          m = byCode.get(at);
        }
      }
      return m;
    }
  }

  /** Registering a meter that exists answers the existing one, so a lost race is harmless. */
  private final class CodeMeters {
    final Counter requests;
    final Timer responseTime;
    final DistributionSummary responseBytes;

    CodeMeters(String method, String code) {
      requests = Counter.builder(names.getHttpRequestsCount()).description("Number of processed requests")
        .tags("method", method, "code", code).register(registry);
      responseTime = Timer.builder(names.getHttpResponseTime()).description("Request processing time")
        .tags("method", method, "code", code).register(registry);
      responseBytes = DistributionSummary.builder(names.getHttpResponseBytes()).description("Size of responses in bytes")
        .tags("method", method, "code", code).register(registry);
    }
  }

  /** One request in flight: counted active until both its request and its response ended, or it was reset. */
  static final class Request {
    final MethodMeters meters;
    final long startNanos = System.nanoTime();
    private boolean requestEnded;
    private boolean responseEnded;
    private boolean reset;

    Request(MethodMeters meters) {
      this.meters = meters;
      meters.active.increment();
    }

    void requestEnded() {
      requestEnded = true;
      if (!reset && responseEnded) {
        meters.active.decrement();
      }
    }

    void responseEnded() {
      responseEnded = true;
      if (!reset && requestEnded) {
        meters.active.decrement();
      }
    }

    void reset() {
      meters.reset();
      reset = true;
    }
  }

  /** One HTTP server's metrics: requests here, the connection-level ones Vert.x's. */
  private final class ServerMetrics implements HttpServerMetrics<Request, Object, Object> {
    private final HttpServerMetrics<Object, Object, Object> vertx;

    ServerMetrics(HttpServerMetrics<Object, Object, Object> vertx) {
      this.vertx = vertx;
    }

    @Override
    public Request requestBegin(Object socketMetric, HttpRequest request) {
      return new Request(meters(request.method()));
    }

    @Override
    public void requestEnd(Request request, HttpRequest http, long bytesRead) {
      request.meters.requestBytes.record(bytesRead);
      request.requestEnded();
    }

    @Override
    public void requestReset(Request request) {
      request.reset();
    }

    @Override
    public Request responsePushed(Object socketMetric, HttpMethod method, String uri, HttpResponse response) {
      return new Request(meters(method));
    }

    @Override
    public void responseEnd(Request request, HttpResponse response, long bytesWritten) {
      CodeMeters code = request.meters.code(response.statusCode());
      code.requests.increment();
      code.responseTime.record(System.nanoTime() - request.startNanos, TimeUnit.NANOSECONDS);
      code.responseBytes.record(bytesWritten);
      request.responseEnded();
    }

    @Override
    public Object connected(Object socketMetric, Request request, ServerWebSocket webSocket) {
      return vertx.connected(socketMetric, null, webSocket);
    }

    @Override
    public void disconnected(Object webSocketMetric) {
      vertx.disconnected(webSocketMetric);
    }

    @Override
    public Object connected(SocketAddress remoteAddress, String remoteName) {
      return vertx.connected(remoteAddress, remoteName);
    }

    @Override
    public void disconnected(Object socketMetric, SocketAddress remoteAddress) {
      vertx.disconnected(socketMetric, remoteAddress);
    }

    @Override
    public void bytesRead(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
      vertx.bytesRead(socketMetric, remoteAddress, numberOfBytes);
    }

    @Override
    public void bytesWritten(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
      vertx.bytesWritten(socketMetric, remoteAddress, numberOfBytes);
    }

    @Override
    public void exceptionOccurred(Object socketMetric, SocketAddress remoteAddress, Throwable t) {
      vertx.exceptionOccurred(socketMetric, remoteAddress, t);
    }

    @Override
    public void close() {
      vertx.close();
    }
  }

  /** Vert.x's metrics, with {@link ServerMetrics} around its HTTP servers'. */
  private final class Metrics implements VertxMetrics {
    private final VertxMetrics vertx;

    Metrics(VertxMetrics vertx) {
      this.vertx = vertx;
    }

    @Override
    @SuppressWarnings("unchecked")
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
      HttpServerMetrics<?, ?, ?> own = vertx.createHttpServerMetrics(options, localAddress);
      return own == null ? null : new ServerMetrics((HttpServerMetrics<Object, Object, Object>) own);
    }

    @Override
    public EventBusMetrics<?> createEventBusMetrics() {
      return vertx.createEventBusMetrics();
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type, String namespace) {
      return vertx.createClientMetrics(remoteAddress, type, namespace);
    }

    @Override
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
      return vertx.createHttpClientMetrics(options);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress localAddress) {
      return vertx.createNetServerMetrics(options, localAddress);
    }

    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      return vertx.createNetClientMetrics(options);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
      return vertx.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String poolType, String poolName, int maxPoolSize) {
      return vertx.createPoolMetrics(poolType, poolName, maxPoolSize);
    }

    @Override
    public void vertxCreated(io.vertx.core.Vertx created) {
      vertx.vertxCreated(created);
    }

    @Override
    public boolean isMetricsEnabled() {
      return vertx.isMetricsEnabled();
    }

    @Override
    public void close() {
      vertx.close();
    }
  }
}
