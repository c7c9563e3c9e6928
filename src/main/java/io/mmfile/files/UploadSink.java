package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;
import io.mmfile.platform.RequestTrace;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP side of one upload session (docs/architecture.md, "The upload protocol"): gathers incoming
 * bytes (slices of the network buffers, not copies) into chunks of at least {@code upload.chunk-bytes}
 * and sends them to one storage verticle, at most {@code upload.window-chunks} unacknowledged. The
 * first chunk opens the session, the last bytes travel with the commit, and only one chunk in every
 * half window asks for a reply, which acknowledges it and every chunk before it.
 * {@link #writeQueueFull()} tells the caller to pause its source; the drain handler says when to
 * resume. At most {@code (window + 1) × chunk-bytes} (plus one network read) of an upload is in
 * memory at any time.
 */
public final class UploadSink {
  private final EventBus bus;
  private final String address;
  private final String session;
  private final StoreKind store;
  private final MmfileConfig.Upload limits;
  private final int ackEvery;
  private final DeliveryOptions options;
  /** Bytes not sent yet: the slices of network buffers as they came, joined without a copy when sent. */
  private List<Buffer> pending = new ArrayList<>();
  private int pendingBytes;
  private boolean opened;
  private long sent;
  private long acknowledged;
  private int sinceAck;
  private Failure failure;
  private boolean finished;
  private Handler<Void> drainHandler;
  private Handler<Failure> failureHandler;
  private boolean sentSinceNudge;

  private UploadSink(EventBus bus, String address, StoreKind store, MmfileConfig.Upload limits) {
    this.bus = bus;
    this.address = address;
    this.session = FileId.next();
    this.store = store;
    this.limits = limits;
    this.ackEvery = Math.max(1, limits.windowChunks() / 2);
    this.options = new DeliveryOptions().setSendTimeout(limits.idleTimeoutSeconds() * 1000L)
      .setCodecName(StorageProtocol.TransferCodec.NAME);
    String requestId = RequestTrace.currentId();
    if (requestId != null) {
      // the event bus does not carry context-local data: the storage side restores the request's id
      options.addHeader(RequestTrace.HEADER, requestId);
    }
  }

  /**
   * A session on the storage verticle at {@code address}, writing to {@code store}. Nothing is sent
   * yet: the first chunk (or the commit) opens the session on the storage side.
   */
  public static UploadSink open(EventBus bus, String address, StoreKind store, MmfileConfig.Upload limits) {
    return new UploadSink(bus, address, store, limits);
  }

  /** The file id the upload will have (the session's name). */
  public String fileId() {
    return session;
  }

  public boolean writeQueueFull() {
    return sent - acknowledged >= limits.windowChunks();
  }

  public UploadSink drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  /** Called once when the storage side refuses the upload (too large, store down, session gone). */
  public UploadSink failureHandler(Handler<Failure> handler) {
    this.failureHandler = handler;
    return this;
  }

  /** A failure the storage side reported, null while none. */
  public Failure failure() {
    return failure;
  }

  public void write(Buffer data) {
    if (failure != null || finished || data.length() == 0) {
      return;
    }
    pending.add(data);
    pendingBytes += data.length();
    if (pendingBytes >= limits.chunkBytes()) {
      sendPending();
    }
  }

  /**
   * Sends what is buffered if nothing was sent since the previous nudge. Called periodically while an
   * upload trickles in, so that the storage side sees a slow upload progressing before a chunk is full.
   */
  public void nudge() {
    if (!sentSinceNudge && failure == null && !finished && pendingBytes > 0 && !writeQueueFull()) {
      sendPending();
    }
    sentSinceNudge = false;
  }

  /** Sends the last bytes with the commit: the storage side checks them, commits them and records the file. */
  public Future<FileRecord> commit(CommitRequest request) {
    return commit(request, true);
  }

  /**
   * Like {@link #commit(CommitRequest)}, but with {@code insertRecord} false the storage side makes the
   * bytes durable and answers the record without inserting it: the caller inserts the records of
   * several files at once (and deletes the bytes when that fails).
   */
  public Future<FileRecord> commit(CommitRequest request, boolean insertRecord) {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (finished) {
      return Future.failedFuture(Failure.of(Failure.Kind.ABORTED, "upload already finished"));
    }
    finished = true;
    StorageProtocol.Transfer last = new StorageProtocol.Transfer(session, opening(), takePending(),
      request.toJson().put("insertRecord", insertRecord), false);
    return bus.<JsonObject>request(address, last, options)
      .map(reply -> FileRecord.fromJson(reply.body()))
      .recover(t -> Future.failedFuture(StorageProtocol.toFailure(t)));
  }

  /** Drops the upload; the storage side deletes whatever it wrote. */
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    pending = new ArrayList<>();
    pendingBytes = 0;
    if (opened) {
      bus.send(address, new StorageProtocol.Transfer(session, null, null, null, true), options);
    }
  }

  private StoreKind opening() {
    if (opened) {
      return null;
    }
    opened = true;
    return store;
  }

  private Buffer takePending() {
    if (pendingBytes == 0) {
      return null;
    }
    Buffer chunk = BufferSlices.join(pending);
    pending = new ArrayList<>();
    pendingBytes = 0;
    return chunk;
  }

  private void sendPending() {
    StorageProtocol.Transfer chunk = StorageProtocol.Transfer.bytes(session, opening(), takePending());
    long seq = ++sent;
    sentSinceNudge = true;
    // A reply for one chunk in every ackEvery, and always for the chunk that fills the window, so a
    // full window always has a reply coming that reopens it.
    if (++sinceAck < ackEvery && !writeQueueFull()) {
      bus.send(address, chunk, options);
      return;
    }
    sinceAck = 0;
    bus.request(address, chunk, options).onComplete(ar -> {
      if (ar.failed()) {
        if (failure == null) {
          failure = StorageProtocol.toFailure(ar.cause());
          if (failureHandler != null && !finished) {
            failureHandler.handle(failure);
          }
        }
        return;
      }
      acknowledged = Math.max(acknowledged, seq);
      if (failure == null && drainHandler != null && !writeQueueFull()) {
        drainHandler.handle(null);
      }
    });
  }
}
