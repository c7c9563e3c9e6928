package io.mmfile.files.volume;

import io.mmfile.files.BlobStore;
import io.mmfile.platform.DataVolume;
import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.mmfile.files.BufferSlices;
import io.mmfile.files.StagedBytes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The durable store as append-only volumes ({@code storage.durable=volume}): every file is a record in a
 * large volume file under {@code <root>}, found through an in-memory index (file id → volume, offset,
 * size) that is rebuilt at start from the volumes' index logs. See {@link VolumeFormat} for the bytes and
 * docs/architecture.md for the whole design.
 *
 * <p><b>Writing.</b> An upload's length is known only at its commit, and a slow client must not hold a
 * volume while it trickles in, so a writer keeps the upload's chunks (the very buffers the storage
 * verticle received: no copy) until {@code memory-stage-bytes}, and past that (or once the uploads
 * of the node hold an eighth of the heap between them) spills them to a staging file. The commit then appends the whole record in one gathering write (or a kernel copy from the
 * staging file) to one of several writable volumes of its expiry class, the first one whose lock is
 * free, and appends its index entry. A commit holds a volume only for that one write.
 *
 * <p><b>Deleting.</b> A delete drops the file from the index and appends a tombstone to its volume's
 * log; the record becomes garbage. A sealed volume whose garbage passes the threshold is compacted
 * online: its live records are appended to writable volumes, the index is switched record by record,
 * and the old volume's files are removed after {@code retire-grace-seconds}, so a read that already
 * looked it up still finds its bytes. Files with a {@code cacheTime} go to volumes of their expiry
 * bucket; once the bucket has passed, its volumes are dropped whole, without tombstones.
 *
 * <p>Writers, commits and maintenance do blocking file I/O: they run on the storage verticles (worker
 * threads) or {@code executeBlocking}. Reads answer from memory and are safe on an event loop.
 */
