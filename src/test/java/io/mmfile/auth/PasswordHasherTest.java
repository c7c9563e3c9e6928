package io.mmfile.auth;

import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

class PasswordHasherTest {
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  static MmfileConfig.Auth cost(int memoryKib, int iterations) {
    return new MmfileConfig.Auth(Optional.empty(), Optional.empty(), List.of(), 15, 30, memoryKib, iterations, 1, 1,
      3, 10, 15, false, Optional.empty(), 0, 10_000);
  }

  @Test
  void hashesWithArgon2idAtOwaspCostInTheStandardForm() {
    PasswordHasher hasher = new PasswordHasher(vertx, cost(19456, 2));

    String hash = await(hasher.hash("correct horse"));

    assertThat(hash).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(await(hasher.verify("correct horse", hash))).isEqualTo(new PasswordHasher.Verification(true, false));
    assertThat(await(hasher.verify("correct horsf", hash)).matches()).isFalse();
  }

  @Test
  void saltsEveryHash() {
    PasswordHasher hasher = new PasswordHasher(vertx, cost(8192, 1));
    assertThat(hasher.hashNow("same")).isNotEqualTo(hasher.hashNow("same"));
  }

  @Test
  void asksForARehashWhenTheCostChanged() {
    String old = new PasswordHasher(vertx, cost(8192, 1)).hashNow("pw123456");
    PasswordHasher today = new PasswordHasher(vertx, cost(19456, 2));

    assertThat(today.verifyNow("pw123456", old)).isEqualTo(new PasswordHasher.Verification(true, true));
    assertThat(today.verifyNow("wrong", old)).isEqualTo(new PasswordHasher.Verification(false, false));
  }

  @Test
  void verifiesAKnownArgon2idVector() {
    // RFC 9106-style check against an independent implementation's output (argon2-cffi, "password", salt "somesalt").
    String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
    PasswordHasher hasher = new PasswordHasher(vertx, cost(65536, 2));
    assertThat(hasher.verifyNow("password", reference).matches()).isTrue();
  }

  @Test
  void refusesAnythingThatIsNotAnArgon2idHash() {
    PasswordHasher hasher = new PasswordHasher(vertx, cost(8192, 1));
    assertThat(hasher.verifyNow("x", null).matches()).isFalse();
    assertThat(hasher.verifyNow("x", "$2a$10$abcdefghijklmnopqrstuv").matches()).isFalse();
  }
}
