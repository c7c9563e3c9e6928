package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.vertx.core.buffer.Buffer;
import net.coobird.thumbnailator.Thumbnails;
import net.coobird.thumbnailator.geometry.Positions;
import net.coobird.thumbnailator.resizers.DefaultResizerFactory;
import net.coobird.thumbnailator.resizers.Resizer;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Iterator;
import java.util.Locale;

/**
 * Decodes, resizes and encodes one image; blocking, so it runs on a worker thread only. The declared
 * size is read from the header and checked before any pixel is decoded (decompression bombs). Geometry,
 * EXIF orientation, cropped reads and resampling are Thumbnailator's: reductions are repeated 2×2
 * averages (area averaging at each halving), never nearest-neighbour. TwelveMonkeys' ImageIO plugins
 * decode JPEG (CMYK, broken files) and WebP.
 */
public final class ImageResizer {
  static {
    // ImageIO would otherwise buffer every stream it reads in a temporary file.
    ImageIO.setUseCache(false);
  }

  /** What a variant is encoded as. WebP is read but never written: no maintained pure-Java encoder exists. */
  public enum Format {
    JPEG("jpg", "image/jpeg", false),
    PNG("png", "image/png", true),
    GIF("gif", "image/gif", true),
    BMP("bmp", "image/bmp", false);

    final String extension;
    final String contentType;
    final boolean alpha;

    Format(String extension, String contentType, boolean alpha) {
      this.extension = extension;
      this.contentType = contentType;
      this.alpha = alpha;
    }

    public String extension() {
      return extension;
    }

    public String contentType() {
      return contentType;
    }

    /**
     * The format the URL's extension names (jpg/jpeg, png, gif, bmp); any other extension (webp
     * included) or none means the stored format, and a stored WebP becomes PNG.
     */
    public static Format choose(String requestedExtension, String storedContentType) {
      String ext = requestedExtension == null ? "" : requestedExtension.toLowerCase(Locale.ROOT);
      return switch (ext) {
        case "jpg", "jpeg" -> JPEG;
        case "png" -> PNG;
        case "gif" -> GIF;
        case "bmp" -> BMP;
        default -> switch (storedContentType) {
          case "image/jpeg" -> JPEG;
          case "image/gif" -> GIF;
          case "image/bmp" -> BMP;
          default -> PNG;
        };
      };
    }
  }

  /** An encoded variant and its dimensions. */
  public record Rendered(Buffer bytes, Format format, int width, int height) {
  }

  private static final Resizer RESIZER = ImageResizer::resample;

  private final long maxPixels;
  private final float jpegQuality;

  /** {@code maxPixels} bounds both the declared source and the output; {@code jpegQuality} is 1-100. */
  public ImageResizer(long maxPixels, int jpegQuality) {
    this.maxPixels = maxPixels;
    this.jpegQuality = jpegQuality / 100f;
  }

  /** Renders the stored bytes at the requested size and format; fails with a {@link Failure}. */
  public Rendered render(BlobStore.BlobContent source, Resize resize, Format format) {
    try {
      int[] declared = declaredSize(source);
      if ((long) declared[0] * declared[1] > maxPixels) {
        throw Failure.of(Failure.Kind.FORBIDDEN, "image declares " + declared[0] + "x" + declared[1] + " pixels");
      }
      if (outputPixels(declared[0], declared[1], resize) > maxPixels) {
        throw Failure.of(Failure.Kind.FORBIDDEN, "variant " + resize + " would exceed the pixel limit");
      }
      Thumbnails.Builder<?> builder = source instanceof BlobStore.OnDisk disk && disk.wholeFile()
        ? Thumbnails.of(disk.path().toFile())
        : Thumbnails.of(stream(source));
      switch (resize.mode()) {
        case STRETCH -> builder.forceSize(resize.width(), resize.height());
        case FIT_WIDTH -> builder.width(resize.width());
        case FIT_HEIGHT -> builder.height(resize.height());
        case COVER -> builder.size(resize.width(), resize.height()).crop(Positions.CENTER);
        case CONTAIN -> builder.size(resize.width(), resize.height());
      }
      BufferedImage image = builder
        .imageType(format.alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB)
        .resizer(RESIZER)
        .asBufferedImage();
      return new Rendered(encode(opaqueAsRgb(image), format), format, image.getWidth(), image.getHeight());
    } catch (NoSuchFileException e) {
      throw Failure.of(Failure.Kind.NOT_FOUND, "the original is gone");
    } catch (IOException | RuntimeException e) {
      if (e instanceof Failure f) {
        throw f;
      }
      throw Failure.of(Failure.Kind.UNSUPPORTED_CONTENT, "cannot decode: " + e.getMessage(), e);
    }
  }

