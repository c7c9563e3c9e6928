package io.mmfile.api.daoke;

import io.mmfile.auth.AppKey;
import io.mmfile.files.ImageVariants;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.mmfile.support.DaokeClient.result;
import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * WIRE.md §1 gainImage {@code scaling=WxHxMode} against a real node: sizes, modes and formats as a client
 * decodes them, the cache store, the single flight, the bounded pool and the bomb refusal. The node
 * renders on one thread with no queue, so one big render really fills the pool. Runs once per
 * {@link Backend}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ScalingContract {
  static final int TTL_SECONDS = 600;

  TestServer server;
  DaokeClient client;
  AppKey app;
  ImageVariants variants;
  /** A 400×300 JPEG in the durable store and its gainImage URL (ending in {@code .jpg}). */
  String photoUrl;
  String photoId;

  abstract Backend backend();

  @BeforeAll
  void startServer() {
    server = TestServer.start(backend(), new JsonObject()
      .put("upload.max-bytes", 16 * 1024 * 1024)
      .put("scaling.threads", 1)
      .put("scaling.max-queued", 0)
      .put("scaling.cache-ttl-seconds", TTL_SECONDS));
    client = new DaokeClient(server.port(), new WebClientOptions(), 64);
    app = server.newAppKey();
    variants = server.server().variants();
    HttpResponse<Buffer> saved = client.save(app, Images.photo("jpg", 400, 300), Map.of("isStorage", "true"));
    photoUrl = result(saved).getString("url");
    photoId = result(saved).getString("fileID");
  }

  @AfterAll
  void stopServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  HttpResponse<Buffer> scaled(String url, String scaling) {
    return client.get(url + "&scaling=" + scaling);
  }

  static BufferedImage decode(HttpResponse<Buffer> response) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body().getBytes()));
    assertThat(image).as("the body decodes as an image").isNotNull();
    return image;
  }

  static String formatOf(Buffer bytes) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes.getBytes()))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      assertThat(readers.hasNext()).as("some decoder recognises the body").isTrue();
      return readers.next().getFormatName().toLowerCase(Locale.ROOT);
    }
  }

  /** The URL of the photo with another extension at the end of {@code file}. */
  String withExtension(String url, String extension) {
    return url.replace(photoId + ".jpg", photoId + (extension.isEmpty() ? "" : "." + extension));
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class SizesAndModes {

    @ParameterizedTest(name = "{0} of 400x300 is {1}x{2}")
    @CsvSource({
      "200x100x0, 200, 100",
      "200x50x1, 200, 150",
      "50x150x2, 200, 150",
      "100x100x3, 100, 100",
      "100x100x4, 100, 75",
      "10x10x0, 10, 10",
      "800x800x4, 800, 600"
    })
    void everyModeAnswersAnImageOfTheSizeItPromises(String scaling, int width, int height) throws IOException {
      HttpResponse<Buffer> got = scaled(photoUrl, scaling);

      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.getHeader("Content-Type")).isEqualTo("image/jpeg");
      BufferedImage image = decode(got);
      assertThat(image.getWidth()).isEqualTo(width);
      assertThat(image.getHeight()).isEqualTo(height);
    }

    @ParameterizedTest
    @ValueSource(strings = {"9x100x0", "100x9x0", "5001x100x0", "100x5001x0", "100x100x5", "100x100", "big",
      "100x100x1x1", "-10x100x0"})
    void refusesSizesAndModesOutOfRangeWith403(String scaling) {
      HttpResponse<Buffer> got = scaled(photoUrl, scaling);

      assertThat(got.statusCode()).isEqualTo(403);
      assertThat(got.body()).isNull();
    }

    @Test
    void anEmptyScalingServesTheOriginal() {
      HttpResponse<Buffer> original = client.get(photoUrl);
      HttpResponse<Buffer> got = client.get(photoUrl + "&scaling=");

      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.body()).isEqualTo(original.body());
    }

    @Test
    void worksOnTheWholeQueryPercentEncodedAsOneValue() throws IOException {
      String url = photoUrl + "&scaling=60x60x3";
      String encoded = url.substring(0, url.indexOf('?') + 1) + url.substring(url.indexOf('?') + 1).replace("&", "%26");

      HttpResponse<Buffer> got = client.get(encoded);

      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(decode(got).getWidth()).isEqualTo(60);
    }

    @Test
    void answers404ForAnUnknownFile() {
      assertThat(scaled(photoUrl.replace(photoId, "0123456789abcdef0123456789abcdef"), "100x100x0").statusCode())
        .isEqualTo(404);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Formats {

    @ParameterizedTest(name = ".{0} answers {1}")
    @CsvSource({
      "jpg, jpeg",
      "jpeg, jpeg",
      "png, png",
      "gif, gif",
      "bmp, bmp",
      // No WebP encoder: the stored format (JPEG here).
      "webp, jpeg",
      "'', jpeg"
    })
    void theUrlsExtensionPicksTheFormat(String extension, String format) throws IOException {
      HttpResponse<Buffer> got = scaled(withExtension(photoUrl, extension), "120x90x0");

      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.getHeader("Content-Type")).isEqualTo("image/" + format);
      assertThat(formatOf(got.body())).isEqualTo(format);
      BufferedImage image = decode(got);
      assertThat(image.getWidth()).isEqualTo(120);
      assertThat(image.getHeight()).isEqualTo(90);
    }

    @Test
    void aStoredWebpIsResizedAndAnsweredAsPngUnlessAnotherFormatIsNamed() throws IOException {
      HttpResponse<Buffer> saved = client.save(app, Images.webpLossy64x48(), Map.of("isStorage", "true"));
      String url = result(saved).getString("url");
      assertThat(url).endsWith(".webp");

      HttpResponse<Buffer> png = scaled(url, "32x32x4");
      HttpResponse<Buffer> jpeg = scaled(url.replace(".webp", ".jpg"), "32x32x4");

      assertThat(png.getHeader("Content-Type")).isEqualTo("image/png");
      assertThat(formatOf(png.body())).isEqualTo("png");
      assertThat(decode(png).getWidth()).isEqualTo(32);
      assertThat(decode(png).getHeight()).isEqualTo(24);
      assertThat(formatOf(jpeg.body())).isEqualTo("jpeg");
    }

    @Test
    void resizesAFileOfTheCacheStore() throws IOException {
      HttpResponse<Buffer> saved = client.save(app, Images.photo("png", 300, 200), Map.of("isStorage", "false"));

      HttpResponse<Buffer> got = scaled(result(saved).getString("url"), "150x150x4");

      assertThat(got.statusCode()).isEqualTo(200);
      assertThat(got.getHeader("Content-Type")).isEqualTo("image/png");
      assertThat(decode(got).getWidth()).isEqualTo(150);
      assertThat(decode(got).getHeight()).isEqualTo(100);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Validators {

    @Test
    void eachVariantHasItsOwnETagAndAnswers304ToIt() {
      HttpResponse<Buffer> original = client.get(photoUrl);
      HttpResponse<Buffer> small = scaled(photoUrl, "64x64x3");
      HttpResponse<Buffer> other = scaled(photoUrl, "64x64x0");
      String etag = small.getHeader("ETag");

      assertThat(etag).isNotBlank().isNotEqualTo(original.getHeader("ETag")).isNotEqualTo(other.getHeader("ETag"));
      assertThat(scaled(photoUrl, "64x64x3").getHeader("ETag")).isEqualTo(etag);
      assertThat(small.getHeader("Last-Modified")).isEqualTo(original.getHeader("Last-Modified"));
      assertThat(small.getHeader("Content-Length")).isEqualTo("" + small.body().length());

      HttpResponse<Buffer> again = await(client.web().getAbs(photoUrl + "&scaling=64x64x3")
        .putHeader("If-None-Match", etag).send());
      assertThat(again.statusCode()).isEqualTo(304);
      assertThat(again.body()).isNull();
      HttpResponse<Buffer> stale = await(client.web().getAbs(photoUrl + "&scaling=64x64x0")
        .putHeader("If-None-Match", etag).send());
      assertThat(stale.statusCode()).isEqualTo(200);
    }

    @Test
    void servesByteRangesAndHeadOfAVariant() {
      Buffer whole = scaled(photoUrl, "90x90x3").body();

      HttpResponse<Buffer> part = await(client.web().getAbs(photoUrl + "&scaling=90x90x3")
        .putHeader("Range", "bytes=10-19").send());
      HttpResponse<Buffer> suffix = await(client.web().getAbs(photoUrl + "&scaling=90x90x3")
        .putHeader("Range", "bytes=-7").send());
      HttpResponse<Buffer> past = await(client.web().getAbs(photoUrl + "&scaling=90x90x3")
        .putHeader("Range", "bytes=" + (whole.length() + 5) + "-").send());
      HttpResponse<Buffer> head = await(client.web().headAbs(photoUrl + "&scaling=90x90x3").send());

      assertThat(part.statusCode()).isEqualTo(206);
      assertThat(part.getHeader("Content-Range")).isEqualTo("bytes 10-19/" + whole.length());
      assertThat(part.body()).isEqualTo(whole.getBuffer(10, 20));
      assertThat(suffix.body()).isEqualTo(whole.getBuffer(whole.length() - 7, whole.length()));
      assertThat(past.statusCode()).isEqualTo(416);
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.getHeader("Content-Length")).isEqualTo("" + whole.length());
      assertThat(head.body()).isNull();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class CacheAndSingleFlight {

    @Test
    void aVariantIsRenderedOnceThenServedFromTheCacheStoreWithItsTtl() {
      long before = variants.rendered();
      HttpResponse<Buffer> first = scaled(photoUrl, "111x77x0");
      HttpResponse<Buffer> second = scaled(photoUrl, "111x77x0");

      assertThat(variants.rendered() - before).isEqualTo(1);
      assertThat(second.body()).isEqualTo(first.body());
      String key = photoId + "-111x77x0q85.jpg";
      if (backend() == Backend.MARIADB_REDIS) {
        String redisKey = server.redisKeyPrefix() + "blob:" + key;
        assertThat(server.redisKeys("blob:" + key)).containsExactly(redisKey);
        Redis redis = Redis.createClient(client.vertx(), TestServer.REDIS_URL);
        try {
          long ttlMs = await(redis.send(Request.cmd(Command.PTTL).arg(redisKey))).toLong();
          assertThat(ttlMs).isBetween(1L, TTL_SECONDS * 1000L);
        } finally {
          redis.close();
        }
      } else {
        assertThat(await(server.server().stores().cache().read(key, 0, Integer.MAX_VALUE))).isPresent();
      }
    }

    @Test
    void parallelColdRequestsForOneVariantRenderItOnce() {
      HttpResponse<Buffer> saved = client.save(app, Images.photo("jpg", 2000, 1500), Map.of("isStorage", "true"));
      String url = result(saved).getString("url") + "&scaling=200x200x3";
      long before = variants.rendered();

      List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        requests.add(client.web().getAbs(url).send());
      }
      List<HttpResponse<Buffer>> answers = new ArrayList<>();
      requests.forEach(r -> answers.add(await(r)));

      // With one scaling thread and no queue, a second rendering would also have been refused with 503.
      assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isEqualTo(200));
      assertThat(answers).allSatisfy(a -> assertThat(a.body()).isEqualTo(answers.get(0).body()));
      assertThat(variants.rendered() - before).isEqualTo(1);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Limits {

    @Test
    void aFullPoolAnswers503WithRetryAfterAndServesAgainOnceItDrains() throws IOException {
      // A 2000x1500 original enlarged to 3000x3000 keeps the only scaling thread busy for a while.
      HttpResponse<Buffer> saved = client.save(app, Images.photo("jpg", 2000, 1500), Map.of("isStorage", "true"));
      String big = result(saved).getString("url");
      Future<HttpResponse<Buffer>> occupying = client.web().getAbs(withBmp(big) + "&scaling=3000x3000x0").send();
      eventually(() -> variants.busy() == 1);

      HttpResponse<Buffer> refused = scaled(photoUrl, "123x45x0");

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
      assertThat(refused.body()).isNull();
      HttpResponse<Buffer> done = await(occupying);
      assertThat(done.statusCode()).isEqualTo(200);
      BufferedImage enlarged = decode(done);
      assertThat(enlarged.getWidth()).isEqualTo(3000);
      assertThat(enlarged.getHeight()).isEqualTo(3000);
      eventually(() -> variants.busy() == 0);
      assertThat(scaled(photoUrl, "123x45x0").statusCode()).isEqualTo(200);
    }

    @Test
    void aPngDeclaringFourHundredMegapixelsIsRefusedWith403() {
      HttpResponse<Buffer> saved = client.save(app, Images.pngDeclaring(20000, 20000), Map.of("isStorage", "true"));
      assertThat(DaokeClient.code(saved)).isEqualTo("0");
      long before = variants.rendered();

      HttpResponse<Buffer> got = scaled(result(saved).getString("url"), "100x100x0");

      assertThat(got.statusCode()).isEqualTo(403);
      assertThat(variants.rendered()).isEqualTo(before);
    }

    @Test
    void aJpegWhoseHeaderHidesItsSizeFromTheUploadProbeIsRefusedWith403() {
      // The frame header lies past the 64 KiB the upload probe reads: the record has no size, the
      // renderer reads it from the header and refuses before decoding.
      HttpResponse<Buffer> saved = client.save(app, Images.jpegDeclaring(20000, 20000, 100_000),
        Map.of("isStorage", "true"));
      assertThat(DaokeClient.code(saved)).isEqualTo("0");
      long before = variants.rendered();

      HttpResponse<Buffer> got = scaled(result(saved).getString("url"), "100x100x0");

      assertThat(got.statusCode()).isEqualTo(403);
      assertThat(variants.rendered()).isEqualTo(before);
    }

    private String withBmp(String url) {
      return url.replaceAll("\\.jpg$", ".bmp");
    }
  }
}
