package io.mmfile.files;

import io.mmfile.platform.BodyFailures;
import io.mmfile.platform.ClientAddress;
import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;
import io.mmfile.platform.NodeMetrics;
import io.mmfile.platform.RequestTrace;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The one way a multipart upload request is taken in, for every dialect (saveImage, srv avatars, weidu
 * files), from its first byte to its answer (docs/architecture.md, "One upload exchange"). In order:
 * <ol>
 *   <li>the gate: a place per node, per app key (when a header names one) and per client address, or
 *       an answer at once;</li>
 *   <li>the headers: a multipart Content-Type with a usable boundary, a Content-Length within
 *       {@code upload.max-request-bytes}, and the dialect's credentials when they come in a header,
 *       all checked before a byte of the body is read;</li>
 *   <li>the body: file parts streamed to storage as they arrive, within the part, field and byte
 *       limits; a body that ends without its close delimiter, a malformed one, or a client silent on
 *       the wire for {@code upload.idle-timeout-seconds} is answered at once;</li>
 *   <li>the commit: the dialect turns the form into one {@link CommitRequest} per file; every file's
 *       bytes are committed, then all their records in one transaction, or nothing is.</li>
 * </ol>
 * A dialect contributes a {@link Route}: where its files and credentials are, and how it answers.
 * A failure at any step aborts every staged part: no bytes and no rows are left behind.
 */
public final class UploadExchange {
  private static final Logger LOG = LoggerFactory.getLogger(UploadExchange.class);
  /** How long a refused client may keep sending (read and dropped) before its connection is closed. */
  private static final long DRAIN_MS = 10_000;
  private static final String ADMITTED = UploadExchange.class.getName() + ".admitted";

  private final FileIntake intake;
  private final UploadGate gate;
  private final FileStores stores;
  private final MmfileConfig.Upload limits;
  private final ClientAddress clientAddress;
  private final NodeMetrics metrics;

  public UploadExchange(FileIntake intake, UploadGate gate, FileStores stores, ClientAddress clientAddress,
                        NodeMetrics metrics) {
    this.metrics = metrics;
    this.intake = intake;
    this.gate = gate;
    this.stores = stores;
    this.limits = intake.limits();
    this.clientAddress = clientAddress;
  }

  public MmfileConfig.Upload limits() {
    return limits;
  }

  /** What one dialect's upload route says; {@code A} is what its header check yields, {@code R} its result. */
  public interface Route<A, R> {
    /** The name of the file parts this route takes; other file parts are read and dropped. */
    String filePart();

    /** How many {@link #filePart()} parts one request may carry (1 for saveImage and avatars). */
    int maxFiles();

    /** An app key the headers name, for the per-app-key gate; null when none is known before the body. */
    default String appKey(HttpServerRequest request) {
      return null;
    }

    /** Checks what the headers carry (credentials in a header), before any byte of the body is read. */
    Future<A> admit(HttpServerRequest request);

    /**
     * Whether a body that is not multipart is taken as the one file itself, of the request's
     * {@code Content-Type} (false: only multipart bodies are taken, as the legacy routes do).
     */
    default boolean takesRawBody() {
      return false;
    }

    /**
     * Whether the SHA-256 of the whole body, as it came on the wire, is to be computed and handed to
     * {@link #bodyHashed} before anything is planned or committed (an app key signed it).
     */
    default boolean hashesBody(A admitted) {
      return false;
    }

    /** The body's SHA-256 (lower-case hex), when {@link #hashesBody} asked; a failure stores nothing. */
    default void bodyHashed(A admitted, String sha256) {
    }

    /**
     * When a file part begins: what the form fields sent before it decide. A failure refuses the
     * request at once, before a byte of the part is stored; a store streams the part straight there;
     * null (the default) stages it in the durable store until the whole form is known.
     */
    default Future<StoreKind> storeFor(A admitted, MultiMap fieldsSoFar) {
      return Future.succeededFuture();
    }

    /**
     * Once the whole body is in: what to commit for each received file, in order, decided from the
     * form fields. A failure (a missing file, a bad field, a wrong sign) stores nothing.
     */
    Future<List<CommitRequest>> plan(A admitted, MultiMap fields, List<ReceivedFile> files);

