package io.mmfile.support;

import io.vertx.core.buffer.Buffer;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Random;

/** Real images made on the fly, so tests never depend on binary fixtures. */
public final class Images {
  private Images() {
  }

  /** An image of the given format ({@code png}, {@code jpg}, {@code gif}, {@code bmp}) with noisy pixels. */
  public static Buffer of(String format, int width, int height, long seed) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(seed);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, random.nextInt(0xFFFFFF));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalArgumentException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }

  /**
   * A 64×48 gradient as lossy (VP8) and lossless (VP8L) WebP, encoded once with libwebp's cwebp: the JDK
   * and the libraries here cannot write WebP, only read it.
   */
  public static Buffer webpLossy64x48() {
    return Buffer.buffer(Base64.getDecoder().decode("UklGRv4AAABXRUJQVlA4IPIAAABwCACdASpAADAAPm0ukkWvLyGYDVQA8AbEszVzVY"
      + "B3029P38ZTcjp9U4B59i6DIU7inlR5QZZCwBpSyZ//m7SduO68P8M7T1SaW3zwAP79XpzfBCznNQ0P/5v3sM9Hc5tYo3hWF1JyrxKMa1/EUR0tRV"
      + "l7F/tNphs31tzDhtv2iG7fnbDu3sT1rCnqecQVBVbZhehSbHx4jN1WcIcUTbkfzbV941GWHyZjro/a462zjtf+Q4jlncSilBA9IsBfr3i/pap6w2"
      + "6S3Cb9YIJVfH7n33LpQFbYiXDkCBUxJU42U+f8s9lxPXXqcWBlvgiA27sAAA=="));
  }

  public static Buffer webpLossless64x48() {
    return Buffer.buffer(Base64.getDecoder().decode(
      "UklGRkAAAABXRUJQVlA4TDQAAAAvP8ALAAmAIAb8RyuI6H/qC4Ag/KcriOh/6lDTtgHTyR94/4pA0hZv+wcwJgDErRfA+v8G"));
  }

  /** A smooth image (gradients, so it compresses like a photo) of the given format. */
  public static Buffer photo(String format, int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | ((x + y) * 255 / (width + height)));
      }
    }
    return write(img, format);
  }

  /** A PNG with an alpha channel: a transparent left half and an opaque red right half. */
  public static Buffer transparentPng(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < height; y++) {
      for (int x = width / 2; x < width; x++) {
        img.setRGB(x, y, 0xFFFF0000);
      }
    }
    return write(img, "png");
  }

  /** A decompression bomb's header: a PNG declaring {@code width}×{@code height} with a few bytes of body. */
  public static Buffer pngDeclaring(int width, int height) {
    Buffer ihdr = Buffer.buffer().appendInt(width).appendInt(height)
      .appendByte((byte) 8).appendByte((byte) 2).appendByte((byte) 0).appendByte((byte) 0).appendByte((byte) 0);
    Buffer idat = Buffer.buffer(new byte[] {0x78, (byte) 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01});
    return Buffer.buffer().appendLong(0x89504E470D0A1A0AL)
      .appendBuffer(chunk("IHDR", ihdr)).appendBuffer(chunk("IDAT", idat)).appendBuffer(chunk("IEND", Buffer.buffer()));
  }

  /**
   * A JPEG whose frame header declares {@code width}×{@code height}, placed after {@code padding} bytes of
   * APP15 segments (past 64 KiB, the upload probe does not see it), with an empty scan.
   */
  public static Buffer jpegDeclaring(int width, int height, int padding) {
    Buffer jpeg = Buffer.buffer().appendUnsignedShort(0xFFD8);
    for (int left = padding; left > 0; left -= 65533) {
      int n = Math.min(65533, left);
      jpeg.appendUnsignedShort(0xFFEF).appendUnsignedShort(n + 2).appendBytes(new byte[n]);
    }
    Buffer dqt = Buffer.buffer().appendByte((byte) 0);
    for (int i = 0; i < 64; i++) {
      dqt.appendByte((byte) 1);
    }
    jpeg.appendUnsignedShort(0xFFDB).appendUnsignedShort(dqt.length() + 2).appendBuffer(dqt);
    jpeg.appendUnsignedShort(0xFFC0).appendUnsignedShort(11).appendByte((byte) 8)
      .appendUnsignedShort(height).appendUnsignedShort(width).appendByte((byte) 1)
      .appendByte((byte) 1).appendByte((byte) 0x11).appendByte((byte) 0);
    return jpeg.appendUnsignedShort(0xFFD9);
  }

  private static Buffer chunk(String type, Buffer data) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    crc.update(name);
    crc.update(data.getBytes());
    return Buffer.buffer().appendInt(data.length()).appendBytes(name).appendBuffer(data).appendUnsignedInt(crc.getValue());
  }

  private static Buffer write(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalArgumentException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }

  public static Buffer png(int width, int height, long seed) {
    return of("png", width, height, seed);
  }

  /** A PNG of roughly {@code bytes} size: a valid header followed by noise, enough for the byte path. */
  public static Buffer pngOfSize(int bytes, long seed) {
    Buffer head = png(8, 8, seed);
    byte[] tail = new byte[Math.max(0, bytes - head.length())];
    new Random(seed).nextBytes(tail);
    return head.appendBytes(tail);
  }
}
