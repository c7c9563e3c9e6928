package io.mmfile.files;

import io.mmfile.platform.BodyFailures;
import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpServerFileUpload;

/**
 * Takes file parts of HTTP requests into storage, for every dialect: streams a multipart file part
 * to a storage verticle under the {@link UploadSink} credit window, pausing the part while the window
 * is full, and refuses it the moment it crosses {@code upload.max-bytes}. The result is a
 * {@link Staged} upload that the caller commits or aborts once it has checked the rest of the request.
 */
public final class FileIntake {
  private final EventBus bus;
  private final MmfileConfig.Upload limits;

  public FileIntake(EventBus bus, MmfileConfig.Upload limits) {
    this.bus = bus;
    this.limits = limits;
  }

  public MmfileConfig.Upload limits() {
    return limits;
  }

  /** Starts staging {@code upload}; it is paused until a storage session is open. */
  public Staged stage(HttpServerFileUpload upload) {
    upload.pause();
    Staged staged = new Staged(upload);
    upload.exceptionHandler(t -> staged.fail(BodyFailures.of(t)));
    UploadSink.open(bus, StoreKind.DURABLE, limits).onComplete(opened -> {
      if (opened.failed()) {
        staged.fail(opened.cause());
        return;
      }
      if (staged.received.future().isComplete()) {
        // Aborted while the session was opening.
        opened.result().abort();
        return;
      }
      staged.stream(upload, opened.result());
    });
    return staged;
  }

  /** Stores bytes already in memory (a base64 body, a generated preview) the same way. */
  public Future<FileRecord> store(Buffer bytes, CommitRequest request) {
    if (bytes.length() > limits.maxBytes()) {
      return Future.failedFuture(Failure.invalid("file length"));
    }
    return UploadSink.open(bus, StoreKind.DURABLE, limits).compose(sink -> {
      for (int from = 0; from < bytes.length(); from += limits.chunkBytes()) {
        sink.write(bytes.getBuffer(from, Math.min(bytes.length(), from + limits.chunkBytes())));
      }
      return sink.commit(request).onFailure(t -> sink.abort());
    });
  }

  /** One file part on its way to storage. Used on the request's event loop only. */
  public final class Staged {
    private final Promise<Void> received = Promise.promise();
    private final HttpServerFileUpload upload;
    private UploadSink sink;
    private long size;
    private boolean aborted;
    private boolean ended;
    /** Paused by us: waiting for a storage session or for credit. Silence then is not the client's. */
    private boolean held = true;

    private Staged(HttpServerFileUpload upload) {
      this.upload = upload;
    }

    /** Completes once every byte of the part was acknowledged by the storage side. */
    public Future<Void> received() {
      return received.future();
    }

    public long size() {
      return size;
    }

    /** Whether the part's last byte has come off the wire. */
    public boolean ended() {
      return ended;
    }

    /** Whether the part is paused by the server (storage not ready for more), not by a silent client. */
    public boolean held() {
      return held && !received.future().isComplete();
    }

    /** Sends buffered bytes of a part that trickles in (see {@link UploadSink#nudge()}). */
    public void nudge() {
      if (sink != null) {
        sink.nudge();
      }
    }

    /** Commits after {@link #received()}; on failure nothing is left behind. */
    public Future<FileRecord> commit(CommitRequest request) {
      return received.future().compose(v -> sink.commit(request));
    }

    /** Like {@link #commit}, but the record is left to the caller to insert ({@link UploadSink#commit(CommitRequest, boolean)}). */
    public Future<FileRecord> commitBytes(CommitRequest request) {
      return received.future().compose(v -> sink.commit(request, false));
    }

    /** Drops what was stored; the rest of the part is read and thrown away, so the client can get its answer. */
    public void abort() {
      aborted = true;
      received.tryFail(Failure.of(Failure.Kind.ABORTED, "upload aborted"));
      discardRest();
      if (sink != null) {
        sink.abort();
      }
    }

    private void fail(Throwable t) {
      if (received.tryFail(t)) {
        discardRest();
        if (sink != null) {
          sink.abort();
        }
      }
    }

    private void discardRest() {
      held = false;
      upload.handler(ignored -> { });
      upload.endHandler(v -> ended = true);
      upload.resume();
    }

    private void stream(HttpServerFileUpload upload, UploadSink opened) {
      sink = opened;
      sink.drainHandler(v -> {
        held = false;
        upload.resume();
      });
      sink.failureHandler(this::fail);
      upload.handler(data -> {
        if (aborted || received.future().isComplete()) {
          return;
        }
        size += data.length();
        if (size > limits.maxBytes()) {
          fail(Failure.invalid("file length"));
          return;
        }
        sink.write(data);
        if (sink.writeQueueFull()) {
          held = true;
          upload.pause();
        }
      });
      upload.endHandler(v -> {
        ended = true;
        sink.flush().onComplete(ar -> {
          if (ar.succeeded()) {
            received.tryComplete();
          } else {
            received.tryFail(ar.cause());
          }
        });
      });
      held = false;
      upload.resume();
    }
  }
}
