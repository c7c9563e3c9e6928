package io.mmfile.api.daoke;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ByteRangeTest {
  @Test
  void resolvesOneRangeAgainstTheSize() {
    assertThat(ByteRange.of("bytes=0-9", 100)).isEqualTo(new ByteRange.Part(0, 9));
    assertThat(ByteRange.of("bytes=90-", 100)).isEqualTo(new ByteRange.Part(90, 99));
    assertThat(ByteRange.of("bytes=-10", 100)).isEqualTo(new ByteRange.Part(90, 99));
    assertThat(ByteRange.of("bytes=50-1000", 100)).isEqualTo(new ByteRange.Part(50, 99));
  }

  @Test
  void ignoresWhatItCannotParse() {
    assertThat(ByteRange.of(null, 100)).isEqualTo(new ByteRange.Whole());
    assertThat(ByteRange.of("bytes=-", 100)).isEqualTo(new ByteRange.Whole());
    assertThat(ByteRange.of("bytes=0-1,5-6", 100)).isEqualTo(new ByteRange.Whole());
    assertThat(ByteRange.of("items=0-1", 100)).isEqualTo(new ByteRange.Whole());
  }

  @Test
  void refusesARangeOutsideTheFile() {
    assertThat(ByteRange.of("bytes=100-", 100)).isEqualTo(new ByteRange.Unsatisfiable());
    assertThat(ByteRange.of("bytes=9-3", 100)).isEqualTo(new ByteRange.Unsatisfiable());
  }
}
