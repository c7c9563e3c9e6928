package io.mmfile.api.v1;

import io.mmfile.auth.AppKey;
import io.mmfile.files.FileExpiry;
import io.mmfile.files.FileRecord;
import io.mmfile.support.ApiClient;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/files/by-hash/{sha256}}: a client asks before uploading and stores a new file from bytes
 * it already stored, without sending them again; nobody learns about another caller's bytes. Runs per
 * backend (the look-up and the reference are SQL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FilesByHashContract extends ApiNodeContract {

  Buffer newImage() {
    return Images.pngOfSize(15_000, ThreadLocalRandom.current().nextLong());
  }

  /** A durable file of {@code key}'s, through saveImage. */
  String saved(AppKey key, Buffer image) {
    HttpResponse<Buffer> saved = daoke.save(key, image, Map.of("isStorage", "true"));
    return DaokeClient.result(saved).getString("fileID");
  }

  @Test
  void headAnswers200WithTheSizeAndTheHashForTheCallersOwnBytes() {
    Buffer image = newImage();
    saved(app, image);
    String sha = ApiClient.sha256(image);

    HttpResponse<Buffer> head = api.operation("headFileByHash").path("sha256", sha).signed(app).send();

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.getHeader("ETag")).isEqualTo("\"" + sha + "\"");
    assertThat(head.getHeader(FilesByHashResource.SIZE_HEADER)).isEqualTo(Integer.toString(image.length()));
  }

  @Test
  void headAnswers404ForBytesOnlyAnotherAppKeyOrNobodyStored() {
    Buffer image = newImage();
    saved(server.newAppKey(), image);

    assertThat(api.operation("headFileByHash").path("sha256", ApiClient.sha256(image)).signed(app).send().statusCode())
      .as("bytes of another app key").isEqualTo(404);
    assertThat(api.operation("headFileByHash").path("sha256", ApiClient.sha256(newImage())).signed(app).send()
      .statusCode()).as("bytes nobody stored").isEqualTo(404);
  }

  @Test
  void anAccountDoesNotSeeTheBytesOfAnAppKey() {
    Buffer image = newImage();
    saved(app, image);
    String token = await(server.server().accounts().tokens().startSession("by-hash-" + ApiClient.nonce(), "1"))
      .accessToken();

    ApiCoreContract.assertProblem(api.operation("getFileByHash").path("sha256", ApiClient.sha256(image)).bearer(token)
      .send(), 404, "not_found");
  }

  @Test
  void getAnswersTheCallersNewestFileWithTheBytes() {
    Buffer image = newImage();
    saved(app, image);
    String newest = saved(app, image);

    HttpResponse<Buffer> got = api.operation("getFileByHash").path("sha256", ApiClient.sha256(image)).signed(app).send();

    assertThat(got.statusCode()).as(got.bodyAsString()).isEqualTo(200);
    assertThat(got.bodyAsJsonObject().getString("id")).isEqualTo(newest);
    assertThat(got.bodyAsJsonObject().getLong("size")).isEqualTo(image.length());
  }

  @Test
  void postCreatesANewFileOnTheSameBytesThatOutlivesTheFirst() {
    Buffer image = newImage();
    String first = saved(app, image);
    // the own copies of earlier tests' duplicate uploads are removed behind their answers
    io.mmfile.support.TestServer.eventually(() -> await(server.server().stores().records().blobTotals())[2] == 0);
    long copies = server.durableFiles().size();

    HttpResponse<Buffer> created = api.operation("createFileByHash").path("sha256", ApiClient.sha256(image))
      .json(new JsonObject().put("name", "again.png")).signed(app).send();

    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject file = created.bodyAsJsonObject();
    String second = file.getString("id");
    assertThat(second).isNotEqualTo(first);
    assertThat(created.getHeader("Location")).isEqualTo("/api/v1/files/" + second);
    assertThat(server.durableFiles()).as("copies in the store").hasSize((int) copies);
    FileRecord record = await(server.server().stores().records().find(second)).orElseThrow();
    assertThat(record.name()).isEqualTo("again.png");
    assertThat(record.appKey()).isEqualTo(app.appKey());
    assertThat(record.blobKey()).isEqualTo(first);

    await(new FileExpiry(server.server().stores()).reclaim(
      await(server.server().stores().records().find(first)).orElseThrow()));

    HttpResponse<Buffer> bytes = daoke.get(file.getString("legacy_url"));
    assertThat(bytes.statusCode()).isEqualTo(200);
    assertThat(bytes.body()).isEqualTo(image);
    assertThat(api.operation("getFile").path("id", second).signed(app).send().statusCode()).isEqualTo(200);
  }

  @Test
  void postWithoutTheBytesIs404AndCreatesNothing() {
    long records = server.fileRecords();

    ApiCoreContract.assertProblem(api.operation("createFileByHash").path("sha256", ApiClient.sha256(newImage()))
      .signed(app).send(), 404, "not_found");
    assertThat(server.fileRecords()).isEqualTo(records);
  }

  @Test
  void aHashThatIsNotOneIs400NamingIt() {
    HttpResponse<Buffer> response = api.operation("headFileByHash").path("sha256", "ABC").signed(app).send();

    assertThat(response.statusCode()).isEqualTo(400);
    ApiCoreContract.assertProblem(api.operation("getFileByHash").path("sha256", "ABC").signed(app).send(), 400,
      "invalid_parameter");
  }
}
