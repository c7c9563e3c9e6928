package io.mmfile.platform;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP dates are written as the JDK's RFC 1123 formatter writes them, whichever second was asked last. */
class HttpDateTest {
  static String jdk(long epochMs) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(epochMs).atZone(ZoneOffset.UTC));
  }

  @Test
  void writesTheDayOfTheMonthUnpaddedAndTheTimeWithTwoDigits() {
    assertThat(HttpDate.format(1_796_137_950_000L)).isEqualTo("Tue, 1 Dec 2026 15:12:30 GMT");
    assertThat(HttpDate.format(0)).isEqualTo("Thu, 1 Jan 1970 00:00:00 GMT");
  }

  @Test
  void matchesTheJdkFormatterOnRandomInstants() {
    Random random = new Random(11);
    for (int i = 0; i < 100_000; i++) {
      long ms = random.nextLong(-30_000_000_000_000L, 250_000_000_000_000L);
      assertThat(HttpDate.format(ms)).as("%d", ms).isEqualTo(jdk(ms));
    }
  }

  @Test
  void answersEachSecondRightWhenTheSameSecondComesAgainOrAnotherOneInBetween() {
    long a = 1_700_000_000_999L;
    long b = 1_700_000_001_000L;
    assertThat(HttpDate.format(a)).isEqualTo(jdk(a));
    assertThat(HttpDate.format(a - 999)).isEqualTo(jdk(a));
    assertThat(HttpDate.format(b)).isEqualTo(jdk(b));
    assertThat(HttpDate.format(a)).isEqualTo(jdk(a));
    assertThat(HttpDate.format(-1)).isEqualTo(jdk(-1));
  }
}
