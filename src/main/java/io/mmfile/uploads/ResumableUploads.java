package io.mmfile.uploads;

import io.mmfile.files.BufferSlices;
import io.mmfile.files.CommitRequest;
import io.mmfile.files.FileExpiry;
import io.mmfile.files.FileIntake;
import io.mmfile.files.FileRecord;
import io.mmfile.files.ImageProbe;
import io.mmfile.files.StoreKind;
import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Resumable uploads (the engine behind tus at {@code /api/v1/uploads}; docs/architecture.md,
 * "Resumable uploads"). An upload is a row in SQL ({@link ResumableUploadRepository}) and a part file
 * {@code data.dir/uploads/<id>.part} on the node that created it. A PATCH's bytes are appended to the
 * part file with backpressure ({@link PartWriter}), fsynced, and only then is the row's offset moved:
 * the offset in SQL is the truth, and bytes past it in the file never count (the next PATCH cuts them
 * off). A PATCH cut off mid-body keeps what arrived (fsynced, then counted), unless it carried a
 * checksum, which cannot be checked on part of a body: then nothing of it counts. Once the offset
 * reaches the length, the part file is streamed into the storage verticles like any upload
 * ({@link FileIntake}: size, SHA-256, image check, durable store, file record), the row notes the file
 * id, and the part file is deleted.
 *
 * <p>One request at a time per upload: a PATCH, a termination or a commit holds the upload's claim on
 * this node; a second request meanwhile is refused as locked, unless the first one's client is already
 * gone, in which case it waits for that one to settle (a client that lost its connection resumes at
 * once, often before the server has finished with the cut request).
 */
