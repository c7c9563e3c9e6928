package io.mmfile.platform;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.ContextLocal;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * What one HTTP request is known by while it runs: its id (for the {@code X-Request-Id} header and every
 * log line it causes), when it started, and what the access log line names (dialect, app key, file id).
 * It lives in the Vert.x context-local storage of the request's duplicated context, which Vert.x carries
 * across every asynchronous hop of the request (futures, SQL and Redis replies, timers, executeBlocking);
 * {@link LogContext} copies the id into the MDC of each log line. The event bus does not carry it: the
 * upload protocol sends it in a header and the storage verticle restores it ({@link #restore}).
 *
 * <p>Registered as a {@link VertxServiceProvider} so its {@link ContextLocal} exists before any Vert.x
 * instance is created, as Vert.x requires.
 */
public final class RequestTrace implements VertxServiceProvider {
  /** The event-bus header carrying the request id to another verticle. */
  public static final String HEADER = "mmfile-request-id";
  private static final ContextLocal<RequestTrace> LOCAL = ContextLocal.registerLocal(RequestTrace.class);
  private static final String DATA_KEY = "mmfile.request-trace";
  /** What a request id given by a trusted proxy may look like; anything else is replaced by a fresh one. */
  private static final Pattern ACCEPTED_ID = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private final String id;
  private final long startNanos;
  private volatile String dialect;
  private volatile String appKey;
  private volatile String fileId;
  private volatile String outcome;
  private volatile Runnable onClosed;
  private volatile NodeMetrics.Operation operation = NodeMetrics.Operation.OTHER;
  private volatile String store;
  private volatile Failure.Kind failure;

  /** For the service loader only. */
  public RequestTrace() {
    this("-", 0);
  }

  private RequestTrace(String id, long startNanos) {
    this.id = id;
    this.startNanos = startNanos;
  }

  @Override
  public void init(VertxBootstrap builder) {
    // nothing to set up: loading this class registered the context local
  }

  /**
   * Starts the trace of a request on the current (duplicated) context: the proxy's id when the request
   * came through a trusted proxy and the id is usable, else a new one.
   */
  public static RequestTrace begin(String fromTrustedProxy) {
    String id = fromTrustedProxy != null && ACCEPTED_ID.matcher(fromTrustedProxy).matches()
      ? fromTrustedProxy : newId();
    RequestTrace trace = new RequestTrace(id, System.nanoTime());
    Context context = Vertx.currentContext();
    // Only on a duplicated context, which lives as long as this request; the event loop's own context
    // is shared by every request on it.
    if (context instanceof ContextInternal internal && internal.isDuplicate()) {
      LOCAL.put(context, trace);
    }
    return trace;
  }

  /**
   * 16 random characters of [0-9a-z]: about 82 bits, unique enough to find one request among billions.
   * Eight characters come from each of two random longs (36^8 < 2^42, so taking them as base-36
   * digits of a 62-bit value leaves each character uniform but for a bias below one in a million).
   */
  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[] out = new byte[16];
    digits(random.nextLong() >>> 2, out, 0);
    digits(random.nextLong() >>> 2, out, 8);
    return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static void digits(long value, byte[] out, int from) {
    for (int i = from; i < from + 8; i++) {
      out[i] = (byte) ALPHABET[(int) (value % 36)];
      value /= 36;
    }
  }

  /** The trace of the request whose callback is running now, if any. */
  public static Optional<RequestTrace> current() {
    Context context = Vertx.currentContext();
    return context == null ? Optional.empty() : Optional.ofNullable(LOCAL.get(context));
  }

  /** The id of the request running now, or null. */
  public static String currentId() {
    Context context = Vertx.currentContext();
    RequestTrace trace = context == null ? null : LOCAL.get(context);
    return trace == null ? null : trace.id;
  }

  /**
   * Continues a request's trace on the current context (an event-bus consumer's, which Vert.x gives
   * every message afresh), so that what the storage side logs names the request too.
   */
  public static void restore(String id) {
    Context context = Vertx.currentContext();
    if (id != null && context instanceof ContextInternal internal && internal.isDuplicate()) {
      LOCAL.put(context, new RequestTrace(id, System.nanoTime()));
    }
  }

  /** What to do when the connection closes before the answer ended (the access log's line). */
  void onClosed(Runnable action) {
    this.onClosed = action;
  }

  /**
   * The request's connection closed before its answer ended. A response has one close handler: a
   * handler that sets its own calls this, so the access log still hears of it.
   */
  public void closed() {
    Runnable action = onClosed;
    onClosed = null;
    if (action != null) {
      action.run();
    }
  }

  void attach(RoutingContext ctx) {
    ctx.put(DATA_KEY, this);
  }

  /** The trace of a routed request (also when a callback runs outside its context). */
  public static Optional<RequestTrace> of(RoutingContext ctx) {
    return Optional.ofNullable(orNull(ctx));
  }

  /** Like {@link #of}, or null; for the per-request path, which need not allocate an Optional. */
  public static RequestTrace orNull(RoutingContext ctx) {
    RequestTrace trace = ctx.get(DATA_KEY);
    if (trace != null) {
      return trace;
    }
    Context context = Vertx.currentContext();
    return context == null ? null : LOCAL.get(context);
  }

  /** The trace begun on the current context, or null. */
  static RequestTrace currentOrNull() {
    Context context = Vertx.currentContext();
    return context == null ? null : LOCAL.get(context);
  }

  public String id() {
    return id;
  }

  long elapsedMicros() {
    return (System.nanoTime() - startNanos) / 1_000;
  }

  public String dialect() {
    return dialect;
  }

  public RequestTrace dialect(String dialect) {
    this.dialect = dialect;
    return this;
  }

  public String appKey() {
    return appKey;
  }

  public RequestTrace appKey(String appKey) {
    if (appKey != null && !appKey.isEmpty()) {
      this.appKey = appKey;
    }
    return this;
  }

  public String fileId() {
    return fileId;
  }

  /** The dialect's own result code (daoke ERRORCODE, srv error, weidu code), "0" or the like on success. */
  public String outcome() {
    return outcome;
  }

  public RequestTrace outcome(String outcome) {
    this.outcome = outcome;
    return this;
  }

  public NodeMetrics.Operation operation() {
    return operation;
  }

  public RequestTrace operation(NodeMetrics.Operation operation) {
    this.operation = operation;
    return this;
  }

  /** The store an upload went to ({@code durable} or {@code cache}), once known. */
  public String store() {
    return store;
  }

  public RequestTrace store(String store) {
    this.store = store;
    return this;
  }

  /** The kind of failure the request was answered with, if any. */
  public Failure.Kind failure() {
    return failure;
  }

  /** Notes the failure the request running now is answered with (rate limits are counted). */
  public static void noteFailure(Failure failure) {
    current().ifPresent(t -> t.failure = failure.kind());
  }

  /** Like {@link #noteFailure(Failure)}, for a routed request. */
  public static void noteFailure(RoutingContext ctx, Failure failure) {
    of(ctx).ifPresent(t -> t.failure = failure.kind());
  }

  /** Notes the dialect's result code on the request running now, if any. */
  public static void noteOutcome(String code) {
    current().ifPresent(t -> t.outcome(code));
  }

  public RequestTrace fileId(String fileId) {
    if (fileId != null) {
      this.fileId = fileId;
    }
    return this;
  }
}
