package io.mmfile.platform;

import io.vertx.core.Future;

import java.util.function.UnaryOperator;

/**
 * Short-lived shared state (sessions, refresh tokens, SMS codes, login throttles): Redis in production,
 * an in-process map on the embedded default. Every key has a time to live.
 *
 * <p>Limits that many requests race on (throttles, attempt counters, one session per platform) must use
 * the atomic operations ({@link #increment}, {@link #compareAndSet}, {@link #update}, {@link #getAndSet}),
 * never a {@link #get} followed by a {@link #set}: parallel requests would all read the same value.
 */
public interface KeyValueStore {
  /** How often {@link #update} retries when other writers keep changing the value under it. */
  int UPDATE_ATTEMPTS = 256;

  /** The value, or null when absent or expired. */
  Future<String> get(String key);

  Future<Void> set(String key, String value, long ttlMs);

  /** Sets only when absent; answers whether it did. */
  Future<Boolean> setIfAbsent(String key, String value, long ttlMs);

  /** Reads and removes in one step, so that two callers never both get the value. */
  Future<String> getAndDelete(String key);

  Future<Void> delete(String key);

  /**
   * Adds one to the counter at {@code key} (absent counts as 0) and answers the new value, in one step.
   * The time to live is set when the increment creates the counter and is not extended by later ones:
   * the counter counts within a fixed window from its first increment.
   */
  Future<Long> increment(String key, long ttlMs);

  /**
   * Writes {@code value} only if the current value is {@code expected} ({@code null}: the key is absent),
   * in one step; answers whether it did.
   */
  Future<Boolean> compareAndSet(String key, String expected, String value, long ttlMs);

  /** Deletes only if the current value is {@code expected}; answers whether it did. */
  Future<Boolean> compareAndDelete(String key, String expected);

  /** Writes {@code value} and answers the value it replaced (null when absent), in one step. */
  Future<String> getAndSet(String key, String value, long ttlMs);

  /** Sets a new time to live on a live key; answers whether the key was there. */
  Future<Boolean> expire(String key, long ttlMs);

  /**
   * Read-modify-write without lost updates: {@code change} gets the current value (null when absent)
   * and answers the next one, or null to leave the value as it is. It may run more than once when other
   * writers race, so it must have no side effects. Answers the value written, or null when {@code change}
   * left it alone. Built on {@link #compareAndSet}; the in-process store does it in one step.
   */
  default Future<String> update(String key, UnaryOperator<String> change, long ttlMs) {
    return update(key, change, ttlMs, UPDATE_ATTEMPTS);
  }

  private Future<String> update(String key, UnaryOperator<String> change, long ttlMs, int attemptsLeft) {
    if (attemptsLeft == 0) {
      return Future.failedFuture(Failure.of(Failure.Kind.OVERLOADED, "key-value update kept conflicting: " + key));
    }
    return get(key).compose(current -> {
      String next = change.apply(current);
      if (next == null) {
        return Future.succeededFuture(null);
      }
      return compareAndSet(key, current, next, ttlMs)
        .compose(done -> done ? Future.succeededFuture(next) : update(key, change, ttlMs, attemptsLeft - 1));
    });
  }
}
