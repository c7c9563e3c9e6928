package io.mmfile.files;

import io.mmfile.auth.AppKey;
import io.mmfile.files.s3.S3BlobStore;
import io.mmfile.files.volume.VolumeBlobStore;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.Multipart;
import io.mmfile.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.mmfile.support.DaokeClient.code;
import static io.mmfile.support.DaokeClient.result;
import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deduplication by content (docs/architecture.md, "Deduplication"): identical bytes uploaded twice are
 * stored once, each upload keeps its own id and record, and the bytes go only with the last file that
 * names them. Runs per backend (the reference counting is SQL) and per durable store (what "stored once"
 * means is counted in the store itself: files on disk, records in the volume index, objects in the bucket).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DedupContract {
  static final Map<String, String> DURABLE = Map.of("isStorage", "true");

  TestServer server;
  DaokeClient client;
  AppKey app;
  FileExpiry expiry;
  /** The URL saveImage answered for each file id. */
  final Map<String, String> urls = new java.util.concurrent.ConcurrentHashMap<>();

  abstract Backend backend();

  /** The durable store under test. */
  abstract JsonObject storeOverrides();

  /** The disk store: a file per upload. */
  static JsonObject diskStore() {
    return new JsonObject().put("storage.durable", "disk");
  }

  @BeforeAll
  void start() {
    server = TestServer.start(backend(), storeOverrides());
    client = new DaokeClient(server.port());
    app = server.newAppKey();
    expiry = new FileExpiry(server.server().stores());
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  // ---------------------------------------------------------------- what the store holds

  /** Copies of bytes the durable store holds: files, live volume records, or objects. */
  long storedCopies() {
    return server.durableFiles().size();
  }

  /** Bytes the durable store holds for live files (the volume store's own count; else the files' sizes). */
  long storedBytes() {
    if (server.server().stores().durable() instanceof VolumeBlobStore volumes) {
      return volumes.stats().liveBytes();
    }
    if (server.server().stores().durable() instanceof S3BlobStore) {
      return -1; // the bucket is counted by objects
    }
    return server.durableFiles().stream().mapToLong(p -> p.toFile().length()).sum();
  }

  FileRecordRepository records() {
    return server.server().stores().records();
  }

  FileRecord record(String fileId) {
    return await(records().find(fileId)).orElseThrow();
  }

  Buffer newImage() {
    return Images.pngOfSize(20_000 + ThreadLocalRandom.current().nextInt(5_000), ThreadLocalRandom.current().nextLong());
  }

  String upload(Buffer bytes, Map<String, String> extra) {
    HttpResponse<Buffer> saved = client.save(app, bytes, extra);
    assertThat(code(saved)).as(saved.bodyAsString()).isEqualTo("0");
    urls.put(result(saved).getString("fileID"), result(saved).getString("url"));
    return result(saved).getString("fileID");
  }

  Future<String> uploadAsync(Buffer bytes) {
    Multipart form = client.form(app, bytes, DURABLE);
    return client.web().post("/dfsapi/v2/saveImage").putHeader("Content-Type", form.contentType())
      .sendBuffer(form.body())
      .map(saved -> {
        if (!"0".equals(code(saved))) {
          throw new IllegalStateException("upload refused: " + saved.bodyAsString());
        }
        urls.put(result(saved).getString("fileID"), result(saved).getString("url"));
        return result(saved).getString("fileID");
      });
  }

  /** GET of the file's URL (daoke gainImage); its bytes, or null when it answered anything but 200. */
  Buffer download(String fileId) {
    HttpResponse<Buffer> got = client.get(urls.get(fileId));
    return got.statusCode() == 200 ? got.body() : null;
  }

  /** Deletes a file as the console and the expiry sweep do. */
  Future<Void> delete(String fileId) {
    Promise<Void> done = Promise.promise();
    server.vertx().runOnContext(v -> records().find(fileId)
      .compose(found -> found.map(expiry::reclaim).orElse(Future.succeededFuture()))
      .onComplete(done));
    return done.future();
  }

  long[] blobTotals() {
    return await(records().blobTotals());
  }

  /**
   * Waits until every duplicate's own copy is gone from the store: an upload is answered once its record
   * is in, and the copy is removed behind it, its garbage row last.
   */
  void duplicatesRemoved() {
    eventually(() -> blobTotals()[2] == 0);
  }

  // ---------------------------------------------------------------- the contract

  @Test
  void twoIdenticalUploadsUseTheSpaceOfOne() {
    Buffer image = newImage();
    long copies = storedCopies();
    long bytes = storedBytes();

    String first = upload(image, DURABLE);
    String second = upload(image, DURABLE);
    duplicatesRemoved();

    assertThat(second).isNotEqualTo(first);
    assertThat(download(first)).isEqualTo(image);
    assertThat(download(second)).isEqualTo(image);
    assertThat(storedCopies()).as("copies in the store").isEqualTo(copies + 1);
    if (bytes >= 0) {
      assertThat(storedBytes()).as("bytes in the store").isEqualTo(bytes + image.length());
    }
    FileRecord a = record(first);
    FileRecord b = record(second);
    assertThat(b.blobKey()).isEqualTo(a.blobKey()).isEqualTo(first);
    assertThat(await(records().references(a.blobKey()))).isEqualTo(2);
    assertThat(b.sha256()).isEqualTo(a.sha256());
  }

  @Test
  void deletingOneKeepsTheOtherByteIdenticalAndDeletingBothReclaimsTheBytes() {
    Buffer image = newImage();
    long copies = storedCopies();
    long[] blobs = blobTotals();
    String first = upload(image, DURABLE);
    String second = upload(image, DURABLE);
    duplicatesRemoved();

    await(delete(first));

    assertThat(download(first)).as("the deleted file").isNull();
    assertThat(download(second)).as("the other file").isEqualTo(image);
    assertThat(storedCopies()).isEqualTo(copies + 1);
    assertThat(await(records().references(first))).isEqualTo(1);

    await(delete(second));

    assertThat(download(second)).isNull();
    assertThat(storedCopies()).as("copies in the store").isEqualTo(copies);
    assertThat(blobTotals()).as("blob rows, references, garbage").containsExactly(blobs[0], blobs[1], blobs[2]);
  }

  @Test
  void theLastFileOfABlobMayBeTheFirstDeletedTheOtherKeepsTheBytes() {
    Buffer image = newImage();
    String first = upload(image, DURABLE);
    String second = upload(image, DURABLE);

    await(delete(second));
    await(delete(first));
    String third = upload(image, DURABLE);

    assertThat(download(third)).isEqualTo(image);
    assertThat(record(third).blobKey()).as("a fresh blob: the old one is gone").isEqualTo(third);
  }

  @Test
  void concurrentIdenticalUploadsRacingADeleteNeverLoseALiveFileAndNeverLeakABlob() {
    long copies = storedCopies();
    long[] blobs = blobTotals();
    for (int round = 0; round < 30; round++) {
      Buffer image = newImage();
      String doomed = upload(image, DURABLE);

      // two more uploads of the same bytes while the first file, for now the blob's only reference, goes
      List<Future<String>> uploads = List.of(uploadAsync(image), uploadAsync(image));
      Future<Void> deleted = delete(doomed);
      List<Future<?>> all = new ArrayList<>(uploads);
      all.add(deleted);
      await(Future.join(all));

      assertThat(deleted.succeeded()).as("round %d: the delete", round).isTrue();
      assertThat(download(doomed)).as("round %d: the deleted file", round).isNull();
      for (Future<String> live : uploads) {
        assertThat(live.succeeded()).as("round %d: an upload (%s)", round, live.cause()).isTrue();
        assertThat(download(live.result())).as("round %d: a live file's bytes", round).isEqualTo(image);
      }
      assertThat(record(uploads.get(0).result()).blobKey()).as("round %d: both name one blob", round)
        .isEqualTo(record(uploads.get(1).result()).blobKey());
      duplicatesRemoved();
      assertThat(storedCopies()).as("round %d: copies in the store", round).isEqualTo(copies + 1);

      await(Future.join(uploads.stream().map(u -> delete(u.result())).toList()));
      assertThat(storedCopies()).as("round %d: copies once all are deleted", round).isEqualTo(copies);
      assertThat(blobTotals()).as("round %d: blob rows, references, garbage", round)
        .containsExactly(blobs[0], blobs[1], blobs[2]);
    }
  }

  @Test
  void concurrentDeletesOfTheFilesOfOneBlobTakeTheBytesExactlyOnce() {
    long copies = storedCopies();
    for (int round = 0; round < 20; round++) {
      Buffer image = newImage();
      List<Future<String>> uploads = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        uploads.add(uploadAsync(image));
      }
      await(Future.all(uploads));
      List<String> ids = uploads.stream().map(Future::result).toList();
      assertThat(ids.stream().map(id -> record(id).blobKey()).distinct()).as("round %d: one blob", round).hasSize(1);
      duplicatesRemoved();
      assertThat(storedCopies()).as("round %d: copies", round).isEqualTo(copies + 1);

      // three of the four go at once; the fourth must keep its bytes
      await(Future.join(ids.subList(0, 3).stream().map(this::delete).toList()));
      assertThat(download(ids.get(3))).as("round %d: the last file", round).isEqualTo(image);
      await(delete(ids.get(3)));
      assertThat(storedCopies()).as("round %d: copies once all are deleted", round).isEqualTo(copies);
    }
  }

  @Test
  void anExpiredFileDropsOnlyItsOwnReference() {
    Buffer image = newImage();
    String forever = upload(image, DURABLE);
    String brief = upload(image, Map.of("isStorage", "true", "cacheTime", "1"));

    eventually(() -> {
      await(expiry.sweep());
      return await(records().find(brief)).isEmpty();
    });

    assertThat(download(forever)).isEqualTo(image);
    assertThat(await(records().references(record(forever).bytesKey()))).isEqualTo(1);
  }

  @Test
  void cacheStoreUploadsAreNotDeduplicated() {
    Buffer image = newImage();
    String first = upload(image, Map.of("isStorage", "false"));
    String second = upload(image, Map.of("isStorage", "false"));

    assertThat(record(first).blobKey()).isNull();
    assertThat(record(second).blobKey()).isNull();
    assertThat(download(second)).isEqualTo(image);
  }
}
