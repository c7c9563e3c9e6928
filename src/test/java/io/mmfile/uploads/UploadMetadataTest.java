package io.mmfile.uploads;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** tus Upload-Metadata as clients send it, and what is refused. */
class UploadMetadataTest {
  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void pairsDecodeAndTheHeaderIsKeptAsSent() {
    String header = "filename " + b64("路口 3.jpg") + ",filetype " + b64("image/jpeg") + ",is_confidential";
    UploadMetadata metadata = UploadMetadata.parse(header);
    assertThat(metadata.get("filename")).hasValue("路口 3.jpg");
    assertThat(metadata.get("filetype")).hasValue("image/jpeg");
    assertThat(metadata.values()).containsEntry("is_confidential", "");
    assertThat(metadata.get("is_confidential")).isEmpty();
    assertThat(metadata.header()).isEqualTo(header);
  }

  @Test
  void noHeaderIsNoMetadata() {
    assertThat(UploadMetadata.parse(null).header()).isNull();
    assertThat(UploadMetadata.parse("  ").values()).isEmpty();
  }

  @Test
  void imageIsAskedForWithTrueOrOne() {
    assertThat(UploadMetadata.parse("image " + b64("true")).asksForImage()).isTrue();
    assertThat(UploadMetadata.parse("image " + b64("1")).asksForImage()).isTrue();
    assertThat(UploadMetadata.parse("image " + b64("no")).asksForImage()).isFalse();
    assertThat(UploadMetadata.parse("filename " + b64("a.png")).asksForImage()).isFalse();
  }

  @Test
  void malformedHeadersAreRefusedSayingWhy() {
    assertThatThrownBy(() -> UploadMetadata.parse("filename not*base64")).hasMessageContaining("not base64");
    assertThatThrownBy(() -> UploadMetadata.parse("a " + b64("x") + ",a")).hasMessageContaining("twice");
    assertThatThrownBy(() -> UploadMetadata.parse("a " + b64("x") + ",,b")).hasMessageContaining("empty pair");
    assertThatThrownBy(() -> UploadMetadata.parse("k\u00e9y " + b64("x"))).hasMessageContaining("printable ASCII");
    assertThatThrownBy(() -> UploadMetadata.parse("k " + "A".repeat(5000))).hasMessageContaining("longer than");
  }
}
