package io.mmfile.files;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** Where file bytes live. A blob becomes visible only when its writer commits. */
public interface BlobStore {

  /** Starts writing a new blob; nothing of it is visible until {@link BlobWriter#commit(long)}. */
  BlobWriter create(String fileId);

  /** The blob's bytes from {@code offset}, {@code length} of them; empty when it is gone. */
  Future<Optional<BlobContent>> read(String fileId, long offset, long length);

  /** Removes a committed blob; succeeds when it is already gone. */
  Future<Void> delete(String fileId);

  /**
   * The blob of {@code record}, like {@link #read(String, long, long)}; a store that files blobs by their
   * lifetime (the S3 store) finds them faster with the record.
   */
  default Future<Optional<BlobContent>> read(FileRecord record, long offset, long length) {
    return read(record.bytesKey(), offset, length);
  }

  /**
   * Removes the blob of {@code record}, like {@link #delete(String)}. For a file that shares its blob
   * this is not the way to delete it: {@link FileRecordRepository#release} says when the bytes may go.
   */
  default Future<Void> delete(FileRecord record) {
    return delete(record.bytesKey());
  }

  /**
   * The {@link BlobWriter#dedupClass()} of a committed blob that lives forever, or null for a store that
   * never shares bytes: a new file that lives forever may name any blob of this class.
   */
  default String permanentDedupClass() {
    return null;
  }

  /** Releases files and threads at shutdown, after the storage verticles have stopped. */
  default void close() {
  }

  /** Writes one blob in order. Each call completes before the next one is made. */
  interface BlobWriter {
    /**
     * Writes the next bytes. A store may keep {@code chunk} itself (not a copy) until the commit or abort,
     * so the caller must not change or reuse it once it is handed over.
     */
    Future<Void> write(Buffer chunk);

    /** Makes the blob visible, living {@code ttlMs} milliseconds (0: forever). */
    Future<Void> commit(long ttlMs);

    /**
     * After a successful commit: which committed blobs of this store the same bytes may be shared with,
     * or null when they are never shared (docs/architecture.md, "Deduplication"). Two blobs of equal
     * bytes and equal class are interchangeable for every file that names either: the store keeps a
     * blob of a class at least as long as any file of that class lives.
     */
    default String dedupClass() {
      return null;
    }

    /** Drops everything written so far. Safe to call more than once and after a failed commit. */
    Future<Void> abort();

    /**
     * Copies everything written so far into {@code target} and drops it here; used when a client
     * names the store only after the file part (the bytes were staged in the durable store).
     */
    default Future<BlobWriter> transferTo(BlobWriter target) {
      return Future.failedFuture(new UnsupportedOperationException("this store does not stage uploads"));
    }
  }

  /** Bytes to serve: a file on disk (sent with zero copy), a buffer, or a stream from another server. */
  sealed interface BlobContent permits OnDisk, InMemory, Streamed {
  }

  /**
   * A file on disk: a file of its own ({@code base} 0, {@code length} -1), or {@code length} bytes from
   * {@code base} inside a larger file (a record in a volume). The reader applies offset and length from
   * {@code base}. {@code shared}, when not null, lends the channel the store keeps open on that file, so
   * that sending it opens nothing.
   */
  record OnDisk(Path path, long base, long length, SharedChannel shared) implements BlobContent {
    public OnDisk(Path path) {
      this(path, 0, -1, null);
    }

    public OnDisk(Path path, long base, long length) {
      this(path, base, length, null);
    }

    public boolean wholeFile() {
      return base == 0 && length < 0;
    }

    /** The first {@code count} bytes, read into memory (small files only: tests, an image to resize). */
    public byte[] read(long count) throws IOException {
      try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
        long n = count >= 0 ? count : channel.size() - base;
        ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(n));
        while (bytes.hasRemaining() && channel.read(bytes, base + bytes.position()) > 0) {
          // keep reading until the file's bytes are in
        }
        return bytes.array();
      }
    }
  }

  /**
   * An open channel on a file that serves many reads (a volume's data file). Whoever {@link #acquire}s
   * it {@link #release}s it once done; the store closes it only after the last release.
   */
  interface SharedChannel {
    /** The channel, or null when the file was closed (read it by its path then). */
    FileChannel acquire();

    void release();
  }

  /** The requested range, already cut. */
  record InMemory(Buffer bytes) implements BlobContent {
  }

  /**
   * The requested range as it arrives from an object store: {@code length} bytes, paused until the reader
   * pipes or {@link #collect()}s them. A reader that gives up before the end calls {@code discard}, which
   * drops the connection the bytes come on.
   */
  record Streamed(ReadStream<Buffer> stream, long length, Runnable discard) implements BlobContent {
    /** All the bytes in one buffer (small files only: an image to resize). */
    public Future<Buffer> collect() {
      Promise<Buffer> done = Promise.promise();
      Buffer all = Buffer.buffer((int) Math.min(Integer.MAX_VALUE, Math.max(0, length)));
      stream.exceptionHandler(t -> {
        discard.run();
        done.tryFail(t);
      });
      stream.endHandler(v -> done.tryComplete(all));
      stream.handler(all::appendBuffer);
      stream.resume();
      return done.future();
    }
  }
}
