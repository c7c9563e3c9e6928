package io.mmfile.auth;

import io.mmfile.platform.MemoryKeyValueStore;
import io.mmfile.platform.MmfileConfig;
import io.mmfile.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The verified-access-token cache of {@link TokenService}: bounded, coalescing, and never fooled. */
class VerifiedTokenCacheTest {
  Vertx vertx;
  Path dataDir;
  TokenService tokens;

  static MmfileConfig.Auth config(int cacheSize) {
    return new MmfileConfig.Auth(Optional.empty(), Optional.empty(), List.of(), 15, 30, 8192, 1, 1, 1,
      3, 10, 15, false, Optional.empty(), 0, cacheSize);
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    dataDir = Files.createTempDirectory("mmfile-tokens-");
    tokens = new TokenService(vertx, SigningKeys.load(config(10), dataDir), new MemoryKeyValueStore(), config(10));
  }

  @AfterEach
  void stop() {
    vertx.close();
    TestServer.deleteTree(dataDir);
  }

  @Test
  void concurrentCallsWithOneNewTokenCheckItsSignatureOnce() throws Exception {
    String token = await(tokens.startSession("u1", "1")).accessToken();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<TokenService.Principal>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 64; i++) {
        calls.add(CompletableFuture.supplyAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return tokens.authenticate(token);
        }, threads).thenCompose(Future::toCompletionStage).toCompletableFuture());
      }
      go.countDown();
      for (CompletableFuture<TokenService.Principal> call : calls) {
        assertThat(call.get().uid()).isEqualTo("u1");
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(tokens.signatureChecks()).isEqualTo(1);
  }

  @Test
  void aForgedTokenIsCheckedEveryTimeAndNeverRemembered() {
    String token = await(tokens.startSession("u2", "1")).accessToken();
    String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> await(tokens.authenticate(forged))).isInstanceOf(io.mmfile.platform.Failure.class);
    }

    assertThat(tokens.signatureChecks()).isEqualTo(3);
    assertThat(tokens.rememberedTokens()).isZero();
  }

  @Test
  void remembersNoMoreTokensThanItsSize() {
    for (int i = 0; i < 25; i++) {
      await(tokens.authenticate(await(tokens.startSession("u" + i, "1")).accessToken()));
    }

    assertThat(tokens.rememberedTokens()).isLessThanOrEqualTo(10);
  }
}
