package io.mmfile.api.v1;

import io.mmfile.auth.AppKey;
import io.mmfile.files.ImageProbe;
import io.mmfile.support.ApiClient;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.Multipart;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.mmfile.api.v1.ApiCoreContract.assertProblem;
import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/files} against a real node: uploads (multipart and raw, by an account and by an app
 * key), metadata, bytes with validators, ranges and previews, deletion by the owner, listing by cursor,
 * and the legacy dialects serving the same files. Runs once per {@link Backend}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FilesApiContract extends ApiNodeContract {
  static final long MAX_BYTES = 256 * 1024;

  @Override
  JsonObject overrides() {
    return new JsonObject()
      .put("upload.max-bytes", MAX_BYTES)
      .put("upload.chunk-bytes", 16 * 1024)
      .put("upload.max-concurrent-per-address", 1_000_000);
  }

  String accessToken() {
    return await(server.server().accounts().tokens().startSession("files-" + ApiClient.nonce().substring(0, 20), "1"))
      .accessToken();
  }

  static Multipart form(Buffer bytes, String filename, String contentType) {
    return new Multipart().field("note", "ignored").file("file", filename, contentType, bytes);
  }

  HttpResponse<Buffer> uploadAs(AppKey key, Buffer bytes, String contentType) {
    return api.operation("createFile").signed(key).body(bytes, contentType).send();
  }

  JsonObject created(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    return response.bodyAsJsonObject();
  }

  HttpResponse<Buffer> get(String absoluteUrl) {
    return await(api.web().getAbs(absoluteUrl).send());
  }

  /** What is stored now: records, durable files and staged parts. */
  List<Object> footprint() {
    return List.of(server.fileRecords(), server.durableFiles().size(), server.stagedParts().size());
  }

  @Nested
  class Uploading {
    @Test
    void aMultipartUploadWithAnAccessTokenIsTheAccountsFile() {
      String token = accessToken();
      Buffer image = Images.png(40, 30, 11);
      Multipart form = form(image, "photo.png", "image/png");

      HttpResponse<Buffer> response = api.operation("createFile").bearer(token).body(form.body(), form.contentType()).send();

      JsonObject file = created(response);
      String id = file.getString("id");
      assertThat(id).matches("[0-9a-f]{32}");
      assertThat(response.getHeader("Location")).isEqualTo("/api/v1/files/" + id);
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
      assertThat(file.getLong("size")).isEqualTo(image.length());
      assertThat(file.getString("sha256")).isEqualTo(ApiClient.sha256(image));
      assertThat(file.getString("content_type")).isEqualTo("image/png");
      assertThat(file.getInteger("width")).isEqualTo(40);
      assertThat(file.getInteger("height")).isEqualTo(30);
      assertThat(file.getString("url")).isEqualTo("http://127.0.0.1:" + server.port() + "/api/v1/files/" + id + "/content");
      assertThat(Instant.parse(file.getString("created_at"))).isBetween(Instant.now().minusSeconds(60), Instant.now());
      assertThat(file.getValue("expires_at")).isNull();
      assertThat(file.getString("store")).isEqualTo("durable");
      assertThat(file.getString("name")).isEqualTo("photo.png");
      assertThat(server.durableFiles()).anyMatch(p -> p.getFileName().toString().equals(id));

      HttpResponse<Buffer> metadata = api.operation("getFile").path("id", id).bearer(token).send();
      assertThat(metadata.statusCode()).isEqualTo(200);
      assertThat(metadata.bodyAsJsonObject()).isEqualTo(file);
      assertThat(get(file.getString("url")).body()).isEqualTo(image);
    }

    @Test
    void aRawBodySignedByAnAppKeyIsTheKeysFile() {
      Buffer image = Images.of("jpg", 32, 24, 12);

      JsonObject file = created(api.operation("createFile").signed(app).query("name", "cam.jpg")
        .body(image, "image/jpeg").send());

      assertThat(file.getString("content_type")).isEqualTo("image/jpeg");
      assertThat(file.getString("name")).isEqualTo("cam.jpg");
      assertThat(get(file.getString("url")).body()).isEqualTo(image);
      assertThat(api.operation("getFile").path("id", file.getString("id")).signed(app).send().statusCode()).isEqualTo(200);
    }

    @Test
    void uploadsAreCountedUnderTheRestDialectByStatus() {
      created(uploadAs(app, Images.png(10, 10, 43), "image/png"));
      assertProblem(uploadAs(app, Images.pngOfSize((int) MAX_BYTES + 1, 44), "image/png"), 413, "payload_too_large");

      TestServer.eventually(() -> count("201") >= 1 && count("413") >= 1);
    }

    double count(String outcome) {
      return server.server().metrics().sum("mmfile.uploads",
        id -> "rest".equals(id.getTag("dialect")) && outcome.equals(id.getTag("outcome")));
    }

    @Test
    void anUnsignedPayloadIsTakenAsItComes() {
      Buffer image = Images.png(16, 16, 13);

      JsonObject file = created(api.operation("createFile").signed(app).contentHash("UNSIGNED-PAYLOAD")
        .body(image, "image/png").send());

      assertThat(file.getString("sha256")).isEqualTo(ApiClient.sha256(image));
    }

    @Test
    void aBodyOtherThanTheSignedOneIsRefusedAndLeavesNothing() {
      List<Object> before = footprint();
      Buffer image = Images.png(16, 16, 14);
      Buffer other = Images.png(16, 16, 15);

      HttpResponse<Buffer> response = api.operation("createFile").signed(app).contentHash(ApiClient.sha256(image))
        .body(other, "image/png").send();

      assertProblem(response, 401, "bad_signature");
      TestServer.eventually(() -> footprint().equals(before));
    }

    @Test
    void aMultipartBodyIsHashedWholeAsSent() {
      Multipart form = form(Images.png(16, 16, 16), "a.png", "image/png");

      created(api.operation("createFile").signed(app).body(form.body(), form.contentType()).send());
    }

    @Test
    void ttlSecondsMakesItExpireAndStoreCachePutsItInTheCacheStore() {
      JsonObject file = created(api.operation("createFile").signed(app).query("ttl_seconds", "3600")
        .query("store", "cache").body(Images.png(10, 10, 17), "image/png").send());

      assertThat(Instant.parse(file.getString("expires_at")))
        .isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3601));
      assertThat(file.getString("store")).isEqualTo("cache");
      assertThat(server.durableFiles()).noneMatch(p -> p.getFileName().toString().equals(file.getString("id")));
      assertThat(get(file.getString("url")).statusCode()).isEqualTo(200);
    }

    @Test
    void parametersAgainstTheDocumentAreRefusedByName() {
      for (String[] bad : new String[][] {{"ttl_seconds", "0"}, {"ttl_seconds", "soon"}, {"store", "tape"},
        {"image_only", "maybe"}}) {
        List<Object> before = footprint();
        HttpResponse<Buffer> response = api.operation("createFile").signed(app).query(bad[0], bad[1])
          .body(Images.png(10, 10, 18), "image/png").send();

        assertProblem(response, 400, "invalid_parameter");
        assertThat(response.bodyAsJsonObject().getString("parameter")).isEqualTo(bad[0]);
        assertThat(footprint()).isEqualTo(before);
      }
    }

    @Test
    void aFileOverTheLimitIs413AndLeavesNothing() {
      List<Object> before = footprint();

      HttpResponse<Buffer> response = uploadAs(app, Images.pngOfSize((int) MAX_BYTES + 1, 19), "image/png");

      assertProblem(response, 413, "payload_too_large");
      TestServer.eventually(() -> footprint().equals(before));
    }

    @Test
    void imageOnlyRefusesWhatIsNotAnImageAndLeavesNothing() {
      List<Object> before = footprint();

      HttpResponse<Buffer> response = api.operation("createFile").signed(app).query("image_only", "true")
        .body(Buffer.buffer("just text"), "text/plain").send();

      assertProblem(response, 415, "unsupported_media_type");
      TestServer.eventually(() -> footprint().equals(before));
    }

    @Test
    void aFileClaimingToBeAnImageMustBeOne() {
      HttpResponse<Buffer> response = uploadAs(app, Buffer.buffer("not a png at all"), "image/png");

      assertProblem(response, 415, "unsupported_media_type");
    }

    @Test
    void anyOtherFileIsKeptWithItsType() {
      Buffer text = Buffer.buffer("hello, files");

      JsonObject file = created(api.operation("createFile").signed(app).query("name", "hello.txt")
        .body(text, "text/plain; charset=utf-8").send());

      assertThat(file.getString("content_type")).isEqualTo("text/plain");
      assertThat(file.getInteger("width")).isZero();
      assertThat(get(file.getString("url")).body()).isEqualTo(text);
    }

    @Test
    void aFormWithoutAFilePartIsRefusedByName() {
      Multipart form = new Multipart().field("file-less", "x");

      HttpResponse<Buffer> response = api.operation("createFile").signed(app).body(form.body(), form.contentType()).send();

      assertProblem(response, 400, "invalid_parameter");
      assertThat(response.bodyAsJsonObject().getString("parameter")).isEqualTo("file");
    }

    @Test
    void withoutCredentialsNothingIsRead() {
      List<Object> before = footprint();
      Multipart form = form(Images.png(10, 10, 20), "a.png", "image/png");

      HttpResponse<Buffer> response = api.operation("createFile").body(form.body(), form.contentType()).send();

      assertProblem(response, 401, "unauthorized");
      assertThat(footprint()).isEqualTo(before);
    }

    @Test
    void anEmptyBodyIsRefused() {
      assertProblem(api.operation("createFile").signed(app).body(Buffer.buffer(), "image/png").send(), 400, "empty_body");
    }
  }

  @Nested
  class TheLegacyDialectsShareTheFiles {
    @Test
    void gainImageServesAnUploadOfThisApi() {
      Buffer image = Images.png(20, 20, 21);
      JsonObject file = created(uploadAs(app, image, "image/png"));

      HttpResponse<Buffer> legacy = get(file.getString("legacy_url"));

      assertThat(file.getString("legacy_url")).contains("/dfsapi/v2/gainImage?").contains(file.getString("id"));
      assertThat(legacy.statusCode()).isEqualTo(200);
      assertThat(legacy.body()).isEqualTo(image);
    }

    @Test
    void thisApiServesWhatSaveImageStored() {
      Buffer image = Images.of("jpg", 30, 20, 22);
      String id = DaokeClient.result(daoke.save(app, image, Map.of("isStorage", "true"))).getString("fileID");

      HttpResponse<Buffer> content = api.operation("getFileContent").path("id", id).send();

      assertThat(content.statusCode()).isEqualTo(200);
      assertThat(content.getHeader("Content-Type")).isEqualTo("image/jpeg");
      assertThat(content.body()).isEqualTo(image);
      JsonObject file = api.operation("getFile").path("id", id).signed(app).send().bodyAsJsonObject();
      assertThat(file.getString("sha256")).isEqualTo(ApiClient.sha256(image));
    }
  }

  @Nested
  class Content {
    @Test
    void bytesComeWithTheirValidatorsAndA304ForTheSameETag() {
      Buffer image = Images.png(24, 24, 23);
      String id = created(uploadAs(app, image, "image/png")).getString("id");

      HttpResponse<Buffer> first = api.operation("getFileContent").path("id", id).send();
      assertThat(first.getHeader("ETag")).isEqualTo("\"" + ApiClient.sha256(image) + "\"");
      assertThat(first.getHeader("Accept-Ranges")).isEqualTo("bytes");

      HttpResponse<Buffer> again = api.operation("getFileContent").path("id", id)
        .header("If-None-Match", first.getHeader("ETag")).send();
      assertThat(again.statusCode()).isEqualTo(304);
      assertThat(again.body()).isNull();
    }

    @Test
    void aRangeIs206AndAnUnsatisfiableOneA416Problem() {
      Buffer image = Images.png(24, 24, 24);
      String id = created(uploadAs(app, image, "image/png")).getString("id");

      HttpResponse<Buffer> part = api.operation("getFileContent").path("id", id).header("Range", "bytes=2-11").send();
      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(part.getHeader("Content-Range")).isEqualTo("bytes 2-11/" + image.length());
      assertThat(part.body()).isEqualTo(image.getBuffer(2, 12));

      HttpResponse<Buffer> none = api.operation("getFileContent").path("id", id)
        .header("Range", "bytes=" + (image.length() + 10) + "-").send();
      assertProblem(none, 416, "range_not_satisfiable");
      assertThat(none.getHeader("Content-Range")).isEqualTo("bytes */" + image.length());
    }

    @Test
    void headAnswersTheHeadersWithoutTheBytes() {
      Buffer image = Images.png(24, 24, 25);
      String id = created(uploadAs(app, image, "image/png")).getString("id");

      HttpResponse<Buffer> head = api.operation("headFileContent").path("id", id).send();

      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.getHeader("Content-Length")).isEqualTo(Integer.toString(image.length()));
      assertThat(head.getHeader("ETag")).isEqualTo("\"" + ApiClient.sha256(image) + "\"");
      assertThat(head.body()).isNull();
    }

    @Test
    void scalingAnswersAResizedPreviewInTheAskedFormat() {
      String id = created(uploadAs(app, Images.png(200, 100, 26), "image/png")).getString("id");

      HttpResponse<Buffer> preview = api.operation("getFileContent").path("id", id).query("scaling", "50x40x0")
        .query("format", "jpg").send();

      assertThat(preview.statusCode()).isEqualTo(200);
      assertThat(preview.getHeader("Content-Type")).isEqualTo("image/jpeg");
      ImageProbe.ImageInfo info = ImageProbe.probe(preview.body()).orElseThrow();
      assertThat(info.width()).isEqualTo(50);
      assertThat(info.height()).isEqualTo(40);
    }

    @Test
    void aBadPreviewParameterIsRefusedByName() {
      String id = created(uploadAs(app, Images.png(20, 20, 27), "image/png")).getString("id");

      HttpResponse<Buffer> response = api.operation("getFileContent").path("id", id).query("scaling", "5x5x9").send();

      assertProblem(response, 400, "invalid_parameter");
      assertThat(response.bodyAsJsonObject().getString("parameter")).isEqualTo("scaling");
    }

    @Test
    void aPreviewOfWhatIsNotAnImageIs415() {
      String id = created(api.operation("createFile").signed(app).body(Buffer.buffer("text"), "text/plain").send())
        .getString("id");

      assertProblem(api.operation("getFileContent").path("id", id).query("scaling", "20x20x0").send(), 415,
        "unsupported_media_type");
    }

    @Test
    void anUnknownFileIs404() {
      assertProblem(api.operation("getFileContent").path("id", "f".repeat(32)).send(), 404, "not_found");
    }
  }

  @Nested
  class Deleting {
    @Test
    void theOwnerDeletesAndEveryUrlAnswers404() {
      Buffer image = Images.png(20, 20, 28);
      JsonObject file = created(uploadAs(app, image, "image/png"));
      String id = file.getString("id");
      long records = server.fileRecords();

      HttpResponse<Buffer> deleted = api.operation("deleteFile").path("id", id).signed(app).send();

      assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(204);
      assertThat(server.fileRecords()).isEqualTo(records - 1);
      assertProblem(api.operation("getFile").path("id", id).signed(app).send(), 404, "not_found");
      assertProblem(api.operation("getFileContent").path("id", id).send(), 404, "not_found");
      assertThat(get(file.getString("legacy_url")).statusCode()).isEqualTo(404);
      assertThat(server.durableFiles()).noneMatch(p -> p.getFileName().toString().equals(id));
    }

    @Test
    void anAccountDeletesItsOwnFile() {
      String token = accessToken();
      Multipart form = form(Images.png(20, 20, 29), "x.png", "image/png");
      String id = created(api.operation("createFile").bearer(token).body(form.body(), form.contentType()).send())
        .getString("id");

      assertThat(api.operation("deleteFile").path("id", id).bearer(token).send().statusCode()).isEqualTo(204);
    }

    @Test
    void someoneElsesFileIsForbiddenAndStays() {
      String id = created(uploadAs(app, Images.png(20, 20, 30), "image/png")).getString("id");
      AppKey other = server.newAppKey();

      assertProblem(api.operation("deleteFile").path("id", id).signed(other).send(), 403, "forbidden");
      assertProblem(api.operation("deleteFile").path("id", id).bearer(accessToken()).send(), 403, "forbidden");
      assertThat(api.operation("getFileContent").path("id", id).send().statusCode()).isEqualTo(200);
    }
  }

  @Nested
  class Listing {
    @Test
    void pagesThroughTheCallersFilesNewestFirstWithACursor() {
      AppKey key = server.newAppKey();
      List<String> uploaded = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        uploaded.add(0, created(uploadAs(key, Images.png(10, 10, 100 + i), "image/png")).getString("id"));
      }
      created(uploadAs(app, Images.png(10, 10, 99), "image/png"));

      List<String> listed = new ArrayList<>();
      String cursor = null;
      List<Integer> sizes = new ArrayList<>();
      do {
        ApiClient.Call call = api.operation("listFiles").signed(key).query("limit", "2");
        if (cursor != null) {
          call.query("cursor", cursor);
        }
        HttpResponse<Buffer> page = call.send();
        assertThat(page.statusCode()).as(page.bodyAsString()).isEqualTo(200);
        JsonArray items = page.bodyAsJsonObject().getJsonArray("items");
        sizes.add(items.size());
        items.forEach(item -> listed.add(((JsonObject) item).getString("id")));
        cursor = page.bodyAsJsonObject().getString("next_cursor");
      } while (cursor != null);

      assertThat(sizes).containsExactly(2, 2, 1);
      assertThat(listed).isEqualTo(uploaded);
    }

    @Test
    void anAccountListsItsOwnFilesOnly() {
      String token = accessToken();
      Multipart form = form(Images.png(10, 10, 31), "mine.png", "image/png");
      String id = created(api.operation("createFile").bearer(token).body(form.body(), form.contentType()).send())
        .getString("id");

      JsonObject page = api.operation("listFiles").bearer(token).send().bodyAsJsonObject();

      assertThat(page.getJsonArray("items")).hasSize(1);
      assertThat(page.getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(id);
      assertThat(page.getValue("next_cursor")).isNull();
      assertThat(api.operation("listFiles").bearer(accessToken()).send().bodyAsJsonObject().getJsonArray("items"))
        .isEmpty();
    }

    @Test
    void aCursorThisApiDidNotHandOutIsRefused() {
      HttpResponse<Buffer> response = api.operation("listFiles").signed(app).query("cursor", "bm90LWEtY3Vyc29y").send();

      assertProblem(response, 400, "invalid_parameter");
      assertThat(response.bodyAsJsonObject().getString("parameter")).isEqualTo("cursor");
    }

    @Test
    void aLimitOutsideItsRangeIsRefused() {
      for (String limit : new String[] {"0", "101", "ten"}) {
        HttpResponse<Buffer> response = api.operation("listFiles").signed(app).query("limit", limit).send();

        assertProblem(response, 400, "invalid_parameter");
        assertThat(response.bodyAsJsonObject().getString("parameter")).isEqualTo("limit");
      }
    }
  }
}
