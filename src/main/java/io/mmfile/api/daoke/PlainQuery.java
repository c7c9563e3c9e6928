package io.mmfile.api.daoke;

/**
 * Reads one parameter of a query that needs no decoding (no {@code %}, {@code +}, {@code ;} or
 * {@code #}) the way {@code request.params().get(name)} reads it (Netty's query decoder into Vert.x's
 * case-insensitive map: the first pair of that name in any case; a pair without {@code =} has the
 * value ""; {@code =abc} is a pair named {@code abc}), without decoding the whole query into a map:
 * gainImage reads two parameters of every download. Any other query goes to {@code request.params()}.
 */
final class PlainQuery {
  /** Below Netty's limit of 1024 pairs, past which it drops the rest. */
  private static final int MAX_PAIRS = 1000;

  private PlainQuery() {
  }

  /** Whether {@link #first} reads {@code query} exactly as the decoder would. */
  static boolean applies(String query) {
    int pairs = 1;
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c == '%' || c == '+' || c == ';' || c == '#') {
        return false;
      }
      if (c == '&' && ++pairs > MAX_PAIRS) {
        return false;
      }
    }
    return true;
  }

  /** The value of the first pair named {@code name} (ignoring case), or null. */
  static String first(String query, String name) {
    int nameStart = 0;
    int valueStart = -1;
    int length = query.length();
    for (int i = 0; i < length; i++) {
      char c = query.charAt(i);
      if (c == '=') {
        if (nameStart == i) {
          nameStart = i + 1;
        } else if (valueStart < nameStart) {
          valueStart = i + 1;
        }
      } else if (c == '&') {
        String value = valueIfNamed(query, nameStart, valueStart, i, name);
        if (value != null) {
          return value;
        }
        nameStart = i + 1;
      }
    }
    return valueIfNamed(query, nameStart, valueStart, length, name);
  }

  private static String valueIfNamed(String query, int nameStart, int valueStart, int valueEnd, String name) {
    if (nameStart >= valueEnd) {
      return null;
    }
    int from = valueStart <= nameStart ? valueEnd + 1 : valueStart;
    int nameEnd = from - 1;
    if (nameEnd - nameStart != name.length()) {
      return null;
    }
    for (int i = 0; i < name.length(); i++) {
      if (lowerAscii(query.charAt(nameStart + i)) != lowerAscii(name.charAt(i))) {
        return null;
      }
    }
    return from >= valueEnd ? "" : query.substring(from, valueEnd);
  }

  /** Vert.x's maps fold ASCII letters only. */
  private static char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }
}
