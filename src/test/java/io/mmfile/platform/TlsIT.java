package io.mmfile.platform;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.Multipart;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/** HTTPS through OpenSSL with HTTP/2 negotiated by ALPN, using a certificate made for the test. */
class TlsIT {

  @Test
  void uploadsAndDownloadsOverHttp2WithTls() {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    try (TestServer server = TestServer.start(Backend.EMBEDDED, new JsonObject()
           .put("http.tls.cert", certificate.certificatePath())
           .put("http.tls.key", certificate.privateKeyPath()));
         DaokeClient client = new DaokeClient(server.port(), new WebClientOptions()
           .setSsl(true).setTrustAll(true).setVerifyHost(false)
           .setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2), 4)) {
      AppKey app = server.newAppKey();
      Buffer image = Images.png(20, 20, 7);
      Multipart form = client.form(app, image, Map.of("isStorage", "true"));

      HttpResponse<Buffer> saved = await(client.web().post("/dfsapi/v2/saveImage")
        .putHeader("Content-Type", form.contentType()).sendBuffer(form.body()));

      assertThat(saved.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(DaokeClient.code(saved)).isEqualTo("0");
      String url = DaokeClient.result(saved).getString("url");
      assertThat(url).startsWith("https://");

      HttpResponse<Buffer> got = client.get(url);
      assertThat(got.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(got.body()).isEqualTo(image);
    } finally {
      certificate.delete();
    }
  }

  @Test
  void servesThroughOpenSsl() {
    assertThat(io.vertx.core.net.OpenSSLEngineOptions.isAvailable())
      .as("netty-tcnative-boringssl-static loads on this platform")
      .isTrue();
  }
}
