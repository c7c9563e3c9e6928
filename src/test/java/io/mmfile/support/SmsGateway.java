package io.mmfile.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.mmfile.support.TestServer.await;

/** A real HTTP SMS gateway on loopback that remembers the last code sent to each number. */
public final class SmsGateway implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final Map<String, JsonObject> lastMessage = new ConcurrentHashMap<>();
  private final HttpServer server;

  public SmsGateway() {
    server = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      JsonObject message = body.toJsonObject();
      SecretWatch.watch(message.getString("code"));
      lastMessage.put(message.getString("mobile"), message);
      req.response().setStatusCode(202).end();
    })).listen(0, "127.0.0.1"));
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/sms";
  }

  /** The code in the last message to {@code mobile}, or null. */
  public String lastCode(String mobile) {
    JsonObject message = lastMessage.get(mobile);
    return message == null ? null : message.getString("code");
  }

  public JsonObject lastMessage(String mobile) {
    return lastMessage.get(mobile);
  }

  @Override
  public void close() {
    vertx.close();
  }
}
