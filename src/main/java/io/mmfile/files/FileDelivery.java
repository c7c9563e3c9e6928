package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.mmfile.platform.HttpDate;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.channels.FileChannel;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Serves a stored file over HTTP, for every dialect that hands out bytes (gainImage, {@code /api/v1}):
 * validators ({@code ETag} is the SHA-256, {@code Last-Modified}), {@code If-None-Match} /
 * {@code If-Modified-Since} (304), one byte range (206, 416), caching headers by store and expiry
 * ({@link Presentation}), {@code HEAD}, and resized variants ({@link ImageVariants}). Errors are the
 * dialect's: it answers them through its {@link Refusal}.
 */
public final class FileDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(FileDelivery.class);
  /** Header names and values set on every download, made once (Netty writes AsciiStrings as they are). */
  private static final AsciiString CONTENT_SECURITY_POLICY = AsciiString.cached("Content-Security-Policy");
  private static final AsciiString CONTENT_SECURITY_POLICY_VALUE = AsciiString.cached(Presentation.CONTENT_SECURITY_POLICY);
  private static final AsciiString BYTES = AsciiString.cached("bytes");

  /** How a dialect answers what cannot be served. */
  public interface Refusal {
    /** A plain outcome: 404 (the bytes are gone), 416 ({@code Content-Range} is set), 500. */
    void refuse(RoutingContext ctx, int status);

    /** A variant that could not be made: not an image, too many pixels, the renderers busy, … */
    void refuse(RoutingContext ctx, Failure failure);
  }

  private final FileStores stores;
  private final FileExpiry expiry;
  private final ImageVariants variants;
  private final long cacheStoreMaxAgeSeconds;

  /** @param cacheStoreMaxAgeSeconds how long browsers and proxies may keep a cache-store file */
  public FileDelivery(FileStores stores, FileExpiry expiry, ImageVariants variants, long cacheStoreMaxAgeSeconds) {
    this.stores = stores;
    this.expiry = expiry;
    this.variants = variants;
    this.cacheStoreMaxAgeSeconds = cacheStoreMaxAgeSeconds;
  }

  /**
   * Answers with {@code record}'s bytes, or with its variant of {@code resize} (null: the original;
   * {@code extension}, possibly null, picks the variant's format).
   */
  public void deliver(RoutingContext ctx, FileRecord record, Resize resize, String extension, long now, Refusal refusal) {
    if (resize != null) {
      serveVariant(ctx, record, resize, extension, now, refusal);
      return;
    }
    serve(ctx, record, now, (from, count) -> stores.of(record.store()).read(record, from, count), refusal);
  }

  /**
   * Runs a step that continues the answer on a later callback, where an exception would otherwise leave
   * the client waiting: it becomes the router's 500 instead (a bare status on this path).
   */
  static void guarded(RoutingContext ctx, Runnable step) {
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
  private void serveVariant(RoutingContext ctx, FileRecord original, Resize resize, String extension, long now,
                            Refusal refusal) {
    variants.variant(original, resize, extension).onComplete(made -> {
      if (made.failed()) {
        Failure failure = Failure.wrap(made.cause(), Failure.Kind.STORE_FAILED);
        if (failure.kind() == Failure.Kind.STORE_FAILED) {
          LOG.warn("file {} scaling {}: {}", original.fileId(), resize, failure.getMessage());
        }
        refusal.refuse(ctx, failure);
        return;
      }
      serve(ctx, made.result().record(), now, made.result()::read, refusal);
    });
  }

  /** Where the bytes of what is served come from: a blob store, or a variant in memory. */
  private interface Content {
    Future<Optional<BlobStore.BlobContent>> read(long offset, long length);
  }

  private void serve(RoutingContext ctx, FileRecord record, long now, Content content, Refusal refusal) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    String etag = "\"" + record.sha256() + "\"";
    Presentation presentation = Presentation.of(record, now, cacheStoreMaxAgeSeconds);
    MultiMap headers = response.headers();
    headers.set(HttpHeaders.ETAG, etag);
    headers.set(HttpHeaders.LAST_MODIFIED, HttpDate.format(record.createdMs()));
    headers.set(HttpHeaders.CACHE_CONTROL, presentation.cacheControl());
    headers.set(HttpHeaders.ACCEPT_RANGES, BYTES);
    if (notModified(request, record, etag)) {
      response.setStatusCode(304).end();
      return;
    }
    long size = record.size();
    long offset = 0;
    long length = size;
    ByteRange range = ByteRange.of(request.getHeader(HttpHeaderNames.RANGE), size);
    if (range instanceof ByteRange.Unsatisfiable) {
      headers.set(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
      refusal.refuse(ctx, 416);
      return;
    }
    if (range instanceof ByteRange.Part part) {
      offset = part.first();
      length = part.length();
      response.setStatusCode(206);
      headers.set(HttpHeaders.CONTENT_RANGE, "bytes " + part.first() + "-" + part.last() + "/" + size);
    }
    headers.set(HttpHeaders.CONTENT_TYPE, presentation.contentType());
    if (presentation.contentDisposition().isPresent()) {
      headers.set(HttpHeaders.CONTENT_DISPOSITION, presentation.contentDisposition().get());
    }
    headers.set(CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_VALUE);
    long from = offset;
    long count = length;
    boolean head = request.method() == HttpMethod.HEAD;
    content.read(from, head ? 0 : count).onComplete(read -> guarded(ctx, () -> {
      if (read.failed()) {
        LOG.warn("file {}: {}", record.fileId(), read.cause().getMessage());
        refusal.refuse(ctx, 500);
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
        refusal.refuse(ctx, 404);
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
              refusal.refuse(ctx, 404);
            }
          });
        } else {
          response.end();
        }
        return;
      }
      if (bytes instanceof BlobStore.OnDisk disk) {
        sendFile(response, disk, from, count).onFailure(t -> {
          if (!response.headWritten()) {
            // The record outlived its file (removed behind our back, or a sweep in progress).
            stores.recordCache().forget(record.fileId());
            refusal.refuse(ctx, 404);
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
            LOG.warn("file {}: {}", record.fileId(), t.getMessage());
            refusal.refuse(ctx, 500);
          } else {
            response.reset();
          }
        });
      }
    }));
  }

  /**
   * Sends from the channel the store keeps open when it lends one (a volume: nothing to open, resolve
   * or close per download), else opens the file by its path.
   */
  private static Future<Void> sendFile(HttpServerResponse response, BlobStore.OnDisk disk, long from, long count) {
    FileChannel channel = disk.shared() == null ? null : disk.shared().acquire();
    if (channel == null) {
      return response.sendFile(disk.path().toString(), disk.base() + from, count);
    }
    Future<Void> sent;
    try {
      sent = response.sendFile(channel, disk.base() + from, count);
    } catch (RuntimeException e) {
      disk.shared().release();
      throw e;
    }
    return sent.andThen(done -> disk.shared().release());
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

}
