package io.mmfile.files;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * File identifiers: a time-based (version 1) UUID written as 32 lower-case hex characters without
 * dashes, as the original service returned (WIRE.md §1). The node field is random per process
 * (with the multicast bit set, as RFC 4122 asks of non-MAC nodes), so nodes need no coordination.
 */
public final class FileId {
  private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{32}");
  /** 100-ns intervals between the UUID epoch (1582-10-15) and the Unix epoch. */
  private static final long UUID_EPOCH_OFFSET = 0x01B21DD213814000L;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long NODE = (RANDOM.nextLong() & 0xFFFFFFFFFFFFL) | 0x010000000000L;
  private static final int CLOCK_SEQ = RANDOM.nextInt(0x4000);
  private static final AtomicLong LAST_TIMESTAMP = new AtomicLong();

  private FileId() {
  }

  public static String next() {
    long timestamp = nextTimestamp();
    long timeLow = timestamp & 0xFFFFFFFFL;
    long timeMid = (timestamp >>> 32) & 0xFFFFL;
    long timeHigh = (timestamp >>> 48) & 0x0FFFL;
    long msb = (timeLow << 32) | (timeMid << 16) | 0x1000L | timeHigh;
    long lsb = ((0x8000L | CLOCK_SEQ) << 48) | NODE;
    return String.format("%016x%016x", msb, lsb);
  }

  public static boolean wellFormed(String id) {
    return id != null && FORMAT.matcher(id).matches();
  }

  /** Strictly increasing 100-ns timestamps, so two ids from this process never collide. */
  private static long nextTimestamp() {
    long now = System.currentTimeMillis() * 10_000 + UUID_EPOCH_OFFSET;
    return LAST_TIMESTAMP.updateAndGet(last -> Math.max(last + 1, now));
  }
}
