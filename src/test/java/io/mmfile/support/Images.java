package io.mmfile.support;

import io.vertx.core.buffer.Buffer;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
