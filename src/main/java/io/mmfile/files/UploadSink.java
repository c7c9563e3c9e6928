package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;
import io.mmfile.platform.RequestTrace;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP side of one upload session: gathers incoming bytes (slices of the network buffers, not
 * copies) into chunks of at least {@code upload.chunk-bytes} and sends them to a storage verticle with at most {@code upload.window-chunks} unacknowledged.
 * {@link #writeQueueFull()} tells the caller to pause its source; the drain handler says when to resume.
 * At most {@code (window + 1) × chunk-bytes} of an upload is in memory at any time.
 */
public final class UploadSink {
  private final EventBus bus;
  private final String session;
  private final String fileId;
  private final MmfileConfig.Upload limits;
  private final DeliveryOptions chunkOptions;
  private final DeliveryOptions controlOptions;
  /** Bytes not sent yet: the slices of network buffers as they came, joined without a copy when sent. */
  private List<Buffer> pending = new ArrayList<>();
  private int pendingBytes;
  private int inFlight;
  private Failure failure;
  private boolean finished;
  private Handler<Void> drainHandler;
  private Handler<Failure> failureHandler;
  private Promise<Void> idle;
  private boolean sentSinceNudge;

  private UploadSink(EventBus bus, String session, String fileId, MmfileConfig.Upload limits) {
    this.bus = bus;
    this.session = session;
    this.fileId = fileId;
    this.limits = limits;
    long timeoutMs = limits.idleTimeoutSeconds() * 1000L;
    this.chunkOptions = new DeliveryOptions().setSendTimeout(timeoutMs)
      .setCodecName(StorageProtocol.LocalBufferCodec.NAME).addHeader(StorageProtocol.OP, StorageProtocol.CHUNK);
    this.controlOptions = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** Opens a session on some storage verticle of this node. */
  public static Future<UploadSink> open(EventBus bus, StoreKind store, MmfileConfig.Upload limits) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(limits.idleTimeoutSeconds() * 1000L);
    String requestId = RequestTrace.currentId();
    if (requestId != null) {
      // the event bus does not carry context-local data: the storage side restores the request's id
      options.addHeader(RequestTrace.HEADER, requestId);
    }
    return bus.<JsonObject>request(StorageProtocol.OPEN, new JsonObject().put("store", store.column()), options)
      .map(reply -> new UploadSink(bus, reply.body().getString("session"), reply.body().getString("fileId"), limits))
      .recover(t -> Future.failedFuture(StorageProtocol.toFailure(t)));
  }

  public String fileId() {
    return fileId;
  }

  public boolean writeQueueFull() {
    return inFlight >= limits.windowChunks();
  }

  public UploadSink drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  /** Called once when the storage side refuses a chunk (too large, store down, session gone). */
  public UploadSink failureHandler(Handler<Failure> handler) {
    this.failureHandler = handler;
    return this;
  }

  public void write(Buffer data) {
    if (failure != null || finished) {
      return;
    }
    if (data.length() == 0) {
      return;
    }
    pending.add(data);
    pendingBytes += data.length();
    if (pendingBytes >= limits.chunkBytes()) {
      sendPending();
    }
  }

  /** Sends what is buffered and completes once the storage side acknowledged every chunk. */
  public Future<Void> flush() {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (pendingBytes > 0) {
      sendPending();
    }
    if (inFlight == 0) {
      return failure == null ? Future.succeededFuture() : Future.failedFuture(failure);
    }
    if (idle == null) {
      idle = Promise.promise();
    }
    return idle.future();
  }

  /**
   * Sends what is buffered if nothing was sent since the previous nudge. Called periodically while an
   * upload trickles in, so that the storage side sees a slow upload progressing before a chunk is full.
   */
  public void nudge() {
    if (!sentSinceNudge && failure == null && !finished && pendingBytes > 0 && inFlight < limits.windowChunks()) {
      sendPending();
    }
    sentSinceNudge = false;
  }

  /** Flushes, then asks the storage side to check the bytes, commit them and record the file. */
  public Future<FileRecord> commit(CommitRequest request) {
    return commit(request, true);
  }

  /**
   * Like {@link #commit(CommitRequest)}, but with {@code insertRecord} false the storage side makes the
   * bytes durable and answers the record without inserting it: the caller inserts the records of
   * several files at once (and deletes the bytes when that fails).
   */
  public Future<FileRecord> commit(CommitRequest request, boolean insertRecord) {
    return flush().compose(v -> {
      finished = true;
      return bus.<JsonObject>request(session, request.toJson().put("insertRecord", insertRecord), new DeliveryOptions(controlOptions)
          .addHeader(StorageProtocol.OP, StorageProtocol.COMMIT))
        .map(reply -> FileRecord.fromJson(reply.body()))
        .recover(t -> Future.failedFuture(StorageProtocol.toFailure(t)));
    });
  }

  /** Drops the upload; the storage side deletes whatever it wrote. */
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    pending = new ArrayList<>();
    pendingBytes = 0;
    bus.send(session, null, new DeliveryOptions(controlOptions).addHeader(StorageProtocol.OP, StorageProtocol.ABORT));
  }

  private void sendPending() {
    Buffer chunk = BufferSlices.join(pending);
    pending = new ArrayList<>();
    pendingBytes = 0;
    inFlight++;
    sentSinceNudge = true;
    bus.request(session, chunk, chunkOptions).onComplete(ar -> {
      inFlight--;
      if (ar.failed() && failure == null) {
        failure = StorageProtocol.toFailure(ar.cause());
        if (failureHandler != null && !finished) {
          failureHandler.handle(failure);
        }
      }
      if (inFlight == 0 && idle != null) {
        Promise<Void> done = idle;
        idle = null;
        if (failure == null) {
          done.complete();
        } else {
          done.fail(failure);
        }
      }
      if (failure == null && drainHandler != null && inFlight < limits.windowChunks()) {
        drainHandler.handle(null);
      }
    });
  }
}
