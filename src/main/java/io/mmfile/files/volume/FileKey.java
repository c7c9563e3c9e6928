package io.mmfile.files.volume;

import java.util.HexFormat;

/**
 * A file id as the 128 bits it spells: the key of the volume index, 16 bytes in every record and index
 * entry instead of 32 characters, and two longs in memory instead of a string.
 */
record FileKey(long high, long low) {

  /** Parses a 32-digit hex file id; anything else is refused. */
  static FileKey of(String fileId) {
    if (fileId == null || fileId.length() != 32) {
      throw new IllegalArgumentException("a volume file id is 32 hex digits, got '" + fileId + "'");
    }
    HexFormat hex = HexFormat.of();
    return new FileKey(hex.fromHexDigitsToLong(fileId, 0, 16), hex.fromHexDigitsToLong(fileId, 16, 32));
  }

  /**
   * Like {@link #of} but empty-handed for ids no volume can hold (a read of a made-up id); one pass over
   * the digits, as every download asks.
   */
  static FileKey orNull(String fileId) {
    if (fileId == null || fileId.length() != 32) {
      return null;
    }
    long high = 0;
    long low = 0;
    for (int i = 0; i < 32; i++) {
      int digit = hexDigit(fileId.charAt(i));
      if (digit < 0) {
        return null;
      }
      if (i < 16) {
        high = high << 4 | digit;
      } else {
        low = low << 4 | digit;
      }
    }
    return new FileKey(high, low);
  }

  /** The value of an ASCII hex digit (what {@link HexFormat} accepts), or -1. */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  @Override
  public String toString() {
    return String.format("%016x%016x", high, low);
  }
}
