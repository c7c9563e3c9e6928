package io.mmfile.files;

import java.util.Locale;

/**
 * What a {@code Range} header asks of a file of a known size (RFC 9110 §14.2), for gainImage and /api/v1: the whole
 * file, one part, or nothing it can satisfy (416). A pure and total function of the header, so it can be
 * fuzzed: any string, however long or malformed, gives an answer and never an exception.
 *
 * <p>Only a single {@code bytes} range is honoured. A header that does not parse, names another unit or
 * asks for several ranges is ignored and the whole file is served, as RFC 9110 §14.2 allows. Positions
 * too large for a {@code long} are still valid numbers: a huge last position or suffix length means "to
 * the end"; a huge first position cannot be satisfied. {@code first > last} is invalid and rejected (416).
 */
public sealed interface ByteRange {

  /** Longest header considered; anything longer is not a single range of a file mmfile could hold. */
  int MAX_HEADER = 256;

  /** Serve the whole file with 200. */
  record Whole() implements ByteRange {
  }

  /** Serve bytes {@code first..last} (both inclusive) with 206. */
  record Part(long first, long last) implements ByteRange {
    public long length() {
      return last - first + 1;
    }
  }

  /** Answer 416 with {@code Content-Range: bytes *}{@code /size}. */
  record Unsatisfiable() implements ByteRange {
  }

  /** Resolves {@code header} (null when absent) against a file of {@code size} (at least 0) bytes. */
  static ByteRange of(String header, long size) {
    if (header == null || header.length() > MAX_HEADER) {
      return new Whole();
    }
    String value = ows(header);
    int eq = value.indexOf('=');
    if (eq < 0 || !ows(value.substring(0, eq)).toLowerCase(Locale.ROOT).equals("bytes")) {
      return new Whole();
    }
    String spec = ows(value.substring(eq + 1));
    int dash = spec.indexOf('-');
    if (dash < 0 || spec.indexOf(',') >= 0) {
      return new Whole();
    }
    long first = position(ows(spec.substring(0, dash)));
    long last = position(ows(spec.substring(dash + 1)));
    if (first == NOT_A_NUMBER || last == NOT_A_NUMBER || (first == ABSENT && last == ABSENT)) {
      return new Whole();
    }
    if (first == ABSENT) {
      // A suffix: the last `last` bytes. A zero suffix, or any range of an empty file, cannot be satisfied.
      return last == 0 || size == 0 ? new Unsatisfiable() : new Part(size - Math.min(last, size), size - 1);
    }
    if (first >= size || (last != ABSENT && first > last)) {
      return new Unsatisfiable();
    }
    return new Part(first, last == ABSENT ? size - 1 : Math.min(last, size - 1));
  }

  /** {@link #position} of an empty string: the position was left out. */
  long ABSENT = -1;
  /** {@link #position} of anything but digits. */
  long NOT_A_NUMBER = -2;

  /** A run of ASCII digits as a long, saturating at {@link Long#MAX_VALUE}. */
  private static long position(String text) {
    if (text.isEmpty()) {
      return ABSENT;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return NOT_A_NUMBER;
      }
      int digit = c - '0';
      value = value > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : value * 10 + digit;
    }
    return value;
  }

  /** Without the optional white space (spaces and tabs only, RFC 9110 §5.6.3) around it. */
  private static String ows(String text) {
    int from = 0;
    int to = text.length();
    while (from < to && (text.charAt(from) == ' ' || text.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (text.charAt(to - 1) == ' ' || text.charAt(to - 1) == '\t')) {
      to--;
    }
    return text.substring(from, to);
  }
}
