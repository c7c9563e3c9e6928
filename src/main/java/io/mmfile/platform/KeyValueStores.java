package io.mmfile.platform;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/** Creates the shared Redis client from {@code redis.*}; pool sizes come from config, not defaults. */
public final class KeyValueStores {
  private KeyValueStores() {
  }

  public static Redis redis(Vertx vertx, MmfileConfig config) {
    RedisOptions options = new RedisOptions()
      .setConnectionString(config.redisUrl().orElseThrow().toString())
      .setMaxPoolSize(config.redisPoolSize())
      .setMaxPoolWaiting(config.redisMaxWaiting());
    return Redis.createClient(vertx, options);
  }
}
