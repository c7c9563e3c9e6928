package io.mmfile.files.volume;

import io.mmfile.files.FileId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A file id as the volume index's key: the 128 bits its 32 hex digits spell. */
class FileKeyTest {
  @Test
  void readsTheSameKeyAsTheStrictParser() {
    for (int i = 0; i < 1000; i++) {
      String id = FileId.next();
      assertThat(FileKey.orNull(id)).isEqualTo(FileKey.of(id));
      assertThat(FileKey.orNull(id.toUpperCase())).isEqualTo(FileKey.of(id));
      assertThat(FileKey.orNull(id).toString()).isEqualTo(id);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0",
    "0123456789abcdef0123456789abcdeg", "0123456789abcdef 123456789abcdef", "０123456789abcdef0123456789abcdef"})
  void hasNoKeyForWhatIsNot32HexDigits(String id) {
    assertThat(FileKey.orNull(id)).isNull();
  }

  @Test
  void hasNoKeyForNothing() {
    assertThat(FileKey.orNull(null)).isNull();
  }
}
