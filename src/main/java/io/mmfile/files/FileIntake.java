package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Takes file parts of HTTP requests into storage, for every dialect: streams the bytes of a file part
 * to a storage verticle under the {@link UploadSink} credit window (the caller pauses its source while
 * the window is full), and refuses it the moment it crosses {@code upload.max-bytes}. The result is a
 * {@link Staged} upload that the caller commits or aborts once it has checked the rest of the request.
 */
public final class FileIntake {
  private final EventBus bus;
  private final MmfileConfig.Upload limits;
  private final int storageInstances;
  /** Spreads uploads over the storage verticles; shared by every HTTP verticle of the node. */
  private final AtomicInteger nextInstance = new AtomicInteger();

  public FileIntake(EventBus bus, MmfileConfig.Upload limits, int storageInstances) {
    this.bus = bus;
    this.limits = limits;
    this.storageInstances = storageInstances;
  }

  private UploadSink sink(StoreKind store) {
    int instance = Math.floorMod(nextInstance.getAndIncrement(), storageInstances);
    return UploadSink.open(bus, StorageProtocol.instance(instance), store, limits);
  }

  public MmfileConfig.Upload limits() {
    return limits;
  }

  /**
   * Opens a storage session for one file part, in {@code store}: the store the client chose when the
   * fields came before the part, or the durable store to stage in until the fields are known.
   */
  public Future<Staged> stage(StoreKind store) {
    return Future.succeededFuture(new Staged(sink(store), store));
  }

  /** Stores bytes already in memory (a base64 body, a generated preview) the same way. */
  public Future<FileRecord> store(Buffer bytes, CommitRequest request) {
    if (bytes.length() > limits.maxBytes()) {
      return Future.failedFuture(Failure.invalid("file length"));
    }
    UploadSink sink = sink(StoreKind.DURABLE);
    for (int from = 0; from < bytes.length(); from += limits.chunkBytes()) {
      sink.write(bytes.slice(from, Math.min(bytes.length(), from + limits.chunkBytes())));
    }
    return sink.commit(request);
  }

  /**
   * One file part on its way to storage: {@link #write} its bytes as they come, pausing the source
   * while {@link #full()}, then {@link #end()}. Used on the request's event loop only.
   */
  public final class Staged {
    private final Promise<Void> received = Promise.promise();
    private final UploadSink sink;
    private final StoreKind store;
    private long size;
    private boolean ended;

    private Staged(UploadSink sink, StoreKind store) {
      this.sink = sink;
      this.store = store;
      sink.failureHandler(this::fail);
    }

    /** The store the part is being written to. */
    public StoreKind store() {
      return store;
    }

    /**
     * Completes once the part's last byte came off the wire (its last bytes are sent with the commit);
     * fails when the storage side refused the part.
     */
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

    /** The next bytes of the part; refused the moment the part crosses {@code upload.max-bytes}. */
    public void write(Buffer data) {
      if (received.future().isComplete()) {
        return;
      }
      size += data.length();
      if (size > limits.maxBytes()) {
        fail(Failure.invalid("file length"));
        return;
      }
      sink.write(data);
    }

    /** Whether the storage side's window is full: the source should pause until the drain handler runs. */
    public boolean full() {
      return sink.writeQueueFull();
    }

    public Staged drainHandler(io.vertx.core.Handler<Void> handler) {
      sink.drainHandler(handler);
      return this;
    }

    /** The part's bytes are complete. */
    public void end() {
      ended = true;
      if (sink.failure() != null) {
        received.tryFail(sink.failure());
      } else {
        received.tryComplete();
      }
    }

    /** Sends buffered bytes of a part that trickles in (see {@link UploadSink#nudge()}). */
    public void nudge() {
      sink.nudge();
    }

    /** Commits after {@link #received()}; on failure nothing is left behind. */
    public Future<FileRecord> commit(CommitRequest request) {
      return received.future().compose(v -> sink.commit(request));
    }

    /** Like {@link #commit}, but the record is left to the caller to insert ({@link UploadSink#commit(CommitRequest, boolean)}). */
    public Future<FileRecord> commitBytes(CommitRequest request) {
      return received.future().compose(v -> sink.commit(request, false));
    }

    /** Drops what was stored (nothing once committed). */
    public void abort() {
      received.tryFail(Failure.of(Failure.Kind.ABORTED, "upload aborted"));
      sink.abort();
    }

    private void fail(Throwable t) {
      if (received.tryFail(t)) {
        sink.abort();
      }
    }
  }
}
