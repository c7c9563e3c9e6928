package io.mmfile.platform;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A domain failure: the closed set of ways a capability can fail. Each wire dialect maps a
 * {@link Kind} (and, for {@link Kind#INVALID_PARAMETER}, the parameter name) to its own codes.
 */
public final class Failure extends RuntimeException {

  /** What went wrong, independent of any wire format. */
  public enum Kind {
    /** A request parameter is missing or malformed; {@link #parameter()} names it. */
    INVALID_PARAMETER,
    /** The request carried no body at all. */
    EMPTY_BODY,
    /** The body is not in the format the endpoint takes (not multipart, not JSON, …). */
    MALFORMED_BODY,
    /** Credentials (app key, token, authorization code) unknown, disabled, forged or revoked. */
    UNAUTHORIZED,
    /** An access token that was valid but has expired: refresh it. */
    TOKEN_EXPIRED,
    /** The session was ended by a login on another device of the same platform. */
    SESSION_REPLACED,
    /** Authenticated, but not allowed to touch this resource. */
    FORBIDDEN,
    /** The password does not match. */
    WRONG_PASSWORD,
    /** The account has no password to log in with. */
    PASSWORD_NOT_SET,
    /** A verification code that does not match. */
    CODE_WRONG,
    /** A verification code that expired, was used up or was never sent. */
    CODE_EXPIRED,
    /** Too many attempts or requests; {@link #retryAfterSeconds()} says when to try again. */
    RATE_LIMITED,
    /** The request signature does not match. */
    BAD_SIGNATURE,
    /** The content is not of an accepted type (an upload that is not an image). */
    UNSUPPORTED_CONTENT,
    NOT_FOUND,
    CONFLICT,
    /** Too many requests in flight; try again shortly. */
    OVERLOADED,
    /** The SQL store failed. */
    SQL_UNAVAILABLE,
    /** Redis failed. */
    REDIS_UNAVAILABLE,
    /** The blob store failed to write or read. */
    STORE_FAILED,
    /** The client went away or stalled before the request was complete. */
    ABORTED
  }

  private final Kind kind;
  private final String parameter;
  private final long retryAfterSeconds;

  private Failure(Kind kind, String parameter, String message, Throwable cause) {
    this(kind, parameter, message, cause, 0);
  }

  private Failure(Kind kind, String parameter, String message, Throwable cause, long retryAfterSeconds) {
    super(message, cause, false, cause != null);
    this.kind = kind;
    this.parameter = parameter;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static Failure rateLimited(String message, long retryAfterSeconds) {
    return new Failure(Kind.RATE_LIMITED, null, message, null, retryAfterSeconds);
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static Failure of(Kind kind, String message) {
    return new Failure(kind, null, message, null);
  }

  public static Failure of(Kind kind, String message, Throwable cause) {
    return new Failure(kind, null, message, cause);
  }

  /** A failure about one named thing: {@code about(NOT_FOUND, "accountID", …)}. */
  public static Failure about(Kind kind, String parameter, String message) {
    return new Failure(kind, parameter, message, null);
  }

  public static Failure invalid(String parameter) {
    return new Failure(Kind.INVALID_PARAMETER, parameter, parameter + " is invalid", null);
  }

  public Kind kind() {
    return kind;
  }

  /** The parameter the failure is about (always set for {@link Kind#INVALID_PARAMETER}), else null. */
  public String parameter() {
    return parameter;
  }

  /** Wraps anything that is not already a {@link Failure} as a failure of {@code kind}. */
  public static Failure wrap(Throwable t, Kind kind) {
    return t instanceof Failure f ? f : of(kind, kind + ": " + t.getMessage(), t);
  }

  /**
   * For {@code recover}: an SQL client error becomes {@link Kind#SQL_UNAVAILABLE}, and is logged (at
   * most one line a second, with the number of failures since the last line): a write that did not
   * reach the database must not go unnoticed in the log.
   */
  public static <T> Future<T> sql(Throwable t) {
    Failure failure = wrap(t, Kind.SQL_UNAVAILABLE);
    if (failure.kind() == Kind.SQL_UNAVAILABLE) {
      SQL_LOG.warn(failure);
    }
    return Future.failedFuture(failure);
  }

  private static final ThrottledLog SQL_LOG = new ThrottledLog(LoggerFactory.getLogger(Failure.class), 1000);

  /** WARN lines about one kind of failure, at most one per interval; the others are counted. */
  private static final class ThrottledLog {
    private final Logger log;
    private final long intervalMs;
    private final AtomicLong nextMs = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    ThrottledLog(Logger log, long intervalMs) {
      this.log = log;
      this.intervalMs = intervalMs;
    }

    void warn(Failure failure) {
      long now = System.currentTimeMillis();
      long next = nextMs.get();
      if (now >= next && nextMs.compareAndSet(next, now + intervalMs)) {
        long more = suppressed.getAndSet(0);
        log.warn("SQL store failed: {}{}", failure.getMessage(), more == 0 ? "" : " (and " + more + " more since the last line)");
      } else {
        suppressed.incrementAndGet();
      }
    }
  }

  /** For {@code recover}: a Redis client error becomes {@link Kind#REDIS_UNAVAILABLE}. */
  public static <T> Future<T> redis(Throwable t) {
    return Future.failedFuture(wrap(t, Kind.REDIS_UNAVAILABLE));
  }
}
