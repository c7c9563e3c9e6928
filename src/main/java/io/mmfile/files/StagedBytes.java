package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.mmfile.files.BlobStore.BlobWriter;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The bytes of one upload for a store that writes them only at commit (the volume and S3 stores):
 * the chunks themselves, as the storage verticle received them, up to a memory limit; past it, all
 * of them in a staging file. Driven by one writer on one context, so not thread-safe.
 *
 * <p>A store may share one {@link Budget} between its uploads: an upload keeps its chunks in memory
 * only while the budget grants them, so a high per-upload limit (which spares a typical upload the
 * staging file: a second write of every byte and an inode created and removed) cannot add up to more
 * than the budget across all uploads at once.
 */
public final class StagedBytes {
  private static final Logger LOG = LoggerFactory.getLogger(StagedBytes.class);
  private static final int TRANSFER_BLOCK = 256 * 1024;

  private final Path stagingDir;
  private final String name;
  private final long memoryLimit;
  private final Budget budget;
  private final List<Buffer> chunks = new ArrayList<>();
  private long size;
  /** Bytes of {@link #chunks}, taken from {@link #budget}. */
  private long held;
  private Path path;
  private FileChannel file;

  /** Stages up to {@code memoryLimit} bytes in memory, then in {@code stagingDir/name.part}. */
  public StagedBytes(Path stagingDir, String name, long memoryLimit) {
    this(stagingDir, name, memoryLimit, Budget.UNLIMITED);
  }

  /** As above, and the chunks held in memory by all uploads sharing {@code budget} stay within it. */
  public StagedBytes(Path stagingDir, String name, long memoryLimit, Budget budget) {
    this.stagingDir = stagingDir;
    this.name = name;
    this.memoryLimit = memoryLimit;
    this.budget = budget;
  }

  /** Bytes that the uploads of one store may hold in memory at once, all together. */
  public static final class Budget {
    static final Budget UNLIMITED = new Budget(Long.MAX_VALUE);
    private final java.util.concurrent.atomic.AtomicLong left;

    public Budget(long bytes) {
      this.left = new java.util.concurrent.atomic.AtomicLong(bytes);
    }

    boolean take(long bytes) {
      if (left.addAndGet(-bytes) >= 0) {
        return true;
      }
      left.addAndGet(bytes);
      return false;
    }

    void give(long bytes) {
      left.addAndGet(bytes);
    }

    /** What is left to grant; for tests. */
    public long left() {
      return left.get();
    }
  }

  /** Whether {@code more} further bytes would be written to the staging file. */
  public boolean spillsWith(long more) {
    return file != null || size + more > memoryLimit;
  }

  /** Adds a chunk: kept while the total stays within the memory limit, else written to the file. */
  public void append(Buffer chunk) throws IOException {
    size += chunk.length();
    if (file == null && size <= memoryLimit && budget.take(chunk.length())) {
      chunks.add(chunk);
      held += chunk.length();
    } else {
      writeFully(file(), chunk);
    }
  }

  private FileChannel file() throws IOException {
    if (file == null) {
      path = stagingDir.resolve(name + ".part");
      file = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
      for (Buffer chunk : chunks) {
        writeFully(file, chunk);
      }
      dropChunks();
    }
    return file;
  }

  public long size() {
    return size;
  }

  /** The staging file, or null while every byte is held in memory. */
  public FileChannel staged() {
    return file;
  }

  /** The staging file's path, or null while every byte is held in memory. */
  public Path stagedPath() {
    return file == null ? null : path;
  }

  /** The chunks held in memory (empty once the bytes went to the staging file). */
  public List<Buffer> chunks() {
    return Collections.unmodifiableList(chunks);
  }

  /** Writes every byte to {@code target}, one block at a time, the next only after the target took the last. */
  public Future<Void> copyTo(BlobWriter target) {
    if (file != null) {
      return copyFile(target, 0);
    }
    Future<Void> chain = Future.succeededFuture();
    for (Buffer chunk : List.copyOf(chunks)) {
      chain = chain.compose(v -> target.write(chunk));
    }
    return chain;
  }

  private Future<Void> copyFile(BlobWriter target, long at) {
    if (at >= size) {
      return Future.succeededFuture();
    }
    try {
      ByteBuffer block = ByteBuffer.allocate((int) Math.min(TRANSFER_BLOCK, size - at));
      int n = file.read(block, at);
      if (n <= 0) {
        return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "staging file of " + name + " ended early"));
      }
      return target.write(Buffer.buffer(block.array()).slice(0, n)).compose(v -> copyFile(target, at + n));
    } catch (IOException e) {
      return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "stage " + name + ": " + e.getMessage(), e));
    }
  }

  /** Drops what is held: the chunks, and the staging file if there is one. */
  public void release() {
    dropChunks();
    if (file != null) {
      try {
        file.close();
        Files.deleteIfExists(path);
      } catch (IOException e) {
        LOG.warn("could not remove staging file {}: {}", path, e.getMessage());
      }
      file = null;
    }
  }

  private void dropChunks() {
    chunks.clear();
    budget.give(held);
    held = 0;
  }

  /** A gathering write of the chunk's slices (the network buffers it was made of), without a copy. */
  private static void writeFully(FileChannel out, Buffer chunk) throws IOException {
    ByteBuffer[] bytes = BufferSlices.nio(chunk);
    long left = chunk.length();
    while (left > 0) {
      left -= out.write(bytes);
    }
  }
}
