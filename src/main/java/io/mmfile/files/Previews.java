package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;

/**
 * Small JPEG previews of uploaded images (at most {@value #EDGE} pixels on the long side), made on a
 * worker thread and stored like any other file. Formats the JDK cannot decode (WebP) and images over
 * {@value #MAX_PIXELS} pixels get no preview.
 */
public final class Previews {
  static final int EDGE = 320;
  static final long MAX_PIXELS = 40_000_000L;

  private final Vertx vertx;
  private final FileIntake intake;
  private final FileStores stores;

  public Previews(Vertx vertx, FileIntake intake, FileStores stores) {
    this.vertx = vertx;
    this.intake = intake;
    this.stores = stores;
  }

  /** The original with its preview attached, or unchanged when no preview can be made. */
  public Future<FileRecord> attach(FileRecord original) {
    if (!original.image() || (long) original.width() * original.height() > MAX_PIXELS || original.width() == 0) {
      return Future.succeededFuture(original);
    }
    return stores.of(original.store()).read(original.fileId(), 0, original.size())
      .compose(content -> content.isEmpty() ? Future.succeededFuture(Optional.<Buffer>empty())
        : vertx.executeBlocking(() -> render(read(content.get())), false))
      .compose(preview -> {
        if (preview.isEmpty()) {
          return Future.succeededFuture(original);
        }
        CommitRequest request = new CommitRequest(original.appKey(), preview.get().length(), 0, StoreKind.DURABLE,
          true, null, null, null, null);
        return intake.store(preview.get(), request)
          .compose(stored -> stores.records().setPreview(original.fileId(), stored.fileId())
            .map(v -> {
              stores.recordCache().forget(original.fileId());
              return original.withPreview(stored.fileId());
            }));
      })
      .recover(t -> Future.succeededFuture(original));
  }

  private static byte[] read(BlobStore.BlobContent content) throws IOException {
    if (content instanceof BlobStore.OnDisk disk) {
      return Files.readAllBytes(disk.path());
    }
    return ((BlobStore.InMemory) content).bytes().getBytes();
  }

  static Optional<Buffer> render(byte[] image) throws IOException {
    BufferedImage source = ImageIO.read(new ByteArrayInputStream(image));
    if (source == null) {
      return Optional.empty();
    }
    double scale = Math.min(1.0, (double) EDGE / Math.max(source.getWidth(), source.getHeight()));
    int width = Math.max(1, (int) Math.round(source.getWidth() * scale));
    int height = Math.max(1, (int) Math.round(source.getHeight() * scale));
    BufferedImage preview = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = preview.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.drawImage(source, 0, 0, width, height, null);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!ImageIO.write(preview, "jpg", out)) {
      throw Failure.of(Failure.Kind.STORE_FAILED, "no JPEG writer");
    }
    return Optional.of(Buffer.buffer(out.toByteArray()));
  }
}
