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

  /** Like {@link #of} but empty-handed for ids no volume can hold (a read of a made-up id). */
  static FileKey orNull(String fileId) {
    if (fileId == null || fileId.length() != 32) {
      return null;
    }
    for (int i = 0; i < 32; i++) {
      if (Character.digit(fileId.charAt(i), 16) < 0) {
        return null;
      }
    }
    return of(fileId);
  }

  @Override
  public String toString() {
    return String.format("%016x%016x", high, low);
  }
}
