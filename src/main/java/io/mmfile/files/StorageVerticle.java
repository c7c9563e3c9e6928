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
  private final Map<String, Session> sessions = new HashMap<>();
  private MessageConsumer<JsonObject> opener;
  private long idleTimer;

  public StorageVerticle(FileStores stores, MmfileConfig.Upload limits) {
    this.stores = stores;
    this.limits = limits;
  }

  @Override
  public Future<?> start() {
    opener = vertx.eventBus().localConsumer(StorageProtocol.OPEN, this::open);
    // The HTTP side answers a client that goes silent after upload.idle-timeout-seconds and aborts its
    // session, and it sends what it has at least every half of that while bytes trickle in. This timer
    // is the safety net for a session whose HTTP side vanished without a word, so it waits twice as long.
    long idleMs = 2 * limits.idleTimeoutSeconds() * 1000L;
    idleTimer = vertx.setPeriodic(Math.max(100, idleMs / 4), id -> abortIdle(idleMs));
    return opener.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(idleTimer);
    for (Session session : new ArrayList<>(sessions.values())) {
      session.abort("storage verticle stopping");
    }
    return opener.unregister();
  }

  private void open(Message<JsonObject> message) {
    StoreKind kind = StoreKind.fromColumn(message.body().getString("store"));
    String fileId = FileId.next();
    Session session = new Session(fileId, kind, stores.of(kind).create(fileId),
      message.headers().get(RequestTrace.HEADER));
    sessions.put(fileId, session);
    session.consumer.completion()
      .onSuccess(v -> message.reply(new JsonObject().put("session", session.address).put("fileId", fileId)))
      .onFailure(t -> {
        sessions.remove(fileId);
        message.fail(Failure.Kind.STORE_FAILED.ordinal(), t.getMessage());
      });
  }

  private void abortIdle(long idleMs) {
    long now = System.currentTimeMillis();
    for (Session session : new ArrayList<>(sessions.values())) {
      if (now - session.lastActivityMs > idleMs) {
        session.abort("no data for " + idleMs + " ms");
      }
    }
  }

  /** One upload in progress. Operations are chained so that each runs after the previous finished. */
  private final class Session {
    final String fileId;
    final StoreKind kind;
    final BlobStore.BlobWriter writer;
    final String address;
    final MessageConsumer<Object> consumer;
    final MessageDigest sha256 = sha256();
    final Buffer head = Buffer.buffer();
    Future<Void> tail = Future.succeededFuture();
    long size;
    long lastActivityMs = System.currentTimeMillis();
    boolean closed;
    /** The HTTP request this upload belongs to: what this session logs names it. */
    final String requestId;

    Session(String fileId, StoreKind kind, BlobStore.BlobWriter writer, String requestId) {
      this.requestId = requestId;
      this.fileId = fileId;
      this.kind = kind;
      this.writer = writer;
      this.address = StorageProtocol.SESSION_PREFIX + fileId;
      this.consumer = vertx.eventBus().localConsumer(address, this::handle);
    }

    void handle(Message<Object> message) {
      // each message arrives on a duplicated context of its own
      RequestTrace.restore(requestId);
      lastActivityMs = System.currentTimeMillis();
      String op = message.headers().get(StorageProtocol.OP);
      switch (op == null ? "" : op) {
        case StorageProtocol.CHUNK -> chunk((Buffer) message.body(), message);
        case StorageProtocol.COMMIT -> commit((JsonObject) message.body(), message);
        case StorageProtocol.ABORT -> {
          abort("client aborted");
          message.reply(null);
        }
        default -> message.fail(Failure.Kind.STORE_FAILED.ordinal(), "unknown operation " + op);
      }
    }

    void chunk(Buffer chunk, Message<Object> message) {
      size += chunk.length();
      if (size > limits.maxBytes()) {
        fail(message, Failure.invalid("file length"));
        return;
      }
      if (chunk.length() == 0) {
        message.reply(null);
        return;
      }
      for (ByteBuffer bytes : BufferSlices.nio(chunk)) {
        sha256.update(bytes);
      }
      if (head.length() < ImageProbe.HEAD_BYTES) {
        head.appendBuffer(chunk, 0, Math.min(chunk.length(), ImageProbe.HEAD_BYTES - head.length()));
      }
      tail = tail.compose(v -> writer.write(chunk));
      tail.onSuccess(v -> message.reply(null)).onFailure(t -> fail(message, t));
    }

    void commit(JsonObject request, Message<Object> message) {
      long expected = request.getLong("length");
      long ttlMs = request.getLong("ttlMs", 0L);
      StoreKind target = StoreKind.fromColumn(request.getString("store", kind.column()));
      if (size != expected) {
        fail(message, Failure.invalid("file length"));
        return;
      }
      Buffer probed = head.length() > size ? head.getBuffer(0, (int) size) : head;
      var image = ImageProbe.probe(probed);
      if (image.isEmpty() && request.getBoolean("requireImage", true)) {
        fail(message, Failure.of(Failure.Kind.UNSUPPORTED_CONTENT, "not an image"));
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
      tail = tail
        .compose(v -> target == kind ? Future.succeededFuture(writer) : restage(target))
        .compose(w -> w.commit(ttlMs))
        .compose(v -> !insertRecord ? Future.<Void>succeededFuture() : stores.records().insert(record)
          .recover(t -> stores.of(target).delete(record).transform(ignored -> Future.<Void>failedFuture(t))));
      tail.onSuccess(v -> {
        close();
        if (insertRecord) {
          stores.recordCache().remember(record);
        }
        message.reply(record.toJson());
      }).onFailure(t -> fail(message, t));
    }

    /** The client named the store after the file part: move the staged bytes to the store it chose. */
    Future<BlobStore.BlobWriter> restage(StoreKind target) {
      BlobStore.BlobWriter destination = stores.of(target).create(fileId);
      return writer.transferTo(destination)
        .recover(t -> destination.abort().transform(ignored -> Future.failedFuture(t)));
    }

    void fail(Message<Object> message, Throwable t) {
      Failure failure = Failure.wrap(t, Failure.Kind.STORE_FAILED);
      if (failure.kind() == Failure.Kind.STORE_FAILED || failure.kind() == Failure.Kind.SQL_UNAVAILABLE
        || failure.kind() == Failure.Kind.REDIS_UNAVAILABLE) {
        LOG.warn("upload {} failed: {}", fileId, failure.getMessage());
      }
      abort(failure.getMessage());
      String text = failure.kind() == Failure.Kind.INVALID_PARAMETER ? failure.parameter() : failure.getMessage();
      message.fail(failure.kind().ordinal(), text);
    }

    void abort(String why) {
      if (closed) {
        return;
      }
      LOG.debug("upload {} aborted: {}", fileId, why);
      close();
      tail = tail.eventually(writer::abort);
    }

    void close() {
      closed = true;
      sessions.remove(fileId);
      consumer.unregister();
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
