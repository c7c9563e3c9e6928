package io.mmfile.files.s3;

import io.mmfile.files.BlobStore;
import io.mmfile.files.StagedBytes;
import io.mmfile.files.FileRecord;
import io.mmfile.platform.DataVolume;
import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable store in an S3-compatible bucket ({@code storage.durable=s3}): one object per file, so that
 * every node sharing the bucket (and the SQL database) serves every file. Keys are
 * {@code <prefix>files/<fileId>} for files that live forever and {@code <prefix>expiring/<fileId>} for
 * files with a {@code cacheTime}, so that a lifecycle rule on {@code expiring/} can back up the sweep
 * (README, "The S3 store").
 *
 * <p><b>Writing.</b> An upload's length is known only at its commit, so a writer keeps the upload's
 * chunks (the buffers the storage verticle received) until {@code memory-stage-bytes}, past that it
 * spills them to a staging file under {@code data.dir/s3-staging}. The commit sends the file: up to
 * {@code part-bytes} in one PUT, larger as a multipart upload of {@code part-bytes} parts streamed from
 * the staging file. Memory per upload stays at the stage size whatever the file's size. Nothing reaches
 * the bucket before the commit, so an upload cut off while it arrives leaves nothing there; a commit that
 * fails aborts its multipart upload and deletes its key (the key is the upload's own, new id).
 *
 * <p>Writers do blocking file I/O on the staging file: they are driven only by the storage (worker)
 * verticles. Reads and deletes are asynchronous and safe on an event loop; a read streams the object's
 * range back ({@link BlobStore.Streamed}).
 */
public final class S3BlobStore implements BlobStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);
  static final String PERMANENT = "files/";
  static final String EXPIRING = "expiring/";

  private final S3Client client;
  private final MmfileConfig.S3 config;
  private final Path staging;
  private final DataVolume volume;
  private Vertx vertx;
  private long staleTimer = -1;

  private S3BlobStore(S3Client client, MmfileConfig.S3 config, Path staging, DataVolume volume) {
    this.client = client;
    this.config = config;
    this.staging = staging.toAbsolutePath();
    this.volume = volume;
  }

  /** Opens the store and empties its staging directory (uploads of a previous run never committed); blocking. */
  public static S3BlobStore open(Vertx vertx, MmfileConfig.S3 config, Path staging, DataVolume volume) {
    S3BlobStore store = new S3BlobStore(new S3Client(vertx, config), config, staging, volume);
    try {
      Files.createDirectories(store.staging);
      try (var parts = Files.newDirectoryStream(store.staging)) {
        for (Path part : parts) {
          Files.deleteIfExists(part);
        }
      }
    } catch (IOException e) {
      store.close();
      throw new IllegalStateException("cannot prepare the S3 staging directory " + store.staging + ": " + e.getMessage(), e);
    }
    return store;
  }

  public S3Client client() {
    return client;
  }

  /** Endpoint, bucket and prefix, for the log; never a credential. */
  public String describe() {
    return client.describe();
  }

  /** Answers when the bucket answers (readiness). */
  public Future<Void> ping() {
    return client.headBucket();
  }

  /** The object key of a file. */
  public String key(String fileId, boolean expiring) {
    return config.prefix() + (expiring ? EXPIRING : PERMANENT) + fileId;
  }

  /** The file id of an object key of this store, or empty for a key that is not one. */
  public Optional<String> fileIdOf(String key) {
    for (String kind : List.of(PERMANENT, EXPIRING)) {
      String start = config.prefix() + kind;
      if (key.startsWith(start)) {
        return Optional.of(key.substring(start.length()));
      }
    }
    return Optional.empty();
  }

  /**
   * Aborts the multipart uploads under this store's prefix initiated more than {@code olderThan} ago:
   * a node killed during a commit leaves its upload open, and nobody else would finish it. Answers how
   * many were aborted.
   */
  public Future<Integer> abortStaleUploads(Duration olderThan) {
    Instant before = Instant.now().minus(olderThan);
    return client.listMultipartUploads(config.prefix()).compose(uploads -> {
      List<Future<Void>> aborted = new ArrayList<>();
      for (S3Client.MultipartUpload upload : uploads) {
        Instant initiated;
        try {
          initiated = Instant.parse(upload.initiated());
        } catch (DateTimeParseException e) {
          continue; // not ours to judge
        }
        if (initiated.isBefore(before)) {
          LOG.info("aborting multipart upload {} of {}, initiated {} and never finished", upload.uploadId(),
            upload.key(), upload.initiated());
          aborted.add(client.abortMultipartUpload(upload.key(), upload.uploadId()));
        }
      }
      return Future.all(aborted).map(aborted.size());
    });
  }

  /** Runs {@link #abortStaleUploads} now and every {@code storage.s3.abort-uploads-after-minutes}. */
  public S3BlobStore abortStaleUploadsPeriodically(Vertx vertx) {
    if (config.abortUploadsAfterMinutes() > 0) {
      Duration age = Duration.ofMinutes(config.abortUploadsAfterMinutes());
      Runnable sweep = () -> abortStaleUploads(age)
        .onFailure(t -> LOG.warn("could not look for unfinished multipart uploads: {}", t.getMessage()));
      sweep.run();
      staleTimer = vertx.setPeriodic(age.toMillis(), id -> sweep.run());
      this.vertx = vertx;
    }
    return this;
  }

  @Override
  public String permanentDedupClass() {
    return "s3";
  }

  @Override
  public BlobWriter create(String fileId) {
    return new S3Writer(fileId);
  }

  /** A file that lives forever; with its record, {@link #read(FileRecord, long, long)} also finds an expiring one. */
  @Override
  public Future<Optional<BlobContent>> read(String fileId, long offset, long length) {
    return fetch(key(fileId, false), offset, length);
  }

  @Override
  public Future<Optional<BlobContent>> read(FileRecord record, long offset, long length) {
    return fetch(key(record.bytesKey(), record.expiresMs() != null), offset, length);
  }

  private Future<Optional<BlobContent>> fetch(String key, long offset, long length) {
    if (length <= 0) {
      // HEAD, or an empty file: only whether it is there.
      return client.exists(key).map(exists -> exists ? Optional.of(new InMemory(Buffer.buffer())) : Optional.empty());
    }
    return client.get(key, offset, length).map(found -> found.map(response ->
      new Streamed(response, length, () -> response.request().reset())));
  }

  /** Without the record the key's lifetime is unknown: both are deleted. */
  @Override
  public Future<Void> delete(String fileId) {
    return Future.all(client.delete(key(fileId, false)), client.delete(key(fileId, true))).mapEmpty();
  }

  @Override
  public Future<Void> delete(FileRecord record) {
    return client.delete(key(record.bytesKey(), record.expiresMs() != null));
  }

  @Override
  public void close() {
    if (staleTimer >= 0) {
      vertx.cancelTimer(staleTimer);
    }
    client.close();
  }

  /** One upload: chunks held until {@code memory-stage-bytes}, then a staging file; sent at commit. */
  private final class S3Writer implements BlobWriter {
    private final String fileId;
    private final StagedBytes staged;
    private boolean done;
    private boolean permanent;

    S3Writer(String fileId) {
      this.fileId = fileId;
      this.staged = new StagedBytes(staging, fileId, config.memoryStageBytes());
    }

    @Override
    public Future<Void> write(Buffer chunk) {
      if (done) {
        return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "upload " + fileId + " is finished"));
      }
      int n = chunk.length();
      if (n == 0) {
        return Future.succeededFuture();
      }
      if (staged.spillsWith(n)) {
        Failure refused = volume.refusal("S3 store staging " + staging);
        if (refused != null) {
          return Future.failedFuture(refused);
        }
      }
      try {
        staged.append(chunk);
        return Future.succeededFuture();
      } catch (IOException e) {
        return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "stage " + fileId + ": " + e.getMessage(), e));
      }
    }

    @Override
    public Future<Void> commit(long ttlMs) {
      if (done) {
        return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "upload " + fileId + " is finished"));
      }
      done = true;
      permanent = ttlMs == 0;
      String key = key(fileId, ttlMs != 0);
      Map<String, String> headers = ttlMs != 0
        ? Map.of("x-amz-meta-mmfile-expires-ms", Long.toString(System.currentTimeMillis() + ttlMs))
        : Map.of();
      long size = staged.size();
      Path spillPath = staged.stagedPath();
      Future<Void> sent;
      if (spillPath == null) {
        Buffer body = Buffer.buffer((int) size);
        staged.chunks().forEach(body::appendBuffer);
        sent = client.put(key, body, headers);
      } else {
        sent = size <= config.partBytes()
          ? client.put(key, new S3Client.FileRegion(spillPath, 0, size), headers)
          : multipart(key, headers);
      }
      return sent
        // A PUT whose answer was lost may still have stored the object: the key is this upload's alone.
        .recover(t -> client.delete(key).transform(ignored -> Future.<Void>failedFuture(t)))
        .eventually(() -> {
          release();
          return Future.succeededFuture();
        });
    }

    /** Parts of {@code part-bytes} from the staging file, one after the other; aborted on any failure. */
    private Future<Void> multipart(String key, Map<String, String> headers) {
      return client.createMultipartUpload(key, headers).compose(uploadId ->
        parts(key, uploadId, 1, 0, new ArrayList<>())
          .compose(etags -> client.completeMultipartUpload(key, uploadId, etags))
          .recover(t -> client.abortMultipartUpload(key, uploadId)
            .onFailure(a -> LOG.warn("multipart upload {} of {} could not be aborted ({}); the bucket's lifecycle rule"
              + " (AbortIncompleteMultipartUpload) removes its parts", uploadId, key, a.getMessage()))
            .transform(ignored -> Future.<Void>failedFuture(t))));
    }

    private Future<List<String>> parts(String key, String uploadId, int number, long offset, List<String> etags) {
      long size = staged.size();
      if (offset >= size) {
        return Future.succeededFuture(etags);
      }
      long length = Math.min(config.partBytes(), size - offset);
      return client.uploadPart(key, uploadId, number, new S3Client.FileRegion(staged.stagedPath(), offset, length))
        .compose(etag -> {
          etags.add(etag);
          return parts(key, uploadId, number + 1, offset + length, etags);
        });
    }

    /**
     * Only files that live forever share objects: an {@code expiring/} object is deleted by the bucket's
     * lifecycle rule by its age, whatever the lifetime of a later file that would name it.
     */
    @Override
    public String dedupClass() {
      return permanent ? permanentDedupClass() : null;
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
}