public final class VolumeBlobStore implements BlobStore {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeBlobStore.class);
  private static final Pattern VOLUME_FILE = Pattern.compile("(\\d{8})\\.dat");
  private static final long PERMANENT = 0;

  /** Where a file's record is. */
  record Location(Volume volume, long offset, long size, long sequence) {
  }

  private final Vertx vertx;
  private final Path root;
  private final Path staging;
  private final MmfileConfig.Volumes options;
  private final MmfileConfig.Fsync fsync;
  private final GroupSync groupSync;
  private final DataVolume dataVolume;
  /** Memory all uploads may hold before their commit: an eighth of the heap, whatever memory-stage-bytes says. */
  private final StagedBytes.Budget stageBudget = new StagedBytes.Budget(Runtime.getRuntime().maxMemory() / 8);
  private final ConcurrentHashMap<FileKey, Location> index = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, Volume> volumes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, VolumeClass> classes = new ConcurrentHashMap<>();
  /** Dropped volumes whose files wait out the grace period. */
  private final java.util.Set<Volume> retiring = ConcurrentHashMap.newKeySet();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicInteger nextVolumeId = new AtomicInteger(1);
  private final Object maintenance = new Object();
  private long maintenanceTimer = -1;
  private volatile boolean closed;

  private VolumeBlobStore(Vertx vertx, Path root, MmfileConfig.Volumes options, MmfileConfig.Fsync fsync,
                          int fsyncWindowMs, DataVolume dataVolume) {
    this.vertx = vertx;
    this.root = root.toAbsolutePath();
    this.staging = this.root.resolve("staging");
    this.options = options;
    this.fsync = fsync;
    this.dataVolume = dataVolume;
    // A volume whose fsync failed takes no more records (what the kernel dropped cannot be known): it
    // leaves the writable list, so that the next commits start a new volume instead of waiting for it.
    this.groupSync = fsync == MmfileConfig.Fsync.GROUP
      ? new GroupSync(fsyncWindowMs, failed -> classOf(failed.expiresAtMs).seal(failed)) : null;
  }

  /**
   * Opens (or creates) the store under {@code root} and rebuilds its index; blocking. Torn tails left by a
   * crash are cut, volumes whose expiry bucket has passed and volumes left retired by a compaction are
   * removed, and staging files of unfinished uploads are deleted. While {@code dataVolume} is under its
   * free-space floor, writers refuse writes and commits, as the disk store's do.
   */
  public static VolumeBlobStore open(Vertx vertx, Path root, MmfileConfig.Volumes options, MmfileConfig.Fsync fsync,
                                     int fsyncWindowMs, DataVolume dataVolume) {
    VolumeBlobStore store = new VolumeBlobStore(vertx, root, options, fsync, fsyncWindowMs, dataVolume);
    try {
      store.load();
    } catch (IOException e) {
      store.close();
      throw new IllegalStateException("cannot open the volume store at " + store.root + ": " + e.getMessage(), e);
    }
    return store;
  }

  /** Runs {@link #maintain()} every {@code intervalMs} on a worker thread. */
  public VolumeBlobStore maintainEvery(long intervalMs) {
    maintenanceTimer = vertx.setPeriodic(intervalMs, id -> vertx.executeBlocking(() -> {
      maintain();
      return null;
    }, false).onFailure(t -> LOG.warn("volume maintenance failed: {}", t.getMessage())));
    return this;
  }

  private void load() throws IOException {
    Files.createDirectories(staging);
    try (var parts = Files.newDirectoryStream(staging)) {
      for (Path part : parts) {
        Files.deleteIfExists(part);
      }
    }
    List<Integer> ids = new ArrayList<>();
    try (var files = Files.newDirectoryStream(root, "*.dat")) {
      for (Path file : files) {
        Matcher m = VOLUME_FILE.matcher(file.getFileName().toString());
        if (m.matches()) {
          ids.add(Integer.parseInt(m.group(1)));
        }
      }
    }
    try (var leftovers = Files.newDirectoryStream(root, "*.dat.new")) {
      for (Path file : leftovers) {
        Files.deleteIfExists(file); // a volume whose creation did not finish holds nothing
      }
    }
    ids.sort(Integer::compare);
    long now = System.currentTimeMillis();
    Map<FileKey, VolumeFormat.Entry> winners = new HashMap<>();
    Map<FileKey, Volume> winnerVolumes = new HashMap<>();
    long maxSequence = 0;
    for (int id : ids) {
      nextVolumeId.set(Math.max(nextVolumeId.get(), id + 1));
      if (Files.exists(Volume.retiredPath(root, id))) {
        Files.deleteIfExists(Volume.datPath(root, id));
        Files.deleteIfExists(Volume.idxPath(root, id));
        Files.deleteIfExists(Volume.retiredPath(root, id));
        continue;
      }
      if (!Files.exists(Volume.idxPath(root, id))) {
        // A volume gets its log before its .dat is renamed into place, so a missing log was lost (deleted,
        // not restored from a backup). Loading without it would cut every record as unacknowledged.
        VolumeIndexRebuilder.Result rebuilt = VolumeIndexRebuilder.rebuild(root, id);
        LOG.warn("volume {}: its index log was missing; rebuilt from its records ({} records, {} damaged "
          + "skipped); files deleted from it before are back in the store's index", Volume.datPath(root, id),
          rebuilt.records(), rebuilt.damagedRecords());
      }
      Volume.Loaded loaded = Volume.load(root, id);
      Volume volume = loaded.volume();
      if (loaded.cutDataBytes() > 0 || loaded.cutIndexBytes() > 0) {
        LOG.warn("volume {}: cut a torn tail ({} data bytes, {} index bytes) left by a crash", volume.dat,
          loaded.cutDataBytes(), loaded.cutIndexBytes());
      }
      if (loaded.damagedEntries() > 0) {
        LOG.error("volume {}: {} damaged index entries skipped (run `mmfile store verify`)", volume.dat,
          loaded.damagedEntries());
      }
      if (volume.expiresAtMs != PERMANENT && volume.expiresAtMs <= now) {
        volume.deleteFiles(root);
        continue;
      }
      volumes.put(id, volume);
      for (VolumeFormat.Entry e : loaded.entries()) {
        maxSequence = Math.max(maxSequence, e.sequence());
        if (!e.tombstone()) {
          volume.garbageBytes.addAndGet(VolumeFormat.recordBytes(e.size())); // counted live below if it wins
        }
        VolumeFormat.Entry current = winners.get(e.key());
        if (current == null || current.sequence() < e.sequence()) {
          winners.put(e.key(), e);
          winnerVolumes.put(e.key(), volume);
        }
      }
    }
    sequence.set(maxSequence);
    winners.forEach((key, e) -> {
      if (!e.tombstone()) {
        Volume v = winnerVolumes.get(key);
        index.put(key, new Location(v, e.offset(), e.size(), e.sequence()));
        v.garbageBytes.addAndGet(-VolumeFormat.recordBytes(e.size()));
        v.liveBytes.addAndGet(e.size());
        v.liveFiles.incrementAndGet();
      }
    });
    for (Volume v : volumes.values()) {
      if (v.tail() < options.maxBytes()) {
        v.writable = true;
        classOf(v.expiresAtMs).writable.add(v);
      }
    }
    LOG.info("volume store {}: {} volumes, {} files", root, volumes.size(), index.size());
  }

  // ---------------------------------------------------------------- reads and deletes

  @Override
  public Future<Optional<BlobContent>> read(String fileId, long offset, long length) {
    FileKey key = FileKey.orNull(fileId);
    Location at = key == null ? null : index.get(key);
    if (at == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return Future.succeededFuture(Optional.of(new OnDisk(at.volume().dat, Volume.dataOffset(at.offset()), at.size(),
      at.volume())));
  }

  @Override
  public Future<Void> delete(String fileId) {
    FileKey key = FileKey.orNull(fileId);
    Location at = key == null ? null : index.remove(key);
    if (at == null) {
      return Future.succeededFuture();
    }
    forget(at);
    if (expired(at.volume(), System.currentTimeMillis())) {
      return Future.succeededFuture(); // the whole volume goes soon; no tombstone needed
    }
    // Under storage.fsync=group a delete is acknowledged, like an upload, only after an fsync that covers
    // its tombstone: otherwise a crash could bring the deleted file back at the next start.
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> {
      tombstone(key, at);
      return null;
    }, false).compose(v -> durable(at.volume(), context))
      .recover(t -> Future.failedFuture(Failure.wrap(t, Failure.Kind.STORE_FAILED)));
  }

  private void tombstone(FileKey key, Location at) throws IOException {
    at.volume().appendEntry(VolumeFormat.entry(key, sequence.incrementAndGet(), at.offset(), at.size(),
      VolumeFormat.TOMBSTONE));
  }

  private static void forget(Location at) {
    at.volume().liveFiles.decrementAndGet();
    at.volume().liveBytes.addAndGet(-at.size());
    at.volume().garbageBytes.addAndGet(VolumeFormat.recordBytes(at.size()));
  }

  private static boolean expired(Volume v, long now) {
    return v.expiresAtMs != PERMANENT && v.expiresAtMs <= now;
  }

  // ---------------------------------------------------------------- writes

  @Override
  public String permanentDedupClass() {
    return "volume";
  }

  @Override
  public BlobWriter create(String fileId) {
    return new VolumeWriter(FileKey.of(fileId));
  }

  /** The expiry class of a file living {@code ttlMs}: the end of its bucket, or {@link #PERMANENT}. */
  private long expiryClass(long ttlMs, long now) {
    if (ttlMs <= 0) {
      return PERMANENT;
    }
    long bucket = options.expiryBucketSeconds() * 1000L;
    return Math.floorDiv(now + ttlMs + bucket - 1, bucket) * bucket;
  }

  private VolumeClass classOf(long expiresAtMs) {
    return classes.computeIfAbsent(expiresAtMs, VolumeClass::new);
  }

  /** Bytes of one record to append: from memory, or a range of a staging file. */
  private interface Source {
    long append(Volume volume, ByteBuffer header) throws IOException;
  }

  /**
   * Appends a record to a writable volume of the class, indexes it and returns where it went; blocking.
   * The caller decides whether to wait for an fsync.
   */
  private Location appendRecord(FileKey key, long size, int crc, long expiresAtMs, Source source) throws IOException {
    if (closed) {
      throw new IOException("the volume store is closed");
    }
    VolumeClass target = classOf(expiresAtMs);
    Volume volume = target.acquire();
    try {
      long seq = sequence.incrementAndGet();
      long offset;
      try {
        offset = source.append(volume, VolumeFormat.header(key, size, seq, crc));
        volume.appendEntry(VolumeFormat.entry(key, seq, offset, size, VolumeFormat.PUT));
      } catch (IOException e) {
        // A volume that failed a write takes no more: what follows the failed bytes could not be trusted.
        target.seal(volume);
        throw e;
      }
      if (volume.tail() >= options.maxBytes()) {
        target.seal(volume);
      }
      return new Location(volume, offset, size, seq);
    } finally {
      volume.appendLock.unlock();
    }
  }

  private Future<Void> durable(Volume volume, Context context) {
    return groupSync == null ? Future.succeededFuture() : groupSync.covering(volume, context);
  }

  private Volume newVolume(long expiresAtMs) throws IOException {
    int id = nextVolumeId.getAndIncrement();
    Volume v = Volume.create(root, id, expiresAtMs);
    volumes.put(id, v);
    LOG.info("volume store {}: new volume {}{}", root, v.dat.getFileName(),
      expiresAtMs == PERMANENT ? "" : " for files expiring by " + java.time.Instant.ofEpochMilli(expiresAtMs));
    return v;
  }

  /** The writable volumes of one expiry class. */
  private final class VolumeClass {
    final long expiresAtMs;
    final List<Volume> writable = new CopyOnWriteArrayList<>();
    final AtomicInteger next = new AtomicInteger();

    VolumeClass(long expiresAtMs) {
      this.expiresAtMs = expiresAtMs;
    }

    /** A writable volume, locked: the first free one, a new one while there are fewer than allowed, or wait. */
    Volume acquire() throws IOException {
      while (true) {
        Volume[] open = writable.toArray(new Volume[0]);
        int start = open.length == 0 ? 0 : Math.floorMod(next.getAndIncrement(), open.length);
        for (int i = 0; i < open.length; i++) {
          Volume v = open[(start + i) % open.length];
          if (v.appendLock.tryLock()) {
            if (v.writable) {
              return v;
            }
            v.appendLock.unlock();
          }
        }
        synchronized (this) {
          if (writable.size() < options.writable()) {
            Volume v = newVolume(expiresAtMs);
            v.appendLock.lock();
            writable.add(v);
            return v;
          }
        }
        if (open.length > 0) {
          Volume v = open[start];
          v.appendLock.lock();
          if (v.writable) {
            return v;
          }
          v.appendLock.unlock();
        }
      }
    }

    void seal(Volume v) {
      v.writable = false;
      writable.remove(v);
    }
  }

  /** One upload: chunks held until {@code memory-stage-bytes}, then a staging file; appended at commit. */
  private final class VolumeWriter implements BlobWriter {
    private final FileKey key;
    private final StagedBytes staged;
    private CRC32C crc = new CRC32C();
    private boolean done;
    private String dedupClass;

    VolumeWriter(FileKey key) {
      this.key = key;
      this.staged = new StagedBytes(staging, key.toString(), options.memoryStageBytes(), stageBudget);
    }

    @Override
    public Future<Void> write(Buffer chunk) {
      if (done) {
        return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "upload " + key + " is finished"));
      }
      Failure refused = dataVolume.refusal("durable store " + root);
      if (refused != null) {
        return Future.failedFuture(refused);
      }
      int n = chunk.length();
      if (n == 0) {
        return Future.succeededFuture();
      }
      for (ByteBuffer b : BufferSlices.nio(chunk)) {
        crc.update(b.duplicate());
      }
      try {
        staged.append(chunk);
        return Future.succeededFuture();
      } catch (IOException e) {
        return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "stage " + key + ": " + e.getMessage(), e));
      }
    }

    private int finalCrc() {
      return (int) crc.getValue();
    }

    @Override
    public Future<Void> commit(long ttlMs) {
      if (done) {
        return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "upload " + key + " is finished"));
      }
      done = true;
      // checked again here: an upload held in memory since before the floor was crossed appends nothing
      Failure refused = dataVolume.refusal("durable store " + root);
      if (refused != null) {
        release();
        return Future.failedFuture(refused);
      }
      Context context = vertx.getOrCreateContext();
      Location at;
      try {
        int dataCrc = finalCrc();
        long expiresAt = expiryClass(ttlMs, System.currentTimeMillis());
        long size = staged.size();
        FileChannel from = staged.staged();
        if (from != null) {
          at = appendRecord(key, size, dataCrc, expiresAt, (v, header) -> v.append(header, from, 0, size));
        } else {
          List<ByteBuffer> bytes = new ArrayList<>(staged.chunks().size());
          staged.chunks().forEach(c -> bytes.addAll(java.util.Arrays.asList(BufferSlices.nio(c))));
          at = appendRecord(key, size, dataCrc, expiresAt, (v, header) -> v.append(header, bytes, size));
        }
      } catch (IOException | RuntimeException e) {
        release();
        return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "commit " + key + ": " + e.getMessage(), e));
      }
      release();
      Location stored = at;
      // A volume of an expiry bucket is dropped whole when the bucket passes: its bytes are shared only
      // with files of the same bucket, which all expire by then.
      dedupClass = stored.volume().expiresAtMs == PERMANENT ? permanentDedupClass()
        : permanentDedupClass() + ":" + stored.volume().expiresAtMs;
      return durable(stored.volume(), context).andThen(ar -> {
        if (ar.succeeded()) {
          Location previous = index.put(key, stored);
          if (previous != null) {
            forget(previous);
          }
          stored.volume().liveFiles.incrementAndGet();
          stored.volume().liveBytes.addAndGet(stored.size());
        } else {
          // Not acknowledged: make sure the record does not come back at the next start either. The
          // tombstone is forced on its own (the index log, not the data whose fsync failed) before the
          // commit fails, so the upload's failure is answered only once its record is written off.
          stored.volume().garbageBytes.addAndGet(VolumeFormat.recordBytes(stored.size()));
          try {
            tombstone(key, stored);
            stored.volume().forceIndex();
          } catch (IOException e) {
            LOG.error("could not write off the unacknowledged record of {} in {}: {}; it is indexed again at the next"
              + " start, with no file record naming it", key, stored.volume().dat, e.getMessage());
          }
        }
      });
    }

    @Override
    public String dedupClass() {
      return dedupClass;
    }

    @Override
    public Future<Void> abort() {
      done = true;
      release();
      return Future.succeededFuture();
    }

    private void release() {
      staged.release();
    }

    @Override
    public Future<BlobWriter> transferTo(BlobWriter target) {
      done = true;
      return staged.copyTo(target).eventually(() -> {
        release();
        return Future.succeededFuture();
      }).map(target);
    }
  }

  // ---------------------------------------------------------------- maintenance

  /**
   * Drops volumes whose expiry bucket has passed and compacts sealed volumes whose garbage passed the
   * threshold; blocking. Reads and writes go on meanwhile.
   */
  public void maintain() {
    synchronized (maintenance) {
      long now = System.currentTimeMillis();
      for (Volume v : List.copyOf(volumes.values())) {
        if (closed) {
          return;
        }
        try {
          if (expired(v, now)) {
            dropExpired(v);
          } else if (!v.writable && (v.liveFiles.get() == 0 || garbageShare(v) >= options.garbageThresholdPercent())) {
            compact(v);
          }
        } catch (IOException e) {
          LOG.warn("volume {}: maintenance failed: {}", v.dat, e.getMessage());
        }
      }
    }
  }

  private static long garbageShare(Volume v) {
    long used = v.tail() - VolumeFormat.SUPERBLOCK_BYTES;
    return used <= 0 ? 0 : v.garbageBytes.get() * 100 / used;
  }

  private void dropExpired(Volume v) {
    VolumeClass c = classes.remove(v.expiresAtMs);
    if (c != null) {
      c.writable.forEach(w -> w.writable = false);
    }
    index.entrySet().removeIf(e -> e.getValue().volume() == v);
    retire(v);
    LOG.info("volume {}: its expiry bucket has passed, dropped whole", v.dat.getFileName());
  }

  /**
   * Copies the live records of a sealed volume to writable volumes of its class, switching the index
   * record by record, then retires it. A file deleted while it is being copied gets a tombstone in its
   * new volume too, so the copy, whose sequence is higher than the delete's, does not bring it back.
   */
  private void compact(Volume v) throws IOException {
    long copied = 0;
    List<Map.Entry<FileKey, Location>> live = new ArrayList<>();
    index.forEach((key, at) -> {
      if (at.volume() == v) {
        live.add(Map.entry(key, at));
      }
    });
    for (Map.Entry<FileKey, Location> e : live) {
      if (closed) {
        return;
      }
      Location from = e.getValue();
      FileKey key = e.getKey();
      int crc = Volume.crcOf(v.channel(), Volume.dataOffset(from.offset()), from.size());
      Location to = appendRecord(key, from.size(), crc, v.expiresAtMs,
        (target, header) -> target.append(header, v.channel(), Volume.dataOffset(from.offset()), from.size()));
      if (index.replace(key, from, to)) {
        forget(from);
        to.volume().liveFiles.incrementAndGet();
        to.volume().liveBytes.addAndGet(to.size());
      } else {
        tombstone(key, to);
        to.volume().garbageBytes.addAndGet(VolumeFormat.recordBytes(to.size()));
      }
      copied++;
    }
    if (closed) {
      return;
    }
    // The copies must be durable before the marker that lets the next start forget the old volume.
    for (Volume w : volumes.values()) {
      if (w.dirty && w != v) {
        w.force();
      }
    }
    Files.createFile(Volume.retiredPath(root, v.id));
    Volume.forceDirectory(root);
    retire(v);
    LOG.info("volume {}: compacted ({} live files copied on)", v.dat.getFileName(), copied);
  }

  /** Forgets a volume now and removes its files after the grace period (reads may have just looked it up). */
  private void retire(Volume v) {
    v.writable = false;
    volumes.remove(v.id);
    retiring.add(v);
    Runnable remove = () -> {
      try {
        retiring.remove(v);
        v.deleteFiles(root);
      } catch (IOException e) {
        LOG.warn("could not remove volume {}: {}", v.dat, e.getMessage());
      }
    };
    long graceMs = options.retireGraceSeconds() * 1000L;
    if (graceMs == 0) {
      remove.run();
    } else {
      vertx.setTimer(graceMs, id -> vertx.executeBlocking(() -> {
        remove.run();
        return null;
      }, false));
    }
  }

  // ---------------------------------------------------------------- state, for operations and tests

  /** What the store holds right now. */
  public record Stats(int volumes, long files, long liveBytes, long garbageBytes) {
  }

  public Stats stats() {
    long files = 0;
    long live = 0;
    long garbage = 0;
    for (Volume v : volumes.values()) {
      files += v.liveFiles.get();
      live += v.liveBytes.get();
      garbage += v.garbageBytes.get();
    }
    return new Stats(volumes.size(), files, live, garbage);
  }

  /** A volume by id, or null; for tests that make its disk fail. */
  Volume volume(int id) {
    return volumes.get(id);
  }

  /** Whether a volume holds writes not yet fsynced; for tests of the fsync policy. */
  boolean unsynced() {
    return volumes.values().stream().anyMatch(v -> v.dirty);
  }

  /** The ids of the live files, in no order; for tests and operations. */
  public List<String> fileIds() {
    List<String> ids = new ArrayList<>(index.size());
    index.keySet().forEach(k -> ids.add(k.toString()));
    return ids;
  }

  /** Seals every writable volume (the next commits start new ones); for tests of compaction. */
  public void sealAll() {
    for (VolumeClass c : classes.values()) {
      for (Volume v : List.copyOf(c.writable)) {
        v.appendLock.lock();
        try {
          c.seal(v);
        } finally {
          v.appendLock.unlock();
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    if (maintenanceTimer >= 0) {
      vertx.cancelTimer(maintenanceTimer);
    }
    if (groupSync != null) {
      groupSync.close();
    }
    synchronized (maintenance) {
      for (Volume v : volumes.values()) {
        v.appendLock.lock();
        try {
          if (v.dirty && fsync == MmfileConfig.Fsync.GROUP) {
            v.force();
          }
        } catch (IOException e) {
          LOG.warn("volume {}: final fsync failed: {}", v.dat, e.getMessage());
        } finally {
          v.appendLock.unlock();
          v.close();
        }
      }
      retiring.forEach(Volume::close);
    }
  }
}