  /** Width and height from the header, without decoding pixels. */
  static int[] declaredSize(BlobStore.BlobContent source) throws IOException {
    try (ImageInputStream in = source instanceof BlobStore.OnDisk disk && disk.wholeFile()
      ? ImageIO.createImageInputStream(existing(disk.path().toFile()))
      : ImageIO.createImageInputStream(stream(source))) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw Failure.of(Failure.Kind.UNSUPPORTED_CONTENT, "no decoder for this image");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return new int[] {reader.getWidth(0), reader.getHeight(0)};
      } finally {
        reader.dispose();
      }
    }
  }

  /** The largest output the request can make, whichever way EXIF orientation turns the image. */
  static long outputPixels(int width, int height, Resize resize) {
    long longSide = Math.max(width, height);
    long shortSide = Math.max(1, Math.min(width, height));
    return switch (resize.mode()) {
      case STRETCH, COVER, CONTAIN -> (long) resize.width() * resize.height();
      case FIT_WIDTH -> resize.width() * ceilDiv(resize.width() * longSide, shortSide);
      case FIT_HEIGHT -> resize.height() * ceilDiv(resize.height() * longSide, shortSide);
    };
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private static File existing(File file) throws NoSuchFileException {
    if (!file.isFile()) {
      throw new NoSuchFileException(file.getName());
    }
    return file;
  }

  private static InputStream stream(BlobStore.BlobContent source) throws IOException {
    if (source instanceof BlobStore.OnDisk disk) {
      return new ByteArrayInputStream(disk.read(disk.length())); // a record inside a volume
    }
    return new ByteArrayInputStream(((BlobStore.InMemory) source).bytes().getBytes());
  }

  /** An image without a single transparent pixel is encoded without an alpha channel (a quarter smaller). */
  private static BufferedImage opaqueAsRgb(BufferedImage image) {
    if (!image.getColorModel().hasAlpha()) {
      return image;
    }
    int width = image.getWidth();
    int[] row = new int[width];
    for (int y = 0; y < image.getHeight(); y++) {
      image.getRGB(0, y, width, 1, row, 0, width);
      for (int argb : row) {
        if (argb >>> 24 != 0xFF) {
          return image;
        }
      }
    }
    BufferedImage rgb = new BufferedImage(width, image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    g.drawImage(image, 0, 0, null);
    g.dispose();
    return rgb;
  }

  private Buffer encode(BufferedImage image, Format format) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format.extension);
    if (!writers.hasNext()) {
      throw Failure.of(Failure.Kind.STORE_FAILED, "no " + format + " encoder");
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (format == Format.JPEG) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(jpegQuality);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return Buffer.buffer(bytes.toByteArray());
  }

  /**
   * Thumbnailator's resizing step with its own choice of resizer (progressive bilinear to shrink: repeated
   * exact halvings, each a 2×2 average, then one bilinear step of less than 2×; bicubic to enlarge),
   * painted onto white first for formats without alpha, so transparency becomes white, not black.
   */
  private static void resample(BufferedImage source, BufferedImage destination) {
    if (!destination.getColorModel().hasAlpha()) {
      Graphics2D g = destination.createGraphics();
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, destination.getWidth(), destination.getHeight());
      g.dispose();
    }
    DefaultResizerFactory.getInstance()
      .getResizer(new Dimension(source.getWidth(), source.getHeight()),
        new Dimension(destination.getWidth(), destination.getHeight()))
      .resize(source, destination);
  }
}
