package io.mmfile.api.daoke;

import io.mmfile.files.FileRecord;
import io.mmfile.files.FileStores;
import io.mmfile.files.FileDelivery;
import io.mmfile.files.FileExpiry;
import io.mmfile.files.Resize;
import io.mmfile.platform.Failure;
import io.mmfile.platform.NodeMetrics;
import io.mmfile.platform.RequestTrace;
import io.vertx.core.MultiMap;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET|HEAD /dfsapi/v2/gainImage} (WIRE.md §1): serves what saveImage stored, with validators,
 * caching headers and single byte ranges. Like the original, it answers bare statuses on errors
 * (400, 403, 404, 500, 503), not the JSON envelope. {@code scaling} variants come from {@link ImageVariants}.
 */
public final class GainImageHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(GainImageHandler.class);
  /** The headers {@link #serve} sets that describe the file, and that an error must not carry. */
  private static final List<CharSequence> FILE_HEADERS = List.of(HttpHeaders.ETAG, HttpHeaders.LAST_MODIFIED,
    HttpHeaders.CACHE_CONTROL, HttpHeaders.ACCEPT_RANGES, HttpHeaders.CONTENT_TYPE, HttpHeaders.CONTENT_LENGTH,
    HttpHeaders.CONTENT_DISPOSITION, "Content-Security-Policy");

  private final FileStores stores;
  private final FileExpiry expiry;
  private final FileDelivery delivery;

  public GainImageHandler(FileStores stores, FileExpiry expiry, FileDelivery delivery) {
    this.stores = stores;
    this.expiry = expiry;
    this.delivery = delivery;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    String query = request.query();
    String file;
    String scaling;
    if (query != null && PlainQuery.applies(query)) {
      file = PlainQuery.first(query, "file");
      scaling = file == null ? null : PlainQuery.first(query, "scaling");
    } else {
      MultiMap params = params(request);
      file = params == null ? null : params.get("file");
      scaling = file == null ? null : params.get("scaling");
    }
    FileName name = file == null ? null : FileName.parse(file);
    if (name == null) {
      bare(response, 400);
      return;
    }
    Resize resize;
    try {
      resize = scaling == null || scaling.isEmpty() ? null : Resize.parse(scaling);
    } catch (Failure f) {
      bare(response, statusOf(f));
      return;
    }
    String extension = name.extension();
    String fileId = name.fileId();
    RequestTrace trace = RequestTrace.orNull(ctx);
    if (trace != null) {
      trace.fileId(fileId).operation(NodeMetrics.Operation.DOWNLOAD);
    }
    long now = System.currentTimeMillis();
    stores.recordCache().find(fileId).onComplete(found -> guarded(ctx, () -> {
      if (found.failed()) {
        LOG.warn("gainImage {}: {}", fileId, found.cause().getMessage());
        bare(response, 500);
        return;
      }
      Optional<FileRecord> record = found.result();
      if (record.isEmpty()) {
        bare(response, 404);
        return;
      }
      if (trace != null) {
        trace.appKey(record.get().appKey());
      }
      if (record.get().expiredAt(now)) {
        expiry.reclaim(record.get());
        bare(response, 404);
        return;
      }
      delivery.deliver(ctx, record.get(), resize, extension, now, REFUSAL);
    }));
  }

  /**
   * The {@code file} parameter, {@code <unix seconds>:<fileID>.<ext>}
   * ({@code (?:\d{1,12}:)?([0-9a-f]{32})(?:\.([A-Za-z0-9]{1,8}))?}, checked by hand: it runs on every
   * download); the seconds are informative, the extension (null when absent) only picks the format of a
   * {@code scaling} variant.
   */
  record FileName(String fileId, String extension) {
    static FileName parse(String file) {
      int colon = file.indexOf(':');
      if (colon >= 0 && (colon < 1 || colon > 12 || !all(file, 0, colon, "0123456789"))) {
        return null;
      }
      int id = colon + 1;
      int end = id + 32;
      if (file.length() < end || !all(file, id, end, "0123456789abcdef")) {
        return null;
      }
      if (file.length() == end) {
        return new FileName(file.substring(id, end), null);
      }
      int extension = file.length() - end - 1;
      if (file.charAt(end) != '.' || extension < 1 || extension > 8
        || !all(file, end + 1, file.length(), "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")) {
        return null;
      }
      return new FileName(file.substring(id, end), file.substring(end + 1));
    }

    private static boolean all(String text, int from, int to, String allowed) {
      for (int i = from; i < to; i++) {
        if (allowed.indexOf(text.charAt(i)) < 0) {
          return false;
        }
      }
      return true;
    }
  }

  /** What cannot be served is a bare status, as the original answered. */
  private static final FileDelivery.Refusal REFUSAL = new FileDelivery.Refusal() {
    @Override
    public void refuse(RoutingContext ctx, int status) {
      bare(ctx.response(), status);
    }

    @Override
    public void refuse(RoutingContext ctx, Failure failure) {
      bare(ctx.response(), statusOf(failure));
    }
  };

  /** The original answered 403 for what it would not serve, and so do we; 503 asks to retry. */
  private static int statusOf(Failure failure) {
    return switch (failure.kind()) {
      case INVALID_PARAMETER, FORBIDDEN, UNSUPPORTED_CONTENT -> 403;
      case NOT_FOUND -> 404;
      case OVERLOADED -> 503;
      default -> 500;
    };
  }

  /**
   * Runs a step that continues the answer on a later callback, where an exception would otherwise leave
   * the client waiting: it becomes the router's 500 instead (a bare status on this path).
   */
  private static void guarded(RoutingContext ctx, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      if (!ctx.response().headWritten()) {
        ctx.fail(e);
      } else {
        ctx.response().reset();
      }
    }
  }

  /**
   * The query parameters, or null when the query's percent-encoding is broken ({@code %zz}, {@code %%});
   * some clients percent-encode the whole query as one value ({@code ?isStorage=true%26group=g1%26file=…}),
   * which is decoded and read again.
   */
  static MultiMap params(HttpServerRequest request) {
    try {
      return decodedParams(request);
    } catch (IllegalArgumentException malformedEscape) {
      return null;
    }
  }

  private static MultiMap decodedParams(HttpServerRequest request) {
    MultiMap params = request.params();
    if (params.contains("file")) {
      return params;
    }
    String query = request.query();
    if (query == null || !query.contains("%")) {
      return params;
    }
    MultiMap decoded = MultiMap.caseInsensitiveMultiMap();
    for (String pair : URLDecoder.decode(query, StandardCharsets.UTF_8).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        decoded.add(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return decoded;
  }

  /**
   * A bare status with no body. Drops what describes the file (type, validators, caching, range) but
   * keeps what the front set for every answer (nosniff, CORS).
   */
  static void bare(HttpServerResponse response, int status) {
    if (response.ended() || response.closed()) {
      return;
    }
    MultiMap headers = response.headers();
    for (CharSequence name : FILE_HEADERS) {
      headers.remove(name);
    }
    if (status != 416) {
      headers.remove(HttpHeaders.CONTENT_RANGE);
    }
    if (status == 503) {
      response.headers().set(HttpHeaders.RETRY_AFTER, "1");
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_LENGTH, "0").end();
  }
}
