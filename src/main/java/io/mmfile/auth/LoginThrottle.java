package io.mmfile.auth;

import io.mmfile.platform.Failure;
import io.mmfile.platform.KeyValueStore;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/**
 * Slows down password guessing, per account and per client address. A password check must first
 * {@link #acquire} a try, before any hash is computed: the first {@code login-backoff-after} tries go
 * at once, each further one only 2^n seconds after the previous try, and after {@code login-lock-after}
 * tries the key is locked until {@code login-lock-minutes} after the last one. A correct password
 * ({@link #succeeded}) resets the account and hands the address its try back. A client address gets five times the allowance of one account, since
 * many users share NATs.
 *
 * <p>Tries are counted when they are taken, atomically in the {@link KeyValueStore}, not after the hash
 * failed: fifty guesses sent at once get no more tries than fifty sent one after another. A refused try
 * is not counted, neither for the account nor for the address, so waiting out a backoff does not turn
 * it into a lock, and one user retrying a throttled account does not slow down everyone behind the
 * same address.
 */
public final class LoginThrottle {
  private static final int ADDRESS_FACTOR = 5;

  private final KeyValueStore kv;
  private final int backoffAfter;
  private final int lockAfter;
  private final long windowMs;

  public LoginThrottle(KeyValueStore kv, MmfileConfig.Auth config) {
    this.kv = kv;
    this.backoffAfter = config.loginBackoffAfter();
    this.lockAfter = config.loginLockAfter();
    this.windowMs = config.loginLockMinutes() * 60_000L;
  }

  /** The throttle key of an account: every login name of the account shares it. */
  public static String account(String accountId) {
    return "id:" + accountId;
  }

  /** The throttle key of a login name that names no account, so guessing unknown names is throttled too. */
  public static String unknownLogin(String column, String value) {
    return "name:" + column + ":" + value.toLowerCase(Locale.ROOT);
  }

  /**
   * Takes one try for {@code key} and for {@code address}, or fails with {@link Failure.Kind#RATE_LIMITED}
   * (and a retry-after) while either must wait. The address is taken first, so a client refused for its
   * address does not use up the account's tries; a try the account refuses is handed back to the address.
   */
  public Future<Void> acquire(String key, String address) {
    String addressKey = "lf:ip:" + address;
    return take(addressKey, ADDRESS_FACTOR).compose(taken -> take("lf:a:" + key, 1)
      // The account refused (or its counter could not be read): no hash will be computed, so the
      // address gets its try back, with the time of its previous try.
      .recover(refused -> giveBack(addressKey, taken).transform(ar -> Future.<Taken>failedFuture(refused))))
      .mapEmpty();
  }

  /**
   * After a correct password: the account's tries start again, and the address gets its try back, so
   * the many good logins behind one NAT never add up to a lock.
   */
  public Future<Void> succeeded(String key, String address) {
    return kv.delete("lf:a:" + key).compose(v -> giveBack("lf:ip:" + address, null)).mapEmpty();
  }

  /** A try that was taken: when ({@code at}), and when the try before it was ({@code previous}). */
  private record Taken(long at, long previous) {
  }

  private Future<Taken> take(String key, int factor) {
    long[] waitMs = {0};
    long[] times = {0, 0};
    return kv.update(key, raw -> {
      long now = System.currentTimeMillis();
      JsonObject state = raw == null ? new JsonObject().put("n", 0).put("last", 0L) : new JsonObject(raw);
      int tries = state.getInteger("n");
      waitMs[0] = waitMs(tries, state.getLong("last"), factor, now);
      times[0] = now;
      times[1] = state.getLong("last");
      return waitMs[0] > 0 ? null : new JsonObject().put("n", tries + 1).put("last", now).encode();
    }, windowMs)
      // Hundreds of tries racing on one key can keep a compare-and-set losing: that is too many at once.
      .recover(t -> t instanceof Failure f && f.kind() == Failure.Kind.OVERLOADED
        ? Future.failedFuture(Failure.rateLimited("too many tries at once", 1)) : Future.failedFuture(t))
      .compose(written -> written != null ? Future.succeededFuture(new Taken(times[0], times[1]))
        : Future.failedFuture(Failure.rateLimited("too many failed logins", Math.max(1, (waitMs[0] + 999) / 1000))));
  }

  /**
   * Hands one try of {@code key} back. For a try that was never used ({@code unused}), the time of the
   * previous try comes back too, unless a later try has been taken since.
   */
  private Future<Void> giveBack(String key, Taken unused) {
    return kv.update(key, raw -> {
      if (raw == null) {
        return null;
      }
      JsonObject state = new JsonObject(raw);
      int tries = state.getInteger("n");
      if (tries <= 0) {
        return null;
      }
      state.put("n", tries - 1);
      if (unused != null && state.getLong("last") == unused.at()) {
        state.put("last", unused.previous());
      }
      return state.encode();
    }, windowMs).mapEmpty();
  }

  private long waitMs(int tries, long last, int factor, long now) {
    if (tries >= lockAfter * factor) {
      return last + windowMs - now;
    }
    if (tries >= backoffAfter * factor) {
      int exponent = Math.min(20, tries / factor - backoffAfter);
      return last + (1000L << exponent) - now;
    }
    return 0;
  }
}
