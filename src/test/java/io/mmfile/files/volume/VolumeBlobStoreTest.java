package io.mmfile.files.volume;

import io.mmfile.files.BlobStore;
import io.mmfile.files.FileId;
import io.mmfile.platform.DataVolume;
import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

class VolumeBlobStoreTest {
  @TempDir
  Path dir;
  Vertx vertx;
  VolumeBlobStore store;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    if (store != null) {
      store.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  record Options(MmfileConfig.Volumes volumes, MmfileConfig.Fsync fsync) {
  }

  static Options options(long maxBytes, int writable, long memoryStage, int bucketSeconds, int graceSeconds,
                         MmfileConfig.Fsync fsync) {
    return new Options(new MmfileConfig.Volumes(maxBytes, writable, memoryStage, 50, bucketSeconds, graceSeconds), fsync);
  }

  static VolumeBlobStore open(Vertx vertx, Path dir, Options options) {
    return open(vertx, dir, options, new DataVolume(vertx, dir, 0));
  }

  static VolumeBlobStore open(Vertx vertx, Path dir, Options options, DataVolume dataVolume) {
    return VolumeBlobStore.open(vertx, dir, options.volumes(), options.fsync(), 2, dataVolume);
  }

  VolumeBlobStore open(Options options) {
    if (store != null) {
      store.close();
    }
    store = open(vertx, dir, options);
    return store;
  }

  VolumeBlobStore open() {
    return open(options(1 << 30, 2, 64 * 1024, 3600, 0, MmfileConfig.Fsync.NONE));
  }

  static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().orTimeout(60, TimeUnit.SECONDS).join();
  }

  /** Writes {@code content} in 64 KiB chunks (the storage verticle's shape) and commits it. */
  static String put(BlobStore store, byte[] content, long ttlMs) {
    String id = FileId.next();
    BlobStore.BlobWriter w = store.create(id);
    for (int at = 0; at < content.length; at += 65536) {
      int n = Math.min(65536, content.length - at);
      await(w.write(Buffer.buffer(n).appendBytes(content, at, n)));
    }
    await(w.commit(ttlMs));
    return id;
  }

