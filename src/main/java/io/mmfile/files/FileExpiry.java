package io.mmfile.files;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Reclaims expired files: their bytes (Redis also expires them by itself) and their records. Runs as a
 * periodic sweep, and at once for a file that a client asked for after it expired. Every step is
 * idempotent, so several nodes may sweep the same database.
 */
public final class FileExpiry {
  private static final Logger LOG = LoggerFactory.getLogger(FileExpiry.class);
  private static final int BATCH = 500;

  private final FileStores stores;
  private boolean sweeping;

  public FileExpiry(FileStores stores) {
    this.stores = stores;
  }

  /**
   * Deletes a file: its record and, when no other file names them, its bytes. Bytes of its own go first
   * (a crash in between leaves a record without bytes, answered 404, and never bytes without a record);
   * a file that names a shared blob drops its reference with its record and the blob's last reference
   * takes the bytes ({@link FileRecordRepository#release}).
   */
  public Future<Void> reclaim(FileRecord record) {
    stores.recordCache().forget(record.fileId());
    Future<Void> reclaimed = record.sharesBlob()
      ? stores.records().release(record).mapEmpty()
      : stores.of(record.store()).delete(record).compose(v -> stores.records().delete(record.fileId()));
    return reclaimed.onFailure(t -> LOG.warn("could not reclaim {}: {}", record.fileId(), t.getMessage()));
  }

  /** Reclaims up to one batch of expired files; a sweep still running is not started twice. */
  public Future<Integer> sweep() {
    if (sweeping) {
      return Future.succeededFuture(0);
    }
    sweeping = true;
    return stores.records().expired(System.currentTimeMillis(), BATCH)
      .compose(this::reclaimAll)
      .compose(n -> stores.records().sweepGarbage(BATCH).map(n).recover(t -> {
        LOG.warn("could not sweep unreferenced bytes: {}", t.getMessage());
        return Future.succeededFuture(n);
      }))
      .onComplete(ar -> sweeping = false);
  }

  private Future<Integer> reclaimAll(List<FileRecord> expired) {
    Future<Void> chain = Future.succeededFuture();
    for (FileRecord record : expired) {
      chain = chain.compose(v -> reclaim(record).recover(t -> Future.succeededFuture()));
    }
    return chain.map(expired.size());
  }
}
