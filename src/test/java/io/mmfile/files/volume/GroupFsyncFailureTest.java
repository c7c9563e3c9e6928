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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;

import static io.mmfile.files.volume.VolumeBlobStoreTest.await;
import static io.mmfile.files.volume.VolumeBlobStoreTest.bytes;
import static io.mmfile.files.volume.VolumeBlobStoreTest.get;
import static io.mmfile.files.volume.VolumeBlobStoreTest.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Group fsync when the disk fails it. The volume's data file is closed under the store between an
 * upload's write and its group fsync (whose window is long enough for that), so the fsync fails as it
 * would on an I/O error.
 */
class GroupFsyncFailureTest {
  private static final int WINDOW_MS = 3000;

  @TempDir
  Path dir;
  Vertx vertx;
  VolumeBlobStore store;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    if (store != null) {
      store.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  VolumeBlobStore open() {
    // one writable volume: a failed volume that stayed on the writable list would hold up every commit
    return VolumeBlobStore.open(vertx, dir, new MmfileConfig.Volumes(1 << 30, 1, 64 * 1024, 50, 3600, 0),
      MmfileConfig.Fsync.GROUP, WINDOW_MS, new DataVolume(vertx, dir, 0));
  }

  /** Writes and commits an upload whose group fsync fails: the data file is closed while the fsync waits. */
  private Future<Void> uploadWhoseFsyncFails(String id, byte[] content) throws IOException {
    BlobStore.BlobWriter w = store.create(id);
    await(w.write(Buffer.buffer(content)));
    Future<Void> committed = w.commit(0); // the record is written; the fsync waits for the window
    store.volume(1).channel().close();
    return committed;
  }

  @Test
  void anUploadWhoseFsyncFailedIsRefusedAndNeverComesBack() throws IOException {
    store = open();
    String kept = put(store, bytes(1000, 1), 0);
    String failed = FileId.next();

    Future<Void> committed = uploadWhoseFsyncFails(failed, bytes(2000, 2));
    assertThatThrownBy(() -> await(committed)).isInstanceOf(CompletionException.class)
      .cause().isInstanceOf(Failure.class).hasMessageContaining("fsync failed");
    assertThat(get(store, failed, 2000)).isNull();

    store.close();
    store = open();
    assertThat(get(store, kept, 1000)).isEqualTo(bytes(1000, 1));
    assertThat(get(store, failed, 2000)).as("written off by its tombstone").isNull();
    assertThat(store.fileIds()).containsExactly(kept);
  }

  @Test
  void theNextUploadsGoToANewVolume() throws IOException {
    store = open();
    put(store, bytes(1000, 1), 0);
    Future<Void> committed = uploadWhoseFsyncFails(FileId.next(), bytes(2000, 2));
    assertThatThrownBy(() -> await(committed)).hasMessageContaining("fsync failed");

    String next = put(store, bytes(3000, 3), 0);
    assertThat(get(store, next, 3000)).isEqualTo(bytes(3000, 3));
    assertThat(store.stats().volumes()).isEqualTo(2);
  }
}
