package io.mmfile.platform;

import io.mmfile.support.Backend;
import io.mmfile.support.LogCapture;
import io.mmfile.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code http.transport}: which transport a node runs on, that it says so once, and that it serves. */
class NetworkTransportIT {

  /** Linux on x86-64 is what the jar carries a native library for: there the node runs on epoll. */
  private static final boolean EPOLL_IN_THE_JAR = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
    && System.getProperty("os.arch").equals("amd64");

  @Test
  void theNativeTransportIsEpollOnLinuxAndNioWithItsReasonElsewhere() throws IOException {
    try (LogCapture log = new LogCapture();
         TestServer server = TestServer.start(Backend.EMBEDDED, new JsonObject().put("http.transport", "native"))) {
      assertThat(server.vertx().isNativeTransportEnabled()).isEqualTo(EPOLL_IN_THE_JAR);
      assertThat(NetworkTransport.name(server.vertx())).isEqualTo(EPOLL_IN_THE_JAR ? "epoll" : "nio");
      assertThat(log.lines()).filteredOn(l -> l.contains("network transport: "))
        .singleElement().asString()
        .contains(EPOLL_IN_THE_JAR ? "network transport: epoll (native)" : "network transport: nio (no native transport for");
      assertServesAndCloses(server.port());
    }
  }

  @Test
  void nioIsUsedWhenAskedFor() throws IOException {
    try (LogCapture log = new LogCapture();
         TestServer server = TestServer.start(Backend.EMBEDDED, new JsonObject().put("http.transport", "nio"))) {
      assertThat(server.vertx().isNativeTransportEnabled()).isFalse();
      assertThat(NetworkTransport.name(server.vertx())).isEqualTo("nio");
      assertThat(log.lines()).filteredOn(l -> l.contains("network transport: "))
        .singleElement().asString().contains("network transport: nio (http.transport: nio)");
      assertServesAndCloses(server.port());
    }
  }

  /** A request that asks for Connection: close gets its whole answer, then the server closes. */
  private static void assertServesAndCloses(int port) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      String text = answer.toString(StandardCharsets.US_ASCII);
      assertThat(text).startsWith("HTTP/1.1 200");
      assertThat(text.toLowerCase(Locale.ROOT)).contains("connection: close");
    }
  }
}
