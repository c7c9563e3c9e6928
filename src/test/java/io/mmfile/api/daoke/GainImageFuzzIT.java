package io.mmfile.api.daoke;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.SocketExchange;
import io.mmfile.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any query and Range header on gainImage, against a real server holding one durable and one cached
 * file: every answer is one of gainImage's statuses, never a 5xx and never silence. The input is the
 * query, a newline, then the Range header; {@code FILE} and {@code CACHED} in it stand for the two
 * files' ids, so the fuzzer reaches past the lookup.
 */
class GainImageFuzzIT {
  private static final Set<Integer> STATUSES = Set.of(200, 206, 304, 400, 403, 404, 416, 431);

  static TestServer server;
  static String durableId;
  static String cachedId;

  @BeforeAll
  static void start() {
    server = TestServer.start(Backend.EMBEDDED);
    AppKey app = server.newAppKey();
    try (DaokeClient http = new DaokeClient(server.port())) {
      durableId = fileId(http.save(app, Images.png(20, 10, 1), Map.of("isStorage", "true")));
      cachedId = fileId(http.save(app, Images.png(20, 10, 2)));
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String fileId(io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> saved) {
    return DaokeClient.result(saved).getString("fileID");
  }

  @FuzzTest(maxDuration = "5m", maxExecutions = 20_000)
  @DictionaryEntries({"file=", "FILE", "CACHED", "isStorage=true", "group=g1", "scaling=", "&", "%26", "%3D", "%3A",
    "%", "%zz", ":", ".png", "bytes=", "-", ",", "99999999999999999999"})
  void queryAndRange(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8).replace("CACHED", cachedId).replace("FILE", durableId);
    int newline = text.indexOf('\n');
    String query = newline < 0 ? text : text.substring(0, newline);
    String range = newline < 0 ? null : text.substring(newline + 1).replaceAll("[\\r\\n]", "");
    String head = "GET /dfsapi/v2/gainImage?" + requestTarget(query) + " HTTP/1.1\r\nHost: localhost"
      + (range == null ? "" : "\r\nRange: " + range.replaceAll("[^\\x20-\\x7e]", ""));

    SocketExchange.Answer answer;
    // the one connection a fuzz input makes is to the server under test
    try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, port) -> port == server.port())) {
      answer = SocketExchange.exchange(server.port(), head, new byte[0], 10_000);
    }

    assertThat(answer.status()).as(answer.head()).isIn(STATUSES);
  }

  /** The query as a request line can carry it: bytes a request line cannot hold are percent-encoded. */
  private static String requestTarget(String query) {
    StringBuilder target = new StringBuilder();
    for (byte b : query.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && c != '#') {
        target.append((char) c);
      } else {
        target.append('%').append(String.format("%02X", c));
      }
    }
    return target.toString();
  }
}
