package io.mmfile.api.v1;

import io.mmfile.auth.AppKey;
import io.mmfile.platform.Failure;
import io.mmfile.support.ApiClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The app-key signature of /api/v1: the documented canonical string, parsing, and what it refuses. */
class HmacSignatureTest {
  private static final AppKey APP = new AppKey("1234", "S3CRET", "test", true, 0);

  @Test
  void canonicalStringIsTheDocumentedLines() {
    assertThat(HmacSignature.canonical("GET", "/api/v1/files", "limit=5&cursor=abc", 1700000000, "n0nce-n0nce-n0nce",
      HmacSignature.EMPTY_SHA256))
      .isEqualTo("MMFILE-HMAC-SHA256\nGET\n/api/v1/files\ncursor=abc&limit=5\n1700000000\nn0nce-n0nce-n0nce\n"
        + HmacSignature.EMPTY_SHA256);
  }

  @Test
  void canonicalQuerySortsAndEncodesOneWay() {
    assertThat(HmacSignature.canonicalQuery("b=2&a=%7e&a=1&c&d=x%20y&e=%2f"))
      .isEqualTo("a=1&a=~&b=2&c=&d=x%20y&e=%2F");
    assertThat(HmacSignature.canonicalQuery("p=a+b")).isEqualTo("p=a%2Bb");
    assertThat(HmacSignature.canonicalQuery(null)).isEmpty();
  }

  @Test
  void theTestClientsIndependentSignatureMatches() {
    String sig = ApiClient.signature("S3CRET", "DELETE", "/api/v1/files/ab", "x=1", 1700000000, "abcdefghijklmnop",
      HmacSignature.UNSIGNED_PAYLOAD);
    String canonical = HmacSignature.canonical("DELETE", "/api/v1/files/ab", "x=1", 1700000000, "abcdefghijklmnop",
      HmacSignature.UNSIGNED_PAYLOAD);

    assertThat(HmacSignature.matches(canonical, APP, sig)).isTrue();
    assertThat(HmacSignature.matches(canonical.replace("DELETE", "GET"), APP, sig)).isFalse();
  }

  @Test
  void aRotatedKeysPreviousSecretStillSigns() {
    AppKey rotated = new AppKey("1234", "NEW", "test", true, 0, "S3CRET", Long.MAX_VALUE);
    String canonical = HmacSignature.canonical("GET", "/", null, 1, "abcdefghijklmnop", HmacSignature.EMPTY_SHA256);

    assertThat(HmacSignature.matches(canonical, rotated, HmacSignature.sign(canonical, "S3CRET"))).isTrue();
    assertThat(HmacSignature.matches(canonical, rotated, HmacSignature.sign(canonical, "OTHER"))).isFalse();
  }

  @Test
  void parsesTheHeaderInAnyOrder() {
    HmacSignature.Credentials c = HmacSignature.parse("MMFILE-HMAC-SHA256 sig=" + "a".repeat(64)
      + ", nonce=abcdefghijklmnop, ts=1700000000, key=1234");

    assertThat(c).isEqualTo(new HmacSignature.Credentials("1234", 1700000000, "abcdefghijklmnop", "a".repeat(64)));
  }

  @Test
  void refusesMalformedHeaders() {
    for (String header : new String[] {
      "MMFILE-HMAC-SHA256 key=1234, ts=1, nonce=abcdefghijklmnop",
      "MMFILE-HMAC-SHA256 key=1234, ts=1, nonce=short, sig=" + "a".repeat(64),
      "MMFILE-HMAC-SHA256 key=abc, ts=1, nonce=abcdefghijklmnop, sig=" + "a".repeat(64),
      "MMFILE-HMAC-SHA256 key=1234, ts=1, nonce=abcdefghijklmnop, sig=" + "A".repeat(64),
      "MMFILE-HMAC-SHA256 key=1234, key=1234, ts=1, nonce=abcdefghijklmnop, sig=" + "a".repeat(64),
      "Bearer x"}) {
      assertThatThrownBy(() -> HmacSignature.parse(header)).as(header)
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.kind()).isEqualTo(Failure.Kind.UNAUTHORIZED));
    }
  }

  @Test
  void contentHashIsTheHeaderOrThatOfNothing() {
    assertThat(HmacSignature.contentHash(null)).isEqualTo(HmacSignature.EMPTY_SHA256);
    assertThat(HmacSignature.contentHash("UNSIGNED-PAYLOAD")).isEqualTo("UNSIGNED-PAYLOAD");
    assertThatThrownBy(() -> HmacSignature.contentHash("xyz")).isInstanceOf(Failure.class);
  }
}
