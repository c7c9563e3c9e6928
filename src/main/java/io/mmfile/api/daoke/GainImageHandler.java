package io.mmfile.api.daoke;

import io.mmfile.files.BlobStore;
import io.mmfile.files.FileRecord;
import io.mmfile.files.FileStores;
import io.mmfile.files.StoreKind;
import io.mmfile.files.FileExpiry;
import io.mmfile.files.ImageVariants;
import io.mmfile.files.Presentation;
import io.mmfile.files.Resize;
import io.mmfile.platform.Failure;
import io.mmfile.platform.NodeMetrics;
import io.mmfile.platform.RequestTrace;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET|HEAD /dfsapi/v2/gainImage} (WIRE.md §1): serves what saveImage stored, with validators,
 * caching headers and single byte ranges. Like the original, it answers bare statuses on errors
 * (400, 403, 404, 500, 503), not the JSON envelope. {@code scaling} variants come from {@link ImageVariants}.
 */
public final class GainImageHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(GainImageHandler.class);
  /**
   * {@code <unix seconds>:<fileID>.<ext>}; the seconds are informative, the extension only picks the
   * format of a {@code scaling} variant.
   */
  private static final Pattern FILE = Pattern.compile("(?:\\d{1,12}:)?([0-9a-f]{32})(?:\\.([A-Za-z0-9]{1,8}))?");
  /** The headers {@link #serve} sets that describe the file, and that an error must not carry. */
  private static final List<CharSequence> FILE_HEADERS = List.of(HttpHeaders.ETAG, HttpHeaders.LAST_MODIFIED,
    HttpHeaders.CACHE_CONTROL, HttpHeaders.ACCEPT_RANGES, HttpHeaders.CONTENT_TYPE, HttpHeaders.CONTENT_LENGTH,
    HttpHeaders.CONTENT_DISPOSITION, "Content-Security-Policy");

  private final FileStores stores;
  private final FileExpiry expiry;
  private final ImageVariants variants;
  private final long cacheStoreMaxAgeSeconds;

  /** @param cacheStoreMaxAgeSeconds how long browsers and proxies may keep a cache-store file */
  public GainImageHandler(FileStores stores, FileExpiry expiry, ImageVariants variants, long cacheStoreMaxAgeSeconds) {
    this.stores = stores;
    this.expiry = expiry;
    this.variants = variants;
    this.cacheStoreMaxAgeSeconds = cacheStoreMaxAgeSeconds;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    MultiMap params = params(request);
    String file = params == null ? null : params.get("file");
    Matcher m = file == null ? null : FILE.matcher(file);
    if (m == null || !m.matches()) {
      bare(response, 400);
      return;
    }
    Resize resize;
    try {
      String scaling = params.get("scaling");
      resize = scaling == null || scaling.isEmpty() ? null : Resize.parse(scaling);
    } catch (Failure f) {
      bare(response, statusOf(f));
      return;
    }
    String extension = m.group(2);
    String fileId = m.group(1);
    RequestTrace.of(ctx).ifPresent(t -> t.fileId(fileId).operation(NodeMetrics.Operation.DOWNLOAD));
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
      RequestTrace.of(ctx).ifPresent(t -> t.appKey(record.get().appKey()));
      if (record.get().expiredAt(now)) {
        expiry.reclaim(record.get());
        bare(response, 404);
        return;
      }
      if (resize != null) {
        serveVariant(ctx, record.get(), resize, extension, now);
        return;
      }
      FileRecord original = record.get();
      serve(ctx, original, now, (from, count) -> stores.of(original.store()).read(original, from, count));
    }));
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

  /** A resized variant (WIRE.md §1 {@code scaling}), served with the same validators and ranges. */
  private void serveVariant(RoutingContext ctx, FileRecord original, Resize resize, String extension, long now) {
    variants.variant(original, resize, extension).onComplete(made -> {
      if (made.failed()) {
        Failure failure = Failure.wrap(made.cause(), Failure.Kind.STORE_FAILED);
        int status = statusOf(failure);
        if (status == 500) {
          LOG.warn("gainImage {} scaling {}: {}", original.fileId(), resize, failure.getMessage());
        }
        bare(ctx.response(), status);
        return;
      }
      serve(ctx, made.result().record(), now, made.result()::read);
    });
  }

  /** Where the bytes of what is served come from: a blob store, or a variant in memory. */
  private interface Content {
    Future<Optional<BlobStore.BlobContent>> read(long offset, long length);
  }

  /** The original answered 403 for what it would not serve, and so do we; 503 asks to retry. */
  private static int statusOf(Failure failure) {
    return switch (failure.kind()) {
      case INVALID_PARAMETER, FORBIDDEN, UNSUPPORTED_CONTENT -> 403;
      case NOT_FOUND -> 404;
      case OVERLOADED -> 503;
      default -> 500;
    };
  }

  private void serve(RoutingContext ctx, FileRecord record, long now, Content content) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    String etag = "\"" + record.sha256() + "\"";
    Presentation presentation = Presentation.of(record, now, cacheStoreMaxAgeSeconds);
    MultiMap headers = response.headers();
    headers.set(HttpHeaders.ETAG, etag);
    headers.set(HttpHeaders.LAST_MODIFIED, httpDate(record.createdMs()));
    headers.set(HttpHeaders.CACHE_CONTROL, presentation.cacheControl());
    headers.set(HttpHeaders.ACCEPT_RANGES, "bytes");
    if (notModified(request, record, etag)) {
      response.setStatusCode(304).end();
      return;
    }
    long size = record.size();
    long offset = 0;
    long length = size;
    ByteRange range = ByteRange.of(request.getHeader("Range"), size);
    if (range instanceof ByteRange.Unsatisfiable) {
      headers.set(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
      bare(response, 416);
      return;
    }
    if (range instanceof ByteRange.Part part) {
      offset = part.first();
      length = part.length();
      response.setStatusCode(206);
      headers.set(HttpHeaders.CONTENT_RANGE, "bytes " + part.first() + "-" + part.last() + "/" + size);
    }
    headers.set(HttpHeaders.CONTENT_TYPE, presentation.contentType());
    presentation.contentDisposition().ifPresent(d -> headers.set(HttpHeaders.CONTENT_DISPOSITION, d));
    headers.set("Content-Security-Policy", Presentation.CONTENT_SECURITY_POLICY);
    long from = offset;
    long count = length;
    boolean head = request.method() == HttpMethod.HEAD;
    content.read(from, head ? 0 : count).onComplete(read -> guarded(ctx, () -> {
      if (read.failed()) {
        LOG.warn("gainImage {}: {}", record.fileId(), read.cause().getMessage());
        bare(response, 500);
        return;
      }
      if (read.result().isEmpty()) {
        if (record.store() == StoreKind.CACHE) {
          // Evicted from the cache store (Redis under maxmemory does that): the record goes too, or it
          // would outlive its bytes forever.
          expiry.reclaim(record);
        } else {
          // Removed behind our back; the durable store is not a cache, so the record is kept for an operator.
          stores.recordCache().forget(record.fileId());
        }
        bare(response, 404);
        return;
      }
      BlobStore.BlobContent bytes = read.result().get();
      if (head) {
        headers.set(HttpHeaders.CONTENT_LENGTH, Long.toString(count));
        if (bytes instanceof BlobStore.OnDisk disk) {
          ctx.vertx().fileSystem().exists(disk.path().toString()).onComplete(exists -> {
            if (exists.succeeded() && exists.result()) {
              response.end();
            } else {
              bare(response, 404);
            }
          });
        } else {
          response.end();
        }
        return;
      }
      if (bytes instanceof BlobStore.OnDisk disk) {
        response.sendFile(disk.path().toString(), disk.base() + from, count).onFailure(t -> {
          if (!response.headWritten()) {
            // The record outlived its file (removed behind our back, or a sweep in progress).
            stores.recordCache().forget(record.fileId());
            bare(response, 404);
          } else {
            response.reset();
          }
        });
      } else if (bytes instanceof BlobStore.InMemory memory) {
        response.end(memory.bytes());
      } else if (bytes instanceof BlobStore.Streamed streamed) {
        headers.set(HttpHeaders.CONTENT_LENGTH, Long.toString(count));
        response.send(streamed.stream()).onFailure(t -> {
          // The client went away or the object store's answer broke off: drop its connection too.
          streamed.discard().run();
          if (!response.headWritten()) {
            LOG.warn("gainImage {}: {}", record.fileId(), t.getMessage());
            bare(response, 500);
          } else {
            response.reset();
          }
        });
      }
    }));
  }

  private static boolean notModified(HttpServerRequest request, FileRecord record, String etag) {
    String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
    if (ifNoneMatch != null) {
      for (String candidate : ifNoneMatch.split(",")) {
        String tag = candidate.trim();
        if (tag.startsWith("W/")) {
          tag = tag.substring(2);
        }
        if (tag.equals(etag) || tag.equals("*")) {
          return true;
        }
      }
      return false;
    }
    String ifModifiedSince = request.getHeader(HttpHeaders.IF_MODIFIED_SINCE);
    if (ifModifiedSince != null) {
      try {
        long since = ZonedDateTime.parse(ifModifiedSince, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
        return record.createdMs() / 1000 <= since;
      } catch (DateTimeParseException e) {
        return false;
      }
    }
    return false;
  }

  private static String httpDate(long epochMs) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC));
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
