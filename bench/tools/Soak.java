import io.mmfile.auth.SignatureVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak client: CONNECTIONS loops against one mmfile node for SECONDS seconds, each loop doing,
 * one after the other, signed saveImage uploads of 10-500 KB (a valid PNG head, then noise) and
 * gainImage downloads of random earlier acknowledged uploads, every download compared (SHA-256)
 * with what was sent. Writes a JSON summary. Run with mmfile's jar on the class path:
 *
 *   java -cp target/mmfile.jar bench/tools/Soak.java PORT APPKEY SECRET SECONDS CONNECTIONS OUT.json [UPLOAD_SHARE]
 */
public class Soak {
  static final int MIN_BYTES = 10 * 1024;
  static final int MAX_BYTES = 500 * 1024;

  record Stored(String url, String sha256) {
  }

  static final List<Stored> stored = new ArrayList<>();
  static final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
  static final LatencyLog uploadLatency = new LatencyLog();
  static final LatencyLog downloadLatency = new LatencyLog();

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String appKey = args[1];
    String secret = args[2];
    long seconds = Long.parseLong(args[3]);
    int connections = Integer.parseInt(args[4]);
    Path out = Path.of(args[5]);
    double uploadShare = args.length > 6 ? Double.parseDouble(args[6]) : 0.5;
    byte[] head = pngHead();

