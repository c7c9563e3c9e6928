package io.mmfile.platform;

import io.vertx.core.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.LongStream;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The atomic operations every limit relies on, raced from many threads at once. Runs per backend:
 * the in-process store and Redis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KeyValueStoreContract {
  static final int RACERS = 200;
  static final long MINUTE = 60_000;

  ExecutorService threads;
  KeyValueStore kv;

  abstract KeyValueStore open();

  void closeStore() {
  }

  @BeforeAll
  void start() {
    threads = Executors.newFixedThreadPool(8);
    kv = open();
  }

  @AfterAll
  void stop() {
    threads.shutdownNow();
    closeStore();
  }

  static String key() {
    return "test:" + UUID.randomUUID();
  }

  /** Starts {@code RACERS} calls from several threads at once and waits for all of them. */
  <T> List<T> race(Function<Integer, Future<T>> call) {
    List<java.util.concurrent.CompletableFuture<T>> started = new ArrayList<>();
    for (int i = 0; i < RACERS; i++) {
      int n = i;
      started.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> call.apply(n), threads)
        .thenCompose(f -> f.toCompletionStage()));
    }
    List<T> results = new ArrayList<>();
    for (java.util.concurrent.CompletableFuture<T> f : started) {
      results.add(await(Future.fromCompletionStage(f)));
    }
    return results;
  }

  @Test
  void parallelIncrementsLoseNothingAndEachSeesItsOwnCount() {
    String key = key();

    List<Long> seen = race(i -> kv.increment(key, MINUTE));

    assertThat(seen).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, RACERS).boxed().toList());
    assertThat(await(kv.get(key))).isEqualTo(Integer.toString(RACERS));
  }

  @Test
  void anIncrementCounterExpiresFromItsFirstIncrement() throws InterruptedException {
    String key = key();
    assertThat(await(kv.increment(key, 2000))).isEqualTo(1);
    Thread.sleep(1000);
    assertThat(await(kv.increment(key, 2000))).isEqualTo(2);
    Thread.sleep(1500);

    assertThat(await(kv.get(key))).as("expired 2 s after the first increment, not after the last").isNull();
    assertThat(await(kv.increment(key, 2000))).isEqualTo(1);
  }

  @Test
  void exactlyOneOfParallelCompareAndSetsWins() {
    String key = key();
    await(kv.set(key, "v0", MINUTE));

    List<Boolean> won = race(i -> kv.compareAndSet(key, "v0", "v" + (i + 1), MINUTE));

    assertThat(won.stream().filter(w -> w).count()).isEqualTo(1);
    int winner = won.indexOf(true) + 1;
    assertThat(await(kv.get(key))).isEqualTo("v" + winner);
  }

  @Test
  void compareAndSetWithNullExpectsAnAbsentKey() {
    String key = key();
    assertThat(await(kv.compareAndSet(key, null, "a", MINUTE))).isTrue();
    assertThat(await(kv.compareAndSet(key, null, "b", MINUTE))).isFalse();
    assertThat(await(kv.compareAndSet(key, "b", "c", MINUTE))).isFalse();
    assertThat(await(kv.get(key))).isEqualTo("a");
  }

  @Test
  void parallelUpdatesAreAllApplied() {
    String key = key();

    race(i -> kv.update(key, v -> Long.toString(v == null ? 1 : Long.parseLong(v) + 1), MINUTE));

    assertThat(await(kv.get(key))).isEqualTo(Integer.toString(RACERS));
  }

  @Test
  void anUpdateThatAnswersNullLeavesTheValue() {
    String key = key();
    await(kv.set(key, "kept", MINUTE));

    assertThat(await(kv.update(key, v -> null, MINUTE))).isNull();

    assertThat(await(kv.get(key))).isEqualTo("kept");
  }

  @Test
  void parallelGetAndSetsHandEachPreviousValueToOneCaller() {
    String key = key();

    List<String> previous = race(i -> kv.getAndSet(key, "v" + i, MINUTE));

    // Every write but the last was seen by exactly one caller, and the first caller saw nothing.
    assertThat(previous.stream().filter(p -> p == null).count()).isEqualTo(1);
    Set<String> distinct = new HashSet<>(previous);
    assertThat(distinct).hasSize(RACERS);
    distinct.add(await(kv.get(key)));
    assertThat(distinct).hasSize(RACERS + 1);
  }

  @Test
  void compareAndDeleteRemovesOnlyTheExpectedValue() {
    String key = key();
    await(kv.set(key, "a", MINUTE));
    assertThat(await(kv.compareAndDelete(key, "b"))).isFalse();
    assertThat(await(kv.get(key))).isEqualTo("a");

    List<Boolean> deleted = race(i -> kv.compareAndDelete(key, "a"));

    assertThat(deleted.stream().filter(d -> d).count()).isEqualTo(1);
    assertThat(await(kv.get(key))).isNull();
  }

  @Test
  void expireExtendsALiveKeyOnly() throws InterruptedException {
    String key = key();
    await(kv.set(key, "a", 1000));
    assertThat(await(kv.expire(key, MINUTE))).isTrue();
    Thread.sleep(1200);
    assertThat(await(kv.get(key))).isEqualTo("a");

    assertThat(await(kv.expire(key(), MINUTE))).isFalse();
  }
}
