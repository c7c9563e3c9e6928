package io.mmfile;

import io.mmfile.auth.AppKey;
import io.mmfile.auth.AppKeyRepository;
import io.mmfile.auth.SignatureVerifier;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * On the first start of the embedded default, creates a demo app key and prints a curl command that
 * uploads a small image with it, so a new user sees a working upload in one paste. The secret is written
 * to standard output, never to the log. Runs once the node listens, so the command names a port that
 * really serves.
 */
final class DemoKey {
  private static final Logger LOG = LoggerFactory.getLogger(DemoKey.class);

  private final Vertx vertx;
  private final MmfileConfig config;
  private final AppKeyRepository appKeys;

  DemoKey(Vertx vertx, MmfileConfig config, AppKeyRepository appKeys) {
    this.vertx = vertx;
    this.config = config;
    this.appKeys = appKeys;
  }

  Future<Void> createIfFirstStart() {
    return appKeys.count().compose(count -> {
      if (count > 0) {
        return Future.succeededFuture();
      }
      // Writing the demo image is file I/O: on a worker thread.
      return appKeys.create("demo").compose(key -> vertx.executeBlocking(() -> {
        announce(key);
        return null;
      }, false));
    });
  }

  /**
   * With MySQL no demo key is made (a production database should not get a key nobody asked for), so
   * a node without any key says how to make one instead.
   */
  Future<Void> adviseIfNone() {
    return appKeys.count().map(count -> {
      if (count == 0) {
        LOG.info("no app keys yet: create one with `java -jar mmfile.jar appkey create --name NAME` and this"
          + " node's configuration (in Docker: `docker compose exec mmfile mmfile appkey create --name NAME`)");
      }
      return null;
    });
  }

  private void announce(AppKey key) {
    Path image = config.dataDir().resolve("demo.png").toAbsolutePath().normalize();
    try {
      writeDemoImage(image);
    } catch (IOException e) {
      LOG.warn("demo key {} created, but the demo image could not be written: {}", key.appKey(), e.getMessage());
      return;
    }
    long length = image.toFile().length();
    String sign = SignatureVerifier.sign(Map.of("appKey", key.appKey(), "length", Long.toString(length)), key.secret());
    String scheme = config.http().tls() ? "https" : "http";
    String curl = "curl " + (config.http().tls() ? "-k " : "") + "-F appKey=" + key.appKey() + " -F length=" + length
      + " -F sign=" + sign + " -F mmfile=@" + image + " " + scheme + "://localhost:" + config.http().port()
      + "/dfsapi/v2/saveImage";
    // The secret goes to the console only: log files are shipped and kept where a secret must not be.
    LOG.info("first start: created the demo app key {} (its secret is printed on the console, not logged)", key.appKey());
    System.out.println("""
      first start: created the demo app key
        {"appKey":"%s","secret":"%s"}
      upload the demo image with:
        %s""".formatted(key.appKey(), key.secret(), curl));
    System.out.flush();
  }

  private static void writeDemoImage(Path target) throws IOException {
    BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(0x2a6fdb));
    g.fillRect(0, 0, 64, 48);
    g.setColor(Color.WHITE);
    g.fillOval(16, 8, 32, 32);
    g.dispose();
    Files.createDirectories(target.getParent());
    ImageIO.write(img, "png", target.toFile());
  }
}
