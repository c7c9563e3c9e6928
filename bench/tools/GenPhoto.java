import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.Random;

/**
 * Writes a photo-like JPEG of exactly WIDTH x HEIGHT pixels: smooth gradients and waves with a little
 * noise, at quality 90, so it decodes and compresses like a camera picture rather than like pure noise.
 * Deterministic (fixed seed).
 *
 * Usage (Java 11+ single-file launch): java GenPhoto.java OUT.jpg WIDTH HEIGHT
 */
public class GenPhoto {
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: java GenPhoto.java OUT.jpg WIDTH HEIGHT");
      System.exit(2);
    }
    int width = Integer.parseInt(args[1]);
    int height = Integer.parseInt(args[2]);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(42);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double wave = Math.sin(x / 37.0) * Math.cos(y / 23.0);
        int r = clamp(255.0 * x / width + 30 * wave + random.nextGaussian() * 6);
        int g = clamp(255.0 * y / height - 30 * wave + random.nextGaussian() * 6);
        int b = clamp(128 + 90 * Math.sin((x + y) / 61.0) + random.nextGaussian() * 6);
        image.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    File out = new File(args[0]);
    out.delete();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }
}
