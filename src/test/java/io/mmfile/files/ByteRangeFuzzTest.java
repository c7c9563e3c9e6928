package io.mmfile.files;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/** Any Range header against any size: a whole file, a part inside the file, or 416; never an exception. */
class ByteRangeFuzzTest {
  @FuzzTest(maxDuration = "5m", maxExecutions = 20_000)
  @DictionaryEntries({"bytes=", "-", ",", " ", "0", "9223372036854775807", "99999999999999999999"})
  void rangeHeader(FuzzedDataProvider data) {
    long size = data.consumeLong(0, Long.MAX_VALUE);
    String header = data.consumeRemainingAsString();
    ByteRange range = ByteRange.of(header, size);
    if (range instanceof ByteRange.Part part) {
      assertThat(part.first()).isBetween(0L, size - 1);
      assertThat(part.last()).isBetween(part.first(), size - 1);
    }
  }
}
