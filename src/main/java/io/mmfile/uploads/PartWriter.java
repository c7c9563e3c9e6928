package io.mmfile.uploads;

import io.mmfile.files.BufferSlices;
import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends the bytes of one PATCH to an upload's part file, from its acknowledged offset on. Used on
 * the request's context only. One write is in flight at a time, on a worker thread; what arrives
 * meanwhile is gathered and goes in the next (one gathering write). Past {@code maxPendingBytes}
 * waiting, {@link #write} says full and the caller pauses the request until the drain handler runs,
 * so a slow disk slows the client down. {@link #sync} waits for the writes and fsyncs: only then may
 * the bytes count.
 */
final class PartWriter {
  private final Vertx vertx;
  private final FileChannel channel;
  private final int maxPendingBytes;
  private List<Buffer> pending = new ArrayList<>();
  private int pendingBytes;
  private boolean writing;
  private long written;
  private Throwable failure;
  private Handler<Void> drainHandler;
  private Promise<Void> idle;

  private PartWriter(Vertx vertx, FileChannel channel, int maxPendingBytes) {
    this.vertx = vertx;
    this.channel = channel;
    this.maxPendingBytes = maxPendingBytes;
  }

  /**
   * Opens {@code path} to write from {@code offset}: what lies past it (bytes of a request that was
   * never acknowledged) is cut off first. Fails with {@link ResumableFailure.Reason#GONE} when the file
   * is missing or shorter than {@code offset}: the bytes the server acknowledged are lost.
   */
  static Future<PartWriter> open(Vertx vertx, Path path, long offset, int maxPendingBytes) {
    return vertx.executeBlocking(() -> {
      FileChannel channel;
      try {
        channel = FileChannel.open(path, StandardOpenOption.WRITE);
      } catch (java.nio.file.NoSuchFileException e) {
        throw new ResumableFailure(ResumableFailure.Reason.GONE, "the upload's bytes are gone");
      }
      try {
        if (channel.size() < offset) {
          throw new ResumableFailure(ResumableFailure.Reason.GONE, "the upload's bytes are gone");
        }
        channel.truncate(offset);
        channel.position(offset);
        return new PartWriter(vertx, channel, maxPendingBytes);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }, false);
  }

  /** Queues {@code data}; true when the caller should pause its source until the drain handler runs. */
  boolean write(Buffer data) {
    if (failure != null || data.length() == 0) {
      return false;
    }
    pending.add(data);
    pendingBytes += data.length();
    if (!writing) {
      writeNext();
    }
    return full();
  }

  boolean full() {
    return pendingBytes >= maxPendingBytes;
  }

  PartWriter drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  /** Bytes written so far (not necessarily fsynced). */
  long written() {
    return written;
  }

  private void writeNext() {
    List<Buffer> batch = pending;
    int bytes = pendingBytes;
    pending = new ArrayList<>();
    pendingBytes = 0;
    writing = true;
    List<ByteBuffer> nio = new ArrayList<>();
    batch.forEach(b -> nio.addAll(List.of(BufferSlices.nio(b))));
    ByteBuffer[] buffers = nio.toArray(ByteBuffer[]::new);
    vertx.executeBlocking(() -> {
      long left = bytes;
      while (left > 0) {
        left -= channel.write(buffers);
      }
      return null;
    }, false).onComplete(ar -> {
      writing = false;
      if (ar.failed()) {
        failure = ar.cause();
        pending = new ArrayList<>();
        pendingBytes = 0;
      } else {
        written += bytes;
        if (pendingBytes > 0) {
          writeNext();
          return;
        }
      }
      if (idle != null) {
        Promise<Void> waiting = idle;
        idle = null;
        waiting.complete();
      }
      if (drainHandler != null && failure == null) {
        drainHandler.handle(null);
      }
    });
  }

  /** Waits for every queued write, then fsyncs: the bytes of {@link #written()} are then on disk. */
  Future<Long> sync() {
    Future<Void> drained;
    if (writing) {
      idle = Promise.promise();
      drained = idle.future();
    } else {
      drained = Future.succeededFuture();
    }
    return drained.compose(v -> failure != null ? Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED,
        "could not write the upload: " + failure.getMessage(), failure))
      : vertx.executeBlocking(() -> {
        channel.force(false);
        return written;
      }, false));
  }

  /** Cuts the file back to {@code length} (a chunk that did not count) and fsyncs. */
  Future<Void> truncate(long length) {
    return vertx.executeBlocking(() -> {
      channel.truncate(length);
      channel.force(false);
      return null;
    }, false);
  }

  Future<Void> close() {
    return vertx.executeBlocking(() -> {
      channel.close();
      return null;
    }, false);
  }
}