  static byte[] get(BlobStore store, String id, int size) {
    var content = await(store.read(id, 0, size));
    if (content.isEmpty()) {
      return null;
    }
    try {
      return ((BlobStore.OnDisk) content.get()).read(size);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  List<Path> volumeFiles(String glob) throws IOException {
    List<Path> out = new ArrayList<>();
    try (var files = Files.newDirectoryStream(dir, glob)) {
      files.forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  @Nested
  class Format {
    @Test
    void aRecordCarriesMagicIdSizeAndTheCrc32cOfItsBytesAlignedToEight() throws IOException {
      open();
      byte[] first = bytes(1001, 1);
      byte[] second = bytes(77, 2);
      String a = put(store, first, 0);
      String b = put(store, second, 0);
      store.close();
      store = null;
      Path dat = volumeFiles("*.dat").get(0);
      ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(dat));
      assertThat(all.getLong(0)).isEqualTo(VolumeFormat.SUPERBLOCK_MAGIC);
      int offset = VolumeFormat.SUPERBLOCK_BYTES;
      for (var file : List.of(Map.entry(a, first), Map.entry(b, second))) {
        assertThat(offset % 8).isZero();
        assertThat(all.getInt(offset)).isEqualTo(VolumeFormat.RECORD_MAGIC);
        assertThat(new FileKey(all.getLong(offset + 8), all.getLong(offset + 16)).toString()).isEqualTo(file.getKey());
        assertThat(all.getLong(offset + 24)).isEqualTo(file.getValue().length);
        CRC32C crc = new CRC32C();
        crc.update(file.getValue());
        assertThat(all.getInt(offset + 40)).isEqualTo((int) crc.getValue());
        byte[] stored = new byte[file.getValue().length];
        all.get(offset + VolumeFormat.HEADER_BYTES, stored);
        assertThat(stored).isEqualTo(file.getValue());
        offset += (int) VolumeFormat.recordBytes(file.getValue().length);
      }
      assertThat(all.capacity()).isEqualTo(offset);
      Path idx = volumeFiles("*.idx").get(0);
      assertThat(Files.size(idx)).isEqualTo(2L * VolumeFormat.ENTRY_BYTES);
    }

    @Test
    void servesFromTheRecordsOffsetInTheVolume() {
      open();
      byte[] content = bytes(5000, 3);
      String id = put(store, content, 0);
      var disk = (BlobStore.OnDisk) await(store.read(id, 0, content.length)).orElseThrow();
      assertThat(disk.path().getFileName().toString()).endsWith(".dat");
      assertThat(disk.base()).isEqualTo(VolumeFormat.SUPERBLOCK_BYTES + VolumeFormat.HEADER_BYTES);
      assertThat(get(store, id, content.length)).isEqualTo(content);
    }

    @Test
    void lendsItsOpenChannelAndClosesItOnlyAfterTheLastReaderReleasedIt() throws IOException {
      open();
      byte[] content = bytes(5000, 6);
      String id = put(store, content, 0);
      var disk = (BlobStore.OnDisk) await(store.read(id, 0, content.length)).orElseThrow();
      FileChannel lent = disk.shared().acquire();
      assertThat(lent).isNotNull();

      store.close();
      store = null;

      assertThat(lent.isOpen()).as("held by a download still sending").isTrue();
      ByteBuffer read = ByteBuffer.allocate(content.length);
      lent.read(read, disk.base());
      assertThat(read.array()).isEqualTo(content);
      disk.shared().release();
      assertThat(lent.isOpen()).as("closed with the last holder").isFalse();
      assertThat(disk.shared().acquire()).as("nothing more to lend once closed").isNull();
    }

    @Test
    void uploadsLargerThanTheMemoryStageSpillAndStillLandWhole() throws IOException {
      open(options(1 << 30, 2, 4096, 3600, 0, MmfileConfig.Fsync.NONE));
      byte[] big = bytes(3 * 1024 * 1024 + 5, 4);
      String id = put(store, big, 0);
      assertThat(get(store, id, big.length)).isEqualTo(big);
      assertThat(volumeFiles("staging/*")).isEmpty();
    }

    @Test
    void chunksJoinedFromSlicesLandWholeInMemoryAndSpilled() {
      open(options(1 << 30, 2, 4096, 3600, 0, MmfileConfig.Fsync.NONE));
      byte[] content = bytes(10_000, 5);
      Buffer network = Buffer.buffer(content);
      String id = FileId.next();
      var w = store.create(id);
      await(w.write(io.mmfile.files.BufferSlices.join(java.util.List.of(network.slice(0, 10), network.slice(10, 3000)))));
      await(w.write(io.mmfile.files.BufferSlices.join(java.util.List.of(network.slice(3000, 3001),
        network.slice(3001, 10_000)))));
      await(w.commit(0));
      store.close();
      store = null;
      open();
      assertThat(get(store, id, content.length)).isEqualTo(content);
    }

    @Test
    void anAbortedUploadLeavesNothing() throws IOException {
      open(options(1 << 30, 2, 1024, 3600, 0, MmfileConfig.Fsync.NONE));
      String id = FileId.next();
      var w = store.create(id);
      await(w.write(Buffer.buffer(bytes(10_000, 6))));
      await(w.abort());
      assertThat(await(store.read(id, 0, 10))).isEmpty();
      assertThat(volumeFiles("staging/*")).isEmpty();
      assertThat(store.stats().files()).isZero();
    }

    @Test
    void underTheFreeSpaceFloorAnUploadIsRefusedAndLeavesNothing() throws IOException {
      DataVolume full = new DataVolume(vertx, dir, Long.MAX_VALUE); // a floor no volume can meet
      await(full.start());
      store = open(vertx, dir, options(1 << 30, 2, 1024, 3600, 0, MmfileConfig.Fsync.NONE), full);
      try {
        String id = FileId.next();
        var w = store.create(id);
        assertThat(w.write(Buffer.buffer(bytes(10_000, 8))).toCompletionStage().toCompletableFuture())
          .failsWithin(java.time.Duration.ofSeconds(10)).withThrowableThat().havingCause()
          .isInstanceOfSatisfying(Failure.class, f -> {
            assertThat(f.kind()).isEqualTo(Failure.Kind.STORE_FAILED);
            assertThat(f.getMessage()).contains("durable store").contains("bytes free").contains("storage.min-free-bytes");
          });
        assertThat(w.commit(0).failed()).isTrue();
        assertThat(await(store.read(id, 0, 10))).isEmpty();
        assertThat(volumeFiles("*.dat")).isEmpty();
        assertThat(volumeFiles("staging/*")).isEmpty();
        assertThat(store.stats().files()).isZero();
      } finally {
        full.stop();
      }
    }

    @Test
    void groupFsyncAcknowledgesConcurrentCommits() {
      open(options(1 << 30, 2, 64 * 1024, 3600, 0, MmfileConfig.Fsync.GROUP));
      List<Future<String>> done = new ArrayList<>();
      Map<String, byte[]> expected = new ConcurrentHashMap<>();
      for (int i = 0; i < 20; i++) {
        byte[] content = bytes(2000 + i, 100 + i);
        done.add(vertx.executeBlocking(() -> {
          String id = put(store, content, 0);
          expected.put(id, content);
          return id;
        }, false));
      }
      await(Future.all(done));
      expected.forEach((id, content) -> assertThat(get(store, id, content.length)).isEqualTo(content));
    }

    @Test
    void underGroupFsyncADeleteIsAcknowledgedOnlyOnceItsTombstoneIsSynced() {
      open(options(1 << 30, 1, 64 * 1024, 3600, 0, MmfileConfig.Fsync.GROUP));
      String id = put(store, bytes(3000, 7), 0);
      assertThat(store.unsynced()).as("after an acknowledged upload").isFalse();
      await(store.delete(id));
      assertThat(store.unsynced()).as("after an acknowledged delete").isFalse();
      assertThat(await(store.read(id, 0, 10))).isEmpty();
    }
  }

  @Nested
  class Rebuild {
    @Test
    void theIndexIsRebuiltFromTheVolumesLogs() {
      open(options(64 * 1024, 3, 64 * 1024, 3600, 0, MmfileConfig.Fsync.NONE));
      Map<String, byte[]> files = new java.util.HashMap<>();
      for (int i = 0; i < 40; i++) {
        byte[] content = bytes(1000 + i * 97, i);
        files.put(put(store, content, 0), content);
      }
      String gone = files.keySet().iterator().next();
      int goneSize = files.remove(gone).length;
      await(store.delete(gone));
      store.close();
      store = null;
      open(options(64 * 1024, 3, 64 * 1024, 3600, 0, MmfileConfig.Fsync.NONE));
      assertThat(store.stats().volumes()).isGreaterThan(1);
      assertThat(store.stats().files()).isEqualTo(files.size());
      files.forEach((id, content) -> assertThat(get(store, id, content.length)).isEqualTo(content));
      assertThat(get(store, gone, goneSize)).as("a tombstoned file stays deleted").isNull();
    }

    @Test
    void aTornRecordAtTheTailIsCutOffAndNeverServed() throws IOException {
      open();
      byte[] kept = bytes(4000, 7);
      String keptId = put(store, kept, 0);
      store.close();
      store = null;
      Path dat = volumeFiles("*.dat").get(0);
      Path idx = volumeFiles("*.idx").get(0);
      long goodEnd = Files.size(dat);
      // A crash mid-append: a whole header for a 10,000-byte file, then only part of its bytes.
      FileKey torn = FileKey.of(FileId.next());
      try (FileChannel ch = FileChannel.open(dat, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ch.write(VolumeFormat.header(torn, 10_000, 99, 0));
        ch.write(ByteBuffer.wrap(bytes(3000, 8)));
      }
      // ... and half an index entry.
      try (FileChannel ch = FileChannel.open(idx, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ch.write(VolumeFormat.entry(torn, 99, goodEnd, 10_000, VolumeFormat.PUT).limit(20));
      }
      open();
      assertThat(get(store, torn.toString(), 10_000)).isNull();
      assertThat(get(store, keptId, kept.length)).isEqualTo(kept);
      assertThat(Files.size(dat)).isEqualTo(goodEnd);
      assertThat(Files.size(idx)).isEqualTo(VolumeFormat.ENTRY_BYTES);
      byte[] after = bytes(500, 9);
      String afterId = put(store, after, 0);
      store.close();
      store = null;
      open();
      assertThat(get(store, afterId, after.length)).isEqualTo(after);
      assertThat(get(store, keptId, kept.length)).isEqualTo(kept);
    }

    @Test
    void anIndexEntryWhoseRecordNeverReachedTheVolumeIsDropped() throws IOException {
      open();
      byte[] kept = bytes(4000, 10);
      String keptId = put(store, kept, 0);
      store.close();
      store = null;
      Path dat = volumeFiles("*.dat").get(0);
      Path idx = volumeFiles("*.idx").get(0);
      FileKey lost = FileKey.of(FileId.next());
      try (FileChannel ch = FileChannel.open(idx, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ch.write(VolumeFormat.entry(lost, 50, Files.size(dat), 1234, VolumeFormat.PUT));
      }
      open();
      assertThat(get(store, lost.toString(), 1234)).isNull();
      assertThat(get(store, keptId, kept.length)).isEqualTo(kept);
      assertThat(Files.size(idx)).isEqualTo(VolumeFormat.ENTRY_BYTES);
    }
  }

  @Nested
  class Expiry {
    @Test
    void filesWithACacheTimeGoToBucketVolumesThatAreDroppedWhole() throws Exception {
      open(options(1 << 30, 1, 64 * 1024, 1, 0, MmfileConfig.Fsync.NONE));
      byte[] content = bytes(2000, 11);
      String forever = put(store, content, 0);
      String brief = put(store, content, 1);
      List<Path> before = volumeFiles("*.dat");
      assertThat(before).hasSize(2);
      assertThat(get(store, brief, content.length)).isEqualTo(content);
      // The one-second bucket of the expiring file ends within two seconds of its upload.
      Thread.sleep(2100);
      store.maintain();
      assertThat(get(store, brief, content.length)).isNull();
      assertThat(get(store, forever, content.length)).isEqualTo(content);
      assertThat(volumeFiles("*.dat")).hasSize(1);
      store.close();
      store = null;
      open(options(1 << 30, 1, 64 * 1024, 1, 0, MmfileConfig.Fsync.NONE));
      assertThat(get(store, forever, content.length)).isEqualTo(content);
    }

    @Test
    void anExpiredVolumeLeftOnDiskIsDroppedAtStart() throws Exception {
      open(options(1 << 30, 1, 64 * 1024, 1, 0, MmfileConfig.Fsync.NONE));
      byte[] content = bytes(2000, 12);
      String brief = put(store, content, 1);
      store.close();
      store = null;
      Thread.sleep(2100);
      open(options(1 << 30, 1, 64 * 1024, 1, 0, MmfileConfig.Fsync.NONE));
      assertThat(get(store, brief, content.length)).isNull();
      assertThat(volumeFiles("*.dat")).isEmpty();
    }
  }

  @Nested
  class Compaction {
    @Test
    void compactsOnlineWhileFilesAreReadAndWritten() throws Exception {
      Options storage = options(256 * 1024, 2, 64 * 1024, 3600, 1, MmfileConfig.Fsync.NONE);
      open(storage);
      Map<String, byte[]> live = new ConcurrentHashMap<>();
      List<String> deleted = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        byte[] content = bytes(8000 + i, 1000 + i);
        String id = put(store, content, 0);
        if (i % 4 == 0) {
          live.put(id, content);
        } else {
          await(store.delete(id));
          deleted.add(id);
        }
      }
      store.sealAll();
      long garbageBefore = store.stats().garbageBytes();
      List<Path> volumesBefore = volumeFiles("*.dat");
      AtomicBoolean running = new AtomicBoolean(true);
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      List<String> reads = new CopyOnWriteArrayList<>();
      Thread reader = new Thread(() -> {
        List<String> ids = new ArrayList<>(live.keySet());
        Random random = new Random(1);
        while (running.get()) {
          String id = ids.get(random.nextInt(ids.size()));
          try {
            assertThat(get(store, id, live.get(id).length)).isEqualTo(live.get(id));
            reads.add(id);
          } catch (Throwable t) {
            errors.add(t);
          }
        }
      });
      Map<String, byte[]> written = new ConcurrentHashMap<>();
      Thread writer = new Thread(() -> {
        int i = 0;
        while (running.get()) {
          byte[] content = bytes(3000 + i, 5000 + i);
          try {
            written.put(put(store, content, 0), content);
          } catch (Throwable t) {
            errors.add(t);
          }
          i++;
        }
      });
      reader.start();
      writer.start();
      store.maintain();
      running.set(false);
      reader.join();
      writer.join();
      assertThat(errors).isEmpty();
      assertThat(reads).isNotEmpty();
      assertThat(written).isNotEmpty();
      assertThat(store.stats().garbageBytes()).isLessThan(garbageBefore);
      live.forEach((id, content) -> assertThat(get(store, id, content.length)).isEqualTo(content));
      written.forEach((id, content) -> assertThat(get(store, id, content.length)).isEqualTo(content));
      // Compacted volumes go once the grace period for reads in flight is over.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (volumeFiles("*.dat").stream().anyMatch(volumesBefore::contains) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(volumeFiles("*.dat")).doesNotContainAnyElementsOf(volumesBefore);
      store.close();
      store = null;
      open(storage);
      live.forEach((id, content) -> assertThat(get(store, id, content.length)).isEqualTo(content));
      written.forEach((id, content) -> assertThat(get(store, id, content.length)).isEqualTo(content));
      for (String id : deleted) {
        assertThat(get(store, id, 10)).as("deleted before compaction, not brought back").isNull();
      }
      assertThat(store.stats().files()).isEqualTo(live.size() + written.size());
    }
  }
}
