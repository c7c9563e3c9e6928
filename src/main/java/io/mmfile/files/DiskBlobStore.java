package io.mmfile.files;

import io.mmfile.platform.DataVolume;
import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The durable store on a local volume: {@code <root>/<xy>/<fileId>}, fanned out over 256 directories
 * (see {@link #fanOut}), all created at start so that storing a file creates one inode, not three. A
 * blob is written to {@code <root>/<xy>/<fileId>.part} and renamed into place on commit, so a reader
 * never sees half a file.
 *
 * <p>While the data volume is under its free-space floor ({@link DataVolume}) writers refuse to write,
 * and a write the volume cannot take (a full disk) fails the upload; both are store failures, named
 * with the store and the free space left.
 *
 * <p>Writers do blocking file I/O: they are driven only by {@link StorageVerticle}, a worker verticle.
 * Reads and deletes are asynchronous and safe on an event loop.
 */
public final class DiskBlobStore implements BlobStore {
  private static final int TRANSFER_BLOCK = 256 * 1024;

  private final Vertx vertx;
  private final Path root;
  private final DataVolume volume;

  public DiskBlobStore(Vertx vertx, Path root, DataVolume volume) {
    this.vertx = vertx;
    this.root = root.toAbsolutePath();
    this.volume = volume;
    try {
      for (int i = 0; i < 256; i++) {
        Files.createDirectories(this.root.resolve(String.format("%02x", i)));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the file store at " + this.root + ": " + e.getMessage(), e);
    }
    removeLeftovers();
  }

  /**
   * The id's 7th and 8th hex digits: the low byte of a time-based id's timestamp, which differs between
   * uploads that run at the same moment, so concurrent uploads land in different directories and do not
   * queue on one directory's lock. (The first digits change only every 1.7 s.)
   */
  static String fanOut(String fileId) {
    return fileId.substring(6, 8);
  }

  public Path pathOf(String fileId) {
    return root.resolve(fanOut(fileId)).resolve(fileId);
  }

  /** Any two uploads of the same bytes may share a file, whatever their lifetimes. */
  @Override
  public String permanentDedupClass() {
    return "disk";
  }

  @Override
  public BlobWriter create(String fileId) {
    return new DiskWriter(fileId);
  }

  /**
   * Answers the path without touching the disk: serving a file costs no extra round trip to a worker
   * thread. A file that is gone shows when it is opened, and the reader answers 404 then.
   */
  @Override
  public Future<Optional<BlobContent>> read(String fileId, long offset, long length) {
    return Future.succeededFuture(Optional.of(new OnDisk(pathOf(fileId))));
  }


  @Override
  public Future<Void> delete(String fileId) {
    return vertx.fileSystem().delete(pathOf(fileId).toString())
      .recover(t -> t instanceof io.vertx.core.file.FileSystemException && t.getCause() instanceof NoSuchFileException
        ? Future.succeededFuture()
        : Future.failedFuture(Failure.wrap(t, Failure.Kind.STORE_FAILED)));
  }

  /** Read now, not at the volume's last check: for the message of a write that failed. */
  private long usableSpace() {
    try {
      return Files.getFileStore(root).getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Partial files of a previous run (a crash or a kill -9) are never committed: drop them. */
  private void removeLeftovers() {
    for (int i = 0; i < 256; i++) {
      Path dir = root.resolve(String.format("%02x", i));
      try (var parts = Files.newDirectoryStream(dir, "*.part")) {
        for (Path part : parts) {
          Files.deleteIfExists(part);
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot clean " + dir + ": " + e.getMessage(), e);
      }
    }
  }

  private final class DiskWriter implements BlobWriter {
    private final String fileId;
    private final Path part;
    private FileChannel channel;

    DiskWriter(String fileId) {
      this.fileId = fileId;
      // Staged beside its final place, so that the commit renames within one directory.
      this.part = pathOf(fileId).resolveSibling(fileId + ".part");
    }

    @Override
    public Future<Void> write(Buffer chunk) {
      Failure refused = volume.refusal("durable store " + root);
      if (refused != null) {
        return Future.failedFuture(refused);
      }
      try {
        // a gathering write straight from the network buffers the chunk is made of
        ByteBuffer[] bytes = BufferSlices.nio(chunk);
        FileChannel ch = channel();
        long left = chunk.length();
        while (left > 0) {
          left -= ch.write(bytes);
        }
        return Future.succeededFuture();
      } catch (IOException e) {
        return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "durable store " + root + ": write " + part
          + " failed: " + e.getMessage() + " (" + usableSpace() + " bytes free)", e));
      }
    }

    @Override
    public Future<Void> commit(long ttlMs) {
      try {
        channel().close();
        Files.move(part, pathOf(fileId), StandardCopyOption.ATOMIC_MOVE);
        return Future.succeededFuture();
      } catch (IOException e) {
        abort();
        return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "commit " + fileId + ": " + e.getMessage(), e));
      }
    }

    @Override
    public String dedupClass() {
      return permanentDedupClass();
    }

    @Override
    public Future<Void> abort() {
      try {
        if (channel != null) {
          channel.close();
        }
        Files.deleteIfExists(part);
        return Future.succeededFuture();
      } catch (IOException e) {
        return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "abort " + fileId + ": " + e.getMessage(), e));
      }
    }

    @Override
    public Future<BlobWriter> transferTo(BlobWriter target) {
      FileChannel in;
      try {
        channel().close();
        in = FileChannel.open(part, StandardOpenOption.READ);
      } catch (IOException e) {
        abort();
        return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "stage " + fileId + ": " + e.getMessage(), e));
      }
      return copy(in, target, ByteBuffer.allocate(TRANSFER_BLOCK))
        .eventually(() -> {
          try {
            in.close();
          } catch (IOException ignored) {
            // the part file is deleted next; nothing more to release
          }
          return abort();
        })
        .map(target);
    }

    /** One block at a time, the next read only after the target took the previous block. */
    private Future<Void> copy(FileChannel in, BlobWriter target, ByteBuffer block) {
      try {
        block.clear();
        if (in.read(block) <= 0) {
          return Future.succeededFuture();
        }
        block.flip();
        Buffer chunk = Buffer.buffer(block.remaining()).appendBytes(block.array(), 0, block.limit());
        return target.write(chunk).compose(v -> copy(in, target, block));
      } catch (IOException e) {
        return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "stage " + fileId + ": " + e.getMessage(), e));
      }
    }

    private FileChannel channel() throws IOException {
      if (channel == null) {
        try {
          channel = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
          throw new IOException("a part file for " + fileId + " already exists", e);
        }
      }
      return channel;
    }
  }
}
