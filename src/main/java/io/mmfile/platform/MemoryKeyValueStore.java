package io.mmfile.platform;

import io.vertx.core.Future;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * {@link KeyValueStore} in this process, for the embedded default. Expired entries are dropped when
 * read and by {@link #purgeExpired()}, which the node calls periodically. Every read-modify-write is
 * one {@link ConcurrentHashMap#compute} call, so it is atomic across event loops.
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
    return Future.succeededFuture(live(entries.get(key), System.currentTimeMillis()));
  }

  @Override
  public Future<Void> set(String key, String value, long ttlMs) {
    entries.put(key, new Entry(value, System.currentTimeMillis() + ttlMs));
    return Future.succeededFuture();
  }

  @Override
  public Future<Boolean> setIfAbsent(String key, String value, long ttlMs) {
    return compareAndSet(key, null, value, ttlMs);
  }

  @Override
  public Future<String> getAndDelete(String key) {
    Entry e = entries.remove(key);
    return Future.succeededFuture(live(e, System.currentTimeMillis()));
  }

  @Override
  public Future<Void> delete(String key) {
    entries.remove(key);
    return Future.succeededFuture();
  }

  @Override
  public Future<Long> increment(String key, long ttlMs) {
    long now = System.currentTimeMillis();
    Entry next = entries.compute(key, (k, old) -> live(old, now) == null ? new Entry("1", now + ttlMs)
      : new Entry(Long.toString(Long.parseLong(old.value()) + 1), old.expiresAtMs()));
    return Future.succeededFuture(Long.parseLong(next.value()));
  }

  @Override
  public Future<Boolean> compareAndSet(String key, String expected, String value, long ttlMs) {
    long now = System.currentTimeMillis();
    boolean[] done = {false};
    entries.compute(key, (k, old) -> {
      if (!Objects.equals(live(old, now), expected)) {
        return old;
      }
      done[0] = true;
      return new Entry(value, now + ttlMs);
    });
    return Future.succeededFuture(done[0]);
  }

  @Override
  public Future<Boolean> compareAndDelete(String key, String expected) {
    long now = System.currentTimeMillis();
    boolean[] done = {false};
    entries.computeIfPresent(key, (k, old) -> {
      if (Objects.equals(live(old, now), expected)) {
        done[0] = true;
        return null;
      }
      return old;
    });
    return Future.succeededFuture(done[0]);
  }

  @Override
  public Future<String> getAndSet(String key, String value, long ttlMs) {
    long now = System.currentTimeMillis();
    Entry old = entries.put(key, new Entry(value, now + ttlMs));
    return Future.succeededFuture(live(old, now));
  }

  @Override
  public Future<Boolean> expire(String key, long ttlMs) {
    long now = System.currentTimeMillis();
    boolean[] done = {false};
    entries.computeIfPresent(key, (k, old) -> {
      if (old.expired(now)) {
        return null;
      }
      done[0] = true;
      return new Entry(old.value(), now + ttlMs);
    });
    return Future.succeededFuture(done[0]);
  }

  /** In one step here: no retries needed. */
  @Override
  public Future<String> update(String key, UnaryOperator<String> change, long ttlMs) {
    long now = System.currentTimeMillis();
    String[] written = {null};
    try {
      entries.compute(key, (k, old) -> {
        String next = change.apply(live(old, now));
        if (next == null) {
          return old != null && old.expired(now) ? null : old;
        }
        written[0] = next;
        return new Entry(next, now + ttlMs);
      });
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return Future.succeededFuture(written[0]);
  }

  public void purgeExpired() {
    long now = System.currentTimeMillis();
    entries.values().removeIf(e -> e.expired(now));
  }

  private static String live(Entry e, long now) {
    return e == null || e.expired(now) ? null : e.value();
  }
}