    /** After every file is committed: what else the dialect does (set the avatar), and its result. */
    Future<R> committed(A admitted, List<FileRecord> records);

    /** Writes a success in the dialect's envelope. */
    void answer(HttpServerResponse response, R result);

    /** Writes a failure in the dialect's envelope. */
    void refuse(HttpServerResponse response, Failure failure);
  }

  /** A file part whose bytes all reached storage, not yet committed. */
  public record ReceivedFile(String filename, String contentType, long size) {
  }

  /** Takes the request in through {@code route}; answers it in every case. */
  public <A, R> void handle(RoutingContext ctx, Route<A, R> route) {
    new Exchange<>(ctx, route).start();
  }

  /**
   * What a route says whose file comes encoded inside a body read whole (srv's base64 avatars): the
   * same gate and the same checks before a byte of the body is read as for a multipart upload.
   */
  public interface EncodedRoute<A> {
    /** An app key the headers name, for the per-app-key gate; null when none is known before the body. */
    default String appKey(HttpServerRequest request) {
      return null;
    }

    /** Checks what the headers carry (credentials in a header), before any byte of the body is read. */
    Future<A> admit(HttpServerRequest request);

    /** Writes a failure in the dialect's envelope. */
    void refuse(HttpServerResponse response, Failure failure);
  }

  /**
   * The most an encoded body may hold: base64 makes a file of {@code upload.max-bytes} a third larger,
   * plus the JSON or form around it.
   */
  public long maxEncodedBodyBytes() {
    return limits.maxBytes() * 4 / 3 + 64 * 1024;
  }

