package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.mmfile.platform.RequestTrace;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Receives uploads from the HTTP verticles over the event bus and writes them to a {@link BlobStore}.
 * Deployed as a worker verticle: disk writes block, and each instance handles its sessions one message
 * at a time. Everything about the bytes themselves (size, hash, image type, atomic commit, the file
 * record) is decided here.
 */
public final class StorageVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(StorageVerticle.class);

  private final FileStores stores;
  private final MmfileConfig.Upload limits;
  private final int index;
  private final Map<String, Session> sessions = new HashMap<>();
  private MessageConsumer<StorageProtocol.Transfer> consumer;
  private long idleTimer;

  /** Storage verticle {@code index}, listening on {@link StorageProtocol#instance(int)}. */
  public StorageVerticle(FileStores stores, MmfileConfig.Upload limits, int index) {
    this.stores = stores;
    this.limits = limits;
    this.index = index;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(StorageProtocol.instance(index), this::handle);
    // The HTTP side answers a client that goes silent after upload.idle-timeout-seconds and aborts its
    // session, and it sends what it has at least every half of that while bytes trickle in. This timer
    // is the safety net for a session whose HTTP side vanished without a word, so it waits twice as long.
    long idleMs = 2 * limits.idleTimeoutSeconds() * 1000L;
    idleTimer = vertx.setPeriodic(Math.max(100, idleMs / 4), id -> abortIdle(idleMs));
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(idleTimer);
    for (Session session : new ArrayList<>(sessions.values())) {
      session.abort("storage verticle stopping");
    }
    return consumer.unregister();
  }

  private void handle(Message<StorageProtocol.Transfer> message) {
    StorageProtocol.Transfer transfer = message.body();
    Session session = sessions.get(transfer.session());
    if (session == null) {
      if (transfer.store() == null) {
        // an upload this verticle no longer knows (aborted when idle, or at shutdown)
        if (!transfer.abort()) {
          refuse(message, Failure.of(Failure.Kind.ABORTED, "upload session is gone (idle timeout or shutdown)"));
        }
        return;
      }
      String fileId = transfer.session();
      session = new Session(fileId, transfer.store(), stores.of(transfer.store()).create(fileId),
        message.headers().get(RequestTrace.HEADER));
      sessions.put(fileId, session);
    }
    session.handle(transfer, message);
  }

  /** Answers a message that asked for a reply with {@code failure}; a message sent without one learns it later. */
  private static void refuse(Message<?> message, Failure failure) {
    if (message.replyAddress() != null) {
      String text = failure.kind() == Failure.Kind.INVALID_PARAMETER ? failure.parameter() : failure.getMessage();
      message.fail(failure.kind().ordinal(), text);
    }
  }

  private void abortIdle(long idleMs) {
    long now = System.currentTimeMillis();
    for (Session session : new ArrayList<>(sessions.values())) {
      if (now - session.lastActivityMs > idleMs) {
        session.abort("no data for " + idleMs + " ms");
      }
    }
  }

  /**
   * One upload in progress. Operations are chained so that each runs after the previous finished. A
   * session that failed stays known, with its failure, until the HTTP side aborts it, so a request
   * after a chunk that was sent without a reply still learns why.
   */
  private final class Session {
    final String fileId;
    final StoreKind kind;
    final BlobStore.BlobWriter writer;
    final MessageDigest sha256 = sha256();
    Buffer head = Buffer.buffer();
    Future<Void> tail = Future.succeededFuture();
    long size;
    long lastActivityMs = System.currentTimeMillis();
    boolean closed;
    Failure failure;
    /** The HTTP request this upload belongs to: what this session logs names it. */
    final String requestId;

    Session(String fileId, StoreKind kind, BlobStore.BlobWriter writer, String requestId) {
      this.requestId = requestId;
      this.fileId = fileId;
      this.kind = kind;
      this.writer = writer;
    }

    void handle(StorageProtocol.Transfer transfer, Message<StorageProtocol.Transfer> message) {
      // each message arrives on a duplicated context of its own
      RequestTrace.restore(requestId);
      lastActivityMs = System.currentTimeMillis();
      if (transfer.abort()) {
        abort("client aborted");
        return;
      }
      if (failure != null) {
        refuse(message, failure);
        if (transfer.commit() != null) {
          close();
        }
        return;
      }
      if (transfer.data() != null && transfer.data().length() > 0) {
        chunk(transfer.data());
        if (failure != null) {
          refuse(message, failure);
          return;
        }
      }
      if (transfer.commit() != null) {
        commit(transfer.commit(), message);
      } else if (message.replyAddress() != null) {
        // an acknowledgement: this chunk and every one before it are written
        tail.onComplete(ar -> {
          if (ar.succeeded()) {
            message.reply(null);
          } else {
            refuse(message, failure != null ? failure : Failure.wrap(ar.cause(), Failure.Kind.STORE_FAILED));
          }
        });
      }
    }

    void chunk(Buffer chunk) {
      size += chunk.length();
      if (size > limits.maxBytes()) {
        fail(Failure.invalid("file length"));
        return;
      }
      for (ByteBuffer bytes : BufferSlices.nio(chunk)) {
        sha256.update(bytes);
      }
      if (head.length() < ImageProbe.HEAD_BYTES) {
        head.appendBuffer(chunk, 0, Math.min(chunk.length(), ImageProbe.HEAD_BYTES - head.length()));
      }
      tail = tail.compose(v -> writer.write(chunk));
      tail.onFailure(this::fail);
    }

    void commit(JsonObject request, Message<StorageProtocol.Transfer> message) {
      long expected = request.getLong("length");
      long ttlMs = request.getLong("ttlMs", 0L);
      StoreKind target = StoreKind.fromColumn(request.getString("store", kind.column()));
      if (size != expected) {
        failCommit(message, Failure.invalid("file length"));
        return;
      }
      Buffer probed = head.length() > size ? head.getBuffer(0, (int) size) : head;
      var image = ImageProbe.probe(probed);
      if (image.isEmpty() && request.getBoolean("requireImage", true)) {
        failCommit(message, Failure.of(Failure.Kind.UNSUPPORTED_CONTENT, "not an image"));
        return;
      }
      long now = System.currentTimeMillis();
      var info = image.orElseGet(() -> new ImageProbe.ImageInfo("other",
        request.getString("contentType", "application/octet-stream"), request.getString("extension", ""), 0, 0));
      FileRecord record = new FileRecord(fileId, request.getString("appKey"), target, size,
        HexFormat.of().formatHex(sha256.digest()), info.contentType(), info.extension(), info.width(),
        info.height(), now, ttlMs == 0 ? null : now + ttlMs, request.getString("accountId"),
        request.getString("name"), null);
      boolean insertRecord = request.getBoolean("insertRecord", true);
      FileRecord[] stored = {record};
      tail = tail
        .compose(v -> target == kind ? Future.succeededFuture(writer) : restage(target))
        .compose(w -> w.commit(ttlMs).map(v -> {
          stored[0] = withDedupClass(record, w);
          return null;
        }))
        .compose(v -> !insertRecord ? Future.<Void>succeededFuture() : stores.records().insert(stored[0])
          .map(inserted -> {
            stored[0] = inserted;
            return (Void) null;
          })
          .recover(t -> stores.of(target).delete(record).transform(ignored -> Future.<Void>failedFuture(t))));
      tail.onSuccess(v -> {
        close();
        if (insertRecord) {
          stores.recordCache().remember(stored[0]);
        }
        message.reply(stored[0].toJson());
      }).onFailure(t -> failCommit(message, t));
    }

    /**
     * The record with the class its committed bytes may be deduplicated in, scoped to this node's durable
     * store (docs/architecture.md, "Deduplication"); the cache stores never share bytes, nor does any
     * upload with {@code storage.dedup: false}.
     */
    FileRecord withDedupClass(FileRecord record, BlobStore.BlobWriter committed) {
      boolean shares = record.store() == StoreKind.DURABLE && stores.records().deduplicates();
      String dedupClass = shares ? committed.dedupClass() : null;
      return dedupClass == null ? record : record.withBlob(null, dedupClass + "@" + stores.records().blobScope());
    }

    /** The client named the store after the file part: move the staged bytes to the store it chose. */
    Future<BlobStore.BlobWriter> restage(StoreKind target) {
      BlobStore.BlobWriter destination = stores.of(target).create(fileId);
      return writer.transferTo(destination)
        .recover(t -> destination.abort().transform(ignored -> Future.failedFuture(t)));
    }

    /** The upload cannot succeed: its bytes are dropped, and the session remembers why until aborted. */
    void fail(Throwable t) {
      if (failure != null || closed) {
        return;
      }
      failure = Failure.wrap(t, Failure.Kind.STORE_FAILED);
      if (failure.kind() == Failure.Kind.STORE_FAILED || failure.kind() == Failure.Kind.SQL_UNAVAILABLE
        || failure.kind() == Failure.Kind.REDIS_UNAVAILABLE) {
        LOG.warn("upload {} failed: {}", fileId, failure.getMessage());
      }
      LOG.debug("upload {} aborted: {}", fileId, failure.getMessage());
      head = null;
      tail = tail.eventually(writer::abort);
    }

    /** A commit that failed: the last message of the session, so it is forgotten at once. */
    void failCommit(Message<StorageProtocol.Transfer> message, Throwable t) {
      fail(t);
      refuse(message, failure != null ? failure : Failure.wrap(t, Failure.Kind.STORE_FAILED));
      close();
    }

    void abort(String why) {
      if (closed) {
        return;
      }
      if (failure == null) {
        LOG.debug("upload {} aborted: {}", fileId, why);
        tail = tail.eventually(writer::abort);
      }
      close();
    }

    void close() {
      closed = true;
      head = null;
      sessions.remove(fileId);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
