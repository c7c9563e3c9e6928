package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The event-bus protocol between the HTTP verticles and the storage verticles (docs/architecture.md,
 * "The upload protocol"). Every storage verticle listens on an address of its own
 * ({@link #instance(int)}); the HTTP side picks one per upload and names the session itself, so no
 * message waits for a session to open. An upload is a sequence of {@link Transfer}s to that address:
 * the first names the store (and so opens the session) and may carry bytes, later ones carry bytes,
 * the last carries the commit (with the last bytes) or is an abort. Most transfers are sent without a
 * reply; one every half window is a request whose reply acknowledges it and everything before it
 * (a storage verticle handles its messages one at a time, in order). Failures travel as reply
 * failures whose code is a {@link Failure.Kind} ordinal.
 */
public final class StorageProtocol {
  private static final String INSTANCE_PREFIX = "mmfile.storage.";

  private StorageProtocol() {
  }

  /** The address of storage verticle {@code index} (0 to storage.instances - 1). */
  public static String instance(int index) {
    return INSTANCE_PREFIX + index;
  }

  /**
   * One message of an upload session. {@code store} is set on the first one only; {@code data} may be
   * null (an ack request or a commit without bytes of its own); {@code commit} is the commit request
   * ({@link CommitRequest#toJson()} plus {@code insertRecord}) of the last one.
   */
  public record Transfer(String session, StoreKind store, Buffer data, JsonObject commit, boolean abort) {
    static Transfer bytes(String session, StoreKind opening, Buffer data) {
      return new Transfer(session, opening, data, null, false);
    }
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
   * Passes transfers between verticles of one node without copying them (their buffers included). The
   * sender never touches a transfer again once sent. Local only: a clustered deployment keeps uploads
   * on the node that received them.
   */
  public static final class TransferCodec implements MessageCodec<Transfer, Transfer> {
    public static final String NAME = "mmfile.upload-transfer";

    @Override
    public void encodeToWire(Buffer buffer, Transfer t) {
      throw new UnsupportedOperationException("upload transfers never leave the node");
    }

    @Override
    public Transfer decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("upload transfers never leave the node");
    }

    @Override
    public Transfer transform(Transfer t) {
      return t;
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
