package io.mmfile.files;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The cache store of the embedded default: blobs held in this process, bounded by
 * {@code storage.memory-cache-max-bytes}; past it the oldest blobs are evicted, as a cache would.
 * Expired blobs are dropped when read and by the expiry sweep.
 */
public final class MemoryBlobStore implements BlobStore {
  private record Blob(Buffer bytes, long expiresAtMs) {
    boolean expired(long now) {
      return expiresAtMs != 0 && expiresAtMs <= now;
    }
  }

  private final long capacityBytes;
  private final LinkedHashMap<String, Blob> blobs = new LinkedHashMap<>();
  private long usedBytes;

  public MemoryBlobStore(long capacityBytes) {
    this.capacityBytes = capacityBytes;
  }

  @Override
  public BlobWriter create(String fileId) {
    return new BlobWriter() {
      private Buffer bytes = Buffer.buffer();

      @Override
      public Future<Void> write(Buffer chunk) {
        bytes.appendBuffer(chunk);
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> commit(long ttlMs) {
        put(fileId, new Blob(bytes, ttlMs == 0 ? 0 : System.currentTimeMillis() + ttlMs));
        bytes = null;
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> abort() {
        bytes = null;
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
    synchronized (blobs) {
      remove(fileId);
      blobs.put(fileId, blob);
      usedBytes += blob.bytes().length();
      Iterator<Map.Entry<String, Blob>> oldest = blobs.entrySet().iterator();
      while (usedBytes > capacityBytes && oldest.hasNext()) {
        usedBytes -= oldest.next().getValue().bytes().length();
        oldest.remove();
      }
    }
  }

  private void remove(String fileId) {
    Blob removed = blobs.remove(fileId);
    if (removed != null) {
      usedBytes -= removed.bytes().length();
    }
  }
}
