package io.mmfile.faults;

import io.mmfile.support.Backend;
import io.mmfile.support.TestServer;

import java.util.LinkedHashMap;
import java.util.Map;

/** Configuration and clean-up shared by the fault tests that run a node in a child JVM. */
final class FaultNodes {
  private FaultNodes() {
  }

  /** A child node's settings on {@code backend}, with its own database name and Redis key prefix. */
  static Map<String, Object> config(Backend backend, String id) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("http.instances", 2);
    config.put("storage.instances", 4);
    config.put("shutdown.grace-seconds", 1);
    config.put("sms.allow-log-sender", true);
    if (backend == Backend.MARIADB_REDIS) {
      String auth = TestServer.MYSQL_PASSWORD.isEmpty() ? TestServer.MYSQL_USER
        : TestServer.MYSQL_USER + ":" + TestServer.MYSQL_PASSWORD;
      config.put("database.url", "mysql://" + auth + "@" + TestServer.MYSQL_HOST + ":" + TestServer.MYSQL_PORT
        + "/mmfile_f_" + id);
      config.put("redis.url", TestServer.REDIS_URL);
      config.put("redis.key-prefix", "mmfile-f-" + id + ":");
    }
    return config;
  }

  /** Drops what {@link #config} made outside the data directory. */
  static void cleanUp(Backend backend, String id) {
    if (backend != Backend.MARIADB_REDIS) {
      return;
    }
    TestServer.dropDatabase("mmfile_f_" + id);
    TestServer.deleteRedisKeys(TestServer.REDIS_URL, "mmfile-f-" + id + ":");
  }
}
