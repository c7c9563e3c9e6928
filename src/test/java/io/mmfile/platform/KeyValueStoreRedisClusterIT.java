package io.mmfile.platform;

import io.mmfile.support.RedisCluster;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.mmfile.support.TestServer.await;

/** The atomic operations on a three-master Redis Cluster: every one is a single key or a one-key script. */
class KeyValueStoreRedisClusterIT extends KeyValueStoreContract {
  Vertx vertx;
  Redis redis;
  String prefix;

  @Override
  KeyValueStore open() {
    vertx = Vertx.vertx();
    List<String> endpoints = new ArrayList<>(List.of(RedisCluster.shared().urls().split(",")));
    redis = Redis.createClient(vertx, new RedisOptions().setType(RedisClientType.CLUSTER).setEndpoints(endpoints)
      .setMaxPoolSize(16).setMaxPoolWaiting(4096));
    prefix = "mmfile-t-kv-" + Integer.toHexString(ThreadLocalRandom.current().nextInt()) + ":";
    return new RedisKeyValueStore(redis, prefix);
  }

  @Override
  void closeStore() {
    Response keys = await(redis.send(Request.cmd(Command.KEYS).arg(prefix + "*")));
    for (Response key : keys) {
      await(redis.send(Request.cmd(Command.DEL).arg(key.toString())));
    }
    redis.close();
    vertx.close();
  }
}
