package io.mmfile.auth;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Remembers app keys for {@code auth.app-key-cache-seconds} so that a signed upload does not cost a SQL
 * round trip: bounded to {@code auth.app-key-cache-max-entries}, and concurrent lookups of one key share a
 * single query. A change to a key drops it at once ({@link #forget}, driven by {@link AppKeyChanges}); the
 * cache time bounds how long a node that missed the notice (Redis away) keeps the old state. Unknown keys
 * are remembered too, so a flood of made-up keys costs one query per key.
 */
public final class AppKeyCache {
  /**
   * Caffeine reports every failed load through java.util.logging, with a stack trace: during a database
   * outage that would be one per request. The caller already gets the failure (store unavailable), so
   * those reports are silenced. Held here because java.util.logging keeps loggers only weakly.
   */
  private static final java.util.logging.Logger CAFFEINE_LOAD_FAILURES = quiet("com.github.benmanes.caffeine.cache");

  private final AsyncLoadingCache<String, Optional<AppKey>> cache;
  private final Clock clock;

  public AppKeyCache(AppKeyRepository repository, MmfileConfig.AppKeys config, Clock clock) {
    this(repository::find, config, clock);
  }

  /** {@code loader} looks one key up in the store (enabled or not; empty when unknown). */
  AppKeyCache(Function<String, Future<Optional<AppKey>>> loader, MmfileConfig.AppKeys config, Clock clock) {
    this.clock = clock;
    this.cache = Caffeine.newBuilder()
      .maximumSize(config.cacheMaxEntries())
      .expireAfterWrite(Duration.ofSeconds(config.cacheSeconds()))
      // The loader only starts an asynchronous query; no need to hop to another pool for that.
      .executor(Runnable::run)
      .buildAsync((appKey, executor) -> loader.apply(appKey).toCompletionStage().toCompletableFuture());
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(java.util.logging.Level.SEVERE);
    return logger;
  }

  /**
   * Drops what is remembered of {@code appKey}, a lookup in flight included (its answer, read before the
   * change perhaps, is not kept), so the next request reads the key from the store.
   */
  public void forget(String appKey) {
    cache.synchronous().invalidate(appKey);
  }

  /** Drops every key: after a time without change notices, any of them may have changed. */
  public void forgetAll() {
    cache.synchronous().invalidateAll();
  }

  /**
   * The enabled key named {@code appKey} as it stands now (a previous secret whose overlap has ended is
   * dropped at every call, not when the entry was loaded), or empty when it is unknown, disabled or deleted.
   */
  public Future<Optional<AppKey>> enabled(String appKey) {
    CompletableFuture<Optional<AppKey>> loaded = cache.get(appKey);
    // Complete on the caller's context: the shared query may have been started from another event loop.
    Context context = Vertx.currentContext();
    Future<Optional<AppKey>> found = context == null ? Future.fromCompletionStage(loaded)
      : Future.fromCompletionStage(loaded, context);
    return found.map(key -> key.filter(AppKey::enabled).map(k -> k.at(clock.millis())));
  }
}
