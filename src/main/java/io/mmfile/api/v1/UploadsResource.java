package io.mmfile.api.v1;

import io.mmfile.files.UploadGate;
import io.mmfile.platform.ClientAddress;
import io.mmfile.platform.Failure;
import io.mmfile.platform.RequestTrace;
import io.mmfile.uploads.ResumableFailure;
import io.mmfile.uploads.ResumableUpload;
import io.mmfile.uploads.ResumableUploads;
import io.mmfile.uploads.UploadMetadata;
import io.mmfile.uploads.UploadOwner;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/uploads}: tus 1.0 (https://tus.io/protocols/resumable-upload), the core protocol
 * (HEAD, PATCH, OPTIONS) and the {@code creation}, {@code creation-with-upload}, {@code termination},
 * {@code expiration} and {@code checksum} extensions, over {@link ResumableUploads}. The operations are
 * the document's ({@code tags: [uploads]}); those with a body are streamed: it goes to the part file as
 * it arrives, never through a body-buffering handler. tus's own answers keep its statuses (409 offset
 * mismatch, 412 version, 413 too large, 410 gone, 423 locked, 460 checksum mismatch) with a problem
 * body; the PATCH that completes an upload answers its file's id in {@code Mmfile-File-Id}.
 */
public final class UploadsResource implements ApiResource {
  private static final Logger LOG = LoggerFactory.getLogger(UploadsResource.class);
  public static final String PATH = ApiRoutes.BASE + "/uploads";
  public static final String VERSION = "1.0.0";
  public static final String EXTENSIONS = "creation,creation-with-upload,termination,expiration,checksum";
  public static final String CHECKSUM_ALGORITHMS = "sha1,sha256";
  public static final String FILE_ID = "Mmfile-File-Id";
  static final String OFFSET_STREAM = "application/offset+octet-stream";
  private static final String CLIENT_GONE = "mmfile.uploads.client-gone";
  private static final Pattern NUMBER = Pattern.compile("\\d{1,19}");
  /** How long a refused request's unread body is read and dropped before its connection is closed. */
  private static final long DRAIN_MS = 10_000;
  private static final byte[] EMPTY_SHA256 = HexFormat.of().parseHex(
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private final ResumableUploads uploads;
  private final ApiAdmission admission;
  private final UploadGate gate;
  private final ClientAddress clientAddress;

  public UploadsResource(ResumableUploads uploads, ApiAdmission admission, UploadGate gate, ClientAddress clientAddress) {
    this.uploads = uploads;
    this.admission = admission;
    this.gate = gate;
    this.clientAddress = clientAddress;
  }

  @Override
  public Map<String, Handler<RoutingContext>> operations() {
    return Map.of(
      "getUploadCapabilities", this::options,
      "createUpload", this::create,
      "getUploadOffset", ctx -> head(ctx, ApiRequest.of(ctx)),
      "appendToUpload", ctx -> admitted(ctx, admitted -> patch(ctx, admitted)),
      "terminateUpload", ctx -> terminate(ctx, ApiRequest.of(ctx)),
      "overrideUploadMethod", this::overridden);
  }

  /**
   * {@code POST} with {@code X-HTTP-Method-Override}, for clients that cannot send PATCH or DELETE
   * (Java's {@code HttpURLConnection}, and so the official Java tus client, cannot send PATCH).
   */
  private void overridden(RoutingContext ctx) {
    String method = ctx.request().getHeader("X-HTTP-Method-Override");
    admitted(ctx, admitted -> {
      switch (method.trim().toUpperCase(java.util.Locale.ROOT)) {
        case "PATCH" -> patch(ctx, admitted);
        case "DELETE" -> terminate(ctx, admitted);
        default -> head(ctx, admitted);
      }
    });
  }

  /** A streamed operation: the version, then the document's checks (credentials, headers), the body unread. */
  private void admitted(RoutingContext ctx, Handler<ApiRequest> next) {
    ctx.request().pause();
    // from the start: a client that goes away during the checks must be seen too
    watchClient(ctx);
    if (!speaksTus(ctx)) {
      return;
    }
    admission.admit(ctx).onSuccess(next).onFailure(t -> refuse(ctx, t));
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
    admitted(ctx, admitted -> create(ctx, admitted));
  }

  private void create(RoutingContext ctx, ApiRequest admitted) {
    HttpServerRequest request = ctx.request();
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
    UploadOwner owner = owner(admitted);
    signed(admitted, withBytes)
      .compose(signed -> uploads.create(owner, length, metadata).compose(created -> {
        ctx.response().putHeader(HttpHeaders.LOCATION, PATH + "/" + created.id());
        if (!withBytes && created.length() > 0) {
          return Future.succeededFuture(created);
        }
        return uploads.append(owner, created.id(), 0, checksum, signed, request, declaredLength(request), clientGone);
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

  private void head(RoutingContext ctx, ApiRequest admitted) {
    String id = admitted.path("id");
    uploads.status(owner(admitted), id).onComplete(ar -> {
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

  private void patch(RoutingContext ctx, ApiRequest admitted) {
    HttpServerRequest request = ctx.request();
    String id = admitted.path("id");
    long offset;
    ResumableUploads.Checksum checksum;
    try {
      if (!OFFSET_STREAM.equals(contentType(request))) {
        refuse(ctx, 415, "unsupported_media_type", "Unsupported media type", "a PATCH body must be " + OFFSET_STREAM);
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
    signed(admitted, true)
      .compose(signed -> uploads.append(owner(admitted), id, offset, checksum, signed, request, declaredLength(request),
        clientGone))
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

  private void terminate(RoutingContext ctx, ApiRequest admitted) {
    if (!speaksTus(ctx)) {
      return;
    }
    String id = admitted.path("id");
    signed(admitted, false).compose(v -> uploads.terminate(owner(admitted), id)).onComplete(ar -> {
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
      refuse(ctx, 412, "unsupported_version", "Unsupported tus version", "Tus-Resumable must be " + VERSION);
      return false;
    }
    return true;
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

  /** Who the upload is for: the account of an access token, or the app key of a signature. */
  private static UploadOwner owner(ApiRequest admitted) {
    Caller caller = admitted.caller();
    return caller.isAccount() ? UploadOwner.account(caller.accountId()) : UploadOwner.app(caller.appKey());
  }

  /**
   * The body hash an app key signed, as a digest the bytes must match (checked as they arrive, like a
   * checksum), or null when nothing was signed. A request that takes no bytes must have signed the hash
   * of an empty body.
   */
  private static Future<byte[]> signed(ApiRequest admitted, boolean takesBytes) {
    Caller caller = admitted.caller();
    if (caller == null || !caller.bodyHashSigned()) {
      return Future.succeededFuture();
    }
    byte[] digest = HexFormat.of().parseHex(caller.contentSha256());
    if (!takesBytes && !MessageDigest.isEqual(digest, EMPTY_SHA256)) {
      return Future.failedFuture(Failure.of(Failure.Kind.BAD_SIGNATURE, HmacSignature.CONTENT_SHA256
        + " does not match the body"));
    }
    return Future.succeededFuture(digest);
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
    Future<Void> watched = ctx.get(CLIENT_GONE);
    if (watched != null) {
      return watched;
    }
    io.vertx.core.Promise<Void> gone = io.vertx.core.Promise.promise();
    ctx.response().closeHandler(v -> {
      LOG.debug("{} {}: the client went away", ctx.request().method(), ctx.request().path());
      gone.tryComplete();
      // this handler takes the place of the one the access log set (a response has one)
      RequestTrace.of(ctx).ifPresent(RequestTrace::closed);
    });
    if (ctx.response().closed()) {
      gone.tryComplete();
    }
    ctx.put(CLIENT_GONE, gone.future());
    return gone.future();
  }

  // ---- answers

  private void refuse(RoutingContext ctx, Throwable t) {
    Problem problem;
    if (t instanceof ResumableFailure rf) {
      problem = switch (rf.reason()) {
        case NOT_FOUND -> Problem.of(404, "not_found", "Not found", rf.getMessage());
        case GONE -> Problem.of(410, "upload_gone", "Upload gone", rf.getMessage());
        case OFFSET_MISMATCH -> Problem.of(409, "offset_mismatch", "Offset mismatch", rf.getMessage());
        case CHECKSUM_MISMATCH -> Problem.of(460, "checksum_mismatch", "Checksum mismatch", rf.getMessage());
        case TOO_LARGE -> Problem.of(413, "payload_too_large", "Payload too large", rf.getMessage());
        case LOCKED -> Problem.of(423, "upload_locked", "Upload locked", rf.getMessage()).retryAfter(1);
        case ELSEWHERE -> Problem.of(421, "upload_elsewhere", "Upload on another node", rf.getMessage());
        case INTERRUPTED -> Problem.of(400, "upload_interrupted", "Upload interrupted", rf.getMessage());
      };
    } else {
      Failure failure = Failure.wrap(t, Failure.Kind.STORE_FAILED);
      RequestTrace.noteFailure(ctx, failure);
      if (failure.kind() == Failure.Kind.STORE_FAILED || failure.kind() == Failure.Kind.SQL_UNAVAILABLE
        || failure.kind() == Failure.Kind.REDIS_UNAVAILABLE) {
        LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), failure.getMessage());
      }
      problem = Problem.of(failure);
    }
    refuse(ctx, problem);
  }

  private void refuse(RoutingContext ctx, int status, String code, String title, String detail) {
    refuse(ctx, Problem.of(status, code, title, detail));
  }

  /** The problem, with Tus-Resumable; a request whose body was not read has it read and dropped, then its connection closed. */
  private static void refuse(RoutingContext ctx, Problem problem) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    HttpServerRequest request = ctx.request();
    boolean bodyUnread = !request.isEnded() && hasBody(request);
    if (bodyUnread && request.version() != HttpVersion.HTTP_2) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    response.putHeader("Tus-Resumable", VERSION);
    if (problem.status() == 460) {
      response.setStatusMessage("Checksum Mismatch");
    }
    problem.send(ctx);
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
}
