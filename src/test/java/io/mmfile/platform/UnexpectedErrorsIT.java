package io.mmfile.platform;

import io.mmfile.api.daoke.DaokeRoutes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An exception that escapes a route (a bug, by definition) is answered in the shape of the dialect that
 * owns the path, through the same error handlers the HTTP front installs. The routes here throw on
 * purpose; nothing in the real handlers can be made to throw from outside.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnexpectedErrorsIT {
  Vertx vertx;
  WebClient web;

  /** Routes on the daoke paths that fail the way an unforeseen bug would. */
  static final class Exploding implements Dialect {
    @Override
    public void mount(Router router) {
      router.post("/dfsapi/v2/saveImage").handler(ctx -> {
        throw new IllegalStateException("a bug in saveImage");
      });
      router.get("/dfsapi/v2/gainImage").handler(ctx -> ctx.fail(new IllegalStateException("a bug in gainImage")));
      router.post("/accountapi/v2/somethingElse").handler(ctx -> {
        throw new IllegalStateException("a bug elsewhere");
      });
    }
  }

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    Exploding exploding = new Exploding();
    exploding.mount(router);
    HttpVerticle.answerErrors(router, List.of(exploding, new DaokeRoutes(null, null, null, null)));
    HttpVerticle.Front front = new HttpVerticle.Front("test", new ClientAddress(List.of()),
      new AccessLog(AccessLog.Format.OFF, false, "test"), null, null);
    HttpServer server = await(vertx.createHttpServer().requestHandler(HttpVerticle.withSafeHeaders(router, front))
      .listen(0, "127.0.0.1"));
    web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(server.actualPort()));
  }

  @AfterAll
  void stop() {
    await(vertx.close());
  }

  @Test
  void saveImageAnswersTheDaokeEnvelopeWithTheSaveFailedCode() {
    HttpResponse<Buffer> got = await(web.post("/dfsapi/v2/saveImage").send());

    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.getHeader("Content-Type")).isEqualTo("application/json; charset=utf-8");
    assertThat(got.bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME24700\", \"RESULT\":\"save file to dfs failed!\"}");
    assertThat(got.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @Test
  void otherDaokePathsAnswerTheInternalErrorCode() {
    HttpResponse<Buffer> got = await(web.post("/accountapi/v2/somethingElse").send());

    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME01022\", \"RESULT\":\"internal data error!\"}");
  }

  @Test
  void gainImageAnswersABare500LikeTheOriginal() {
    HttpResponse<Buffer> got = await(web.get("/dfsapi/v2/gainImage").send());

    assertThat(got.statusCode()).isEqualTo(500);
    assertThat(got.body()).isNull();
    assertThat(got.getHeader("Content-Type")).isNull();
  }

  @Test
  void pathsOfNoDialectAnswerASmallJsonError() {
    HttpResponse<Buffer> got = await(web.get("/elsewhere").send());

    assertThat(got.statusCode()).isEqualTo(404);
    assertThat(got.bodyAsJsonObject().getString("error")).isEqualTo("not found");
  }
}
