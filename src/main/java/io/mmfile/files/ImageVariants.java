package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Resized variants of stored images, for every dialect: gainImage's {@code scaling} and weidu's
 * {@code preview_path}. A variant is rendered once and kept in the cache store for
 * {@code scaling.cache-ttl-seconds}; concurrent requests for the same variant on this node share one
 * rendering (single flight). Rendering runs on its own bounded worker pool: {@code scaling.threads}
 * threads and at most {@code scaling.max-queued} waiting renders, past which a request fails at once as
 * {@link Failure.Kind#OVERLOADED} instead of queueing.
 *
 * <p>In the cache store a variant is the 32-byte SHA-256 of its bytes followed by the bytes, so a hit
 * answers with the same strong validator without hashing again.
 */
public final class ImageVariants {
  private static final Logger LOG = LoggerFactory.getLogger(ImageVariants.class);
  /** weidu previews (WIRE.md §2): JPEG, at most this many pixels on the long side. */
  public static final int PREVIEW_EDGE = 320;
  public static final String PREVIEW_EXTENSION = "jpg";
  private static final int SHA_BYTES = 32;

  /** A rendered variant: {@code record} describes it as a file (size, type, SHA-256, lifetime of its original). */
  public record Variant(FileRecord record, Buffer bytes) {
    /** The variant's bytes from {@code offset}, {@code length} of them, as a blob store answers. */
    public Future<Optional<BlobStore.BlobContent>> read(long offset, long length) {
      int from = (int) Math.min(offset, bytes.length());
      int to = (int) Math.min(offset + length, bytes.length());
      return Future.succeededFuture(Optional.of(new BlobStore.InMemory(bytes.slice(from, to))));
    }
  }

  private final FileStores stores;
  private final MmfileConfig.Scaling config;
  private final ImageResizer resizer;
  private final WorkerExecutor workers;
  private final Map<String, Future<Variant>> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicLong rendered = new AtomicLong();

  public ImageVariants(Vertx vertx, FileStores stores, MmfileConfig.Scaling config) {
    this.stores = stores;
    this.config = config;
    this.resizer = new ImageResizer(config.maxPixels(), config.jpegQuality());
    this.workers = vertx.createSharedWorkerExecutor("mmfile-scaling", config.threads());
  }

  /**
   * The variant of {@code original} at {@code resize}, encoded as {@code extension} names (see
   * {@link ImageResizer.Format#choose}). Fails with {@code UNSUPPORTED_CONTENT} for a file that is not an
   * image or cannot be decoded, {@code FORBIDDEN} for one over {@code scaling.max-pixels}, {@code OVERLOADED}
   * when the pool is full, {@code NOT_FOUND} when the original's bytes are gone.
   */
  public Future<Variant> variant(FileRecord original, Resize resize, String extension) {
    if (!original.image()) {
      return Future.failedFuture(Failure.of(Failure.Kind.UNSUPPORTED_CONTENT, "not an image"));
    }
    if ((long) original.width() * original.height() > config.maxPixels()) {
      // Known from the upload's header probe: refused before any byte is read.
      return Future.failedFuture(Failure.of(Failure.Kind.FORBIDDEN,
        "image of " + original.width() + "x" + original.height() + " pixels"));
    }
    ImageResizer.Format format = ImageResizer.Format.choose(extension, original.contentType());
    String id = variantId(original, resize, format);
    Promise<Variant> mine = Promise.promise();
    Future<Variant> shared = inFlight.putIfAbsent(id, mine.future());
    if (shared == null) {
      shared = mine.future();
      Future<Variant> own = shared;
      lookUpOrRender(original, resize, format, id).onComplete(ar -> {
        inFlight.remove(id, own);
        mine.handle(ar);
      });
    }
    return onCallersContext(shared);
  }

  /** The scaling weidu's {@code preview_path} asks for, or empty when the file gets no preview. */
  public Optional<Resize> previewOf(FileRecord record) {
    if (!record.image() || (long) record.width() * record.height() > config.maxPixels()) {
      return Optional.empty();
    }
    int longSide = Math.max(record.width(), record.height());
    if (longSide > 0 && longSide <= PREVIEW_EDGE) {
      // Small images are not enlarged: the preview keeps their size (within the wire's minimum).
      return Optional.of(new Resize(Math.max(Resize.MIN_EDGE, record.width()),
        Math.max(Resize.MIN_EDGE, record.height()), Resize.Mode.STRETCH));
    }
    return Optional.of(new Resize(PREVIEW_EDGE, PREVIEW_EDGE, Resize.Mode.CONTAIN));
  }

  /** Renders done on this node since it started (cache hits and joined requests excluded). */
  public long rendered() {
    return rendered.get();
  }

  /** Renders running or waiting for a thread right now. */
  public int busy() {
    return admitted.get();
  }

  private Future<Variant> lookUpOrRender(FileRecord original, Resize resize, ImageResizer.Format format, String id) {
    return stores.cache().read(id, 0, Integer.MAX_VALUE)
      .recover(t -> {
        LOG.warn("variant {}: cache store read failed, rendering anew: {}", id, t.getMessage());
        return Future.succeededFuture(Optional.empty());
      })
      .compose(cached -> {
        if (cached.isPresent() && cached.get() instanceof BlobStore.InMemory hit && hit.bytes().length() > SHA_BYTES) {
          Buffer blob = hit.bytes();
          return Future.succeededFuture(describe(original, id, format, blob.slice(SHA_BYTES, blob.length()),
            HexFormat.of().formatHex(blob.getBytes(0, SHA_BYTES))));
        }
        return render(original, resize, format, id);
      });
  }

  private Future<Variant> render(FileRecord original, Resize resize, ImageResizer.Format format, String id) {
    if (!admit()) {
      return Future.failedFuture(Failure.of(Failure.Kind.OVERLOADED, "every scaling thread is busy"));
    }
    return stores.of(original.store()).read(original, 0, original.size())
      .compose(content -> {
        if (content.isEmpty()) {
          return Future.failedFuture(Failure.of(Failure.Kind.NOT_FOUND, "the original is gone"));
        }
        // An original in an object store is read into memory first: the decoder reads it on a worker.
        return content.get() instanceof BlobStore.Streamed streamed
          ? streamed.collect().map(bytes -> (BlobStore.BlobContent) new BlobStore.InMemory(bytes))
          : Future.succeededFuture(content.get());
      })
      .compose(source -> workers.executeBlocking(() -> {
        ImageResizer.Rendered done = resizer.render(source, resize, format);
        rendered.incrementAndGet();
        return new Hashed(done, sha256(done.bytes()));
      }, false))
      .onComplete(ar -> admitted.decrementAndGet())
      // The flight ends once the variant is in the cache store, so a request arriving just after it
      // finds the stored variant instead of rendering it again.
      .compose(hashed -> keep(original, id, hashed)
        .map(v -> describe(original, id, format, hashed.rendered().bytes(), hashed.sha256())));
  }

  private boolean admit() {
    int limit = config.threads() + config.maxQueued();
    while (true) {
      int now = admitted.get();
      if (now >= limit) {
        return false;
      }
      if (admitted.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Stores the variant in the cache store; a failure there only costs a later re-render. */
  private Future<Void> keep(FileRecord original, String id, Hashed hashed) {
    Buffer bytes = hashed.rendered().bytes();
    if (bytes.length() > config.maxCachedBytes()) {
      return Future.succeededFuture();
    }
    long ttlMs = config.cacheTtlSeconds() * 1000L;
    if (original.expiresMs() != null) {
      ttlMs = Math.min(ttlMs, Math.max(1, original.expiresMs() - System.currentTimeMillis()));
    }
    Buffer blob = Buffer.buffer(SHA_BYTES + bytes.length())
      .appendBytes(HexFormat.of().parseHex(hashed.sha256())).appendBuffer(bytes);
    BlobStore.BlobWriter writer = stores.cache().create(id);
    long ttl = ttlMs;
    return writer.write(blob).compose(v -> writer.commit(ttl))
      .recover(t -> {
        LOG.warn("variant {}: not kept in the cache store: {}", id, t.getMessage());
        return writer.abort().otherwiseEmpty();
      });
  }

  private static Variant describe(FileRecord original, String id, ImageResizer.Format format, Buffer bytes,
                                  String sha256) {
    FileRecord record = new FileRecord(id, original.appKey(), StoreKind.CACHE, bytes.length(), sha256,
      format.contentType(), format.extension(), 0, 0, original.createdMs(), original.expiresMs(),
      original.accountId(), original.name(), null);
    return new Variant(record, bytes);
  }

  /** One cache key per original, size, mode, format and JPEG quality (a changed quality is a new variant). */
  private String variantId(FileRecord original, Resize resize, ImageResizer.Format format) {
    String quality = format == ImageResizer.Format.JPEG ? "q" + config.jpegQuality() : "";
    return original.fileId() + "-" + resize + quality + "." + format.extension();
  }

  /** The shared future may complete on another event loop; each caller continues on its own. */
  private static <T> Future<T> onCallersContext(Future<T> shared) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return shared;
    }
    Promise<T> relay = Promise.promise();
    shared.onComplete(ar -> {
      if (Vertx.currentContext() == caller) {
        relay.handle(ar);
      } else {
        caller.runOnContext(v -> relay.handle(ar));
      }
    });
    return relay.future();
  }

  private static String sha256(Buffer bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.getBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Hashed(ImageResizer.Rendered rendered, String sha256) {
  }
}
