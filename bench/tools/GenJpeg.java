import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a real JPEG of exactly the requested byte count: random noise (so it does not compress away),
 * encoded by ImageIO at a size just under the target, then padded with COM (comment) segments placed
 * right before the EOI marker. Deterministic for a given size (fixed seed).
 *
 * <p>The first COM segment starts with {@link #PLACEHOLDER}, which bench/lua/bench.lua overwrites in every
 * request with a tag of the same length (unique per wrk run, thread and request): every upload carries
 * new bytes while the image keeps its size, stays a JPEG and the saveImage sign (which covers the
 * length, not the bytes) stays valid.
 *
 * Usage (Java 11+ single-file launch): java GenJpeg.java OUT.jpg BYTES
 */
public class GenJpeg {
  /** Must match PLACEHOLDER in bench/lua/bench.lua: a prefix and 48 digits of tag. */
  static final String PLACEHOLDER = "mmfile-bench-tag:" + "0".repeat(48);
  /** A COM segment header (4 bytes) plus the placeholder: the least padding an image gets. */
  private static final int MIN_PAD = 4 + PLACEHOLDER.length();

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: java GenJpeg.java OUT.jpg BYTES");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    int target = Integer.parseInt(args[1]);
    if (target < 4096) {
      throw new IllegalArgumentException("target too small: " + target);
    }
    // Noise at quality 0.75 costs roughly 0.6 bytes per pixel; adjust the side until the encoded
    // image fills 97-100% of the target, so padding stays a small part of the file.
    int side = (int) Math.sqrt(target / 0.6);
    byte[] jpeg = encode(side, side);
    for (int i = 0; i < 20 && (jpeg.length > target - MIN_PAD || jpeg.length < target * 0.97); i++) {
      double scale = Math.sqrt((target * 0.985) / jpeg.length);
      side = Math.max(16, (int) (side * scale));
      jpeg = encode(side, side);
    }
    while (jpeg.length > target - MIN_PAD) {
      side = side * 97 / 100;
      jpeg = encode(side, side);
    }
    Files.write(out, pad(jpeg, target));
  }

  private static byte[] encode(int w, int h) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(42);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.75f);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(img, null, null), param);
    }
    writer.dispose();
    return bytes.toByteArray();
  }

  /** Inserts COM segments before the trailing EOI (FF D9) until the file is exactly target bytes. */
  private static byte[] pad(byte[] jpeg, int target) {
    int n = jpeg.length;
    if (jpeg[n - 2] != (byte) 0xFF || jpeg[n - 1] != (byte) 0xD9) {
      throw new IllegalStateException("encoder output does not end with EOI");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(target);
    out.write(jpeg, 0, n - 2);
    int missing = target - n;
    byte[] tag = PLACEHOLDER.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    boolean first = true;
    while (missing > 0) {
      // A segment is FF FE + 2 length bytes (counting themselves) + payload: at least 4 bytes.
      int segment = Math.min(missing, 65535 + 2);
      if (missing - segment > 0 && missing - segment < 4) {
        segment -= 4;
      }
      int payload = segment - 4;
      out.write(0xFF);
      out.write(0xFE);
      out.write(((payload + 2) >> 8) & 0xFF);
      out.write((payload + 2) & 0xFF);
      for (int i = 0; i < payload; i++) {
        out.write(first && i < tag.length ? tag[i] : '.');
      }
      first = false;
      missing -= segment;
    }
    out.write(0xFF);
    out.write(0xD9);
    return out.toByteArray();
  }
}
