package io.mmfile.files;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.nio.file.Path;
import java.util.Optional;

/** Where file bytes live. A blob becomes visible only when its writer commits. */
public interface BlobStore {

  /** Starts writing a new blob; nothing of it is visible until {@link BlobWriter#commit(long)}. */
  BlobWriter create(String fileId);

  /** The blob's bytes from {@code offset}, {@code length} of them; empty when it is gone. */
  Future<Optional<BlobContent>> read(String fileId, long offset, long length);

  /** Removes a committed blob; succeeds when it is already gone. */
  Future<Void> delete(String fileId);

  /** Writes one blob in order. Each call completes before the next one is made. */
  interface BlobWriter {
    Future<Void> write(Buffer chunk);

    /** Makes the blob visible, living {@code ttlMs} milliseconds (0: forever). */
    Future<Void> commit(long ttlMs);

    /** Drops everything written so far. Safe to call more than once and after a failed commit. */
    Future<Void> abort();

    /** Cuts what was written back to {@code size} bytes (before commit). */
    default Future<Void> truncate(long size) {
      return Future.failedFuture(new UnsupportedOperationException("this store cannot truncate"));
    }

    /**
     * Copies everything written so far into {@code target} and drops it here; used when a client
     * names the store only after the file part (the bytes were staged in the durable store).
     */
    default Future<BlobWriter> transferTo(BlobWriter target) {
      return Future.failedFuture(new UnsupportedOperationException("this store does not stage uploads"));
    }
  }

  /** Bytes to serve: a file on disk (sent with zero copy) or a buffer. */
  sealed interface BlobContent permits OnDisk, InMemory {
  }

  /** A whole file on disk; the reader applies offset and length. */
  record OnDisk(Path path) implements BlobContent {
  }

  /** The requested range, already cut. */
  record InMemory(Buffer bytes) implements BlobContent {
  }
}
