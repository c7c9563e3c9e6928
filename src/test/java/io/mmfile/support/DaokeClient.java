package io.mmfile.support;

import io.mmfile.auth.AppKey;
import io.mmfile.auth.SignatureVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.mmfile.support.TestServer.await;

/** A legacy daoke client: signs and uploads the way camera firmware does. */
public final class DaokeClient implements AutoCloseable {
  private final Vertx vertx;
  private final WebClient web;
  private final int port;

  public DaokeClient(int port) {
    this(port, new WebClientOptions(), 8);
  }

  public DaokeClient(int port, WebClientOptions options, int connections) {
    this.vertx = Vertx.vertx();
    this.web = WebClient.create(vertx, options.setDefaultHost("127.0.0.1").setDefaultPort(port),
      new PoolOptions().setHttp1MaxSize(connections).setHttp2MaxSize(connections));
    this.port = port;
  }

  public WebClient web() {
    return web;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Signed fields for an upload of {@code length} bytes, plus any extra signed fields, in that order. */
  public static Map<String, String> signedFields(AppKey app, long length, Map<String, String> extra) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("appKey", app.appKey());
    fields.put("length", Long.toString(length));
    fields.putAll(extra);
    fields.put("sign", SignatureVerifier.sign(fields, app.secret()));
    SecretWatch.watch(app.secret());
    SecretWatch.watch(fields.get("sign"));
    return fields;
  }

  /** Fields first, then the file part: the common client. */
  public Multipart form(AppKey app, Buffer image, Map<String, String> extra) {
    Multipart form = new Multipart();
    signedFields(app, image.length(), extra).forEach(form::field);
    return form.file("mmfile", "photo.img", "application/octet-stream", image);
  }

  public HttpResponse<Buffer> post(Multipart form) {
    return await(web.post("/dfsapi/v2/saveImage").putHeader("Content-Type", form.contentType()).sendBuffer(form.body()));
  }

  public HttpResponse<Buffer> save(AppKey app, Buffer image) {
    return post(form(app, image, Map.of()));
  }

  public HttpResponse<Buffer> save(AppKey app, Buffer image, Map<String, String> extra) {
    return post(form(app, image, extra));
  }

  /** GET of an absolute URL that saveImage returned. */
  public HttpResponse<Buffer> get(String url) {
    return await(web.getAbs(url).send());
  }

  public static JsonObject result(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("RESULT");
  }

  public static String code(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getString("ERRORCODE");
  }

  @Override
  public void close() {
    web.close();
    vertx.close();
  }
}
