package io.mmfile.auth;

import io.mmfile.platform.MmfileConfig;
import io.mmfile.support.MutableClock;
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

class AppKeyCacheTest {
  private static final MmfileConfig.AppKeys CONFIG = new MmfileConfig.AppKeys(60, 3600, 100);

  @Test
  void concurrentLookupsOfOneKeyShareOneLoad() {
    AtomicInteger loads = new AtomicInteger();
    Promise<Optional<AppKey>> pending = Promise.promise();
    AppKeyCache cache = new AppKeyCache(key -> {
      loads.incrementAndGet();
      return pending.future();
    }, CONFIG, new MutableClock());

    List<Future<Optional<AppKey>>> lookups = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lookups.add(cache.enabled("1234567890"));
    }
    pending.complete(Optional.of(new AppKey("1234567890", "S", "n", true, 0)));

    assertThat(loads).hasValue(1);
    for (Future<Optional<AppKey>> lookup : lookups) {
      assertThat(await(lookup)).map(AppKey::secret).contains("S");
    }
    assertThat(await(cache.enabled("1234567890"))).isPresent();
    assertThat(loads).hasValue(1);
  }

  @Test
  void aFailedLoadIsNotRemembered() {
    AtomicInteger loads = new AtomicInteger();
    AppKeyCache cache = new AppKeyCache(key -> loads.incrementAndGet() == 1
      ? Future.failedFuture("database down") : Future.succeededFuture(Optional.empty()), CONFIG, new MutableClock());

    assertThat(cache.enabled("1").failed()).isTrue();
    assertThat(await(cache.enabled("1"))).isEmpty();
    assertThat(loads).hasValue(2);
  }

  @Test
  void disabledKeysAreNotHandedOut() {
    AppKeyCache cache = new AppKeyCache(key -> Future.succeededFuture(Optional.of(new AppKey(key, "S", "n", false, 0))),
      CONFIG, new MutableClock());

    assertThat(await(cache.enabled("1"))).isEmpty();
  }

  @Test
  void aPreviousSecretEndsWithItsOverlapEvenWhileTheKeyIsCached() {
    MutableClock clock = new MutableClock();
    long until = clock.millis() + 60_000;
    AppKeyCache cache = new AppKeyCache(key -> Future.succeededFuture(
      Optional.of(new AppKey(key, "NEW", "n", true, 0, "OLD", until))), CONFIG, clock);

    assertThat(await(cache.enabled("1")).orElseThrow().secrets()).containsExactly("NEW", "OLD");
    clock.advance(Duration.ofSeconds(61));
    assertThat(await(cache.enabled("1")).orElseThrow().secrets()).containsExactly("NEW");
  }
}