public final class ResumableUploads {
  private static final Logger LOG = LoggerFactory.getLogger(ResumableUploads.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int SWEEP_BATCH = 500;
  /** How long a request waits for a cut request on the same upload to settle. */
  private static final long SETTLE_WAIT_MS = 10_000;

  private final Vertx vertx;
  private final ResumableUploadRepository repository;
  private final FileIntake intake;
  private final FileExpiry files;
  private final MmfileConfig.Upload limits;
  private final long expireAfterMs;
  private final String node;
  private final Path dir;
  private final ConcurrentHashMap<String, Claim> claims = new ConcurrentHashMap<>();
  private boolean sweeping;

  /**
   * {@code files} deletes a file that was committed when the upload it came from could not note it;
   * {@code node} names this node in the rows it creates; {@code dir} holds the part files.
   */
  public ResumableUploads(Vertx vertx, ResumableUploadRepository repository, FileIntake intake, FileExpiry files,
                          MmfileConfig.Upload limits, MmfileConfig.Resumable config, String node, Path dir) {
    this.vertx = vertx;
    this.repository = repository;
    this.intake = intake;
    this.files = files;
    this.limits = limits;
    this.expireAfterMs = config.expireAfterSeconds() * 1000L;
    this.node = node;
    this.dir = dir;
  }

  /** The largest upload accepted ({@code upload.max-bytes}, as for every upload). */
  public long maxBytes() {
    return limits.maxBytes();
  }

  /**
   * Prepares the part-file directory and deletes part files that no incomplete upload of this node
   * names (a process killed between creating one and inserting its row). Blocking parts run on a worker.
   */
  public Future<Void> start() {
    return vertx.executeBlocking(() -> Files.createDirectories(dir), false)
      .compose(v -> repository.incompleteOn(node))
      .compose(ids -> vertx.executeBlocking(() -> {
        Set<String> known = new HashSet<>(ids);
        try (Stream<Path> files = Files.list(dir)) {
          for (Path file : files.toList()) {
            String name = file.getFileName().toString();
            if (name.endsWith(".part") && !known.contains(name.substring(0, name.length() - 5))) {
              Files.deleteIfExists(file);
            }
          }
        }
        return null;
      }, false));
  }

  /** Creates an upload of {@code length} bytes for {@code owner}, with an empty part file. */
  public Future<ResumableUpload> create(UploadOwner owner, long length, UploadMetadata metadata) {
    if (length > limits.maxBytes()) {
      return Future.failedFuture(new ResumableFailure(ResumableFailure.Reason.TOO_LARGE,
        "Upload-Length " + length + " is larger than the largest upload accepted, " + limits.maxBytes()));
    }
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    long now = System.currentTimeMillis();
    ResumableUpload upload = new ResumableUpload(HexFormat.of().formatHex(random), owner.accountId(),
      owner.appKey(), node, length, 0, metadata.header(), now, now + expireAfterMs, null);
    Path part = partOf(upload.id());
    return vertx.executeBlocking(() -> Files.createFile(part), false)
      .recover(t -> Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "could not create the upload's file", t)))
      .compose(v -> repository.insert(upload)
        .recover(t -> deletePart(upload.id()).transform(ignored -> Future.failedFuture(t))))
      .map(upload);
  }

  /** The upload as SQL holds it, if it is the caller's and still live; waits for a cut request to settle. */
  public Future<ResumableUpload> status(UploadOwner owner, String id) {
    return settled(id).compose(v -> live(owner, id));
  }

  /**
   * Appends the bytes of {@code body} at {@code offset}. {@code checksum}: the algorithm and digest
   * the client sent, or null. {@code signedSha256}: the SHA-256 an app key's signature says the body
   * has, or null; checked like a checksum, but a mismatch is a bad signature. {@code declaredLength}: the request's Content-Length, or -1. The result
   * is the upload after this request ({@link ResumableUpload#complete()} when it became a file); a
   * request cut off mid-body completes too (with what counted), and nobody may be there to answer.
   * {@code clientGone} completes when the request's connection closes, which may be before this
   * request reads its body (or even before it holds the upload): then the body is cut off at once.
   */
  public Future<ResumableUpload> append(UploadOwner owner, String id, long offset, Checksum checksum,
                                        byte[] signedSha256, ReadStream<Buffer> body, long declaredLength,
                                        Future<Void> clientGone) {
    body.pause();
    return claim(id).compose(claim -> {
      LOG.debug("upload {}: PATCH at {} holds the upload", id, offset);
      clientGone.onComplete(v -> claim.bodyGone = true);
      return live(owner, id)
      .compose(upload -> {
        if (upload.complete()) {
          if (offset != upload.length()) {
            return Future.failedFuture(mismatch(upload, offset));
          }
          return Future.succeededFuture(upload);
        }
        if (!node.equals(upload.node())) {
          return Future.failedFuture(new ResumableFailure(ResumableFailure.Reason.ELSEWHERE,
            "the upload's bytes are on node " + upload.node()));
        }
        if (offset != upload.offset()) {
          return Future.failedFuture(mismatch(upload, offset));
        }
        if (declaredLength > upload.length() - offset) {
          return Future.failedFuture(new ResumableFailure(ResumableFailure.Reason.TOO_LARGE,
            "the request's " + declaredLength + " bytes would pass the upload's length, " + upload.length()));
        }
        if (upload.offset() == upload.length()) {
          // every byte is in, but the commit did not happen (it failed, or the node died before it)
          return commit(upload);
        }
        return new Append(upload, checksum, signedSha256, body, claim, clientGone).run()
          .compose(after -> after.offset() == after.length() ? commit(after) : Future.succeededFuture(after));
      })
      .onComplete(ar -> release(id, claim));
    });
  }

  /** Terminates the upload: its bytes and its row are deleted (a finished upload's file stays). */
  public Future<Void> terminate(UploadOwner owner, String id) {
    return claim(id).compose(claim -> live(owner, id)
      .compose(upload -> !upload.complete() && !node.equals(upload.node())
        ? Future.<Void>failedFuture(new ResumableFailure(ResumableFailure.Reason.ELSEWHERE,
          "the upload's bytes are on node " + upload.node()))
        : deletePart(id).compose(v -> repository.delete(id)))
      .onComplete(ar -> release(id, claim)));
  }

  /** Reclaims up to one batch of this node's expired uploads: their part files, then their rows. */
  public Future<Integer> sweep() {
    if (sweeping) {
      return Future.succeededFuture(0);
    }
    sweeping = true;
    return repository.expired(node, System.currentTimeMillis(), SWEEP_BATCH)
      .compose(expired -> {
        Future<Void> chain = Future.succeededFuture();
        int[] reclaimed = new int[1];
        for (ResumableUpload upload : expired) {
          chain = chain.compose(v -> reclaim(upload).map(done -> {
            if (done) {
              reclaimed[0]++;
            }
            return null;
          }));
        }
        return chain.map(v -> reclaimed[0]);
      })
      .onComplete(ar -> sweeping = false);
  }

  /** The part file of upload {@code id}. */
  public Path partOf(String id) {
    return dir.resolve(id + ".part");
  }

  private Future<Boolean> reclaim(ResumableUpload upload) {
    Claim claim = new Claim();
    if (claims.putIfAbsent(upload.id(), claim) != null) {
      return Future.succeededFuture(false); // a request is on it; the next sweep looks again
    }
    return deletePart(upload.id()).compose(v -> repository.delete(upload.id()))
      .map(true)
      .recover(t -> {
        LOG.warn("could not reclaim upload {}: {}", upload.id(), t.getMessage());
        return Future.succeededFuture(false);
      })
      .onComplete(ar -> release(upload.id(), claim));
  }

  private Future<ResumableUpload> live(UploadOwner owner, String id) {
    return repository.find(id).compose(found -> {
      if (found.isEmpty() || !found.get().ownedBy(owner)) {
        return Future.failedFuture(new ResumableFailure(ResumableFailure.Reason.NOT_FOUND, "no such upload"));
      }
      ResumableUpload upload = found.get();
      if (upload.expired(System.currentTimeMillis())) {
        return Future.failedFuture(new ResumableFailure(ResumableFailure.Reason.GONE, "the upload expired"));
      }
      return Future.succeededFuture(upload);
    });
  }

  private static ResumableFailure mismatch(ResumableUpload upload, long offset) {
    return new ResumableFailure(ResumableFailure.Reason.OFFSET_MISMATCH,
      "Upload-Offset is " + offset + ", the upload's offset is " + (upload.complete() ? upload.length() : upload.offset()));
  }

  /**
   * The finished upload becomes a file through the same path as every upload: the part file streamed
   * into a storage session, which checks the length and (when the metadata claims or asks for one) the
   * image type, commits to the durable store and inserts the record. Then the row notes the file and the
   * part file goes. A refused file (not an image) ends the upload: its bytes and row are deleted. A
   * store that failed leaves the upload as it was, for a later PATCH at its length to commit again.
   */
  private Future<ResumableUpload> commit(ResumableUpload upload) {
    UploadMetadata metadata = UploadMetadata.parse(upload.metadata());
    String filename = metadata.get("filename").orElse(null);
    String filetype = metadata.get("filetype").orElse(null);
    boolean requireImage = metadata.asksForImage() || ImageProbe.claimsImage(filetype, filename);
    CommitRequest request = new CommitRequest(upload.appKey(), upload.length(), 0, StoreKind.DURABLE, requireImage,
      upload.accountId(), filename, filetype == null ? "application/octet-stream" : filetype, extension(filename));
    return intake.stage(StoreKind.DURABLE)
      .compose(staged -> copyInto(partOf(upload.id()), staged).compose(v -> staged.commit(request)))
      .compose(record -> repository.complete(upload.id(), record.fileId(), System.currentTimeMillis() + expireAfterMs)
        .recover(t -> forgetFile(record).transform(ignored -> Future.failedFuture(t)))
        .compose(marked -> marked ? Future.succeededFuture(upload.withFile(record.fileId()))
          : forgetFile(record).transform(ignored -> Future.failedFuture(
            new ResumableFailure(ResumableFailure.Reason.GONE, "the upload was terminated")))))
      .compose(done -> deletePart(upload.id()).recover(t -> {
        LOG.warn("could not delete the part file of finished upload {}: {}", upload.id(), t.getMessage());
        return Future.succeededFuture();
      }).map(done))
      .recover(t -> {
        Failure failure = t instanceof Failure f ? f : null;
        if (failure != null && (failure.kind() == Failure.Kind.UNSUPPORTED_CONTENT
          || failure.kind() == Failure.Kind.INVALID_PARAMETER)) {
          return deletePart(upload.id()).compose(v -> repository.delete(upload.id()))
            .transform(ignored -> Future.failedFuture(t));
        }
        return Future.failedFuture(t);
      });
  }

  private Future<Void> forgetFile(FileRecord record) {
    return files.reclaim(record).recover(t -> {
      LOG.warn("could not delete file {} of an upload that did not finish: {}", record.fileId(), t.getMessage());
      return Future.succeededFuture();
    });
  }

  /** Streams {@code part} into {@code staged} under its credit window (the file pauses while the window is full). */
  private Future<Void> copyInto(Path part, FileIntake.Staged staged) {
    return vertx.fileSystem().open(part.toString(), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
      .recover(t -> {
        staged.abort();
        return Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "could not read the upload's bytes", t));
      })
      .compose(file -> {
        file.setReadBufferSize(limits.chunkBytes());
        Promise<Void> done = Promise.promise();
        // the window may reopen after the file was read to its end and closed
        staged.drainHandler(v -> {
          if (!done.future().isComplete()) {
            file.resume();
          }
        });
        file.handler(data -> {
          staged.write(data);
          if (staged.full()) {
            file.pause();
          }
        });
        file.exceptionHandler(t -> {
          staged.abort();
          done.tryFail(Failure.of(Failure.Kind.STORE_FAILED, "could not read the upload's bytes", t));
        });
        file.endHandler(v -> {
          staged.end();
          done.tryComplete();
        });
        staged.received().onFailure(t -> {
          file.pause();
          done.tryFail(t);
        });
        return done.future().eventually(file::close);
      });
  }

  private Future<Void> deletePart(String id) {
    Path part = partOf(id);
    return vertx.executeBlocking(() -> {
      Files.deleteIfExists(part);
      return null;
    }, false);
  }

  private static String extension(String name) {
    if (name == null) {
      return "";
    }
    int dot = name.lastIndexOf('.');
    return dot < 0 || dot == name.length() - 1 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  // ---- one request at a time per upload

  /** A request's hold on an upload; {@code bodyGone} once its client went away, {@code done} when it settled. */
  private static final class Claim {
    final Promise<Void> done = Promise.promise();
    /** Completed when a newer request wants the upload: a PATCH still reading stops there. */
    final Promise<Void> interrupt = Promise.promise();
    volatile boolean bodyGone;
  }

  /**
   * The upload for this request. A PATCH still reading another body is interrupted, as tusd does: what
   * it received counts, and this request goes on once it settled. A client that comes back is the same
   * client, whose earlier connection the server may not have seen close yet (a close that arrives while
   * a request is paused, during its checks, can go unnoticed until its idle timeout). A commit or a
   * termination is waited for; past {@link #SETTLE_WAIT_MS} the request is refused as locked.
   */
  private Future<Claim> claim(String id) {
    Claim mine = new Claim();
    Claim held = claims.putIfAbsent(id, mine);
    if (held == null) {
      return Future.succeededFuture(mine);
    }
    held.interrupt.tryComplete();
    return waitFor(held).compose(v -> claim(id));
  }

  private Future<Void> settled(String id) {
    Claim held = claims.get(id);
    return held == null || !held.bodyGone ? Future.succeededFuture() : waitFor(held);
  }

  /** Waits, on the caller's context, for a request whose client is gone to settle. */
  private Future<Void> waitFor(Claim held) {
    Context context = vertx.getOrCreateContext();
    Promise<Void> woken = Promise.promise();
    held.done.future().onComplete(ar -> context.runOnContext(v -> woken.tryComplete()));
    return woken.future().timeout(SETTLE_WAIT_MS, TimeUnit.MILLISECONDS)
      .recover(t -> Future.failedFuture(new ResumableFailure(ResumableFailure.Reason.LOCKED,
        "an earlier request on this upload has not settled yet")));
  }

  private void release(String id, Claim claim) {
    claims.remove(id, claim);
    claim.done.tryComplete();
  }

  // ---- one PATCH body

  /** The algorithm and digest of an {@code Upload-Checksum} header. */
  public record Checksum(String algorithm, byte[] digest) {
    /** The JDK's name of a tus algorithm this server takes, or null. */
    public static String jdkName(String tusName) {
      return switch (tusName) {
        case "sha256" -> "SHA-256";
        case "sha1" -> "SHA-1";
        default -> null;
      };
    }
  }

  /** Streams one PATCH body into the part file. Runs on the request's context. */
  private final class Append {
    private final ResumableUpload upload;
    private final Checksum checksum;
    private final MessageDigest digest;
    private final byte[] signedSha256;
    private final MessageDigest signedDigest;
    private final ReadStream<Buffer> body;
    private final Claim claim;
    private final Future<Void> clientGone;
    private final Promise<Boolean> ended = Promise.promise();
    private PartWriter writer;
    private long received;
    private boolean tooLarge;
    private boolean interrupted;
    private long lastDataMs;
    private boolean pausedByUs;

    Append(ResumableUpload upload, Checksum checksum, byte[] signedSha256, ReadStream<Buffer> body, Claim claim,
           Future<Void> clientGone) {
      this.clientGone = clientGone;
      this.signedSha256 = signedSha256;
      this.upload = upload;
      this.checksum = checksum;
      this.body = body;
      this.claim = claim;
      try {
        this.digest = checksum == null ? null : MessageDigest.getInstance(Checksum.jdkName(checksum.algorithm()));
        this.signedDigest = signedSha256 == null ? null : MessageDigest.getInstance("SHA-256");
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-1 and SHA-256 are part of every JDK", e);
      }
    }

    Future<ResumableUpload> run() {
      return PartWriter.open(vertx, partOf(upload.id()), upload.offset(), limits.chunkBytes() * limits.windowChunks())
        .recover(t -> t instanceof ResumableFailure gone
          ? repository.delete(upload.id()).transform(ignored -> Future.failedFuture(gone))
          : Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "could not open the upload's file", t)))
        .compose(w -> {
          writer = w;
          return read();
        })
        .compose(this::settle)
        .eventually(() -> writer == null ? Future.succeededFuture() : writer.close());
    }

    /** Reads the body; completes with true when it ended, false when it was cut off (or went silent). */
    private Future<Boolean> read() {
      writer.drainHandler(v -> {
        if (pausedByUs) {
          pausedByUs = false;
          lastDataMs = System.currentTimeMillis();
          body.resume();
        }
      });
      body.handler(this::onData);
      body.exceptionHandler(t -> {
        LOG.debug("upload {}: body cut off after {} bytes: {}", upload.id(), received, t.toString());
        claim.bodyGone = true;
        ended.tryComplete(false);
      });
      body.endHandler(v -> {
        LOG.debug("upload {}: body of {} bytes ended", upload.id(), received);
        ended.tryComplete(true);
      });
      if (body instanceof io.vertx.core.http.HttpServerRequest request && request.isEnded()) {
        ended.tryComplete(true);
      }
      claim.interrupt.future().onComplete(v -> {
        if (ended.tryComplete(false)) {
          LOG.debug("upload {}: interrupted by a newer request after {} bytes", upload.id(), received);
          interrupted = true;
        }
      });
      // a close seen before the handlers above were set reached nobody: this says it again
      clientGone.onComplete(v -> {
        if (!ended.future().isComplete()) {
          LOG.debug("upload {}: connection closed after {} bytes", upload.id(), received);
        }
        ended.tryComplete(false);
      });
      lastDataMs = System.currentTimeMillis();
      LOG.debug("upload {}: reading the body from {}", upload.id(), upload.offset());
      long idleMs = limits.idleTimeoutSeconds() * 1000L;
      long timer = vertx.setPeriodic(Math.max(50, idleMs / 4), id -> {
        if (!pausedByUs && System.currentTimeMillis() - lastDataMs > idleMs) {
          LOG.debug("upload {}: body silent for {} ms after {} bytes", upload.id(), idleMs, received);
          claim.bodyGone = true;
          ended.tryComplete(false);
        }
      });
      body.resume();
      return ended.future().onComplete(ar -> vertx.cancelTimer(timer));
    }

    private void onData(Buffer data) {
      lastDataMs = System.currentTimeMillis();
      if (ended.future().isComplete()) {
        return;
      }
      received += data.length();
      if (upload.offset() + received > upload.length()) {
        tooLarge = true;
        ended.tryComplete(false);
        return;
      }
      if (digest != null) {
        for (java.nio.ByteBuffer bytes : BufferSlices.nio(data)) {
          digest.update(bytes);
        }
      }
      if (signedDigest != null) {
        for (java.nio.ByteBuffer bytes : BufferSlices.nio(data)) {
          signedDigest.update(bytes);
        }
      }
      if (writer.write(data)) {
        pausedByUs = true;
        body.pause();
      }
    }

    /** What of the body counts: all of it, the bytes that arrived before a cut, or nothing. */
    private Future<ResumableUpload> settle(boolean complete) {
      return writer.sync().compose(written -> {
        ResumableFailure refusal = null;
        if (tooLarge) {
          refusal = new ResumableFailure(ResumableFailure.Reason.TOO_LARGE,
            "the request's bytes pass the upload's length, " + upload.length());
        } else if (checksum != null && complete && !MessageDigest.isEqual(digest.digest(), checksum.digest())) {
          refusal = new ResumableFailure(ResumableFailure.Reason.CHECKSUM_MISMATCH,
            "the request's bytes do not match its Upload-Checksum");
        } else if (checksum != null && !complete) {
          refusal = new ResumableFailure(ResumableFailure.Reason.CHECKSUM_MISMATCH,
            "the request was cut off before its end; its checksum cannot be checked");
        }
        RuntimeException why = refusal;
        if (why == null && signedDigest != null && (!complete || !MessageDigest.isEqual(signedDigest.digest(), signedSha256))) {
          why = Failure.of(Failure.Kind.BAD_SIGNATURE, "the body does not match the hash its signature covers");
        }
        if (why != null) {
          RuntimeException refused = why;
          return writer.truncate(upload.offset()).transform(ignored -> Future.failedFuture(refused));
        }
        Future<ResumableUpload> after;
        if (written == 0) {
          after = Future.succeededFuture(upload);
        } else {
          long offset = upload.offset() + written;
          long expires = System.currentTimeMillis() + expireAfterMs;
          after = repository.advance(upload.id(), upload.offset(), offset, expires).compose(moved -> moved
            ? Future.succeededFuture(upload.withOffset(offset, expires))
            : Future.failedFuture(new ResumableFailure(ResumableFailure.Reason.GONE, "the upload was terminated")));
        }
        return !interrupted ? after : after.compose(counted -> Future.failedFuture(new ResumableFailure(
          ResumableFailure.Reason.INTERRUPTED, "a newer request on this upload took over; the bytes up to "
          + counted.offset() + " count")));
      });
    }
  }

  /** Rows in the uploads table, of every node (for tests and the console). */
  public Future<Long> rows() {
    return repository.count();
  }
}
