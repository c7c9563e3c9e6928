package io.mmfile.files;

import io.vertx.core.buffer.Buffer;

import java.util.Optional;

/**
 * Tells an image's type and size from its first bytes (WIRE.md §1: judged by content, not by name or
 * declared type). Reads only headers, never decodes pixels, so it is cheap enough for every upload.
 */
public final class ImageProbe {
  /** How much of the start of a file the probe may need; JPEG EXIF blocks push SOF this far. */
  public static final int HEAD_BYTES = 64 * 1024;

  /** What the probe found. Width and height are 0 when the header holding them lies past the head. */
  public record ImageInfo(String format, String contentType, String extension, int width, int height) {
  }

  private static final java.util.Set<String> IMAGE_EXTENSIONS =
    java.util.Set.of("jpg", "jpeg", "jpe", "png", "gif", "bmp", "webp", "svg", "tif", "tiff", "ico", "heic", "avif");

  private ImageProbe() {
  }

  /**
   * Whether a client says a file is an image, by its declared type or its name. A file that claims to
   * be one must be one by its bytes (a type {@link #probe} knows), or it is refused at upload.
   */
  public static boolean claimsImage(String contentType, String filename) {
    if (contentType != null && contentType.trim().toLowerCase(java.util.Locale.ROOT).startsWith("image/")) {
      return true;
    }
    int dot = filename == null ? -1 : filename.lastIndexOf('.');
    return dot >= 0 && IMAGE_EXTENSIONS.contains(filename.substring(dot + 1).toLowerCase(java.util.Locale.ROOT));
  }

  public static Optional<ImageInfo> probe(Buffer head) {
    int n = head.length();
    if (n >= 3 && u8(head, 0) == 0xFF && u8(head, 1) == 0xD8 && u8(head, 2) == 0xFF) {
      return Optional.of(jpeg(head));
    }
    if (n >= 24 && head.getLong(0) == 0x89504E470D0A1A0AL) {
      return Optional.of(new ImageInfo("png", "image/png", "png", head.getInt(16), head.getInt(20)));
    }
    if (n >= 10 && (ascii(head, 0, 6).equals("GIF87a") || ascii(head, 0, 6).equals("GIF89a"))) {
      return Optional.of(new ImageInfo("gif", "image/gif", "gif",
        head.getUnsignedShortLE(6), head.getUnsignedShortLE(8)));
    }
    if (n >= 26 && ascii(head, 0, 2).equals("BM")) {
      return bmp(head);
    }
    if (n >= 30 && ascii(head, 0, 4).equals("RIFF") && ascii(head, 8, 4).equals("WEBP")) {
      return webp(head);
    }
    return Optional.empty();
  }

  private static ImageInfo jpeg(Buffer b) {
    int pos = 2;
    while (pos + 9 < b.length()) {
      if (u8(b, pos) != 0xFF) {
        break;
      }
      int marker = u8(b, pos + 1);
      if (marker == 0xFF) {
        pos++;
        continue;
      }
      boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (startOfFrame) {
        return new ImageInfo("jpeg", "image/jpeg", "jpg", b.getUnsignedShort(pos + 7), b.getUnsignedShort(pos + 5));
      }
      if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
        pos += 2;
        continue;
      }
      pos += 2 + b.getUnsignedShort(pos + 2);
    }
    return new ImageInfo("jpeg", "image/jpeg", "jpg", 0, 0);
  }

  private static Optional<ImageInfo> bmp(Buffer b) {
    long headerSize = b.getUnsignedIntLE(14);
    if (headerSize == 12) {
      return Optional.of(new ImageInfo("bmp", "image/bmp", "bmp", b.getUnsignedShortLE(18), b.getUnsignedShortLE(20)));
    }
    if (headerSize < 40 || headerSize > 256) {
      return Optional.empty();
    }
    return Optional.of(new ImageInfo("bmp", "image/bmp", "bmp", Math.abs(b.getIntLE(18)), Math.abs(b.getIntLE(22))));
  }

  private static Optional<ImageInfo> webp(Buffer b) {
    String chunk = ascii(b, 12, 4);
    int width;
    int height;
    switch (chunk) {
      case "VP8 " -> {
        width = b.getUnsignedShortLE(26) & 0x3FFF;
        height = b.getUnsignedShortLE(28) & 0x3FFF;
      }
      case "VP8L" -> {
        long bits = b.getUnsignedIntLE(21);
        width = (int) (bits & 0x3FFF) + 1;
        height = (int) ((bits >> 14) & 0x3FFF) + 1;
      }
      case "VP8X" -> {
        width = b.getUnsignedMediumLE(24) + 1;
        height = b.getUnsignedMediumLE(27) + 1;
      }
      default -> {
        return Optional.empty();
      }
    }
    return Optional.of(new ImageInfo("webp", "image/webp", "webp", width, height));
  }

  private static int u8(Buffer b, int i) {
    return b.getUnsignedByte(i);
  }

  private static String ascii(Buffer b, int from, int length) {
    return b.getString(from, from + length, "ISO-8859-1");
  }
}
