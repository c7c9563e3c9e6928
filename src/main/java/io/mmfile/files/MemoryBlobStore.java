package io.mmfile.files;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import io.mmfile.platform.Failure;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The cache store of the embedded default: blobs held in this process, bounded by
 * {@code storage.memory-cache-max-bytes}; past it the oldest blobs are evicted, as a cache would.
 * Expired blobs are dropped when read and by the expiry sweep.
 *
 * <p>Capacity rules: a blob larger than the whole capacity is refused while it is written (the upload
 * fails naming {@code length}, instead of being acknowledged and then evicted by its own commit), and
 * every eviction is reported to {@code onEvicted}, which removes the file's record, so no record
 * outlives its bytes.
 */
public final class MemoryBlobStore implements BlobStore {
  private record Blob(Buffer bytes, long expiresAtMs) {
    boolean expired(long now) {
      return expiresAtMs != 0 && expiresAtMs <= now;
    }
  }

  private final long capacityBytes;
  private final Consumer<String> onEvicted;
  private final LinkedHashMap<String, Blob> blobs = new LinkedHashMap<>();
  private long usedBytes;

  public MemoryBlobStore(long capacityBytes, Consumer<String> onEvicted) {
    this.capacityBytes = capacityBytes;
    this.onEvicted = onEvicted;
  }

  @Override
  public BlobWriter create(String fileId) {
    return new BlobWriter() {
      // The chunks as they come, copied once at the commit into a buffer of exactly their size: appending
      // to a growing buffer copied every byte about twice and kept up to twice the bytes it counted.
      private List<Buffer> chunks = new ArrayList<>();
      private long size;

      @Override
      public Future<Void> write(Buffer chunk) {
        if (chunks == null) {
          return Future.failedFuture(Failure.of(Failure.Kind.ABORTED, "blob already committed or aborted"));
        }
        if (size + chunk.length() > capacityBytes) {
          chunks = null;
          return Future.failedFuture(Failure.about(Failure.Kind.INVALID_PARAMETER, "length",
            "larger than the cache store (storage.memory-cache-max-bytes = " + capacityBytes + ")"));
        }
        chunks.add(chunk);
        size += chunk.length();
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> commit(long ttlMs) {
        if (chunks == null) {
          return Future.failedFuture(Failure.of(Failure.Kind.ABORTED, "blob already committed or aborted"));
        }
        Buffer bytes = Buffer.buffer((int) size);
        chunks.forEach(bytes::appendBuffer);
        put(fileId, new Blob(bytes, ttlMs == 0 ? 0 : System.currentTimeMillis() + ttlMs));
        chunks = null;
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> abort() {
        chunks = null;
        return Future.succeededFuture();
      }
    };
  }

  @Override
  public Future<Optional<BlobContent>> read(String fileId, long offset, long length) {
    synchronized (blobs) {
      Blob blob = blobs.get(fileId);
      if (blob == null) {
        return Future.succeededFuture(Optional.empty());
      }
      if (blob.expired(System.currentTimeMillis())) {
        remove(fileId);
        return Future.succeededFuture(Optional.empty());
      }
      int from = (int) Math.min(offset, blob.bytes().length());
      int to = (int) Math.min(offset + length, blob.bytes().length());
      return Future.succeededFuture(Optional.of(new InMemory(blob.bytes().slice(from, to))));
    }
  }

  @Override
  public Future<Void> delete(String fileId) {
    synchronized (blobs) {
      remove(fileId);
    }
    return Future.succeededFuture();
  }

  private void put(String fileId, Blob blob) {
    List<String> evicted = new ArrayList<>();
    synchronized (blobs) {
      remove(fileId);
      blobs.put(fileId, blob);
      usedBytes += blob.bytes().length();
      Iterator<Map.Entry<String, Blob>> oldest = blobs.entrySet().iterator();
      // The new blob fits on its own (larger ones are refused while written), so it is never evicted here.
      while (usedBytes > capacityBytes && oldest.hasNext()) {
        Map.Entry<String, Blob> next = oldest.next();
        if (next.getKey().equals(fileId)) {
          continue;
        }
        usedBytes -= next.getValue().bytes().length();
        oldest.remove();
        evicted.add(next.getKey());
      }
    }
    evicted.forEach(onEvicted);
  }

  private void remove(String fileId) {
    Blob removed = blobs.remove(fileId);
    if (removed != null) {
      usedBytes -= removed.bytes().length();
    }
  }
}
