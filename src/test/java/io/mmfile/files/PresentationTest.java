package io.mmfile.files;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What a browser is told about a stored file: inline or attachment, which type, how long to cache. */
class PresentationTest {
  static final long NOW = 1_800_000_000_000L;
  static final String ID = "0123456789abcdef0123456789abcdef";

  static FileRecord file(String contentType, String name, StoreKind store, Long expiresMs) {
    String extension = name == null || name.lastIndexOf('.') < 0 ? "" : name.substring(name.lastIndexOf('.') + 1);
    return new FileRecord(ID, "1", store, 10, "00", contentType, extension, 0, 0, NOW - 1000, expiresMs, null, name,
      null);
  }

  static Presentation durable(String contentType, String name) {
    return Presentation.of(file(contentType, name, StoreKind.DURABLE, null), NOW, 300);
  }

  @Nested
  class Images {
    @ParameterizedTest
    @ValueSource(strings = {"image/jpeg", "image/png", "image/gif", "image/bmp", "image/webp", "IMAGE/PNG; x=y"})
    void rasterImagesAreShownInlineWithTheirType(String type) {
      Presentation p = durable(type, "photo.jpg");

      assertThat(p.contentType()).isEqualTo(type.toLowerCase().replace("; x=y", ""));
      assertThat(p.contentDisposition()).isEmpty();
    }

    @Test
    void svgIsNotAnImageABrowserMayShowHere() {
      Presentation p = durable("image/svg+xml", "logo.svg");

      assertThat(p.contentType()).isEqualTo("application/octet-stream");
      assertThat(p.contentDisposition()).contains("attachment; filename=\"logo.svg\"");
    }
  }

  @Nested
  class OtherFiles {
    @ParameterizedTest
    @ValueSource(strings = {"text/html", "text/html; charset=utf-8", "application/xhtml+xml", "text/xml",
      "application/xml", "application/javascript", "text/javascript", "text/css", "application/x-unknown",
      "multipart/x-mixed-replace", "not a type", "", "text/html\r\nX-Evil: 1"})
    void activeOrUnknownTypesBecomeOctetStreamAttachments(String type) {
      Presentation p = durable(type, "page.html");

      assertThat(p.contentType()).isEqualTo("application/octet-stream");
      assertThat(p.contentDisposition()).contains("attachment; filename=\"page.html\"");
    }

