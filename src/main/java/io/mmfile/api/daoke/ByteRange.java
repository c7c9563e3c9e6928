package io.mmfile.api.daoke;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@code Range} header asks of a file of a known size (RFC 9110 §14.2), for gainImage: the whole
 * file (no header, or one that cannot be parsed or names several ranges, which RFC 9110 lets a server
 * ignore), one part, or nothing it can satisfy (416). A pure function of the header, so it can be fuzzed.
 */
public sealed interface ByteRange {
  Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

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

  /** Resolves {@code header} (null when absent) against a file of {@code size} bytes. */
  static ByteRange of(String header, long size) {
    if (header == null) {
      return new Whole();
    }
    Matcher m = RANGE.matcher(header.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return new Whole();
    }
    long first;
    long last;
    if (m.group(1).isEmpty()) {
      long suffix = Long.parseLong(m.group(2));
      first = Math.max(0, size - suffix);
      last = size - 1;
    } else {
      first = Long.parseLong(m.group(1));
      last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
    }
    if (first >= size || first > last) {
      return new Unsatisfiable();
    }
    return new Part(first, last);
  }
}
