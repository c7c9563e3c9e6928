package io.mmfile.files;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Deletes the file records of blobs the in-process cache store evicted, many per statement: once the
 * store is full every upload evicts one, and a statement per eviction was a database transaction per
 * upload on top of the upload's own insert (with H2 a store commit each, docs/benchmarks/profile.md).
 * One statement at a time; the evictions that come meanwhile go in the next one. A record outlives
 * its bytes only until that statement returns, and a read of it meanwhile finds no bytes and answers
 * not found, as for any file the store no longer holds.
 */
public final class EvictedRecords {
  private static final Logger LOG = LoggerFactory.getLogger(EvictedRecords.class);

  private final FileRecordRepository records;
  private final FileRecordCache recordCache;
  private final int maxPerStatement;
  private final List<String> waiting = new ArrayList<>();
  private boolean inFlight;

  public EvictedRecords(FileRecordRepository records, FileRecordCache recordCache, int maxPerStatement) {
    this.records = records;
    this.recordCache = recordCache;
    this.maxPerStatement = maxPerStatement;
  }

  /** The cache store dropped {@code fileId}'s bytes: forget its record now, delete it with the next statement. */
  public void evicted(String fileId) {
    recordCache.forget(fileId);
    synchronized (waiting) {
      waiting.add(fileId);
    }
    next();
  }

  private void next() {
    List<String> batch;
    synchronized (waiting) {
      if (inFlight || waiting.isEmpty()) {
        return;
      }
      int n = Math.min(maxPerStatement, waiting.size());
      batch = new ArrayList<>(waiting.subList(0, n));
      waiting.subList(0, n).clear();
      inFlight = true;
    }
    records.deleteAll(batch).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("could not remove the records of {} evicted files: {}", batch.size(), ar.cause().getMessage());
      }
      synchronized (waiting) {
        inFlight = false;
      }
      next();
    });
  }
}
