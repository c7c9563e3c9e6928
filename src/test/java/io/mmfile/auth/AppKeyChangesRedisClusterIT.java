package io.mmfile.auth;

import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.mmfile.support.DaokeClient.code;
import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one MariaDB and a Redis Cluster, remembering keys an hour: a key disabled on one is
 * refused by the other, which only the announcement, published on one master and passed on by the
 * cluster to the subscriber's, can explain.
 */
class AppKeyChangesRedisClusterIT {
  @Test
  void aKeyDisabledOnOneNodeIsRefusedByTheOther() {
    JsonObject longCache = new JsonObject().put("auth.app-key-cache-seconds", 3600);
    try (TestServer a = TestServer.start(Backend.MARIADB_REDIS_CLUSTER, longCache);
         TestServer b = TestServer.start(Backend.MARIADB_REDIS_CLUSTER, longCache.copy()
           .put("database.url", a.server().config().databaseUrl().orElseThrow().toString())
           .put("redis.key-prefix", a.redisKeyPrefix()));
         DaokeClient clientB = new DaokeClient(b.port())) {
      eventually(() -> a.server().appKeyChanges().listening() && b.server().appKeyChanges().listening());
      AppKey app = a.newAppKey();
      assertThat(code(clientB.save(app, Images.png(6, 6, 1), Map.of("isStorage", "true")))).isEqualTo("0");

      await(a.server().appKeys().disable(app.appKey()));

      eventually(() -> code(clientB.save(app, Images.png(6, 6, 2), Map.of("isStorage", "true"))).equals("ME01002"));
    }
  }
}
