package io.mmfile.platform;

import io.vertx.core.Future;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link KeyValueStore} in this process, for the embedded default. Expired entries are dropped when
 * read and by {@link #purgeExpired()}, which the node calls periodically.
 */
public final class MemoryKeyValueStore implements KeyValueStore {
  private record Entry(String value, long expiresAtMs) {
    boolean expired(long now) {
      return expiresAtMs <= now;
    }
  }

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  @Override
  public Future<String> get(String key) {
    Entry e = entries.get(key);
    if (e == null || e.expired(System.currentTimeMillis())) {
      return Future.succeededFuture(null);
    }
    return Future.succeededFuture(e.value());
  }

  @Override
  public Future<Void> set(String key, String value, long ttlMs) {
    entries.put(key, new Entry(value, System.currentTimeMillis() + ttlMs));
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> setIfAbsent(String key, String value, long ttlMs) {
    long now = System.currentTimeMillis();
    boolean[] set = {false};
    entries.compute(key, (k, old) -> {
      if (old == null || old.expired(now)) {
        set[0] = true;
        return new Entry(value, now + ttlMs);
      }
      return old;
    });
    return Future.succeededFuture(set[0]);
  }

  @Override
  public Future<String> getAndDelete(String key) {
    Entry e = entries.remove(key);
    return Future.succeededFuture(e == null || e.expired(System.currentTimeMillis()) ? null : e.value());
  }

  @Override
  public Future<Void> delete(String key) {
    entries.remove(key);
    return Future.succeededFuture();
  }

  public void purgeExpired() {
    long now = System.currentTimeMillis();
    entries.values().removeIf(e -> e.expired(now));
  }
}
