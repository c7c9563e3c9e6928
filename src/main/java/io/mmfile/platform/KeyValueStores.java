package io.mmfile.platform;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisRole;

import java.net.URI;
import java.util.ArrayList;

/**
 * Creates the shared Redis client from {@code redis.*}: one server, a Redis Cluster or Sentinel
 * ({@code redis.mode}); pool sizes come from config, not defaults.
 */
public final class KeyValueStores {
  private KeyValueStores() {
  }

  public static Redis redis(Vertx vertx, MmfileConfig config) {
    MmfileConfig.RedisServers servers = config.redisServers();
    RedisOptions options = new RedisOptions()
      .setEndpoints(new ArrayList<>(servers.urls().stream().map(URI::toString).toList()))
      .setMaxPoolSize(config.redisPoolSize())
      .setMaxPoolWaiting(config.redisMaxWaiting());
    switch (servers.mode()) {
      case STANDALONE -> options.setType(RedisClientType.STANDALONE);
      // Reads go to masters too: a replica may lag behind a write the same request just made.
      case CLUSTER -> options.setType(RedisClientType.CLUSTER).setUseReplicas(RedisReplicas.NEVER);
      case SENTINEL -> options.setType(RedisClientType.SENTINEL).setMasterName(servers.masterName())
        .setRole(RedisRole.MASTER);
    }
    return Redis.createClient(vertx, options);
  }
}
