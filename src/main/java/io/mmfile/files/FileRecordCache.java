package io.mmfile.files;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Keeps recently read file records in memory so that serving a file costs no SQL round trip. A record
 * changes only when its preview is attached (which {@link #forget}s it here) and its expiry is part of
 * the record and checked on every read, so a cached record is not stale on this node; the time limit
 * bounds how long another node's change can go unseen. Bounded in size (the least used go first), and
 * concurrent reads of one file that is not cached yet share one query. Only files that exist are kept:
 * a file uploaded on another node a moment after a miss is found at the next read.
 */
public final class FileRecordCache {
  private final Function<String, Future<Optional<FileRecord>>> loader;
  private final AsyncCache<String, FileRecord> records;

  public FileRecordCache(FileRecordRepository repository, int capacity, Duration ttl) {
    this(repository::find, capacity, ttl);
  }

  FileRecordCache(Function<String, Future<Optional<FileRecord>>> loader, int capacity, Duration ttl) {
    this.loader = loader;
    this.records = Caffeine.newBuilder().maximumSize(capacity).expireAfterWrite(ttl).buildAsync();
  }

  public Future<Optional<FileRecord>> find(String fileId) {
    FileRecord known = records.synchronous().getIfPresent(fileId);
    if (known != null) {
      return Future.succeededFuture(Optional.of(known));
    }
    // A load that answers null (no such file) or fails leaves nothing behind in the cache.
    CompletableFuture<FileRecord> loading = records.get(fileId, (id, executor) ->
      loader.apply(id).map(found -> found.orElse(null)).toCompletionStage().toCompletableFuture());
    Context context = Vertx.currentContext();
    Future<FileRecord> found = context == null ? Future.fromCompletionStage(loading)
      : Future.fromCompletionStage(loading, context);
    return found.map(Optional::ofNullable);
  }

  public void remember(FileRecord record) {
    records.put(record.fileId(), CompletableFuture.completedFuture(record));
  }

  public void forget(String fileId) {
    records.synchronous().invalidate(fileId);
  }

  /** Records held now; for tests, after {@link #cleanUp}. */
  long size() {
    return records.synchronous().estimatedSize();
  }

  /** Runs the evictions that are due; Caffeine otherwise does them a little later. */
  void cleanUp() {
    records.synchronous().cleanUp();
  }
}
