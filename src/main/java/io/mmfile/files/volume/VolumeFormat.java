package io.mmfile.files.volume;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The bytes of a volume on disk. All numbers are big-endian.
 *
 * <pre>
 * &lt;id&gt;.dat  superblock (64 bytes), then records, each starting at a multiple of 8:
 *   superblock  0 magic "MMFVOL01" · 8 volume id (int) · 12 flags (int, 0) · 16 expires-at ms (long, 0 =
 *               never: every file of the volume expires by then) · 24 created ms (long) · 32..59 zero ·
 *               60 CRC32C of bytes 0..59
 *   record      0 magic 0x4D4D4631 ("MMF1") · 4 flags (int, 0) · 8 file id (16 bytes) · 24 size (long)
 *               · 32 sequence (long) · 40 CRC32C of the file's bytes · 44 CRC32C of bytes 0..43 ·
 *               48 the file's bytes · zero padding to the next multiple of 8
 * &lt;id&gt;.idx  the volume's index log, one 48-byte entry per put or tombstone, appended after the record:
 *   entry       0 file id (16 bytes) · 16 sequence (long) · 24 record offset in .dat (long) · 32 size
 *               (long) · 40 kind (int: 0 put, 1 tombstone) · 44 CRC32C of bytes 0..43
 * </pre>
 *
 * The sequence orders every put and tombstone of the store: when two entries name one file (a record
 * copied by compaction, then deleted) the highest sequence wins. Like SeaweedFS's needles (header, data,
 * CRC, padding) and its {@code .idx} (fixed-size entries appended after the data, the tail entry checked
 * against the end of the {@code .dat} at load), but with the CRC in the header so that a reader can check a
 * record from its first 48 bytes and its data alone.
 */
final class VolumeFormat {
  static final int SUPERBLOCK_BYTES = 64;
  static final long SUPERBLOCK_MAGIC = 0x4D4D46564F4C3031L; // "MMFVOL01"
  static final int RECORD_MAGIC = 0x4D4D4631; // "MMF1"
  static final int HEADER_BYTES = 48;
  static final int ENTRY_BYTES = 48;
  static final int ALIGNMENT = 8;
  static final int PUT = 0;
  static final int TOMBSTONE = 1;

  private VolumeFormat() {
  }

  /** Bytes a record of {@code size} file bytes takes in the .dat, header and padding included. */
  static long recordBytes(long size) {
    return align(HEADER_BYTES + size);
  }

  static long align(long n) {
    return (n + ALIGNMENT - 1) & -ALIGNMENT;
  }

  static int crc(ByteBuffer bytes, int from, int to) {
    CRC32C crc = new CRC32C();
    crc.update(bytes.duplicate().position(from).limit(to));
    return (int) crc.getValue();
  }

  /** The superblock of a new volume. */
  static ByteBuffer superblock(int volumeId, long expiresAtMs, long createdMs) {
    ByteBuffer b = ByteBuffer.allocate(SUPERBLOCK_BYTES);
    b.putLong(0, SUPERBLOCK_MAGIC).putInt(8, volumeId).putInt(12, 0).putLong(16, expiresAtMs).putLong(24, createdMs);
    b.putInt(60, crc(b, 0, 60));
    return b;
  }

  /** What a superblock says; {@code null} when it is not one (wrong magic, bad CRC). */
  static Superblock readSuperblock(ByteBuffer b) {
    if (b.remaining() < SUPERBLOCK_BYTES || b.getLong(0) != SUPERBLOCK_MAGIC || b.getInt(60) != crc(b, 0, 60)) {
      return null;
    }
    return new Superblock(b.getInt(8), b.getLong(16), b.getLong(24));
  }

  record Superblock(int volumeId, long expiresAtMs, long createdMs) {
  }

  /** A record header; {@code dataCrc} is the CRC32C of the file's bytes. */
  static ByteBuffer header(FileKey key, long size, long sequence, int dataCrc) {
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
    b.putInt(0, RECORD_MAGIC).putInt(4, 0).putLong(8, key.high()).putLong(16, key.low()).putLong(24, size)
      .putLong(32, sequence).putInt(40, dataCrc);
    b.putInt(44, crc(b, 0, 44));
    return b;
  }

  /** What a record header says; {@code null} when the bytes are not one (torn, zeroes, damaged). */
  static Header readHeader(ByteBuffer b) {
    if (b.remaining() < HEADER_BYTES || b.getInt(0) != RECORD_MAGIC || b.getInt(44) != crc(b, 0, 44)) {
      return null;
    }
    long size = b.getLong(24);
    if (size < 0) {
      return null;
    }
    return new Header(new FileKey(b.getLong(8), b.getLong(16)), size, b.getLong(32), b.getInt(40));
  }

  record Header(FileKey key, long size, long sequence, int dataCrc) {
  }

  static ByteBuffer entry(FileKey key, long sequence, long offset, long size, int kind) {
    ByteBuffer b = ByteBuffer.allocate(ENTRY_BYTES);
    b.putLong(0, key.high()).putLong(8, key.low()).putLong(16, sequence).putLong(24, offset).putLong(32, size)
      .putInt(40, kind);
    b.putInt(44, crc(b, 0, 44));
    return b;
  }

  /** One index entry at {@code at} in {@code b}; {@code null} when its CRC does not match. */
  static Entry readEntry(ByteBuffer b, int at) {
    ByteBuffer e = b.duplicate().position(at).limit(at + ENTRY_BYTES).slice();
    int kind = e.getInt(40);
    if (e.getInt(44) != crc(e, 0, 44) || (kind != PUT && kind != TOMBSTONE)) {
      return null;
    }
    return new Entry(new FileKey(e.getLong(0), e.getLong(8)), e.getLong(16), e.getLong(24), e.getLong(32), kind);
  }

  record Entry(FileKey key, long sequence, long offset, long size, int kind) {
    boolean tombstone() {
      return kind == TOMBSTONE;
    }

    long end() {
      return offset + recordBytes(size);
    }
  }
}
