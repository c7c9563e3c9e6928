package io.mmfile.api.srv;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mmfile.support.Backend;
import io.mmfile.support.SocketExchange;
import io.mmfile.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any body, JSON, form-encoded, multipart or untyped, on srv's POST routes of a real server: every
 * answer is HTTP 200 with srv's {@code error} field, and never error 50 (a server-side failure).
 *
 * <p>Input layout: byte 0 picks the route (bits 0-2) and the Content-Type (bits 3-4); the rest is
 * the body.
 */
class SrvBodyFuzzIT {
  private static final String[] ROUTES = {"login", "account", "token", "password", "logout", "verificationMsg",
    "pic/upload", "login"};
  private static final String[] CONTENT_TYPES = {"application/json", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=B", null};

  static TestServer server;

  @BeforeAll
  static void start() {
    // Password hashing would bound the rate at a few inputs a second: after a handful of tries the
    // throttles answer 38 at once, so the fuzzer spends its time on parsing, which is what it is for.
    server = TestServer.start(Backend.EMBEDDED, new JsonObject()
      .put("auth.argon2-memory-kib", 8192).put("auth.argon2-iterations", 1)
      .put("auth.login-backoff-after", 1).put("auth.login-lock-after", 1)
      .put("auth.registrations-per-address-per-hour", 1));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @FuzzTest(maxDuration = "5m", maxExecutions = 20_000)
  @DictionaryEntries({"\"platid\":\"1\"", "\"vercode\":1", "\"channel\":\"c\"", "\"username\"", "\"password\"",
    "\"newpassword\"", "\"phonenumber\"", "\"registersource\"", "\"data\"", "\"refresh_token\"", "\"file\"",
    "platid=1&vercode=1&channel=c&", "username=", "password=", "%", "{", "}", "[", "]", "null", "1e400",
    "--B", "--B--", "Content-Disposition: form-data; name=\""})
  void postBody(byte[] input) {
    int flags = input.length > 0 ? input[0] & 0xff : 0;
    byte[] body = input.length > 1 ? java.util.Arrays.copyOfRange(input, 1, input.length) : new byte[0];
    String type = CONTENT_TYPES[(flags >> 3) & 3];
    String head = "POST /srv/v1/" + ROUTES[flags & 7] + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length
      + (type == null ? "" : "\r\nContent-Type: " + type);

    SocketExchange.Answer answer;
    // the one connection a fuzz input makes is to the server under test
    try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, port) -> port == server.port())) {
      answer = SocketExchange.exchange(server.port(), head, body, 15_000);
    }

    assertThat(answer.status()).as(answer.head()).isEqualTo(200);
    String error = new JsonObject(answer.bodyText()).getString("error");
    assertThat(error).as(answer.bodyText()).isNotNull().isNotEqualTo("50");
  }
}
