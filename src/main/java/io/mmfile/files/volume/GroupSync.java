package io.mmfile.files.volume;

import io.mmfile.platform.Failure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit ({@code storage.fsync=group}): an upload is acknowledged only after an fsync of its volume
 * that started after its record and index entry were written. One thread does the fsyncs: it waits for
 * the first upload, lets {@code windowMs} pass so that the uploads finishing meanwhile join it, then
 * forces every volume they wrote to once and completes them all. Uploads arriving during an fsync wait
 * for the next one, so under load the batches grow by themselves.
 */
final class GroupSync implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupSync.class);

  private record Waiter(Volume volume, Context context, Promise<Void> promise) {
  }

  private final LinkedBlockingQueue<Waiter> queue = new LinkedBlockingQueue<>();
  private final long windowMs;
  private final java.util.function.Consumer<Volume> onFailed;
  private final Thread thread;
  private volatile boolean closed;

  /** {@code onFailed} hears of every volume whose fsync failed, before its waiters are failed. */
  GroupSync(long windowMs, java.util.function.Consumer<Volume> onFailed) {
    this.windowMs = windowMs;
    this.onFailed = onFailed;
    this.thread = new Thread(this::run, "mmfile-group-fsync");
    thread.setDaemon(true);
    thread.start();
  }

  /** Completes, on {@code context}, once an fsync covering what was written to {@code volume} so far is done. */
  Future<Void> covering(Volume volume, Context context) {
    Promise<Void> promise = Promise.promise();
    if (closed) {
      return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "the volume store is closed"));
    }
    queue.add(new Waiter(volume, context, promise));
    return promise.future();
  }

  private void run() {
    List<Waiter> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Waiter first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        if (windowMs > 0) {
          Thread.sleep(windowMs);
        }
      } catch (InterruptedException e) {
        if (!closed) {
          continue;
        }
      }
      queue.drainTo(batch);
      Set<Volume> volumes = new LinkedHashSet<>();
      batch.forEach(w -> volumes.add(w.volume()));
      IOException failed = null;
      for (Volume v : volumes) {
        try {
          v.force();
        } catch (IOException e) {
          failed = e;
          v.writable = false;
          LOG.error("fsync of volume {} failed: {}", v.dat, e.getMessage());
          onFailed.accept(v);
        }
      }
      IOException error = failed;
      for (Waiter w : batch) {
        w.context().runOnContext(x -> {
          if (error == null) {
            w.promise().complete();
          } else {
            w.promise().fail(Failure.of(Failure.Kind.STORE_FAILED, "fsync failed: " + error.getMessage(), error));
          }
        });
      }
      batch.clear();
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