    Vertx vertx = Vertx.vertx();
    WebClient web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
      .setKeepAlive(true).setConnectTimeout(10_000).setIdleTimeout(0),
      new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    long endNs = System.nanoTime() + seconds * 1_000_000_000L;
    CountDownLatch done = new CountDownLatch(connections);
    long started = System.currentTimeMillis();
    for (int i = 0; i < connections; i++) {
      vertx.runOnContext(v -> new Loop(web, appKey, secret, head, uploadShare, endNs, done).next());
    }
    Thread progress = new Thread(() -> {
      while (done.getCount() > 0) {
        try {
          Thread.sleep(30_000);
        } catch (InterruptedException e) {
          return;
        }
        System.err.printf("soak: %ds, %s%n", (System.currentTimeMillis() - started) / 1000, snapshot());
      }
    });
    progress.setDaemon(true);
    progress.start();
    done.await();
    double elapsed = (System.currentTimeMillis() - started) / 1000.0;
    JsonObject summary = new JsonObject()
      .put("seconds", elapsed)
      .put("connections", connections)
      .put("upload_share", uploadShare)
      .put("counters", new JsonObject(new LinkedHashMap<>(snapshot())))
      .put("upload_ms", uploadLatency.summary())
      .put("download_ms", downloadLatency.summary());
    LatencyLog all = new LatencyLog();
    all.addAll(uploadLatency);
    all.addAll(downloadLatency);
    summary.put("all_ms", all.summary());
    Files.writeString(out, summary.encodePrettily());
    System.out.println(summary.encodePrettily());
    web.close();
    vertx.close();
  }

  static Map<String, Long> snapshot() {
    Map<String, Long> copy = new java.util.TreeMap<>();
    counters.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  static void count(String name) {
    counters.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
  }

  /** One connection's worth of work: an upload or a download, then the next, until the end. */
  static final class Loop {
    final WebClient web;
    final String appKey;
    final String secret;
    final byte[] head;
    final double uploadShare;
    final long endNs;
    final CountDownLatch done;

    Loop(WebClient web, String appKey, String secret, byte[] head, double uploadShare, long endNs, CountDownLatch done) {
      this.web = web;
      this.appKey = appKey;
      this.secret = secret;
      this.head = head;
      this.uploadShare = uploadShare;
      this.endNs = endNs;
      this.done = done;
    }

    void next() {
      if (System.nanoTime() > endNs) {
        done.countDown();
        return;
      }
      Stored pick = null;
      ThreadLocalRandom random = ThreadLocalRandom.current();
      if (random.nextDouble() >= uploadShare) {
        synchronized (stored) {
          if (!stored.isEmpty()) {
            pick = stored.get(random.nextInt(stored.size()));
          }
        }
      }
      if (pick == null) {
        upload(random);
      } else {
        download(pick);
      }
    }

    void upload(ThreadLocalRandom random) {
      int size = random.nextInt(MIN_BYTES, MAX_BYTES + 1);
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      System.arraycopy(head, 0, bytes, 0, head.length);
      String sha = sha256(bytes);
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("appKey", appKey);
      fields.put("isStorage", "true");
      fields.put("length", Integer.toString(size));
      fields.put("sign", SignatureVerifier.sign(fields, secret));
      String boundary = "----soak" + Long.toHexString(random.nextLong());
      Buffer body = Buffer.buffer(size + 1024);
      fields.forEach((name, value) -> body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
        + name + "\"\r\n\r\n" + value + "\r\n"));
      body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"mmfile\"; filename=\"s.png\"\r\n"
        + "Content-Type: image/png\r\n\r\n").appendBytes(bytes).appendString("\r\n--" + boundary + "--\r\n");
      long t0 = System.nanoTime();
      count("uploads_sent");
      web.post("/dfsapi/v2/saveImage").timeout(180_000)
        .putHeader("Content-Type", "multipart/form-data; boundary=" + boundary)
        .sendBuffer(body)
        .onComplete(ar -> {
          uploadLatency.add(System.nanoTime() - t0);
          if (ar.failed()) {
            count("upload_transport_errors");
          } else if (ar.result().statusCode() >= 500) {
            count("http_5xx");
          } else {
            String code;
            JsonObject envelope;
            try {
              envelope = ar.result().bodyAsJsonObject();
              code = envelope.getString("ERRORCODE");
            } catch (RuntimeException e) {
              envelope = null;
              code = "unparseable";
            }
            if ("0".equals(code)) {
              count("uploads_acknowledged");
              String url = envelope.getJsonObject("RESULT").getString("url");
              synchronized (stored) {
                stored.add(new Stored(url, sha));
              }
            } else {
              count("upload_refused_" + code);
            }
          }
          next();
        });
    }

    void download(Stored file) {
      long t0 = System.nanoTime();
      count("downloads");
      web.getAbs(file.url()).timeout(180_000).send().onComplete(ar -> {
        downloadLatency.add(System.nanoTime() - t0);
        if (ar.failed()) {
          count("download_transport_errors");
        } else if (ar.result().statusCode() >= 500) {
          count("http_5xx");
        } else if (ar.result().statusCode() != 200) {
          count("download_status_" + ar.result().statusCode());
        } else {
          Buffer body = ar.result().body();
          if (body != null && sha256(body.getBytes()).equals(file.sha256())) {
            count("downloads_verified");
          } else {
            count("mismatches");
          }
        }
        next();
      });
    }
  }

  /** Latencies in microseconds, kept whole (a 10-minute run is a few hundred thousand). */
  static final class LatencyLog {
    private int[] micros = new int[1 << 16];
    private int size;

    synchronized void add(long nanos) {
      if (size == micros.length) {
        micros = Arrays.copyOf(micros, size * 2);
      }
      micros[size++] = (int) Math.min(Integer.MAX_VALUE, nanos / 1000);
    }

    synchronized void addAll(LatencyLog other) {
      synchronized (other) {
        for (int i = 0; i < other.size; i++) {
          add(other.micros[i] * 1000L);
        }
      }
    }

    synchronized JsonObject summary() {
      int[] sorted = Arrays.copyOf(micros, size);
      Arrays.sort(sorted);
      JsonObject s = new JsonObject().put("count", size);
      if (size > 0) {
        s.put("p50", sorted[(int) (size * 0.50)] / 1000.0)
          .put("p90", sorted[(int) (size * 0.90)] / 1000.0)
          .put("p99", sorted[Math.min(size - 1, (int) (size * 0.99))] / 1000.0)
          .put("max", sorted[size - 1] / 1000.0);
      }
      return s;
    }
  }

  static byte[] pngHead() throws Exception {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
