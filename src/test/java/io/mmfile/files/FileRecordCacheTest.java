package io.mmfile.files;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

class FileRecordCacheTest {
  static FileRecord record(String id) {
    return new FileRecord(id, "1234567890", StoreKind.DURABLE, 3, "00", "image/png", "png", 1, 1, 0, null, null,
      null, null);
  }

  @Test
  void concurrentReadsOfOneUncachedFileShareOneQuery() {
    AtomicInteger queries = new AtomicInteger();
    Promise<Optional<FileRecord>> answer = Promise.promise();
    FileRecordCache cache = new FileRecordCache(id -> {
      queries.incrementAndGet();
      return answer.future();
    }, 100, Duration.ofMinutes(1));

    List<Future<Optional<FileRecord>>> reads = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      reads.add(cache.find("f1"));
    }
    answer.complete(Optional.of(record("f1")));

    assertThat(queries).hasValue(1);
    reads.forEach(r -> assertThat(await(r)).contains(record("f1")));
    assertThat(await(cache.find("f1"))).contains(record("f1"));
    assertThat(queries).hasValue(1);
  }

  @Test
  void aFileThatDoesNotExistIsAskedForAgain() {
    AtomicInteger queries = new AtomicInteger();
    FileRecordCache cache = new FileRecordCache(id -> {
      queries.incrementAndGet();
      return Future.succeededFuture(Optional.empty());
    }, 100, Duration.ofMinutes(1));

    assertThat(await(cache.find("missing"))).isEmpty();
    assertThat(await(cache.find("missing"))).isEmpty();

    assertThat(queries).hasValue(2);
  }

  @Test
  void aFailedQueryIsNotRemembered() {
    AtomicInteger queries = new AtomicInteger();
    FileRecordCache cache = new FileRecordCache(id -> queries.incrementAndGet() == 1
      ? Future.failedFuture(new IllegalStateException("database down"))
      : Future.succeededFuture(Optional.of(record(id))), 100, Duration.ofMinutes(1));

    assertThat(cache.find("f2").failed()).isTrue();
    assertThat(await(cache.find("f2"))).contains(record("f2"));
  }

  @Test
  void holdsNoMoreThanItsCapacity() {
    FileRecordCache cache = new FileRecordCache(id -> Future.succeededFuture(Optional.empty()), 10, Duration.ofMinutes(1));
    for (int i = 0; i < 1000; i++) {
      cache.remember(record("f" + i));
    }
    cache.cleanUp();

    assertThat(cache.size()).isLessThanOrEqualTo(10);
  }
}
