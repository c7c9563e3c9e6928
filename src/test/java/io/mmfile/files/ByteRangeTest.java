package io.mmfile.files;

import io.mmfile.files.ByteRange.Part;
import io.mmfile.files.ByteRange.Unsatisfiable;
import io.mmfile.files.ByteRange.Whole;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 9110 §14 single byte ranges, as gainImage honours them. */
class ByteRangeTest {
  static final long SIZE = 1000;

  @Test
  void resolvesOneRangeAgainstTheSize() {
    assertThat(ByteRange.of("bytes=0-9", 100)).isEqualTo(new Part(0, 9));
    assertThat(ByteRange.of("bytes=90-", 100)).isEqualTo(new Part(90, 99));
    assertThat(ByteRange.of("bytes=-10", 100)).isEqualTo(new Part(90, 99));
    assertThat(ByteRange.of("bytes=50-1000", 100)).isEqualTo(new Part(50, 99));
  }

  @Test
  void ignoresWhatItCannotParse() {
    assertThat(ByteRange.of(null, 100)).isEqualTo(new Whole());
    assertThat(ByteRange.of("bytes=-", 100)).isEqualTo(new Whole());
    assertThat(ByteRange.of("bytes=0-1,5-6", 100)).isEqualTo(new Whole());
    assertThat(ByteRange.of("items=0-1", 100)).isEqualTo(new Whole());
  }

  @Test
  void refusesARangeOutsideTheFile() {
    assertThat(ByteRange.of("bytes=100-", 100)).isEqualTo(new Unsatisfiable());
    assertThat(ByteRange.of("bytes=9-3", 100)).isEqualTo(new Unsatisfiable());
  }

  @Nested
  class NumbersTooLargeForALong {
    @Test
    void aHugeLastPositionMeansToTheEnd() {
      assertThat(ByteRange.of("bytes=0-99999999999999999999", SIZE)).isEqualTo(new Part(0, 999));
    }

    @Test
    void aHugeSuffixTakesTheWholeFile() {
      assertThat(ByteRange.of("bytes=-99999999999999999999", SIZE)).isEqualTo(new Part(0, 999));
    }

    @Test
    void aHugeFirstPositionCannotBeSatisfied() {
      assertThat(ByteRange.of("bytes=99999999999999999999-", SIZE)).isEqualTo(new Unsatisfiable());
      assertThat(ByteRange.of("bytes=99999999999999999999-99999999999999999999", SIZE))
        .isEqualTo(new Unsatisfiable());
    }
  }

  @Nested
  class Satisfiable {
    @Test
    void theUnitIsCaseInsensitiveAndSpacesAroundItAreTolerated() {
      assertThat(ByteRange.of(" Bytes = 1 - 2 ", SIZE)).isEqualTo(new Part(1, 2));
    }

    @Test
    void aPartKnowsItsLength() {
      assertThat(new Part(10, 19).length()).isEqualTo(10);
    }
  }

  @Nested
  class UnsatisfiableRanges {
    @Test
    void aZeroSuffix() {
      assertThat(ByteRange.of("bytes=-0", SIZE)).isEqualTo(new Unsatisfiable());
    }

    @Test
    void anyRangeOfAnEmptyFile() {
      assertThat(ByteRange.of("bytes=0-", 0)).isEqualTo(new Unsatisfiable());
      assertThat(ByteRange.of("bytes=-1", 0)).isEqualTo(new Unsatisfiable());
    }
  }

  @Nested
  class IgnoredSoTheWholeFileIsServed {
    @ParameterizedTest
    @ValueSource(strings = {"", "bytes", "bytes=", "bytes=a-b", "bytes=1-a", "bytes=--1", "bytes=1--2",
      "bytes=+1-2", "bytes=0x10-20", "bytes=1-2,4-5", "bytes 0-1", "=0-1", "bytes=\u0661-\u0662",
      "bytes=\u0000-1", "bytes=1-\u00002"})
    void aHeaderThatIsNotOneByteRange(String header) {
      assertThat(ByteRange.of(header, SIZE)).isEqualTo(new Whole());
    }

    @Test
    void aHeaderLongerThanAnyOneRangeNeeds() {
      assertThat(ByteRange.of("bytes=0-" + "0".repeat(ByteRange.MAX_HEADER), SIZE)).isEqualTo(new Whole());
    }
  }
}
