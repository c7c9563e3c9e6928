package io.mmfile.support;

import io.mmfile.auth.AppKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrent signed saveImage uploads against one node, each loop starting its next upload when the
 * previous one is answered. Remembers what was acknowledged (URL and SHA-256 of the bytes sent), the
 * hash of everything it ever sent, and every answer's code.
 */
public final class UploadLoad implements AutoCloseable {
  /** What an acknowledged upload must give back, and when its request was sent ({@link System#nanoTime}). */
  public record Acked(String url, String sha256, int length, boolean durable, long sentNanos) {
  }

  private final Vertx vertx = Vertx.vertx();
  private final WebClient web;
  private final AppKey app;
  private final int minBytes;
  private final int maxBytes;
  private final double durableShare;
  private final AtomicBoolean running = new AtomicBoolean();
  private long timeoutMs = 30_000;
  /** When set, every upload sends one of these (chosen at random) instead of new bytes. */
  private java.util.List<Buffer> pool;
  private final AtomicInteger loops = new AtomicInteger();
  private final Promise<Void> stopped = Promise.promise();
  public final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
  public final Set<String> sentHashes = ConcurrentHashMap.newKeySet();
  public final Map<String, AtomicInteger> codes = new ConcurrentHashMap<>();
  public final AtomicInteger transportErrors = new AtomicInteger();

  public UploadLoad(int port, AppKey app, int minBytes, int maxBytes, double durableShare) {
    this.web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
      .setConnectTimeout(5000), new PoolOptions().setHttp1MaxSize(64));
    this.app = app;
    this.minBytes = minBytes;
    this.maxBytes = maxBytes;
    this.durableShare = durableShare;
  }

  /** Sends only these images, so that uploads of identical bytes run at once (deduplication). */
  public UploadLoad fromPool(java.util.List<Buffer> images) {
    this.pool = java.util.List.copyOf(images);
    return this;
  }

  /** An answer that takes longer than this counts as a hang (a transport error). */
  public UploadLoad timeoutMs(long ms) {
    this.timeoutMs = ms;
    return this;
  }

  /** Starts {@code concurrency} upload loops. */
  public UploadLoad start(int concurrency) {
    running.set(true);
    for (int i = 0; i < concurrency; i++) {
      loops.incrementAndGet();
      vertx.runOnContext(v -> next());
    }
    return this;
  }

  /** Waits until {@code count} uploads were acknowledged; fails with what the node answered instead. */
  public void awaitAcknowledged(int count, java.util.function.Supplier<String> nodeLog) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (acked.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(acked.size() + " of " + count + " uploads acknowledged; answers " + codes
          + ", transport errors " + transportErrors + "; node log:\n" + nodeLog.get());
      }
      Thread.sleep(20);
    }
  }

  public int code(String code) {
    AtomicInteger n = codes.get(code);
    return n == null ? 0 : n.get();
  }

  /** Stops starting uploads; completes when every loop's last upload was answered or failed. */
  public Future<Void> stop() {
    running.set(false);
    return stopped.future();
  }

  private void next() {
    if (!running.get()) {
      if (loops.decrementAndGet() == 0) {
        stopped.tryComplete();
      }
      return;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int size = random.nextInt(minBytes, maxBytes + 1);
    boolean durable = random.nextDouble() < durableShare;
    Buffer image = pool != null ? pool.get(random.nextInt(pool.size())) : Images.pngOfSize(size, random.nextLong());
    String sha = sha256(image);
    sentHashes.add(sha);
    Multipart form = new Multipart();
    DaokeClient.signedFields(app, image.length(), Map.of("isStorage", Boolean.toString(durable))).forEach(form::field);
    form.file("mmfile", "f.png", "image/png", image);
    long sentNanos = System.nanoTime();
    web.post("/dfsapi/v2/saveImage").timeout(timeoutMs).putHeader("Content-Type", form.contentType())
      .sendBuffer(form.body())
      .onComplete(ar -> {
        if (ar.failed()) {
          transportErrors.incrementAndGet();
        } else {
          String code;
          try {
            code = ar.result().bodyAsJsonObject().getString("ERRORCODE");
          } catch (RuntimeException e) {
            code = "HTTP " + ar.result().statusCode();
          }
          codes.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
          if ("0".equals(code)) {
            String url = ar.result().bodyAsJsonObject().getJsonObject("RESULT").getString("url");
            acked.add(new Acked(url, sha, image.length(), durable, sentNanos));
          }
        }
        next();
      });
  }

  public static String sha256(Buffer bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.getBytes()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String sha256(byte[] bytes) {
    return sha256(Buffer.buffer(bytes));
  }

  public List<Acked> ackedList() {
    return List.copyOf(acked);
  }

  public WebClient web() {
    return web;
  }

  @Override
  public void close() {
    running.set(false);
    web.close();
    vertx.close();
  }
}
