package io.mmfile.auth;

import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static io.mmfile.support.DaokeClient.code;
import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded node, which has no Redis: a change made in the node's own process drops the key from
 * its cache at once, though the cache would keep it an hour.
 */
class AppKeyChangesEmbeddedIT {
  @Test
  void aChangeInTheNodesOwnProcessShowsAtTheNextRequest() {
    try (TestServer server = TestServer.start(Backend.EMBEDDED, new JsonObject().put("auth.app-key-cache-seconds", 3600));
         DaokeClient client = new DaokeClient(server.port())) {
      AppKey app = server.newAppKey();
      assertThat(code(client.save(app, Images.png(6, 6, 1)))).isEqualTo("0");

      await(server.server().appKeys().disable(app.appKey()));
      assertThat(code(client.save(app, Images.png(6, 6, 2)))).isEqualTo("ME01002");

      await(server.server().appKeys().enable(app.appKey()));
      assertThat(code(client.save(app, Images.png(6, 6, 3)))).isEqualTo("0");
    }
  }
}