    @Test
    void aMissingTypeIsOctetStream() {
      assertThat(durable(null, "x.bin").contentType()).isEqualTo("application/octet-stream");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/pdf", "application/zip", "application/json", "video/mp4",
      "audio/mpeg"})
    void inertTypesAreKeptButStillDownloaded(String type) {
      Presentation p = durable(type + "; charset=utf-8", "TOC.ini");

      assertThat(p.contentType()).isEqualTo(type);
      assertThat(p.contentDisposition()).contains("attachment; filename=\"TOC.ini\"");
    }
  }

  @Nested
  class FileNames {
    String disposition(String name) {
      return durable("text/plain", name).contentDisposition().orElseThrow();
    }

    @Test
    void directoriesAreDropped() {
      assertThat(disposition("../../etc/passwd")).isEqualTo("attachment; filename=\"passwd\"");
      assertThat(disposition("C:\\Users\\me\\notes.txt")).isEqualTo("attachment; filename=\"notes.txt\"");
    }

    @Test
    void quotesSemicolonsAndLineBreaksCannotEscapeTheHeader() {
      assertThat(disposition("a\";b=\"c\r\nSet-Cookie: x.txt"))
        .isEqualTo("attachment; filename=\"a_b_cSet-Cookie_x.txt\"; filename*=UTF-8''a%22%3Bb%3D%22cSet-Cookie%3A%20x.txt");
    }

    @Test
    void aNonAsciiNameTravelsPercentEncodedBesideAnAsciiStandIn() {
      assertThat(disposition("照片.txt"))
        .isEqualTo("attachment; filename=\"_.txt\"; filename*=UTF-8''%E7%85%A7%E7%89%87.txt");
    }

    @Test
    void aNameWithNothingUsableLeftFallsBackToTheFileId() {
      assertThat(disposition("照片")).isEqualTo("attachment; filename=\"" + ID + "\"; filename*=UTF-8''%E7%85%A7%E7%89%87");
      assertThat(disposition(null)).isEqualTo("attachment; filename=\"" + ID + "\"");
      assertThat(disposition("...")).isEqualTo("attachment; filename=\"" + ID + "\"; filename*=UTF-8''...");
    }

    @Test
    void aHiddenFileNameLosesItsLeadingDots() {
      assertThat(disposition(".htaccess")).startsWith("attachment; filename=\"htaccess\"");
    }

    @Test
    void longNamesAreCut() {
      assertThat(disposition("a".repeat(500) + ".txt")).isEqualTo("attachment; filename=\"" + "a".repeat(100) + "\"");
    }
  }

  @Nested
  class CacheControl {
    @Test
    void onlyDurableFilesThatNeverExpireAreImmutable() {
      assertThat(Presentation.of(file("image/png", null, StoreKind.DURABLE, null), NOW, 300).cacheControl())
        .isEqualTo("public, max-age=31536000, immutable");
    }

    @Test
    void durableFilesThatExpireAreKeptForWhatIsLeftOfTheirLife() {
      assertThat(Presentation.of(file("image/png", null, StoreKind.DURABLE, NOW + 90_000), NOW, 300).cacheControl())
        .isEqualTo("public, max-age=90");
    }

    @Test
    void cacheStoreFilesThatNeverExpireAreKeptBriefly() {
      assertThat(Presentation.of(file("image/png", null, StoreKind.CACHE, null), NOW, 300).cacheControl())
        .isEqualTo("public, max-age=300");
    }

    @Test
    void cacheStoreFilesAreKeptForTheShorterOfTheirLifeAndTheConfiguredAge() {
      assertThat(Presentation.of(file("image/png", null, StoreKind.CACHE, NOW + 60_000), NOW, 300).cacheControl())
        .isEqualTo("public, max-age=60");
      assertThat(Presentation.of(file("image/png", null, StoreKind.CACHE, NOW + 3_600_000), NOW, 300).cacheControl())
        .isEqualTo("public, max-age=300");
    }

    @Test
    void anExpiredFileIsNotKeptAtAll() {
      assertThat(Presentation.of(file("image/png", null, StoreKind.DURABLE, NOW - 1), NOW, 300).cacheControl())
        .isEqualTo("public, max-age=0");
    }
  }

  @Nested
  class MediaTypeCheck {
    /** The grammar the hand-written check stands for. */
    final java.util.regex.Pattern grammar =
      java.util.regex.Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}");

    @ParameterizedTest
    @ValueSource(strings = {"image/png", "a/b", "x/", "/x", "x//y", "a/b/c", ".a/b", "a/.b", "a!#$&^_.+-/b9",
      "text/html;", "te xt/html", "Text/html", "", "/", "a/b\u00e9"})
    void acceptsExactlyTheGrammarsTypes(String type) {
      assertThat(Presentation.isMediaType(type)).isEqualTo(grammar.matcher(type).matches());
    }

    @Test
    void agreesWithTheGrammarOnRandomStrings() {
      java.util.Random random = new java.util.Random(7);
      String alphabet = "az09/!#$&^_.+-A ;=\u00e9";
      for (int n = 0; n < 20_000; n++) {
        StringBuilder type = new StringBuilder();
        int length = random.nextInt(n % 10 == 0 ? 140 : 8);
        for (int i = 0; i < length; i++) {
          type.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String t = type.toString();
        assertThat(Presentation.isMediaType(t)).as(t).isEqualTo(grammar.matcher(t).matches());
      }
    }

    @Test
    void limitsEachPartTo63Characters() {
      String part63 = "a".repeat(63);
      assertThat(Presentation.isMediaType(part63 + "/" + part63)).isTrue();
      assertThat(Presentation.isMediaType(part63 + "a/" + part63)).isFalse();
      assertThat(Presentation.isMediaType(part63 + "/" + part63 + "a")).isFalse();
    }
  }
}
