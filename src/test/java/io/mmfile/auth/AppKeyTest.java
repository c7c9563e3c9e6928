package io.mmfile.auth;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AppKeyTest {
  private static final Map<String, String> PARAMS = Map.of("appKey", "1234567890", "length", "10");

  @Test
  void signsWithThePreviousSecretAreAcceptedUntilTheOverlapEnds() {
    AppKey rotated = new AppKey("1234567890", "NEW", "n", true, 0, "OLD", 1_000);
    String oldSign = SignatureVerifier.sign(PARAMS, "OLD");
    String newSign = SignatureVerifier.sign(PARAMS, "NEW");

    assertThat(SignatureVerifier.matches(PARAMS, rotated.at(999), oldSign)).isTrue();
    assertThat(SignatureVerifier.matches(PARAMS, rotated.at(1_000), oldSign)).isFalse();
    assertThat(SignatureVerifier.matches(PARAMS, rotated.at(1_000), newSign)).isTrue();
    assertThat(SignatureVerifier.matches(PARAMS, rotated.at(999), newSign)).isTrue();
  }

  @Test
  void aKeyNeverRotatedHasOneSecret() {
    AppKey key = new AppKey("1", "ONLY", "n", true, 0);

    assertThat(key.at(Long.MAX_VALUE).secrets()).containsExactly("ONLY");
    assertThat(key.acceptsSecret("ONLY")).isTrue();
    assertThat(key.acceptsSecret("only")).isFalse();
    assertThat(key.acceptsSecret(null)).isFalse();
  }

  @Test
  void thePreviousSecretIsAcceptedAsASecretDuringTheOverlap() {
    AppKey rotated = new AppKey("1", "NEW", "n", true, 0, "OLD", 1_000);

    assertThat(rotated.at(500).acceptsSecret("OLD")).isTrue();
    assertThat(rotated.at(1_500).acceptsSecret("OLD")).isFalse();
  }
}
