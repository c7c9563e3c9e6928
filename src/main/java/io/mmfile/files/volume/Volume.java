package io.mmfile.files.volume;

import io.mmfile.files.BlobStore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * One volume: {@code <id>.dat} (superblock, then records) and {@code <id>.idx} (its index log); see
 * {@link VolumeFormat}. Records are appended by one writer at a time ({@link #appendLock}); index
 * entries under the index's own monitor, so a tombstone never waits for a large record being written.
 * Reads use positional I/O and never take a lock.
 */
final class Volume implements BlobStore.SharedChannel {
  private static final int CHECK_BLOCK = 256 * 1024;

  final int id;
  final long expiresAtMs;
  final Path dat;
  final Path idx;
  final ReentrantLock appendLock = new ReentrantLock();
  private final FileChannel data;
  private final FileChannel index;
  private final Object indexMonitor = new Object();
  /** End of the last record; the next record starts here. Written under {@link #appendLock}. */
  private volatile long tail;
  private long indexTail;
  /** Takes new records; false once sealed (full, failed a write, or being dropped). */
  volatile boolean writable;
  final AtomicLong liveFiles = new AtomicLong();
  final AtomicLong liveBytes = new AtomicLong();
  final AtomicLong garbageBytes = new AtomicLong();
  /** Written since the last fsync. */
  volatile boolean dirty;
  /**
   * Holders of {@link #data}: the volume itself until {@link #close}, and each download sending from
   * it; the channel is closed when the count falls to 0, so a retired volume's file is not closed under
   * a download still sending it.
   */
  private final AtomicInteger dataHolders = new AtomicInteger(1);
  private final AtomicBoolean closed = new AtomicBoolean();

  private Volume(int id, long expiresAtMs, Path dat, Path idx, FileChannel data, FileChannel index, long tail,
                 long indexTail) {
    this.id = id;
    this.expiresAtMs = expiresAtMs;
    this.dat = dat;
    this.idx = idx;
    this.data = data;
    this.index = index;
    this.tail = tail;
    this.indexTail = indexTail;
  }

  static Path datPath(Path dir, int id) {
    return dir.resolve(String.format("%08d.dat", id));
  }

  static Path idxPath(Path dir, int id) {
    return dir.resolve(String.format("%08d.idx", id));
  }

  /** Marks a volume whose files all live elsewhere now (compacted): deleted at the next start if still here. */
  static Path retiredPath(Path dir, int id) {
    return dir.resolve(String.format("%08d.retired", id));
  }

  /**
   * Creates a volume: the superblock is written to a temporary file, forced and renamed into place, so a
   * volume file either has a whole superblock or does not exist.
   */
  static Volume create(Path dir, int id, long expiresAtMs) throws IOException {
    Path dat = datPath(dir, id);
    Path idx = idxPath(dir, id);
    Path tmp = dir.resolve(String.format("%08d.dat.new", id));
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
      StandardOpenOption.WRITE)) {
      writeFully(ch, VolumeFormat.superblock(id, expiresAtMs, System.currentTimeMillis()), 0);
      ch.force(true);
    }
    Files.deleteIfExists(idx);
    Files.createFile(idx);
    Files.move(tmp, dat, StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(dir);
    Volume volume = new Volume(id, expiresAtMs, dat, idx, open(dat), open(idx), VolumeFormat.SUPERBLOCK_BYTES, 0);
    volume.writable = true;
    return volume;
  }

  /** What loading a volume found: its entries in log order, and what it had to cut or skip. */
  record Loaded(Volume volume, List<VolumeFormat.Entry> entries, long cutDataBytes, long cutIndexBytes,
                int damagedEntries) {
  }

  /**
   * Opens a volume and checks its tail as SeaweedFS does at load: the index log is cut to whole entries,
   * then the last put entries are checked against the records they name (header, size, sequence, CRC of
   * the bytes) and dropped while they do not match, and the data file is cut right after the last record
   * that is indexed. A record written but never indexed was never acknowledged: it is cut, never served.
   */
  static Loaded load(Path dir, int id) throws IOException {
    Path dat = datPath(dir, id);
    Path idx = idxPath(dir, id);
    FileChannel data = open(dat);
    FileChannel index = Files.exists(idx) ? open(idx) : FileChannel.open(idx, StandardOpenOption.CREATE_NEW,
      StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      ByteBuffer sb = ByteBuffer.allocate(VolumeFormat.SUPERBLOCK_BYTES);
      readFully(data, sb, 0);
      VolumeFormat.Superblock superblock = VolumeFormat.readSuperblock(sb.flip());
      if (superblock == null || superblock.volumeId() != id) {
        throw new IOException(dat + " has no valid volume superblock (run `mmfile store verify`)");
      }
      long indexSize = index.size();
      long wholeEntries = indexSize / VolumeFormat.ENTRY_BYTES;
      ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(wholeEntries * VolumeFormat.ENTRY_BYTES));
      readFully(index, all, 0);
      List<VolumeFormat.Entry> entries = new ArrayList<>();
      List<Long> positions = new ArrayList<>();
      int damaged = 0;
      for (int i = 0; i < wholeEntries; i++) {
        VolumeFormat.Entry e = VolumeFormat.readEntry(all, i * VolumeFormat.ENTRY_BYTES);
        boolean sane = e != null && e.offset() >= VolumeFormat.SUPERBLOCK_BYTES && e.offset() % VolumeFormat.ALIGNMENT == 0
          && e.size() >= 0;
        if (!sane) {
          if (i == wholeEntries - 1) {
            wholeEntries--; // a torn last entry: cut below
          } else {
            damaged++;
          }
          continue;
        }
        entries.add(e);
        positions.add((long) i * VolumeFormat.ENTRY_BYTES);
      }
      long keepIndex = wholeEntries * VolumeFormat.ENTRY_BYTES;
      long dataSize = data.size();
      // Walk back over put entries whose record is not whole: a crash can leave the log ahead of the data.
      int last = entries.size() - 1;
      while (last >= 0) {
        VolumeFormat.Entry e = entries.get(last);
        if (!e.tombstone()) {
          if (e.end() <= dataSize && checkRecord(data, e, true) == null) {
            break;
          }
          keepIndex = positions.get(last);
          entries.subList(last, entries.size()).clear();
        }
        last--;
      }
      long dataTail = VolumeFormat.SUPERBLOCK_BYTES;
      for (VolumeFormat.Entry e : entries) {
        if (!e.tombstone()) {
          dataTail = Math.max(dataTail, e.end());
        }
      }
      long cutData = Math.max(0, dataSize - dataTail);
      if (cutData > 0) {
        data.truncate(dataTail);
        data.force(true);
      }
      long cutIndex = indexSize - keepIndex;
      if (cutIndex > 0) {
        index.truncate(keepIndex);
        index.force(true);
      }
      Volume volume = new Volume(id, superblock.expiresAtMs(), dat, idx, data, index, dataTail, keepIndex);
      return new Loaded(volume, entries, cutData, cutIndex, damaged);
    } catch (IOException | RuntimeException e) {
      data.close();
      index.close();
      throw e;
    }
  }

  long tail() {
    return tail;
  }

  /** Where the bytes of a record starting at {@code offset} begin. */
  static long dataOffset(long recordOffset) {
    return recordOffset + VolumeFormat.HEADER_BYTES;
  }

  /**
   * Appends a record whose bytes come from memory; the caller holds {@link #appendLock}. Returns the
   * record's offset.
   */
  long append(ByteBuffer header, List<ByteBuffer> bytes, long size) throws IOException {
    long offset = tail;
    int padding = (int) (VolumeFormat.recordBytes(size) - VolumeFormat.HEADER_BYTES - size);
    ByteBuffer[] all = new ByteBuffer[bytes.size() + 2];
    all[0] = header;
    for (int i = 0; i < bytes.size(); i++) {
      all[i + 1] = bytes.get(i);
    }
    all[all.length - 1] = ByteBuffer.allocate(padding);
    data.position(offset);
    long left = VolumeFormat.recordBytes(size);
    while (left > 0) {
      left -= data.write(all);
    }
    dirty = true;
    tail = offset + VolumeFormat.recordBytes(size);
    return offset;
  }

  /** Appends a record whose bytes are {@code size} bytes of {@code source} from {@code from}; see {@link #append}. */
  long append(ByteBuffer header, FileChannel source, long from, long size) throws IOException {
    long offset = tail;
    writeFully(data, header, offset);
    long done = 0;
    while (done < size) {
      long n = data.transferFrom(source.position(from + done), dataOffset(offset) + done, size - done);
      if (n <= 0) {
        throw new IOException("the source of " + size + " bytes ended after " + done);
      }
      done += n;
    }
    long padding = VolumeFormat.recordBytes(size) - VolumeFormat.HEADER_BYTES - size;
    writeFully(data, ByteBuffer.allocate((int) padding), dataOffset(offset) + size);
    dirty = true;
    tail = offset + VolumeFormat.recordBytes(size);
    return offset;
  }

  /** Appends one entry to the index log. */
  void appendEntry(ByteBuffer entry) throws IOException {
    synchronized (indexMonitor) {
      writeFully(index, entry, indexTail);
      indexTail += VolumeFormat.ENTRY_BYTES;
      dirty = true;
    }
  }

  /** fsync of both files (data first: an entry must never be durable before its record). */
  void force() throws IOException {
    dirty = false;
    data.force(false);
    synchronized (indexMonitor) {
      index.force(false);
    }
  }

  /** fsync of the index log alone: for a tombstone, which may be durable whatever became of the data. */
  void forceIndex() throws IOException {
    synchronized (indexMonitor) {
      index.force(false);
    }
  }

  /** Reads the record an entry names and checks it; {@code null} when it is whole, else what is wrong. */
  String check(VolumeFormat.Entry e) throws IOException {
    return checkRecord(data, e, true);
  }

  FileChannel channel() {
    return data;
  }

  @Override
  public FileChannel acquire() {
    for (int n = dataHolders.get(); n > 0; n = dataHolders.get()) {
      if (dataHolders.compareAndSet(n, n + 1)) {
        return data;
      }
    }
    return null;
  }

  @Override
  public void release() {
    if (dataHolders.decrementAndGet() == 0) {
      try {
        data.close();
      } catch (IOException ignored) {
        // closing a file we only read or already forced
      }
    }
  }

  /** Closes the index now and the data file once no download sends from it; once only. */
  void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    release();
    try {
      index.close();
    } catch (IOException ignored) {
      // same
    }
  }

  void deleteFiles(Path dir) throws IOException {
    close();
    Files.deleteIfExists(dat);
    Files.deleteIfExists(idx);
    Files.deleteIfExists(retiredPath(dir, id));
  }

  static String checkRecord(FileChannel data, VolumeFormat.Entry e, boolean withBytes) throws IOException {
    if (e.end() > data.size()) {
      return "record at " + e.offset() + " runs past the end of the volume";
    }
    ByteBuffer head = ByteBuffer.allocate(VolumeFormat.HEADER_BYTES);
    readFully(data, head, e.offset());
    VolumeFormat.Header h = VolumeFormat.readHeader(head.flip());
    if (h == null) {
      return "no valid record header at " + e.offset();
    }
    if (!h.key().equals(e.key()) || h.size() != e.size() || h.sequence() != e.sequence()) {
      return "record at " + e.offset() + " is " + h.key() + " (" + h.size() + " bytes), the index says "
        + e.key() + " (" + e.size() + " bytes)";
    }
    if (withBytes) {
      int crc = crcOf(data, dataOffset(e.offset()), e.size());
      if (crc != h.dataCrc()) {
        return "the bytes of " + e.key() + " at " + e.offset() + " do not match their CRC32C";
      }
    }
    return null;
  }

  static int crcOf(FileChannel data, long from, long size) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer block = ByteBuffer.allocate((int) Math.min(CHECK_BLOCK, Math.max(size, 1)));
    long done = 0;
    while (done < size) {
      block.clear().limit((int) Math.min(block.capacity(), size - done));
      int n = data.read(block, from + done);
      if (n <= 0) {
        throw new IOException("volume ends inside a record");
      }
      block.flip();
      crc.update(block);
      done += n;
    }
    return (int) crc.getValue();
  }

  static void readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
    long at = position;
    while (into.hasRemaining()) {
      int n = ch.read(into, at);
      if (n < 0) {
        break;
      }
      at += n;
    }
  }

  static void writeFully(FileChannel ch, ByteBuffer from, long position) throws IOException {
    long at = position;
    while (from.hasRemaining()) {
      at += ch.write(from, at);
    }
  }

  static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static FileChannel open(Path path) throws IOException {
    return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }
}
