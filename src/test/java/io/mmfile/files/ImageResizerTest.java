package io.mmfile.files;

import io.mmfile.files.ImageResizer.Format;
import io.mmfile.platform.Failure;
import io.mmfile.support.Images;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageResizerTest {
  private final ImageResizer resizer = new ImageResizer(50_000_000L, 85);

  private static BlobStore.BlobContent inMemory(Buffer bytes) {
    return new BlobStore.InMemory(bytes);
  }

  @Nested
  class Modes {
    private final BlobStore.BlobContent photo = inMemory(Images.photo("jpg", 400, 300));

    @ParameterizedTest(name = "{0}x{1}x{2} of 400x300 is {3}x{4}")
    @CsvSource({
      "200, 100, 0, 200, 100",
      "200, 50, 1, 200, 150",
      "50, 150, 2, 200, 150",
      "100, 100, 3, 100, 100",
      "100, 100, 4, 100, 75",
      "120, 200, 4, 120, 90",
      "800, 800, 4, 800, 600",
      "10, 10, 3, 10, 10"
    })
    void everyModeMakesTheSizeItPromises(int width, int height, int mode, int expectedWidth, int expectedHeight)
      throws IOException {
      ImageResizer.Rendered rendered = resizer.render(photo, Resize.parse(width + "x" + height + "x" + mode), Format.JPEG);

      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(rendered.bytes().getBytes()));
      assertThat(decoded.getWidth()).isEqualTo(expectedWidth);
      assertThat(decoded.getHeight()).isEqualTo(expectedHeight);
      assertThat(rendered.width()).isEqualTo(expectedWidth);
      assertThat(rendered.height()).isEqualTo(expectedHeight);
    }

    @Test
    void coverCropsTheMiddleInsteadOfSquashing() throws IOException {
      // Left third black, middle white, right third black: a centred square crop of 300x100 is all white.
      BufferedImage bands = new BufferedImage(300, 100, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 100; y++) {
        for (int x = 100; x < 200; x++) {
          bands.setRGB(x, y, 0xFFFFFF);
        }
      }
      java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
      ImageIO.write(bands, "png", png);

      ImageResizer.Rendered rendered = resizer.render(inMemory(Buffer.buffer(png.toByteArray())),
        Resize.parse("50x50x3"), Format.PNG);

      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(rendered.bytes().getBytes()));
      assertThat(decoded.getRGB(5, 25) & 0xFFFFFF).isEqualTo(0xFFFFFF);
      assertThat(decoded.getRGB(44, 25) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }

    @Test
    void downscalingAveragesInsteadOfPickingPixels() throws IOException {
      // One-pixel black and white columns: nearest-neighbour keeps pure black or white, averaging gives grey.
      BufferedImage stripes = new BufferedImage(400, 400, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 400; y++) {
        for (int x = 0; x < 400; x += 2) {
          stripes.setRGB(x, y, 0xFFFFFF);
        }
      }
      java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
      ImageIO.write(stripes, "png", png);

      ImageResizer.Rendered rendered = resizer.render(inMemory(Buffer.buffer(png.toByteArray())),
        Resize.parse("40x40x0"), Format.PNG);

      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(rendered.bytes().getBytes()));
      for (int x = 2; x < 38; x++) {
        int grey = decoded.getRGB(x, 20) & 0xFF;
        assertThat(grey).as("pixel %d", x).isBetween(100, 155);
      }
    }
  }

  @Nested
  class Formats {
    @ParameterizedTest(name = ".{0} of a stored {1} is {2}")
    @CsvSource({
      "jpg, image/png, jpeg",
      "jpeg, image/png, jpeg",
      "JPG, image/png, jpeg",
      "png, image/jpeg, png",
      "gif, image/jpeg, gif",
      "bmp, image/jpeg, bmp",
      "webp, image/jpeg, jpeg",
      "webp, image/gif, gif",
      "webp, image/webp, png",
      "tiff, image/bmp, bmp",
      "'', image/jpeg, jpeg"
    })
    void theExtensionPicksTheFormatElseTheStoredOne(String extension, String stored, String expected) throws IOException {
      Format format = Format.choose(extension, stored);
      ImageResizer.Rendered rendered = resizer.render(inMemory(Images.photo("png", 120, 80)), Resize.parse("60x40x0"),
        format);

      assertThat(formatOf(rendered.bytes())).isEqualTo(expected);
      assertThat(format.contentType()).isEqualTo("image/" + expected);
    }

    @Test
    void readsLossyAndLosslessWebp() throws IOException {
      for (Buffer webp : new Buffer[] {Images.webpLossy64x48(), Images.webpLossless64x48()}) {
        ImageResizer.Rendered rendered = resizer.render(inMemory(webp), Resize.parse("32x32x4"), Format.PNG);

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(rendered.bytes().getBytes()));
        assertThat(decoded.getWidth()).isEqualTo(32);
        assertThat(decoded.getHeight()).isEqualTo(24);
      }
    }

    @Test
    void transparencyIsKeptInPngAndFlattenedOntoWhiteInJpeg() throws IOException {
      BlobStore.BlobContent source = inMemory(Images.transparentPng(100, 100));

      BufferedImage png = ImageIO.read(new ByteArrayInputStream(
        resizer.render(source, Resize.parse("50x50x0"), Format.PNG).bytes().getBytes()));
      BufferedImage jpeg = ImageIO.read(new ByteArrayInputStream(
        resizer.render(source, Resize.parse("50x50x0"), Format.JPEG).bytes().getBytes()));

      assertThat(png.getRGB(5, 25) >>> 24).isZero();
      assertThat(png.getRGB(45, 25)).isEqualTo(0xFFFF0000);
      assertThat(jpeg.getRGB(5, 25) & 0xFFFFFF).isGreaterThan(0xF0F0F0);
    }

    @Test
    void readsAnOriginalOnDisk() throws IOException {
      Path file = Files.createTempFile("mmfile-resizer-", ".bin");
      try {
        Files.write(file, Images.photo("gif", 90, 60).getBytes());
        ImageResizer.Rendered rendered = resizer.render(new BlobStore.OnDisk(file), Resize.parse("30x30x4"), Format.GIF);
        assertThat(formatOf(rendered.bytes())).isEqualTo("gif");
        assertThat(rendered.width()).isEqualTo(30);
        assertThat(rendered.height()).isEqualTo(20);
      } finally {
        Files.deleteIfExists(file);
      }
    }
  }

  @Nested
  class Refusals {
    @Test
    void refusesAPngThatDeclaresTooManyPixelsBeforeDecoding() {
      assertThatThrownBy(() -> resizer.render(inMemory(Images.pngDeclaring(20000, 20000)), Resize.parse("100x100x0"),
        Format.PNG))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.kind()).isEqualTo(Failure.Kind.FORBIDDEN));
    }

    @Test
    void refusesAJpegThatDeclaresTooManyPixelsBeforeDecoding() {
      assertThatThrownBy(() -> resizer.render(inMemory(Images.jpegDeclaring(20000, 20000, 100_000)),
        Resize.parse("100x100x0"), Format.JPEG))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.kind()).isEqualTo(Failure.Kind.FORBIDDEN));
    }

    @Test
    void refusesAVariantThatWouldBeLargerThanTheLimit() {
      ImageResizer small = new ImageResizer(1_000_000L, 85);
      // 5000 wide from a 1000x100 strip is 5000x500 = 2.5 MP.
      assertThatThrownBy(() -> small.render(inMemory(Images.photo("png", 1000, 100)), Resize.parse("5000x10x1"),
        Format.PNG))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.kind()).isEqualTo(Failure.Kind.FORBIDDEN));
    }

    @Test
    void refusesBytesThatAreNoImage() {
      assertThatThrownBy(() -> resizer.render(inMemory(Buffer.buffer("[toc]\nname=demo\n")), Resize.parse("100x100x0"),
        Format.PNG))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.kind()).isEqualTo(Failure.Kind.UNSUPPORTED_CONTENT));
    }

    @ParameterizedTest
    @CsvSource({"9x100x0", "100x9x0", "5001x100x0", "100x5001x0", "100x100x5", "100x100", "axbxc", "100x100x-1",
      "99999999999x1x1"})
    void refusesSizesAndModesOutOfRange(String wire) {
      assertThatThrownBy(() -> Resize.parse(wire))
        .isInstanceOfSatisfying(Failure.class, f -> {
          assertThat(f.kind()).isEqualTo(Failure.Kind.INVALID_PARAMETER);
          assertThat(f.parameter()).isEqualTo("scaling");
        });
    }

    @Test
    void acceptsTheBoundsOfTheRange() {
      assertThat(Resize.parse("10x5000x4")).isEqualTo(new Resize(10, 5000, Resize.Mode.CONTAIN));
      assertThat(Resize.parse("5000x10x0").toString()).isEqualTo("5000x10x0");
    }
  }

  /** The format name of the first ImageIO reader that recognises the bytes. */
  static String formatOf(Buffer bytes) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes.getBytes()))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      assertThat(readers.hasNext()).isTrue();
      return readers.next().getFormatName().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
