package io.mmfile.platform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MatchType;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.Match;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One node's metrics, in one Prometheus registry: Vert.x's own (HTTP server, event bus, pools), when
 * the Vert.x instance was built with {@link #vertx}, and mmfile's ({@code mmfile_*}, docs/operations.md
 * lists them). A registry per node, not a global one, so that several nodes in one JVM (the tests)
 * count apart.
 */
public final class NodeMetrics {
  /** The operation a request was, for the latency histograms. */
  public enum Operation { UPLOAD, DOWNLOAD, OTHER }

  private final PrometheusMeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
  private final Map<String, DialectMeters> dialects = new ConcurrentHashMap<>();

  public NodeMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  /** A registry of mmfile's meters only (a Vert.x instance made elsewhere, as some tests do). */
  public static NodeMetrics standalone() {
    return new NodeMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * A Vert.x instance whose own metrics go to {@code registry}. Upload sessions have an event-bus
   * address each: they are counted under one name, or the address label would grow without bound. The
   * HTTP server's per-request meters are {@link HttpServerMeters}: Vert.x's, without a registry look-up
   * per request.
   */
  public static Vertx vertx(PrometheusMeterRegistry registry) {
    return vertx(registry, MmfileConfig.Transport.NATIVE);
  }

  /** The same, on the network transport {@code transport} ({@link NetworkTransport}). */
  public static Vertx vertx(PrometheusMeterRegistry registry, MmfileConfig.Transport transport) {
    MicrometerMetricsOptions options = new MicrometerMetricsOptions()
      .setEnabled(true)
      .setJvmMetricsEnabled(true)
      .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.EB_ADDRESS, Label.EB_FAILURE, Label.POOL_TYPE,
        Label.POOL_NAME, Label.CLIENT_NAME, Label.NAMESPACE))
      .addLabelMatch(new Match().setDomain(MetricsDomain.EVENT_BUS).setLabel(Label.EB_ADDRESS.toString())
        .setType(MatchType.REGEX).setValue("mmfile\\.storage\\.session\\..*").setAlias("mmfile.storage.session"));
    return Vertx.builder()
      .with(new VertxOptions().setMetricsOptions(options))
      .withMetrics(HttpServerMeters.around(new MicrometerMetricsFactory(registry), registry, options.getMetricsNaming()))
      .withTransport(NetworkTransport.of(transport))
      .build();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of everything. */
  public String scrape() {
    return registry.scrape();
  }

  // ------------------------------------------------------------------------------------------ requests

  /**
   * A request is over: bytes in and out by dialect; for uploads the count by dialect, store and
   * outcome (the dialect's own result code; {@code closed} when the client went away first) and the
   * latency; for downloads the latency; throttled answers by dialect.
   */
  public void requestEnded(RequestTrace trace, long bytesIn, long bytesOut, boolean completed) {
    String dialect = trace.dialect() == null ? "ops" : trace.dialect();
    DialectMeters meters = dialects.get(dialect);
    if (meters == null) {
      meters = dialects.computeIfAbsent(dialect, DialectMeters::new);
    }
    meters.received.increment(bytesIn);
    meters.sent.increment(bytesOut);
    long micros = trace.elapsedMicros();
    switch (trace.operation()) {
      case UPLOAD -> {
        String outcome = completed ? (trace.outcome() == null ? "none" : trace.outcome()) : "closed";
        counter("mmfile.uploads", "Upload requests by dialect, store and outcome (the dialect's result code)",
          "dialect", dialect, "store", trace.store() == null ? "none" : trace.store(), "outcome", outcome).increment();
        meters.uploads().record(micros, TimeUnit.MICROSECONDS);
      }
      case DOWNLOAD -> meters.downloads().record(micros, TimeUnit.MICROSECONDS);
      default -> {
      }
    }
    if (trace.failure() == Failure.Kind.RATE_LIMITED) {
      counter("mmfile.throttled", "Requests refused by a rate limit or login throttle", "dialect", dialect).increment();
    }
  }

  /**
   * The meters every request of a dialect moves, looked up once per dialect instead of by name and
   * tags per request. The latency timers are registered at their first use, as before, so that a
   * dialect without downloads shows no download histogram.
   */
  private final class DialectMeters {
    final String dialect;
    final Counter received;
    final Counter sent;
    private volatile Timer uploads;
    private volatile Timer downloads;

