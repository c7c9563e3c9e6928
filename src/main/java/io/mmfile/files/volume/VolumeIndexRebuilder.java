package io.mmfile.files.volume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Rebuilds a volume's index log ({@code <id>.idx}) from its records: every record header carries the file
 * id, size, sequence and CRC32C of the bytes, so a scan of the {@code .dat} finds every whole record. The
 * scan resynchronises on the next record header after damaged bytes, and skips records whose bytes do
 * not match their CRC. Tombstones live only in the index log: those still readable in the old log are
 * kept; when the log is lost, files deleted from the volume come back into the store's index (their
 * file records are gone, so they are not served, but they count as live bytes until deleted again).
 *
 * <p>Offline: run it only while no node has the store open ({@code mmfile store rebuild-index}); a node
 * does it by itself at start for a volume whose log is missing.
 */
public final class VolumeIndexRebuilder {
  private static final int SCAN_BLOCK = 1 << 20;

  private VolumeIndexRebuilder() {
  }

  /** What a rebuild found: records indexed, tombstones kept from the old log, records skipped as damaged. */
  public record Result(String volume, int records, int tombstonesKept, int damagedRecords, long tornTailBytes) {
    public String render() {
      return String.format("%s  records %d  tombstones kept %d  damaged records skipped %d  torn tail %d B%n",
        volume, records, tombstonesKept, damagedRecords, tornTailBytes);
    }
  }

  /** Rebuilds the index log of volume {@code id} under {@code dir}; blocking. */
  public static Result rebuild(Path dir, int id) throws IOException {
    Path dat = Volume.datPath(dir, id);
    Path idx = Volume.idxPath(dir, id);
    List<VolumeFormat.Entry> entries = new ArrayList<>();
    int tombstones = 0;
    if (Files.exists(idx)) {
      for (VolumeFormat.Entry e : readableEntries(idx)) {
        if (e.tombstone()) {
          entries.add(e);
          tombstones++;
        }
      }
    }
    int records = 0;
    int damaged = 0;
    long torn;
    try (FileChannel data = FileChannel.open(dat, StandardOpenOption.READ)) {
      ByteBuffer sb = ByteBuffer.allocate(VolumeFormat.SUPERBLOCK_BYTES);
      Volume.readFully(data, sb, 0);
      VolumeFormat.Superblock superblock = VolumeFormat.readSuperblock(sb.flip());
      if (superblock == null || superblock.volumeId() != id) {
        throw new IOException(dat + " has no valid volume superblock: its records cannot be trusted");
      }
      long size = data.size();
      long at = VolumeFormat.SUPERBLOCK_BYTES;
      long lastEnd = at;
      while (at + VolumeFormat.HEADER_BYTES <= size) {
        VolumeFormat.Header h = headerAt(data, at);
        if (h == null || at + VolumeFormat.recordBytes(h.size()) > size) {
          long next = nextHeader(data, at + VolumeFormat.ALIGNMENT, size);
          if (next < 0) {
            break;
          }
          damaged++;
          at = next;
          continue;
        }
        VolumeFormat.Entry e = new VolumeFormat.Entry(h.key(), h.sequence(), at, h.size(), VolumeFormat.PUT);
        if (Volume.crcOf(data, Volume.dataOffset(at), h.size()) == h.dataCrc()) {
          entries.add(e);
          records++;
        } else {
          damaged++;
        }
        at = e.end();
        lastEnd = at;
      }
      torn = size - lastEnd;
    }
    entries.sort(Comparator.comparingLong(VolumeFormat.Entry::sequence));
    Path fresh = dir.resolve(idx.getFileName() + ".new");
    try (FileChannel out = FileChannel.open(fresh, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
      StandardOpenOption.WRITE)) {
      long position = 0;
      for (VolumeFormat.Entry e : entries) {
        Volume.writeFully(out, VolumeFormat.entry(e.key(), e.sequence(), e.offset(), e.size(), e.kind()), position);
        position += VolumeFormat.ENTRY_BYTES;
      }
      out.force(true);
    }
    Files.move(fresh, idx, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Volume.forceDirectory(dir);
    return new Result(dat.getFileName().toString(), records, tombstones, damaged, torn);
  }

  private static List<VolumeFormat.Entry> readableEntries(Path idx) throws IOException {
    List<VolumeFormat.Entry> entries = new ArrayList<>();
    try (FileChannel in = FileChannel.open(idx, StandardOpenOption.READ)) {
      long whole = in.size() / VolumeFormat.ENTRY_BYTES;
      ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(whole * VolumeFormat.ENTRY_BYTES));
      Volume.readFully(in, all, 0);
      for (int i = 0; i < whole; i++) {
        VolumeFormat.Entry e = VolumeFormat.readEntry(all, i * VolumeFormat.ENTRY_BYTES);
        if (e != null) {
          entries.add(e);
        }
      }
    }
    return entries;
  }

  private static VolumeFormat.Header headerAt(FileChannel data, long at) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(VolumeFormat.HEADER_BYTES);
    Volume.readFully(data, head, at);
    return VolumeFormat.readHeader(head.flip());
  }

  /** The offset of the next valid record header at or after {@code from} (records are aligned), or -1. */
  private static long nextHeader(FileChannel data, long from, long size) throws IOException {
    ByteBuffer block = ByteBuffer.allocate(SCAN_BLOCK);
    for (long base = from; base + VolumeFormat.HEADER_BYTES <= size; base += SCAN_BLOCK - VolumeFormat.HEADER_BYTES) {
      block.clear();
      Volume.readFully(data, block, base);
      block.flip();
      for (int i = 0; i + VolumeFormat.HEADER_BYTES <= block.limit(); i += VolumeFormat.ALIGNMENT) {
        if (block.getInt(i) == VolumeFormat.RECORD_MAGIC
          && VolumeFormat.readHeader(block.duplicate().position(i).limit(i + VolumeFormat.HEADER_BYTES).slice()) != null) {
          return base + i;
        }
      }
      if (block.limit() < SCAN_BLOCK) {
        break;
      }
    }
    return -1;
  }
}
