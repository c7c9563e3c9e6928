package io.mmfile.api.v1;

import io.mmfile.auth.AppKey;
import io.mmfile.support.ApiClient;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * One node for a class of /api/v1 tests on {@link #backend()}: an /api/v1 client, a daoke client (files
 * cross between the dialects) and an app key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiNodeContract {
  TestServer server;
  ApiClient api;
  DaokeClient daoke;
  AppKey app;

  abstract Backend backend();

  /** The node's configuration beyond the test defaults. */
  JsonObject overrides() {
    return new JsonObject().put("api.signature-window-seconds", 300);
  }

  @BeforeAll
  void startServer() {
    server = TestServer.start(backend(), overrides());
    api = new ApiClient(server.port());
    daoke = new DaokeClient(server.port());
    app = server.newAppKey();
  }

  @AfterAll
  void stopServer() {
    if (api != null) {
      api.close();
    }
    if (daoke != null) {
      daoke.close();
    }
    if (server != null) {
      server.close();
    }
  }
}
