package io.mmfile.auth;

import io.mmfile.platform.Failure;
import io.mmfile.platform.KeyValueStore;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Slows down password guessing before any hash is computed, per account and per client address:
 * after {@code login-backoff-after} failures each further try must wait 2^n seconds after the last
 * failure; at {@code login-lock-after} failures the key is locked for {@code login-lock-minutes}.
 * A client address gets five times the allowance of one account, since many users share NATs.
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

  /** Fails with {@link Failure.Kind#RATE_LIMITED} while the account or the address must wait. */
  public Future<Void> check(String login, String address) {
    return Future.all(kv.get(accountKey(login)), kv.get(addressKey(address))).compose(found -> {
      long now = System.currentTimeMillis();
      long wait = Math.max(waitMs(found.resultAt(0), 1, now), waitMs(found.resultAt(1), ADDRESS_FACTOR, now));
      return wait > 0
        ? Future.failedFuture(Failure.rateLimited("too many failed logins", Math.max(1, (wait + 999) / 1000)))
        : Future.succeededFuture();
    });
  }

  public Future<Void> recordFailure(String login, String address) {
    return Future.all(bump(accountKey(login)), bump(addressKey(address))).mapEmpty();
  }

  public Future<Void> recordSuccess(String login) {
    return kv.delete(accountKey(login));
  }

  private long waitMs(String raw, int factor, long now) {
    if (raw == null) {
      return 0;
    }
    JsonObject state = new JsonObject(raw);
    int failures = state.getInteger("n");
    long last = state.getLong("last");
    if (failures >= lockAfter * factor) {
      return last + windowMs - now;
    }
    if (failures >= backoffAfter * factor) {
      int exponent = Math.min(20, failures / factor - backoffAfter);
      return last + (1000L << exponent) - now;
    }
    return 0;
  }

  private Future<Void> bump(String key) {
    return kv.get(key).compose(raw -> {
      int failures = raw == null ? 0 : new JsonObject(raw).getInteger("n");
      JsonObject next = new JsonObject().put("n", failures + 1).put("last", System.currentTimeMillis());
      return kv.set(key, next.encode(), windowMs);
    });
  }

  private static String accountKey(String login) {
    return "lf:a:" + login.toLowerCase(java.util.Locale.ROOT);
  }

  private static String addressKey(String address) {
    return "lf:ip:" + address;
  }
}
