package io.mmfile.platform;

import io.mmfile.files.s3.S3BlobStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;

/**
 * {@code /health/live}: the process serves HTTP. {@code /health/ready}: the SQL store and, when
 * configured, Redis and the S3 bucket answer, and the data volume has more free space than its floor
 * ({@link DataVolume}); a load balancer takes a node out of rotation while they do not.
 */
public final class Health {
  private static final long TIMEOUT_MS = 2000;

  private final Pool pool;
  private final Redis redis;
  private final DataVolume volume;
  private final S3BlobStore s3;

  /** {@code redis} is null when the node runs without Redis, {@code s3} when the durable store is local. */
  public Health(Pool pool, Redis redis, DataVolume volume, S3BlobStore s3) {
    this.pool = pool;
    this.redis = redis;
    this.volume = volume;
    this.s3 = s3;
  }

  /** Each engine's state now, {@code UP} or {@code DOWN} (Redis and S3 only when configured); for the console. */
  public Future<JsonObject> engines() {
    Future<String> sql = pool.query("SELECT 1").execute().timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .map("UP").otherwise("DOWN");
    Future<String> kv = redis == null ? Future.succeededFuture(null)
      : redis.send(Request.cmd(Command.PING)).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).map("UP").otherwise("DOWN");
    Future<String> objects = s3 == null ? Future.succeededFuture(null)
      : s3.ping().timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).map("UP").otherwise("DOWN");
    return Future.join(sql, kv, objects).transform(ignored -> {
      JsonObject out = new JsonObject().put("sql", sql.result());
      if (redis != null) {
        out.put("redis", kv.result());
      }
      if (s3 != null) {
        out.put("s3", objects.result());
      }
      return Future.succeededFuture(out.put("disk", volume.writable() ? "UP" : "DOWN"));
    });
  }

  public void mount(Router router, Vertx vertx) {
    HealthChecks live = HealthChecks.create(vertx).register("http", promise -> promise.complete(Status.OK()));
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    HealthChecks ready = HealthChecks.create(vertx);
    ready.register("sql", TIMEOUT_MS, promise -> pool.query("SELECT 1").execute()
      .onSuccess(rows -> promise.complete(Status.OK()))
      .onFailure(t -> promise.complete(Status.KO())));
    if (redis != null) {
      ready.register("redis", TIMEOUT_MS, promise -> redis.send(Request.cmd(Command.PING))
        .onSuccess(r -> promise.complete(Status.OK()))
        .onFailure(t -> promise.complete(Status.KO())));
    }
    if (s3 != null) {
      // HEAD on the bucket: it exists, answers, and takes these credentials.
      ready.register("s3", TIMEOUT_MS, promise -> s3.ping()
        .onSuccess(v -> promise.complete(Status.OK()))
        .onFailure(t -> promise.complete(Status.KO())));
    }
    ready.register("disk", promise -> {
      JsonObject data = new JsonObject().put("freeBytes", volume.freeBytes()).put("minFreeBytes", volume.minFreeBytes());
      promise.complete(volume.writable() ? Status.OK(data) : Status.KO(data));
    });
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
  }
}