  /**
   * The handler that takes in a body carrying an encoded file: a place in the gate (held until the
   * answer is written), a Content-Length within {@link #maxEncodedBodyBytes()} and the route's
   * {@code admit}, all before the body is read; only then is the body read whole (within the same
   * limit) and the next handler runs, finding what {@code admit} yielded in {@link #admitted}. It stores
   * the decoded file with {@link #storeEncoded}. A refusal is answered at once, as a multipart upload's is.
   */
  public <A> Handler<RoutingContext> encoded(Function<RoutingContext, EncodedRoute<A>> routes) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(maxEncodedBodyBytes());
    return ctx -> {
      EncodedRoute<A> route = routes.apply(ctx);
      HttpServerRequest request = ctx.request();
      request.pause();
      String address = clientAddress.of(request);
      UploadGate.Permit permit;
      try {
        permit = gate.acquire(route.appKey(request), address);
      } catch (Failure f) {
        ctx.response().putHeader("Retry-After", "1");
        refuseEarly(ctx, route, f, address);
        return;
      }
      // The answer gives the place back just before it is written (the client may start its next
      // upload as soon as it has it, on another event loop); a reset or a client gone away, at the end.
      ctx.addHeadersEndHandler(v -> permit.release());
      ctx.addEndHandler(ended -> permit.release());
      Future<A> admission;
      try {
        String length = request.getHeader("Content-Length");
        if (length != null && declaredLength(length) > maxEncodedBodyBytes()) {
          throw Failure.invalid(MultipartBody.BODY_SIZE);
        }
        if (MultipartBody.isMultipart(request.getHeader("Content-Type"))) {
          // A multipart file belongs to the multipart exchange (its field limit would cut a base64 image
          // anyway), and Netty's multipart decoder, run when the paused body resumes from a callback,
          // throws some malformed part headers where nothing can catch them: the request would hang.
          throw Failure.of(Failure.Kind.MALFORMED_BODY, "an encoded file comes in a JSON or form-encoded body");
        }
        admission = route.admit(request);
      } catch (RuntimeException e) {
        admission = Future.failedFuture(e);
      }
      admission.onComplete(ar -> {
        if (ctx.response().ended() || ctx.response().closed()) {
          return;
        }
        if (ar.failed()) {
          refuseEarly(ctx, route, Failure.wrap(ar.cause(), Failure.Kind.STORE_FAILED), address);
          return;
        }
        ctx.put(ADMITTED, java.util.Optional.ofNullable(ar.result()));
        try {
          body.handle(ctx);
        } catch (RuntimeException e) {
          // When the body is resumed on this very stack, a decoder exception Vert.x does not expect
          // escapes through this call instead of reaching the connection: answered here, and the
          // connection (its decoder broken) closed behind it.
          refuseBroken(ctx, route, BodyFailures.of(e), address);
        }
      });
    };
  }

  /** What the {@code admit} of an {@link #encoded} route yielded for this request (null for nothing). */
  @SuppressWarnings("unchecked")
  public static <A> A admitted(RoutingContext ctx) {
    java.util.Optional<A> admitted = ctx.get(ADMITTED);
    return admitted == null ? null : admitted.orElse(null);
  }

  /** Stores the decoded file of an {@link #encoded} request (within {@code upload.max-bytes}) with its record. */
  public Future<FileRecord> storeEncoded(io.vertx.core.buffer.Buffer bytes, CommitRequest request) {
    return intake.store(bytes, request);
  }

  private static long declaredLength(String length) {
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      throw Failure.of(Failure.Kind.MALFORMED_BODY, "Content-Length is not a number");
    }
  }

  /** Answers a request whose body cannot be decoded any further, then ends its connection (HTTP/1) or stream. */
  private static void refuseBroken(RoutingContext ctx, EncodedRoute<?> route, Failure failure, String address) {
    LOG.info("upload from {} refused: {}", address, failure.getMessage());
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    boolean http2 = ctx.request().version() == HttpVersion.HTTP_2;
    if (!http2) {
      response.putHeader("Connection", "close");
    }
    // written out at once by the HTTP front's early-answer flush, before the close below
    route.refuse(response, failure);
    if (http2) {
      response.reset();
    } else {
      ctx.request().connection().close();
    }
  }

  /**
   * Answers an encoded request before its body was read, as {@link Exchange#fail} does: HTTP/1 with
   * {@code Connection: close}, the rest of the body read and dropped and the connection closed after
   * {@link #DRAIN_MS} at the latest; HTTP/2 by resetting the stream once the answer is out.
   */
  private static void refuseEarly(RoutingContext ctx, EncodedRoute<?> route, Failure failure, String address) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    switch (failure.kind()) {
      case STORE_FAILED, SQL_UNAVAILABLE, REDIS_UNAVAILABLE ->
        LOG.warn("upload from {} failed: {}", address, failure.getMessage());
      default -> LOG.debug("upload from {} refused: {}", address, failure.getMessage());
    }
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    if (!http2) {
      response.putHeader("Connection", "close");
    } else {
      ctx.addBodyEndHandler(v -> response.reset());
    }
    route.refuse(response, failure);
    if (!http2 && !request.isEnded()) {
      request.handler(ignored -> { });
      request.resume();
      ctx.vertx().setTimer(DRAIN_MS, id -> {
        if (!response.closed()) {
          request.connection().close();
        }
      });
    }
  }

  /** One request. Runs on the request's event loop only. */
  private final class Exchange<A, R> implements MultipartParser.Listener {
    private final Vertx vertx;
    private final RoutingContext ctx;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Route<A, R> route;
    private final String address;
    private final List<Part> files = new ArrayList<>();
    private final MultiMap fields = MultiMap.caseInsensitiveMultiMap();
    private UploadGate.Permit permit;
    private A admitted;
    private String boundary;
    private MultipartParser parser;
    /** The file part whose bytes are arriving; null between parts and for parts that are dropped. */
    private Part current;
    private boolean dropping;
    /** What holds the body back (a part waiting for its store, a full credit window); null while reading. */
    private Object heldBy;
    private boolean reading;
    private boolean requestEnded;
    private boolean closeSeen;
    private boolean completing;
    private boolean answered;
    private long bytes;
    private long lastWireMs;
    private long timer = -1;
    private boolean resetWhenEnded;
    /** The body is the one file itself (not multipart). */
    private boolean raw;
    private java.security.MessageDigest digest;

    Exchange(RoutingContext ctx, Route<A, R> route) {
      this.vertx = ctx.vertx();
      this.ctx = ctx;
      this.request = ctx.request();
      this.response = ctx.response();
      this.route = route;
      this.address = clientAddress.of(request);
    }

    void start() {
      request.pause();
      response.closeHandler(v -> {
        // The client went away: nothing is committed, the storage side drops what it wrote.
        answered = true;
        finish();
        files.forEach(p -> p.staged().abort());
        // this handler takes the place of the one the access log set (a response has one)
        RequestTrace.of(ctx).ifPresent(RequestTrace::closed);
      });
      response.endHandler(v -> {
        if (resetWhenEnded) {
          // HTTP/2: the answer is out; the rest of this stream's body is not wanted.
          response.reset();
        }
        finish();
      });
      String headerAppKey = route.appKey(request);
      RequestTrace.of(ctx).ifPresent(t -> t.appKey(headerAppKey).operation(NodeMetrics.Operation.UPLOAD));
      try {
        permit = gate.acquire(headerAppKey, address);
      } catch (Failure f) {
        metrics.uploadRefusedForOverload();
        response.putHeader("Retry-After", "1");
        fail(f);
        return;
      }
      Future<A> admission;
      try {
        checkHeaders();
        admission = route.admit(request);
      } catch (RuntimeException e) {
        admission = Future.failedFuture(e);
      }
      admission.onComplete(ar -> {
        if (answered) {
          return;
        }
        if (ar.failed()) {
          fail(ar.cause());
        } else {
          admitted = ar.result();
          read();
        }
      });
    }

    private void checkHeaders() {
      String contentType = request.getHeader("Content-Type");
      if (route.takesRawBody() && !MultipartBody.isMultipart(contentType)) {
        if (hasNoBody()) {
          throw Failure.of(Failure.Kind.EMPTY_BODY, "no body");
        }
        raw = true;
        checkDeclaredLength();
        return;
      }
      if (!MultipartBody.isMultipart(contentType)) {
        throw hasNoBody() ? Failure.of(Failure.Kind.EMPTY_BODY, "no body")
          : Failure.of(Failure.Kind.MALFORMED_BODY, "not multipart/form-data");
      }
      boundary = MultipartBody.boundary(contentType)
        .orElseThrow(() -> Failure.of(Failure.Kind.MALFORMED_BODY, "multipart/form-data without a usable boundary"));
      checkDeclaredLength();
    }

    private void checkDeclaredLength() {
      String length = request.getHeader("Content-Length");
      if (length != null) {
        long declared;
        try {
          declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
          throw Failure.of(Failure.Kind.MALFORMED_BODY, "Content-Length is not a number");
        }
        if (declared > limits.maxRequestBytes()) {
          throw Failure.invalid(MultipartBody.BODY_SIZE);
        }
      }
    }

    private boolean hasNoBody() {
      String length = request.getHeader("Content-Length");
      return "0".equals(length) || (length == null && request.version() != HttpVersion.HTTP_2
        && request.getHeader("Transfer-Encoding") == null);
    }

    private void read() {
      if (route.hashesBody(admitted)) {
        try {
          digest = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
          throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
      }
      if (!raw) {
        parser = new MultipartParser(boundary,
          new MultipartParser.Limits(limits.maxFieldBytes(), limits.maxFields(), limits.maxParts()), this);
      }
      request.handler(this::onData);
      request.exceptionHandler(t -> fail(BodyFailures.of(t)));
      request.endHandler(v -> onEnd());
      reading = true;
      lastWireMs = System.currentTimeMillis();
      long idleMs = limits.idleTimeoutSeconds() * 1000L;
      timer = vertx.setPeriodic(Math.max(50, idleMs / 4), id -> tick(idleMs));
      if (raw) {
        // the whole body is the one file: its part begins before its first byte (and holds the body until
        // its store is open)
        fileStart(route.filePart(), null, request.getHeader("Content-Type"));
        if (heldBy != null || answered) {
          return;
        }
      }
      request.resume();
    }

    private void onData(Buffer data) {
      lastWireMs = System.currentTimeMillis();
      if (answered) {
        return;
      }
      bytes += data.length();
      if (bytes > limits.maxRequestBytes()) {
        fail(Failure.invalid(MultipartBody.BODY_SIZE));
        return;
      }
      if (digest != null) {
        // over the read's own memory, not a copy of it
        for (java.nio.ByteBuffer slice : BufferSlices.nio(data)) {
          digest.update(slice);
        }
      }
      if (raw) {
        fileData(data);
        return;
      }
      try {
        parser.feed(data);
      } catch (Failure f) {
        fail(f);
      }
    }

    private void onEnd() {
      requestEnded = true;
      if (answered) {
        return;
      }
      if (raw) {
        fileEnd();
        closeSeen = true;
        complete();
        return;
      }
      try {
        // throws at once, or once the held-back input is parsed, when the close delimiter never came
        parser.endOfInput();
      } catch (Failure f) {
        fail(f);
        return;
      }
      complete();
    }

    // ---------------------------------------------------------------- what the parser finds

    @Override
    public void field(String name, String value) {
      fields.add(name, value);
    }

    @Override
    public void fileStart(String name, String filename, String contentType) {
      if (answered || !route.filePart().equals(name) || files.size() >= route.maxFiles()) {
        dropping = true;
        return;
      }
      // No byte of the part goes anywhere until the fields before it are checked and its store is open.
      Object opening = new Object();
      hold(opening);
      Future<StoreKind> store;
      try {
        store = route.storeFor(admitted, fields);
      } catch (RuntimeException e) {
        store = Future.failedFuture(e);
      }
      store.compose(kind -> intake.stage(kind == null ? StoreKind.DURABLE : kind)).onComplete(ar -> {
        if (ar.failed()) {
          fail(ar.cause());
          return;
        }
        FileIntake.Staged staged = ar.result();
        if (answered) {
          staged.abort();
          return;
        }
        Part part = new Part(staged, filename, contentType);
        files.add(part);
        current = part;
        staged.received().onFailure(this::fail);
        staged.drainHandler(v -> release(part));
        release(opening);
      });
    }

    @Override
    public void fileData(Buffer data) {
      if (dropping || current == null || answered) {
        return;
      }
      current.staged().write(data);
      if (current.staged().full()) {
        hold(current);
      }
    }

    @Override
    public void fileEnd() {
      if (current != null && !answered) {
        current.staged().end();
      }
      current = null;
      dropping = false;
    }

    @Override
    public void end() {
      closeSeen = true;
    }

    /** Stops reading the body (the parser keeps what it was fed) until {@link #release} by the same holder. */
    private void hold(Object holder) {
      heldBy = holder;
      if (parser != null) {
        parser.pause();
      }
      request.pause();
    }

    private void release(Object holder) {
      if (heldBy != holder || answered) {
        return;
      }
      heldBy = null;
      try {
        if (parser != null) {
          parser.resume();
        }
      } catch (Failure f) {
        fail(f);
        return;
      }
      if (heldBy == null && !answered) {
        request.resume();
        complete();
      }
    }

    // ---------------------------------------------------------------- the commit

    private void complete() {
      if (answered || completing || !requestEnded || !closeSeen || heldBy != null) {
        return;
      }
      completing = true;
      Future.all(files.stream().map(p -> p.staged().received()).toList())
        .compose(v -> {
          if (digest != null) {
            route.bodyHashed(admitted, java.util.HexFormat.of().formatHex(digest.digest()));
          }
          return Future.succeededFuture();
        })
        .compose(v -> route.plan(admitted, fields, files.stream()
          .map(p -> new ReceivedFile(p.filename(), p.contentType(), p.staged().size())).toList()))
        .compose(this::commitAll)
        .compose(records -> route.committed(admitted, records))
        .onSuccess(this::succeed)
        .onFailure(this::fail);
    }

    /** Every file's bytes, then all records in one transaction; on any failure, none of them. */
    private Future<List<FileRecord>> commitAll(List<CommitRequest> plans) {
      if (plans.size() != files.size()) {
        return Future.failedFuture(new IllegalStateException("a commit request per received file is required"));
      }
      if (!plans.isEmpty()) {
        RequestTrace.of(ctx).ifPresent(t -> t.appKey(plans.get(0).appKey()).store(plans.get(0).store().column()));
      }
      List<Future<FileRecord>> committed = new ArrayList<>();
      for (int i = 0; i < plans.size(); i++) {
        committed.add(files.get(i).staged().commitBytes(plans.get(i)));
      }
      return Future.join(committed).transform(all -> {
        List<FileRecord> records = committed.stream().filter(Future::succeeded).map(Future::result).toList();
        if (all.failed()) {
          return dropBytes(records).transform(v -> Future.failedFuture(all.cause()));
        }
        return stores.records().insertAll(records)
          .map(stored -> {
            RequestTrace.of(ctx).ifPresent(t -> t.fileId(String.join(",", stored.stream().map(FileRecord::fileId).toList())));
            stored.forEach(stores.recordCache()::remember);
            return stored;
          })
          .recover(t -> dropBytes(records).transform(v -> Future.failedFuture(t)));
      });
    }

    private Future<Void> dropBytes(List<FileRecord> records) {
      return Future.join(records.stream().map(r -> stores.of(r.store()).delete(r)).toList()).mapEmpty();
    }

    private void tick(long idleMs) {
      if (answered) {
        finish();
        return;
      }
      files.forEach(p -> p.staged().nudge());
      // Silence counts only while we are reading: not while the server holds the body back (a store
      // opening, a full credit window), and not once the body is complete.
      boolean waitingForClient = reading && heldBy == null && !requestEnded;
      long now = System.currentTimeMillis();
      if (!waitingForClient) {
        lastWireMs = now;
      } else if (now - lastWireMs > idleMs) {
        fail(Failure.of(Failure.Kind.ABORTED, "no data for " + idleMs / 1000 + " s"));
      }
    }

    private void succeed(R result) {
      if (answered) {
        return;
      }
      answered = true;
      // The place is given back before the answer goes out, not when the response has ended: once the
      // answer is written the client may start its next upload on another connection (another event
      // loop), which must not find this finished one still holding a place.
      finish();
      route.answer(response, result);
    }

    void fail(Throwable t) {
      if (answered) {
        return;
      }
      answered = true;
      files.forEach(p -> p.staged().abort());
      // as in succeed: the place is free before the answer is out
      finish();
      Failure failure = Failure.wrap(t, Failure.Kind.STORE_FAILED);
      log(failure);
      boolean bodyUnread = !requestEnded;
      boolean http2 = request.version() == HttpVersion.HTTP_2;
      if (bodyUnread && !http2) {
        // The rest of the body is not read: answer now and close the connection behind the answer.
        response.putHeader("Connection", "close");
      }
      resetWhenEnded = bodyUnread && http2;
      if (!response.ended() && !response.closed()) {
        route.refuse(response, failure);
      }
      if (bodyUnread) {
        if (!http2) {
          // Closing now would reset the connection under a client still sending, and it could lose the
          // answer. The rest of the body is read and dropped (nothing is kept), Vert.x closes the
          // connection once it ends, and a client that keeps sending is cut off after DRAIN_MS.
          request.handler(ignored -> { });
          request.resume();
          vertx.setTimer(DRAIN_MS, id -> {
            if (!response.closed()) {
              request.connection().close();
            }
          });
        }
      }
      finish();
    }

    private void log(Failure failure) {
      switch (failure.kind()) {
        case STORE_FAILED, SQL_UNAVAILABLE, REDIS_UNAVAILABLE ->
          LOG.warn("upload from {} failed: {}", address, failure.getMessage());
        case MALFORMED_BODY -> LOG.info("upload from {} refused: {}", address, failure.getMessage());
        default -> LOG.debug("upload from {} refused: {}", address, failure.getMessage());
      }
    }

    private void finish() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      if (permit != null) {
        permit.release();
      }
    }
  }

  private record Part(FileIntake.Staged staged, String filename, String contentType) {
  }
}
