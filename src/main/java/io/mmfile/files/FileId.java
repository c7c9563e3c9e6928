package io.mmfile.files;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * File identifiers: a time-based (version 1) UUID written as 32 lower-case hex characters without
 * dashes, as the original service returned (WIRE.md §1).
 *
 * <p>The id is also the file's only credential: whoever knows it can read the file. So every id draws
 * fresh secret randomness: the 14-bit clock sequence, the 48-bit node (multicast bit set, as RFC 4122
 * asks of non-MAC nodes, leaving 47 random bits) and the sub-millisecond part of the timestamp (one of
 * 10,000 ticks, 13 bits), 74 unpredictable bits in all. Only the millisecond of the upload shows. Ids
 * made before this drew their clock sequence and node once per process; they are looked up the same
 * way and keep working. Uniqueness rests on the same randomness: two ids of one millisecond collide
 * with a probability of 2^-74.
 */
public final class FileId {
  private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{32}");
  /** 100-ns intervals between the UUID epoch (1582-10-15) and the Unix epoch. */
  private static final long UUID_EPOCH_OFFSET = 0x01B21DD213814000L;
  private static final int TICKS_PER_MS = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private FileId() {
  }

  public static String next() {
    long random = RANDOM.nextLong();
    long tick = Math.floorMod(RANDOM.nextLong(), TICKS_PER_MS);
    long timestamp = System.currentTimeMillis() * TICKS_PER_MS + UUID_EPOCH_OFFSET + tick;
    long node = (random & 0xFFFFFFFFFFFFL) | 0x010000000000L;
    long clockSeq = (random >>> 48) & 0x3FFF;
    long timeLow = timestamp & 0xFFFFFFFFL;
    long timeMid = (timestamp >>> 32) & 0xFFFFL;
    long timeHigh = (timestamp >>> 48) & 0x0FFFL;
    long msb = (timeLow << 32) | (timeMid << 16) | 0x1000L | timeHigh;
    long lsb = ((0x8000L | clockSeq) << 48) | node;
    return HEX.toHexDigits(msb) + HEX.toHexDigits(lsb);
  }

  public static boolean wellFormed(String id) {
    return id != null && FORMAT.matcher(id).matches();
  }
}
