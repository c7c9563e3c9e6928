package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The event-bus protocol between the HTTP verticles and the storage verticles (docs/architecture.md):
 * {@code open} → a session address; then, to that address, {@code chunk}s (each acknowledged once
 * stored), and finally {@code commit} or {@code abort}. Failures travel as reply failures whose code
 * is a {@link Failure.Kind} ordinal.
 */
public final class StorageProtocol {
  /** Opens an upload session; body {@code {"store":"durable"|"cache"}}, reply {@code {"session":…,"fileId":…}}. */
  public static final String OPEN = "mmfile.storage.open";
  /** Session addresses are this prefix plus the file id. */
  public static final String SESSION_PREFIX = "mmfile.storage.session.";
  /** Header naming the operation on a session address. */
  public static final String OP = "op";
  public static final String CHUNK = "chunk";
  public static final String COMMIT = "commit";
  public static final String ABORT = "abort";

  private StorageProtocol() {
  }

  /** Turns a reply failure back into the domain failure the storage side sent. */
  public static Failure toFailure(Throwable t) {
    if (t instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() >= 0
        && re.failureCode() < Failure.Kind.values().length) {
        Failure.Kind kind = Failure.Kind.values()[re.failureCode()];
        return kind == Failure.Kind.INVALID_PARAMETER ? Failure.invalid(re.getMessage()) : Failure.of(kind, re.getMessage());
      }
      if (re.failureType() == ReplyFailure.NO_HANDLERS) {
        return Failure.of(Failure.Kind.ABORTED, "upload session is gone (idle timeout or shutdown)");
      }
    }
    return Failure.wrap(t, Failure.Kind.STORE_FAILED);
  }

  /**
   * Passes buffers between verticles of one node without copying them (the default buffer codec copies
   * on local delivery). The sender never touches a buffer again once sent. Local only: a clustered
   * deployment keeps uploads on the node that received them.
   */
  public static final class LocalBufferCodec implements MessageCodec<Buffer, Buffer> {
    public static final String NAME = "mmfile.local-buffer";

    @Override
    public void encodeToWire(Buffer buffer, Buffer b) {
      throw new UnsupportedOperationException("upload chunks never leave the node");
    }

    @Override
    public Buffer decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("upload chunks never leave the node");
    }

    @Override
    public Buffer transform(Buffer b) {
      return b;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
