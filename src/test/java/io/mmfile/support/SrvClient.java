package io.mmfile.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.concurrent.atomic.AtomicLong;

import static io.mmfile.support.TestServer.await;

/** A phone app speaking srv/v1. */
public final class SrvClient {
  private static final AtomicLong MOBILES = new AtomicLong(System.nanoTime() % 1_000_000_000L);

  private final WebClient web;

  public SrvClient(WebClient web) {
    this.web = web;
  }

  /** A mobile number no other test uses. */
  public static String newMobile() {
    return "13" + String.format("%09d", MOBILES.incrementAndGet() % 1_000_000_000L);
  }

  public static JsonObject app(String platid) {
    return new JsonObject().put("platid", platid).put("vercode", 1).put("channel", "1CWR");
  }

  public JsonObject post(String path, JsonObject body) {
    return post(path, body, null);
  }

  public JsonObject post(String path, JsonObject body, String accessToken) {
    SecretWatch.watch(accessToken);
    watchSecrets(body);
    var request = web.post("/srv/v1/" + path);
    if (accessToken != null) {
      request.putHeader("Authorization", "Bearer " + accessToken);
    }
    HttpResponse<Buffer> response = await(request.sendJsonObject(body));
    if (response.statusCode() != 200) {
      throw new AssertionError("srv answers HTTP 200, got " + response.statusCode() + ": " + response.bodyAsString());
    }
    JsonObject answer = response.bodyAsJsonObject();
    watchSecrets(answer);
    return answer;
  }

  /** Passwords, tokens, secrets and codes sent or received must never reach a log line (SecretWatch). */
  static void watchSecrets(Object json) {
    if (json instanceof JsonObject object) {
      for (String key : object.fieldNames()) {
        Object value = object.getValue(key);
        String name = key.toLowerCase(java.util.Locale.ROOT);
        if (value instanceof String text && (name.contains("password") || name.contains("secret") || name.equals("sign")
          || name.contains("token") && text.length() >= 16
          // SMS codes are digits; authorization codes long; other "code"s (error codes) are neither
          || name.contains("code") && (text.matches("\\d{4,8}") || text.length() >= 16))) {
          SecretWatch.watch(text);
        }
        watchSecrets(value);
      }
    } else if (json instanceof io.vertx.core.json.JsonArray array) {
      array.forEach(SrvClient::watchSecrets);
    }
  }

  /** A GET as the original client sends it: no platid, vercode or channel, only the Bearer header. */
  public JsonObject get(String path, String accessToken) {
    SecretWatch.watch(accessToken);
    var request = web.get("/srv/v1/" + path);
    if (accessToken != null) {
      request.putHeader("Authorization", "Bearer " + accessToken);
    }
    return await(request.send()).bodyAsJsonObject();
  }
}
