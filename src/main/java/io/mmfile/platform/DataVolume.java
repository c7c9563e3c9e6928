package io.mmfile.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * The volume under {@code data.dir}, which holds the durable store, the staging files and the embedded
 * database. Its usable space is read every {@link #CHECK_INTERVAL_MS} ms (asynchronously); while it is
 * under {@code storage.min-free-bytes} the node refuses uploads and answers not ready, so that a load
 * balancer sends uploads to a node with room, and the space left goes to writes already under way
 * and to the database. Crossing the floor is logged once each way.
 */
public final class DataVolume {
  private static final Logger LOG = LoggerFactory.getLogger(DataVolume.class);
  static final long CHECK_INTERVAL_MS = 1000;

  private final Vertx vertx;
  private final Path dir;
  private final long minFreeBytes;
  private volatile long freeBytes = Long.MAX_VALUE;
  private volatile boolean belowFloor;
  private long timer = -1;

  public DataVolume(Vertx vertx, Path dir, long minFreeBytes) {
    this.vertx = vertx;
    this.dir = dir.toAbsolutePath();
    this.minFreeBytes = minFreeBytes;
  }

  /**
   * Creates {@code data.dir} when it does not exist yet (a fresh node whose database is not embedded
   * has not made it at this point, and the free space of a missing directory cannot be read), reads
   * the free space once, then keeps reading it.
   */
  public Future<Void> start() {
    return vertx.fileSystem().mkdirs(dir.toString()).recover(t -> Future.succeededFuture())
      .compose(v -> check()).onComplete(ar -> timer = vertx.setPeriodic(CHECK_INTERVAL_MS, id -> check()));
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Bytes the node may still write, as of the last reading. */
  public long freeBytes() {
    return freeBytes;
  }

  public long minFreeBytes() {
    return minFreeBytes;
  }

  public Path dir() {
    return dir;
  }

  /** False while the free space is under the floor (or could not be read). */
  public boolean writable() {
    return !belowFloor;
  }

  /**
   * The failure a store's writer answers while the volume is under its floor ({@code STORE_FAILED},
   * naming {@code store} and the free space), or null while it is writable. Every store that writes
   * to the data volume refuses through this one check.
   */
  public Failure refusal(String store) {
    return writable() ? null : Failure.of(Failure.Kind.STORE_FAILED, store + " refuses writes: " + describe());
  }

  /** Why writes are refused, for logs and errors. */
  public String describe() {
    return "the data volume of " + dir + " has " + freeBytes + " bytes free (storage.min-free-bytes is "
      + minFreeBytes + ")";
  }

  private Future<Void> check() {
    return vertx.fileSystem().fsProps(dir.toString())
      .map(props -> {
        update(props.usableSpace(), null);
        return (Void) null;
      })
      .recover(t -> {
        update(0, t);
        return Future.succeededFuture();
      });
  }

  private void update(long usable, Throwable unreadable) {
    freeBytes = usable;
    boolean below = unreadable != null || usable < minFreeBytes;
    if (below && !belowFloor) {
      if (unreadable != null) {
        LOG.error("cannot read the free space of {}: {}; refusing uploads, not ready", dir, unreadable.toString());
      } else {
        LOG.error("{}: refusing uploads, not ready until space is freed", describe());
      }
    } else if (!below && belowFloor) {
      LOG.info("{}: taking uploads again", describe());
    }
    belowFloor = below;
  }
}
