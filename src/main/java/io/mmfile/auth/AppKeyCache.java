package io.mmfile.auth;

import io.vertx.core.Future;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers app keys for a few seconds so that a signed upload does not cost a SQL round trip.
 * Disabling a key therefore takes effect within {@code ttlMs} on every node.
 */
public final class AppKeyCache {
  private record Entry(Optional<AppKey> key, long loadedMs) {
  }

  private final AppKeyRepository repository;
  private final long ttlMs;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public AppKeyCache(AppKeyRepository repository, long ttlMs) {
    this.repository = repository;
    this.ttlMs = ttlMs;
  }

  /** The enabled key named {@code appKey}, or empty when it is unknown or disabled. */
  public Future<Optional<AppKey>> enabled(String appKey) {
    long now = System.currentTimeMillis();
    Entry entry = entries.get(appKey);
    if (entry != null && now - entry.loadedMs() < ttlMs) {
      return Future.succeededFuture(entry.key());
    }
    return repository.find(appKey).map(found -> {
      Optional<AppKey> usable = found.filter(AppKey::enabled);
      if (entries.size() > 10_000) {
        entries.clear();
      }
      entries.put(appKey, new Entry(usable, now));
      return usable;
    });
  }
}
