package io.mmfile.auth;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The worked examples of WIRE.md §1 "appKey and sign". */
class SignatureVerifierTest {
  static final String SECRET = "7F3A9C1E5B2D4F6A8C0E1B3D5F7A9C2E4B6D8F0A";

  @Test
  void signsAppKeyAndLengthAsTheWorkedExample() {
    assertThat(SignatureVerifier.sign(Map.of("appKey", "1111111111", "length", "1050"), SECRET))
      .isEqualTo("8FFAF6345507E56ECC3615740C558A0011FAC354");
  }

  @Test
  void sortsNamesByByteOrderWhateverOrderTheyCameIn() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("length", "1050");
    params.put("isStorage", "true");
    params.put("cacheTime", "60");
    params.put("appKey", "1111111111");

    assertThat(SignatureVerifier.sign(params, SECRET)).isEqualTo("9998C5353BF334F591A55F031393DDB4F9503D30");
  }

  @Test
  void comparesCaseSensitively() {
    Map<String, String> params = Map.of("appKey", "1111111111", "length", "1050");

    assertThat(SignatureVerifier.matches(params, SECRET, "8FFAF6345507E56ECC3615740C558A0011FAC354")).isTrue();
    assertThat(SignatureVerifier.matches(params, SECRET, "8ffaf6345507e56ecc3615740c558a0011fac354")).isFalse();
    assertThat(SignatureVerifier.matches(params, SECRET, null)).isFalse();
  }

  @Test
  void upperCaseNamesSortBeforeLowerCase() {
    // "Zeta" < "alpha" in byte order; a case-insensitive sort would put alpha first.
    String sign = SignatureVerifier.sign(Map.of("alpha", "1", "Zeta", "2"), "s");
    String expected = sha1Upper("Zeta2alpha1secrets");

    assertThat(sign).isEqualTo(expected);
  }

  private static String sha1Upper(String plain) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-1").digest(plain.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().withUpperCase().formatHex(d);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
