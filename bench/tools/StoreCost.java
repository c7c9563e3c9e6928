import io.mmfile.files.BlobStore;
import io.mmfile.files.BufferSlices;
import io.mmfile.files.DiskBlobStore;
import io.mmfile.files.FileId;
import io.mmfile.files.volume.VolumeBlobStore;
import io.mmfile.platform.DataVolume;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * CPU per upload of a durable store alone, without HTTP, parsing or SQL: one thread writes uploads of
 * SIZE bytes in 64 KiB chunks (each a join of four 16 KiB slices, the shape the storage verticle gets)
 * and commits them, and its own CPU time (user + system, so the kernel's share of the writes too) is
 * divided by the uploads. A thread's CPU time moves much less than throughput on a shared machine.
 *
 * <p>Usage (from the repository, after {@code mvn package}):
 * {@code java -cp target/mmfile.jar bench/tools/StoreCost.java DIR disk|volume SIZE SECONDS [STAGE_BYTES]}
 */
public final class StoreCost {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String kind = args[1];
    int size = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    long stage = args.length > 4 ? Long.parseLong(args[4]) : 2L << 20;
    Files.createDirectories(dir);
    Vertx vertx = Vertx.vertx();
    DataVolume volume = new DataVolume(vertx, dir, 0);
    BlobStore store = kind.equals("disk") ? new DiskBlobStore(vertx, dir.resolve("files"), volume)
      : VolumeBlobStore.open(vertx, dir.resolve("volumes"), new MmfileConfig.Volumes(1L << 30, 8, stage, 50, 3600, 0),
        MmfileConfig.Fsync.NONE, 2, volume);
    byte[] content = new byte[size];
    new Random(1).nextBytes(content);
    var threads = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 2; round++) { // the first round warms the JIT up
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      long cpu0 = threads.getCurrentThreadCpuTime();
      int n = 0;
      while (System.nanoTime() < end) {
        BlobStore.BlobWriter w = store.create(FileId.next());
        for (int at = 0; at < size; at += 65536) {
          List<Buffer> slices = new ArrayList<>();
          for (int s = at; s < Math.min(size, at + 65536); s += 16384) {
            int len = Math.min(16384, size - s);
            slices.add(Buffer.buffer(len).appendBytes(content, s, len));
          }
          w.write(BufferSlices.join(slices)).toCompletionStage().toCompletableFuture().join();
        }
        w.commit(0).toCompletionStage().toCompletableFuture().join();
        n++;
      }
      long cpu = threads.getCurrentThreadCpuTime() - cpu0;
      if (round == 1) {
        System.out.printf("%s size=%d stage=%d: %d uploads, %.0f us CPU per upload, load %s%n", kind, size, stage, n,
          cpu / 1000.0 / n, Files.readString(Path.of("/proc/loadavg")).trim());
      }
    }
    store.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
