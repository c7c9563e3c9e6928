package io.mmfile.files;

import io.vertx.core.Future;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps recently read file records in memory so that serving a file costs no SQL round trip.
 * Records never change once written (expiry is part of the record and checked on every read),
 * so a cached record is never stale; only files that exist are cached.
 */
public final class FileRecordCache {
  private final FileRecordRepository repository;
  private final Map<String, FileRecord> records;

  public FileRecordCache(FileRecordRepository repository, int capacity) {
    this.repository = repository;
    this.records = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, FileRecord> eldest) {
        return size() > capacity;
      }
    };
  }

  public Future<Optional<FileRecord>> find(String fileId) {
    FileRecord cached;
    synchronized (records) {
      cached = records.get(fileId);
    }
    if (cached != null) {
      return Future.succeededFuture(Optional.of(cached));
    }
    return repository.find(fileId).onSuccess(found -> found.ifPresent(this::remember));
  }

  public void remember(FileRecord record) {
    synchronized (records) {
      records.put(record.fileId(), record);
    }
  }

  public void forget(String fileId) {
    synchronized (records) {
      records.remove(fileId);
    }
  }
}
