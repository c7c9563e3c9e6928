package io.mmfile.platform;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/** {@link KeyValueStore} on Redis, every key under {@code redis.key-prefix}. */
public final class RedisKeyValueStore implements KeyValueStore {
  private final Redis redis;
  private final String prefix;

  public RedisKeyValueStore(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix + "kv:";
  }

  @Override
  public Future<String> get(String key) {
    return redis.send(Request.cmd(Command.GET).arg(prefix + key)).map(RedisKeyValueStore::text).recover(Failure::redis);
  }

  @Override
  public Future<Void> set(String key, String value, long ttlMs) {
    return redis.send(Request.cmd(Command.SET).arg(prefix + key).arg(value).arg("PX").arg(Math.max(1, ttlMs)))
      .<Void>mapEmpty().recover(Failure::redis);
  }

  @Override
  public Future<Boolean> setIfAbsent(String key, String value, long ttlMs) {
    return redis.send(Request.cmd(Command.SET).arg(prefix + key).arg(value).arg("NX").arg("PX").arg(Math.max(1, ttlMs)))
      .map(r -> r != null).recover(Failure::redis);
  }

  @Override
  public Future<String> getAndDelete(String key) {
    return redis.send(Request.cmd(Command.GETDEL).arg(prefix + key)).map(RedisKeyValueStore::text).recover(Failure::redis);
  }

  @Override
  public Future<Void> delete(String key) {
    return redis.send(Request.cmd(Command.DEL).arg(prefix + key)).<Void>mapEmpty().recover(Failure::redis);
  }

  private static String text(Response r) {
    return r == null ? null : r.toString();
  }
}
