package io.mmfile.platform;

import io.vertx.core.Future;

/**
 * Short-lived shared state (sessions, refresh tokens, SMS codes, login throttles): Redis in production,
 * an in-process map on the embedded default. Every key has a time to live.
 */
public interface KeyValueStore {
  /** The value, or null when absent or expired. */
  Future<String> get(String key);

  Future<Void> set(String key, String value, long ttlMs);

  /** Sets only when absent; answers whether it did. */
  Future<Boolean> setIfAbsent(String key, String value, long ttlMs);

  /** Reads and removes in one step, so that two callers never both get the value. */
  Future<String> getAndDelete(String key);

  Future<Void> delete(String key);
}
