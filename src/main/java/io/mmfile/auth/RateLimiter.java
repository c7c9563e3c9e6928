package io.mmfile.auth;

import io.mmfile.platform.Failure;
import io.mmfile.platform.KeyValueStore;
import io.vertx.core.Future;

/**
 * Fixed-window request limits ("at most n per hour per address") on the atomic counters of the
 * {@link KeyValueStore}: every request counts, and past the limit the rest of the window is refused
 * with {@link Failure.Kind#RATE_LIMITED}. A limit of 0 means unlimited.
 */
public final class RateLimiter {
  private final KeyValueStore kv;

  public RateLimiter(KeyValueStore kv) {
    this.kv = kv;
  }

  /** Counts one request against {@code key}; fails once more than {@code limit} came within the window. */
  public Future<Void> allow(String key, int limit, long windowMs, String what) {
    if (limit <= 0) {
      return Future.succeededFuture();
    }
    return kv.increment("rl:" + key, windowMs).compose(count -> count <= limit ? Future.<Void>succeededFuture()
      : Future.failedFuture(Failure.rateLimited(what, Math.max(1, windowMs / 1000))));
  }
}
