package io.mmfile.platform;

import io.mmfile.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.concurrent.ThreadLocalRandom;

import static io.mmfile.support.TestServer.await;

/** The Redis store, under a key prefix of its own that the test removes afterwards. */
class KeyValueStoreMariaDbRedisIT extends KeyValueStoreContract {
  Vertx vertx;
  Redis redis;
  String prefix;

  @Override
  KeyValueStore open() {
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(TestServer.REDIS_URL).setMaxPoolSize(16)
      .setMaxPoolWaiting(4096));
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
