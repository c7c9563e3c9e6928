package io.mmfile.platform;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * {@link KeyValueStore} on Redis, every key under {@code redis.key-prefix}. The atomic operations are
 * single commands or short Lua scripts, which Redis runs without interleaving other commands.
 */
public final class RedisKeyValueStore implements KeyValueStore {
  /** INCR, and PEXPIRE when the counter has no expiry yet (it was just created). */
  private static final String INCREMENT = """
    local n = redis.call('INCR', KEYS[1])
    if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
    return n""";
  /** ARGV: 1 = whether a value is expected, 2 = the expected value, 3 = the new value, 4 = time to live. */
  private static final String COMPARE_AND_SET = """
    local current = redis.call('GET', KEYS[1])
    if ARGV[1] == '0' then
      if current then return 0 end
    elseif current ~= ARGV[2] then
      return 0
    end
    redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
    return 1""";
  private static final String COMPARE_AND_DELETE = """
    if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
    return 0""";

  private final Redis redis;
  private final String prefix;

  public RedisKeyValueStore(Redis redis, String prefix) {
    this.redis = redis;
    this.prefix = prefix + "kv:";
  }

  @Override
  public Future<String> get(String key) {
    return send(Request.cmd(Command.GET).arg(prefix + key)).map(RedisKeyValueStore::text);
  }

  @Override
  public Future<Void> set(String key, String value, long ttlMs) {
    return send(Request.cmd(Command.SET).arg(prefix + key).arg(value).arg("PX").arg(ttl(ttlMs))).mapEmpty();
  }

  @Override
  public Future<Boolean> setIfAbsent(String key, String value, long ttlMs) {
    return send(Request.cmd(Command.SET).arg(prefix + key).arg(value).arg("NX").arg("PX").arg(ttl(ttlMs)))
      .map(r -> r != null);
  }

  @Override
  public Future<String> getAndDelete(String key) {
    return send(Request.cmd(Command.GETDEL).arg(prefix + key)).map(RedisKeyValueStore::text);
  }

  @Override
  public Future<Void> delete(String key) {
    return send(Request.cmd(Command.DEL).arg(prefix + key)).mapEmpty();
  }

  @Override
  public Future<Long> increment(String key, long ttlMs) {
    return script(INCREMENT, key, Long.toString(ttl(ttlMs))).map(Response::toLong);
  }

  @Override
  public Future<Boolean> compareAndSet(String key, String expected, String value, long ttlMs) {
    return script(COMPARE_AND_SET, key, expected == null ? "0" : "1", expected == null ? "" : expected, value,
      Long.toString(ttl(ttlMs))).map(r -> r.toLong() == 1);
  }

  @Override
  public Future<Boolean> compareAndDelete(String key, String expected) {
    return script(COMPARE_AND_DELETE, key, expected).map(r -> r.toLong() == 1);
  }

  @Override
  public Future<String> getAndSet(String key, String value, long ttlMs) {
    return send(Request.cmd(Command.SET).arg(prefix + key).arg(value).arg("PX").arg(ttl(ttlMs)).arg("GET"))
      .map(RedisKeyValueStore::text);
  }

  @Override
  public Future<Boolean> expire(String key, long ttlMs) {
    return send(Request.cmd(Command.PEXPIRE).arg(prefix + key).arg(ttl(ttlMs))).map(r -> r.toLong() == 1);
  }

  private Future<Response> script(String lua, String key, String... args) {
    Request request = Request.cmd(Command.EVAL).arg(lua).arg(1).arg(prefix + key);
    for (String arg : args) {
      request.arg(arg);
    }
    return send(request);
  }

  private Future<Response> send(Request request) {
    return redis.send(request).recover(Failure::redis);
  }

  private static long ttl(long ttlMs) {
    return Math.max(1, ttlMs);
  }

  private static String text(Response r) {
    return r == null ? null : r.toString();
  }
}
