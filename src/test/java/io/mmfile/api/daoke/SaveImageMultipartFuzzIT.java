package io.mmfile.api.daoke;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.SocketExchange;
import io.mmfile.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bytes of a saveImage body, sent to a real server: mmfile's multipart parser feeds the upload
 * exchange and the store, so fuzzing the whole exchange finds what fuzzing the parser alone would not
 * (a request left unanswered, an exception between parser and store). Every answer must come, be the
 * daoke envelope and not a 5xx.
 *
 * <p>Input layout: byte 0 picks the Content-Type (bits 1-2: {@code boundary=B}, {@code boundary=},
 * no boundary, {@code boundary="B"}) and whether the harness first writes correctly signed
 * {@code appKey}, {@code length} and {@code sign} fields (bit 0); bytes 1-2 are that length; the rest
 * is appended raw. The boundary is {@code B}.
 */
class SaveImageMultipartFuzzIT {
  private static final String BOUNDARY = "B";
  private static final String[] CONTENT_TYPES = {"multipart/form-data; boundary=" + BOUNDARY,
    "multipart/form-data; boundary=", "multipart/form-data", "multipart/form-data; boundary=\"" + BOUNDARY + "\""};

  static TestServer server;
  static AppKey app;

  @BeforeAll
  static void start() {
    // The shortest idle timeout: an input whose file part never ends is answered by it, and the fuzzer
    // waits for every answer, one input after the other.
    server = TestServer.start(Backend.EMBEDDED, new JsonObject().put("upload.idle-timeout-seconds", 1));
    app = server.newAppKey();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  // A few dozen inputs a second through a real server: 10 minutes for the 10,000 the longer run asks.
  @FuzzTest(maxDuration = "10m", maxExecutions = 20_000)
  // no line feeds: Jazzer writes dictionary entries unescaped, one a line; the seeds carry the CRLFs
  @DictionaryEntries({"--B", "--B--", "\r", "Content-Disposition: form-data; name=\"",
    "\"; filename=\"", "Content-Type: image/png", "mmfile", "length", "sign", "appKey", "isStorage", "cacheTime",
    "PNG", "IHDR", "IDAT", "Content-Transfer-Encoding: ", "charset="})
  void multipartBody(byte[] input) {
    int flags = input.length > 0 ? input[0] & 0xff : 0;
    int length = input.length > 2 ? ((input[1] & 0xff) << 8) | (input[2] & 0xff) : 0;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if ((flags & 1) != 0) {
      DaokeClient.signedFields(app, length, Map.of()).forEach((name, value) -> body.writeBytes(("--" + BOUNDARY
        + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
        .getBytes(StandardCharsets.UTF_8)));
    }
    if (input.length > 3) {
      body.write(input, 3, input.length - 3);
    }
    byte[] bytes = body.toByteArray();
    String head = "POST /dfsapi/v2/saveImage HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
      + CONTENT_TYPES[(flags >> 1) & 3] + "\r\nContent-Length: " + bytes.length;

    SocketExchange.Answer answer;
    // the one connection a fuzz input makes is to the server under test
    try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, port) -> port == server.port())) {
      answer = SocketExchange.exchange(server.port(), head, bytes, 15_000);
    }

    assertThat(answer.status()).as(answer.head()).isBetween(200, 499);
    if (answer.status() == 200) {
      assertThat(new JsonObject(answer.bodyText()).getString("ERRORCODE")).as(answer.bodyText()).isNotNull();
    }
  }
}
