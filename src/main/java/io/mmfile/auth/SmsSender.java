package io.mmfile.auth;

import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends verification codes; chosen by {@code sms.sender}. */
public interface SmsSender {
  Future<Void> send(String mobile, String code, String text);

  static SmsSender create(Vertx vertx, MmfileConfig.Sms config) {
    return config.sender().equals("http") ? new Http(vertx, config) : new Log();
  }

  /** Prints the code to the log: development and the embedded default. */
  final class Log implements SmsSender {
    private static final Logger LOG = LoggerFactory.getLogger(SmsSender.class);

    @Override
    public Future<Void> send(String mobile, String code, String text) {
      LOG.info("verification code for {}: {}", mobile, code);
      return Future.succeededFuture();
    }
  }

  /** POSTs {@code {"mobile","code","text"}} as JSON to a gateway at {@code sms.http-url}; any 2xx is success. */
  final class Http implements SmsSender {
    private final WebClient client;
    private final String url;

    Http(Vertx vertx, MmfileConfig.Sms config) {
      this.client = WebClient.create(vertx);
      this.url = config.httpUrl().orElseThrow().toString();
    }

    @Override
    public Future<Void> send(String mobile, String code, String text) {
      return client.postAbs(url).timeout(10_000)
        .sendJsonObject(new JsonObject().put("mobile", mobile).put("code", code).put("text", text))
        .compose(response -> response.statusCode() / 100 == 2 ? Future.<Void>succeededFuture()
          : Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "SMS gateway answered " + response.statusCode())))
        .recover(t -> Future.failedFuture(Failure.wrap(t, Failure.Kind.STORE_FAILED)));
    }
  }
}
