package io.mmfile.platform;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.Multipart;
import io.mmfile.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping a node (SIGTERM runs the same stop) in order: HTTP stops accepting and drains within
 * {@code shutdown.grace-seconds}, and only then does storage stop, so an upload in flight still lands.
 */
class ShutdownIT {
  private static final Pattern FILE_ID = Pattern.compile("\"fileID\":\"([0-9a-f]{32})\"");

  @Test
  void anUploadInFlightWhenTheServerStopsStillCompletesAndIsAcknowledged() throws Exception {
    TestServer server = TestServer.start(Backend.EMBEDDED, new JsonObject().put("shutdown.grace-seconds", 30));
    try (DaokeClient client = new DaokeClient(server.port())) {
      AppKey app = server.newAppKey();
      Buffer image = Images.pngOfSize(300_000, 11);
      Multipart form = client.form(app, image, Map.of("isStorage", "true"));
      Buffer body = form.body();
      NetClient net = client.vertx().createNetClient();
      NetSocket socket = await(net.connect(server.port(), "127.0.0.1"));
      Buffer answer = Buffer.buffer();
      CompletableFuture<String> closed = new CompletableFuture<>();
      socket.handler(answer::appendBuffer);
      socket.closeHandler(v -> closed.complete(answer.toString()));
      await(socket.write("POST /dfsapi/v2/saveImage HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: " + form.contentType()
        + "\r\nContent-Length: " + body.length() + "\r\n\r\n"));
      await(socket.write(body.getBuffer(0, body.length() / 2)));
      eventually(() -> !server.stagedParts().isEmpty());

      Future<Void> stopped = server.server().stop();
      // the node has begun to stop: it accepts no new connection
      eventually(() -> !accepts(client, server.port()));
      await(socket.write(body.getBuffer(body.length() / 2, body.length())));

      String response = closed.get(60, TimeUnit.SECONDS);
      await(stopped);

      assertThat(response).startsWith("HTTP/1.1 200 ");
      assertThat(response).contains("{\"ERRORCODE\":\"0\", \"RESULT\":{");
      Matcher id = FILE_ID.matcher(response);
      assertThat(id.find()).isTrue();
      assertThat(server.stagedParts()).isEmpty();
      Path stored = server.durableFiles().stream()
        .filter(p -> p.getFileName().toString().equals(id.group(1))).findFirst().orElseThrow();
      assertThat(Files.readAllBytes(stored)).isEqualTo(image.getBytes());
      net.close();
    } finally {
      server.close();
    }
  }

  private static boolean accepts(DaokeClient client, int port) {
    NetClient probe = client.vertx().createNetClient();
    try {
      await(probe.connect(port, "127.0.0.1")).close();
      return true;
    } catch (RuntimeException refused) {
      return false;
    } finally {
      probe.close();
    }
  }
}
