package io.mmfile.api.v1;

import io.mmfile.auth.TokenService;
import io.mmfile.files.UploadGate;
import io.mmfile.platform.ClientAddress;
import io.mmfile.platform.Dialect;
import io.mmfile.platform.Failure;
import io.mmfile.platform.RequestTrace;
import io.mmfile.uploads.ResumableFailure;
import io.mmfile.uploads.ResumableUpload;
import io.mmfile.uploads.ResumableUploads;
import io.mmfile.uploads.UploadMetadata;
import io.mmfile.uploads.UploadOwner;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * tus 1.0 at {@code /api/v1/uploads} (https://tus.io/protocols/resumable-upload): the core protocol
 * (HEAD, PATCH, OPTIONS) and the {@code creation}, {@code creation-with-upload}, {@code termination},
 * {@code expiration} and {@code checksum} extensions, over {@link ResumableUploads}. The routes stream:
 * a PATCH body goes to the part file as it arrives, never through a body-buffering handler. Protocol
 * answers keep the statuses tus gives them (409 offset mismatch, 412 version, 413 too large, 410 gone,
 * 460 checksum mismatch), with an RFC 9457 problem+json body; the PATCH that completes an upload
 * answers its file's id in {@code Mmfile-File-Id}.
 */
public final class TusRoutes implements Dialect {
  private static final Logger LOG = LoggerFactory.getLogger(TusRoutes.class);
  public static final String PATH = "/api/v1/uploads";
  public static final String VERSION = "1.0.0";
  public static final String EXTENSIONS = "creation,creation-with-upload,termination,expiration,checksum";
  public static final String CHECKSUM_ALGORITHMS = "sha1,sha256";
  public static final String FILE_ID = "Mmfile-File-Id";
  static final String OFFSET_STREAM = "application/offset+octet-stream";
  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern NUMBER = Pattern.compile("\\d{1,19}");
  /** How long a refused request's unread body is read and dropped before its connection is closed. */
  private static final long DRAIN_MS = 10_000;
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private final ResumableUploads uploads;
  private final TokenService tokens;
  private final UploadGate gate;
  private final ClientAddress clientAddress;

  public TusRoutes(ResumableUploads uploads, TokenService tokens, UploadGate gate, ClientAddress clientAddress) {
    this.uploads = uploads;
    this.tokens = tokens;
    this.gate = gate;
    this.clientAddress = clientAddress;
  }

  @Override
  public void mount(Router router) {
    router.options(PATH).handler(this::options);
    router.options(PATH + "/:id").handler(this::options);
    router.post(PATH).handler(this::create);
    router.head(PATH + "/:id").handler(this::head);
    router.patch(PATH + "/:id").handler(this::patch);
    router.delete(PATH + "/:id").handler(this::terminate);
    router.post(PATH + "/:id").handler(this::overridden);
  }

  /**
   * {@code POST} with {@code X-HTTP-Method-Override}, for clients that cannot send PATCH or DELETE
   * (Java's {@code HttpURLConnection}, and so the official Java tus client, cannot send PATCH).
   */
  private void overridden(RoutingContext ctx) {
    String method = ctx.request().getHeader("X-HTTP-Method-Override");
    switch (method == null ? "" : method.trim().toUpperCase(java.util.Locale.ROOT)) {
      case "PATCH" -> patch(ctx);
      case "DELETE" -> terminate(ctx);
      case "HEAD" -> head(ctx);
      default -> {
        ctx.request().pause();
        refuse(ctx, 405, "POST on an upload needs X-HTTP-Method-Override: PATCH, DELETE or HEAD");
      }
    }
  }

  @Override
  public boolean answerUnrouted(RoutingContext ctx, int status) {
    String path = ctx.normalizedPath();
    if (path == null || !(path.equals(PATH) || path.startsWith(PATH + "/"))) {
      return false;
    }
    ctx.response().putHeader("Tus-Resumable", VERSION);
    problem(ctx, status, status == 404 ? "no such resource" : status == 405 ? "method not allowed" : "internal error");
    return true;
  }

  /** Protocol discovery: no credentials needed. */
  private void options(RoutingContext ctx) {
    ctx.response().setStatusCode(204)
      .putHeader("Tus-Resumable", VERSION)
      .putHeader("Tus-Version", VERSION)
      .putHeader("Tus-Extension", EXTENSIONS)
      .putHeader("Tus-Max-Size", Long.toString(uploads.maxBytes()))
      .putHeader("Tus-Checksum-Algorithm", CHECKSUM_ALGORITHMS)
      .end();
  }

  /** POST: creation, and creation-with-upload when the request carries bytes. */
  private void create(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause();
    if (!speaksTus(ctx)) {
      return;
    }
    long length;
    UploadMetadata metadata;
    ResumableUploads.Checksum checksum;
    boolean withBytes = OFFSET_STREAM.equals(contentType(request));
    try {
      if (request.getHeader("Upload-Defer-Length") != null) {
        throw Failure.about(Failure.Kind.INVALID_PARAMETER, "Upload-Defer-Length",
          "this server needs Upload-Length at creation (creation-defer-length is not offered)");
      }
      if (request.getHeader("Upload-Concat") != null) {
        throw Failure.about(Failure.Kind.INVALID_PARAMETER, "Upload-Concat", "concatenation is not offered");
      }
      length = number(request, "Upload-Length");
      metadata = UploadMetadata.parse(request.getHeader("Upload-Metadata"));
      checksum = withBytes ? checksum(request) : null;
      if (!withBytes && hasBody(request)) {
        throw Failure.about(Failure.Kind.INVALID_PARAMETER, "Content-Type",
          "bytes sent with the creation must be " + OFFSET_STREAM);
      }
    } catch (IllegalArgumentException e) {
      refuse(ctx, Failure.about(Failure.Kind.INVALID_PARAMETER, "Upload-Metadata", e.getMessage()));
      return;
    } catch (Failure f) {
      refuse(ctx, f);
      return;
    }
    UploadGate.Permit permit = withBytes ? enter(ctx) : null;
    if (withBytes && permit == null) {
      return;
    }
    Future<Void> clientGone = watchClient(ctx);
    owner(ctx)
      .compose(owner -> uploads.create(owner, length, metadata).compose(created -> {
        ctx.response().putHeader(HttpHeaders.LOCATION, PATH + "/" + created.id());
        if (!withBytes && created.length() > 0) {
          return Future.succeededFuture(created);
        }
        return uploads.append(owner, created.id(), 0, checksum, request, declaredLength(request), clientGone);
      }))
      .onComplete(ar -> {
        if (permit != null) {
          permit.release();
        }
        if (ar.failed()) {
          refuse(ctx, ar.cause());
          return;
        }
        HttpServerResponse response = ctx.response().setStatusCode(201);
        progress(response, ar.result());
        end(ctx);
      });
  }

  private void head(RoutingContext ctx) {
    String id = id(ctx);
    if (id == null) {
      return;
    }
    owner(ctx).compose(owner -> uploads.status(owner, id)).onComplete(ar -> {
      if (ar.failed()) {
        refuse(ctx, ar.cause());
        return;
      }
      ResumableUpload upload = ar.result();
      HttpServerResponse response = ctx.response().setStatusCode(200)
        .putHeader("Upload-Length", Long.toString(upload.length()))
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
      if (upload.metadata() != null) {
        response.putHeader("Upload-Metadata", upload.metadata());
      }
      progress(response, upload);
      end(ctx);
    });
  }

  private void patch(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause();
    if (!speaksTus(ctx)) {
      return;
    }
    String id = id(ctx);
    if (id == null) {
      return;
    }
    long offset;
    ResumableUploads.Checksum checksum;
    try {
      if (!OFFSET_STREAM.equals(contentType(request))) {
        refuse(ctx, 415, "a PATCH body must be " + OFFSET_STREAM);
        return;
      }
      offset = number(request, "Upload-Offset");
      checksum = checksum(request);
    } catch (Failure f) {
      refuse(ctx, f);
      return;
    }
    UploadGate.Permit permit = enter(ctx);
    if (permit == null) {
      return;
    }
    Future<Void> clientGone = watchClient(ctx);
    owner(ctx)
      .compose(owner -> uploads.append(owner, id, offset, checksum, request, declaredLength(request), clientGone))
      .onComplete(ar -> {
        permit.release();
        if (ar.failed()) {
          refuse(ctx, ar.cause());
          return;
        }
        HttpServerResponse response = ctx.response().setStatusCode(204);
        progress(response, ar.result());
        end(ctx);
      });
  }

  private void terminate(RoutingContext ctx) {
    ctx.request().pause();
    if (!speaksTus(ctx)) {
      return;
    }
    String id = id(ctx);
    if (id == null) {
      return;
    }
    owner(ctx).compose(owner -> uploads.terminate(owner, id)).onComplete(ar -> {
      if (ar.failed()) {
        refuse(ctx, ar.cause());
        return;
      }
      ctx.response().setStatusCode(204);
      end(ctx);
    });
  }

  // ---- headers

  /** Upload-Offset, and Upload-Expires while incomplete or Mmfile-File-Id once it is a file. */
  private static void progress(HttpServerResponse response, ResumableUpload upload) {
    if (upload.complete()) {
      response.putHeader("Upload-Offset", Long.toString(upload.length())).putHeader(FILE_ID, upload.fileId());
    } else {
      response.putHeader("Upload-Offset", Long.toString(upload.offset()));
    }
    response.putHeader("Upload-Expires", HTTP_DATE.format(Instant.ofEpochMilli(upload.expiresMs())));
  }

  /** Every request but OPTIONS and HEAD names the protocol version; another one is refused with 412. */
  private boolean speaksTus(RoutingContext ctx) {
    if (!VERSION.equals(ctx.request().getHeader("Tus-Resumable"))) {
      ctx.response().putHeader("Tus-Version", VERSION);
      refuse(ctx, 412, "Tus-Resumable must be " + VERSION);
      return false;
    }
    return true;
  }

  private String id(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || !ID.matcher(id).matches()) {
      refuse(ctx, 404, "no such upload");
      return null;
    }
    return id;
  }

  private static long number(HttpServerRequest request, String header) {
    String value = request.getHeader(header);
    if (value == null || !NUMBER.matcher(value.trim()).matches()) {
      throw Failure.about(Failure.Kind.INVALID_PARAMETER, header, header + " must be a non-negative whole number");
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw Failure.about(Failure.Kind.INVALID_PARAMETER, header, header + " is too large");
    }
  }

  /** {@code Upload-Checksum: <algorithm> <base64 digest>}, or null when absent. */
  private static ResumableUploads.Checksum checksum(HttpServerRequest request) {
    String value = request.getHeader("Upload-Checksum");
    if (value == null) {
      return null;
    }
    String[] parts = value.trim().split(" +");
    if (parts.length != 2) {
      throw Failure.about(Failure.Kind.INVALID_PARAMETER, "Upload-Checksum", "Upload-Checksum must be '<algorithm> <base64>'");
    }
    String jdk = ResumableUploads.Checksum.jdkName(parts[0]);
    if (jdk == null) {
      throw Failure.about(Failure.Kind.INVALID_PARAMETER, "Upload-Checksum",
        "checksum algorithm '" + parts[0] + "' is not offered; Tus-Checksum-Algorithm: " + CHECKSUM_ALGORITHMS);
    }
    byte[] digest;
    try {
      digest = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw Failure.about(Failure.Kind.INVALID_PARAMETER, "Upload-Checksum", "the Upload-Checksum digest is not base64");
    }
    int expected = jdk.equals("SHA-256") ? 32 : 20;
    if (digest.length != expected) {
      throw Failure.about(Failure.Kind.INVALID_PARAMETER, "Upload-Checksum",
        "a " + parts[0] + " digest is " + expected + " bytes, this one is " + digest.length);
    }
    return new ResumableUploads.Checksum(parts[0], digest);
  }

  private static String contentType(HttpServerRequest request) {
    String value = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (value == null) {
      return null;
    }
    int semicolon = value.indexOf(';');
    return (semicolon < 0 ? value : value.substring(0, semicolon)).trim().toLowerCase(java.util.Locale.ROOT);
  }

  private static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    try {
      return length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return length != null ? !"0".equals(length.trim()) : request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }

  // ---- who, and how many

  /** The caller, from a Bearer access token (the same tokens as srv and weidu). */
  private Future<UploadOwner> owner(RoutingContext ctx) {
    String token = TokenService.bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    if (token == null) {
      return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "an access token is needed (Authorization: Bearer)"));
    }
    return tokens.authenticate(token).map(who -> UploadOwner.account(who.uid()));
  }

  /** A place in the node's upload gate for a request with bytes, or a 503 answer and null. */
  private UploadGate.Permit enter(RoutingContext ctx) {
    try {
      UploadGate.Permit permit = gate.acquire(null, clientAddress.of(ctx.request()));
      ctx.addEndHandler(v -> permit.release());
      return permit;
    } catch (Failure f) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
      refuse(ctx, f);
      return null;
    }
  }

  /**
   * Completes when the client goes away mid-request (its connection closes before the answer): the
   * body is cut off there, and a later request on the upload waits for this one to settle.
   */
  private static Future<Void> watchClient(RoutingContext ctx) {
    io.vertx.core.Promise<Void> gone = io.vertx.core.Promise.promise();
    ctx.response().closeHandler(v -> {
      gone.tryComplete();
      // this handler takes the place of the one the access log set (a response has one)
      RequestTrace.of(ctx).ifPresent(RequestTrace::closed);
    });
    return gone.future();
  }

  // ---- answers

  private void refuse(RoutingContext ctx, Throwable t) {
    if (t instanceof ResumableFailure rf) {
      refuse(ctx, switch (rf.reason()) {
        case NOT_FOUND -> 404;
        case GONE -> 410;
        case OFFSET_MISMATCH -> 409;
        case CHECKSUM_MISMATCH -> 460;
        case TOO_LARGE -> 413;
        case LOCKED -> 423;
        case ELSEWHERE -> 421;
      }, rf.getMessage());
      return;
    }
    Failure failure = Failure.wrap(t, Failure.Kind.STORE_FAILED);
    RequestTrace.noteFailure(ctx, failure);
    int status = switch (failure.kind()) {
      case INVALID_PARAMETER, EMPTY_BODY, MALFORMED_BODY -> 400;
      case UNAUTHORIZED, TOKEN_EXPIRED, SESSION_REPLACED, BAD_SIGNATURE -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case UNSUPPORTED_CONTENT -> 415;
      case RATE_LIMITED -> 429;
      case OVERLOADED, SQL_UNAVAILABLE, REDIS_UNAVAILABLE, STORE_FAILED -> 503;
      case ABORTED -> 400;
      default -> 400;
    };
    if (status == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    if (status == 503) {
      LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), failure.getMessage());
      if (ctx.response().headers().get(HttpHeaders.RETRY_AFTER) == null) {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
      }
    }
    String detail = failure.kind() == Failure.Kind.INVALID_PARAMETER && failure.getMessage() == null
      ? "invalid " + failure.parameter() : failure.getMessage();
    refuse(ctx, status, detail);
  }

  private void refuse(RoutingContext ctx, int status, String detail) {
    problem(ctx, status, detail);
  }

  /** An RFC 9457 problem; a request whose body was not read has it read and dropped, then its connection closed. */
  private static void problem(RoutingContext ctx, int status, String detail) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    HttpServerRequest request = ctx.request();
    boolean bodyUnread = !request.isEnded() && hasBody(request);
    if (bodyUnread && request.version() != HttpVersion.HTTP_2) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    response.setStatusCode(status).putHeader("Tus-Resumable", VERSION);
    if (status == 460) {
      response.setStatusMessage("Checksum Mismatch");
    }
    JsonObject body = new JsonObject().put("type", "about:blank").put("title", title(status)).put("status", status)
      .put("detail", detail);
    if (request.method() == io.vertx.core.http.HttpMethod.HEAD) {
      response.end();
    } else {
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json").end(body.encode());
    }
    if (bodyUnread) {
      drop(ctx);
    }
  }

  /** Reads and drops the rest of a refused body (so the client sees the answer, not a reset), then closes. */
  private static void drop(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.version() == HttpVersion.HTTP_2) {
      ctx.response().reset();
      return;
    }
    request.handler(ignored -> { });
    request.exceptionHandler(ignored -> { });
    request.endHandler(ignored -> { });
    request.resume();
    ctx.vertx().setTimer(DRAIN_MS, id -> {
      if (!ctx.response().closed()) {
        request.connection().close();
      }
    });
  }

  private static void end(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (!response.ended() && !response.closed()) {
      response.putHeader("Tus-Resumable", VERSION).end();
    }
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 412 -> "Precondition Failed";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 421 -> "Misdirected Request";
      case 423 -> "Locked";
      case 429 -> "Too Many Requests";
      case 460 -> "Checksum Mismatch";
      case 503 -> "Service Unavailable";
      default -> "Internal Server Error";
    };
  }
}
