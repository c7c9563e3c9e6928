package io.mmfile.uploads;

/**
 * How a resumable-upload request cannot go on, as tus distinguishes it (each maps to a status of the
 * protocol's own). Other failures (storage, SQL, credentials, an upload that is not an image) are
 * {@link io.mmfile.platform.Failure}s like everywhere else.
 */
public final class ResumableFailure extends RuntimeException {
  public enum Reason {
    /** No such upload, or not the caller's. */
    NOT_FOUND,
    /** It expired or was terminated, or its bytes are gone. */
    GONE,
    /** The request's Upload-Offset is not the upload's offset. */
    OFFSET_MISMATCH,
    /** The bytes of the request do not match its Upload-Checksum. */
    CHECKSUM_MISMATCH,
    /** Larger than upload.max-bytes, or past the upload's length. */
    TOO_LARGE,
    /** Another request held the upload for too long (a commit or a termination that does not settle). */
    LOCKED,
    /** Another node holds the upload's bytes. */
    ELSEWHERE,
    /** A newer request on the same upload took over while this one was reading its body. */
    INTERRUPTED
  }

  private final Reason reason;

  public ResumableFailure(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