    DialectMeters(String dialect) {
      this.dialect = dialect;
      received = counter("mmfile.http.received.bytes", "Request bytes received", "dialect", dialect);
      sent = counter("mmfile.http.sent.bytes", "Response bytes sent", "dialect", dialect);
    }

    Timer uploads() {
      Timer t = uploads;
      if (t == null) {
        t = timer("mmfile.upload.duration", "Upload requests, first byte to answer", dialect);
        uploads = t;
      }
      return t;
    }

    Timer downloads() {
      Timer t = downloads;
      if (t == null) {
        t = timer("mmfile.download.duration", "File downloads, request to last byte", dialect);
        downloads = t;
      }
      return t;
    }
  }

  /** An upload refused at once because a cap of uploads in flight was reached. */
  public void uploadRefusedForOverload() {
    counter("mmfile.uploads.refused.overload", "Uploads refused at once: too many in flight").increment();
  }

  /** Uploads in flight on the node, read when scraped. */
  public void uploadsInFlight(Supplier<Number> inFlight) {
    Gauge.builder("mmfile.uploads.in.flight", inFlight).description("Uploads in flight").register(registry);
  }

  // ------------------------------------------------------------------------------------------ the rest

  public void login(Failure.Kind failure) {
    counter("mmfile.logins", "Password logins by outcome", "outcome",
      failure == null ? "ok" : failure.name().toLowerCase(Locale.ROOT)).increment();
  }

  public void sms(boolean sent) {
    counter("mmfile.sms", "Verification codes handed to the SMS sender", "outcome", sent ? "sent" : "failed").increment();
  }

  public void sweep(int reclaimed) {
    counter("mmfile.expiry.sweeps", "Expiry sweeps run").increment();
    counter("mmfile.expiry.reclaimed.files", "Expired files reclaimed by sweeps").increment(reclaimed);
  }

  /** Files and bytes a store holds (and deleted bytes not yet compacted away, where it has them). */
  public void storeSize(String store, long files, long bytes, Long garbageBytes) {
    gauge("mmfile.store.files", "Files in a store", store).set(files);
    gauge("mmfile.store.bytes", "Bytes of the files in a store", store).set(bytes);
    if (garbageBytes != null) {
      gauge("mmfile.store.garbage.bytes", "Deleted bytes a store still holds until compaction", store).set(garbageBytes);
    }
  }

  /** The value of a counter (0 when it never moved); for the console's live counters. */
  public double count(String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  /** The sum over every counter of that name whose tags match. */
  public double sum(String name, java.util.function.Predicate<io.micrometer.core.instrument.Meter.Id> which) {
    return registry.find(name).counters().stream().filter(c -> which.test(c.getId())).mapToDouble(Counter::count).sum();
  }

  public double gaugeValue(String name, String... tags) {
    Gauge g = registry.find(name).tags(tags).gauge();
    return g == null ? 0 : g.value();
  }

  private Counter counter(String name, String description, String... tags) {
    String key = name + String.join("\u0000", tags);
    return counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }

  private Timer timer(String name, String description, String dialect) {
    return timers.computeIfAbsent(name + dialect, k -> Timer.builder(name).description(description).tags("dialect", dialect)
      .publishPercentileHistogram()
      .minimumExpectedValue(Duration.ofMillis(1))
      .maximumExpectedValue(Duration.ofSeconds(60))
      .register(registry));
  }

  private AtomicLong gauge(String name, String description, String store) {
    return gauges.computeIfAbsent(name + store, k -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder(name, value, AtomicLong::get).description(description).tags("store", store).register(registry);
      return value;
    });
  }

  /** Runs {@code refresh} at most once per {@code intervalMs}; a scrape waits for a due refresh. */
  public static final class Refresher {
    private final long intervalMs;
    private final Supplier<Future<Void>> refresh;
    private long lastMs = Long.MIN_VALUE / 2;
    private Future<Void> running;

    public Refresher(long intervalMs, Supplier<Future<Void>> refresh) {
      this.intervalMs = intervalMs;
      this.refresh = refresh;
    }

    /** Event loop only. */
    public synchronized Future<Void> due() {
      long now = System.currentTimeMillis();
      if (running != null) {
        return running;
      }
      if (now - lastMs < intervalMs) {
        return Future.succeededFuture();
      }
      lastMs = now;
      running = refresh.get().recover(t -> Future.succeededFuture()).eventually(() -> {
        synchronized (this) {
          running = null;
        }
        return Future.succeededFuture();
      });
      return running;
    }
  }
}
