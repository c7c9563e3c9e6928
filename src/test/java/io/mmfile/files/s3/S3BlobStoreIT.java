package io.mmfile.files.s3;

import io.mmfile.files.BlobStore;
import io.mmfile.platform.DataVolume;
import io.mmfile.platform.MmfileConfig;
import io.mmfile.support.S3Proxy;
import io.mmfile.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Random;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The S3 store against a real S3-compatible server (s3proxy): one PUT for small files, multipart
 * uploads for large ones, ranged reads, and failures that leave neither an object nor an unfinished
 * multipart upload in the bucket, checked by listing both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3BlobStoreIT {
  private static final int PART = 5 * 1024 * 1024;
  private Vertx vertx;
  private Path dataDir;
  private String prefix;
  private S3BlobStore store;

  @BeforeAll
  void open() throws Exception {
    vertx = Vertx.vertx();
    dataDir = Files.createTempDirectory("mmfile-s3-store-");
    prefix = S3Proxy.newPrefix();
    DataVolume volume = new DataVolume(vertx, dataDir, 0);
    await(volume.start());
    MmfileConfig.S3 config = S3Proxy.shared().clientConfig(prefix);
    store = S3BlobStore.open(vertx, config, dataDir.resolve("s3-staging"), volume);
  }

  @AfterAll
  void close() {
    for (String key : await(store.client().listKeys(prefix))) {
      await(store.client().delete(key));
    }
    store.close();
    await(vertx.close());
    TestServer.deleteTree(dataDir);
  }

  @Test
  void storesASmallFileInOnePutAndServesARange() {
    Buffer bytes = random(300_000, 1);
    String id = "small" + System.nanoTime();
    write(id, bytes, 64 * 1024);
    assertThat(read(id, 1000, 5000)).isEqualTo(bytes.getBuffer(1000, 6000));
    assertThat(read(id, 0, bytes.length())).isEqualTo(bytes);
  }

  @Test
  void storesALargeFileAsAMultipartUploadAndLeavesNoUploadOpen() {
    Buffer bytes = random(PART + 2 * 1024 * 1024 + 17, 2);
    String id = "large" + System.nanoTime();
    write(id, bytes, 64 * 1024);
    assertThat(read(id, 0, bytes.length())).isEqualTo(bytes);
    assertThat(read(id, PART - 10, 20)).isEqualTo(bytes.getBuffer(PART - 10, PART + 10));
    assertThat(await(store.client().listMultipartUploads(prefix))).isEmpty();
    assertThat(Files.exists(dataDir.resolve("s3-staging").resolve(id + ".part"))).isFalse();
  }

  @Test
  void aMultipartUploadThatFailsMidwayLeavesNoObjectAndNoUpload() throws Exception {
    Buffer bytes = random(PART + 1024 * 1024, 3);
    String id = "broken" + System.nanoTime();
    BlobStore.BlobWriter writer = store.create(id);
    for (int at = 0; at < bytes.length(); at += 64 * 1024) {
      await(writer.write(bytes.getBuffer(at, Math.min(bytes.length(), at + 64 * 1024))));
    }
    // The staging file loses its tail behind the writer's back (a disk fault): the second part cannot be sent.
    try (FileChannel staged = FileChannel.open(dataDir.resolve("s3-staging").resolve(id + ".part"), StandardOpenOption.WRITE)) {
      staged.truncate(PART + 1000);
    }
    assertThatThrownBy(() -> await(writer.commit(0)));
    assertThat(await(store.client().listKeys(prefix))).noneMatch(key -> key.endsWith(id));
    assertThat(await(store.client().listMultipartUploads(prefix))).isEmpty();
    assertThat(Files.exists(dataDir.resolve("s3-staging").resolve(id + ".part"))).isFalse();
  }

  @Test
  void anAbortedUploadSendsNothing() {
    String id = "aborted" + System.nanoTime();
    BlobStore.BlobWriter writer = store.create(id);
    await(writer.write(random(600_000, 4)));
    await(writer.abort());
    assertThat(await(store.client().listKeys(prefix))).noneMatch(key -> key.endsWith(id));
    assertThat(dataDir.resolve("s3-staging").toFile().list()).isEmpty();
  }

  @Test
  void aFileWithALifetimeGoesUnderItsOwnKeyAndIsDeletedWithIt() {
    String id = "expiring" + System.nanoTime();
    BlobStore.BlobWriter writer = store.create(id);
    await(writer.write(random(1000, 5)));
    await(writer.commit(60_000));
    assertThat(await(store.client().listKeys(prefix))).contains(prefix + "expiring/" + id);
    await(store.delete(id));
    assertThat(await(store.client().listKeys(prefix))).noneMatch(key -> key.endsWith(id));
    assertThat(await(store.read(id, 0, 10))).isEmpty();
  }

  @Test
  void aMultipartUploadLeftOpenByAKilledNodeIsAbortedOnceOldEnough() {
    // What a node killed between CreateMultipartUpload and CompleteMultipartUpload leaves behind.
    String key = store.key("killed" + System.nanoTime(), false);
    String uploadId = await(store.client().createMultipartUpload(key, java.util.Map.of()));
    assertThat(await(store.client().listMultipartUploads(prefix))).extracting(S3Client.MultipartUpload::uploadId)
      .contains(uploadId);

    assertThat(await(store.abortStaleUploads(java.time.Duration.ofHours(1)))).as("too young to be abandoned").isZero();
    assertThat(await(store.client().listMultipartUploads(prefix))).extracting(S3Client.MultipartUpload::uploadId)
      .contains(uploadId);

    assertThat(await(store.abortStaleUploads(java.time.Duration.ZERO))).isEqualTo(1);
    assertThat(await(store.client().listMultipartUploads(prefix))).isEmpty();
    assertThat(await(store.client().listKeys(prefix))).doesNotContain(key);
  }

  private void write(String id, Buffer bytes, int chunk) {
    BlobStore.BlobWriter writer = store.create(id);
    for (int at = 0; at < bytes.length(); at += chunk) {
      await(writer.write(bytes.getBuffer(at, Math.min(bytes.length(), at + chunk))));
    }
    await(writer.commit(0));
  }

  private Buffer read(String id, long offset, long length) {
    Optional<BlobStore.BlobContent> content = await(store.read(id, offset, length));
    assertThat(content).isPresent();
    return await(((BlobStore.Streamed) content.get()).collect());
  }

  private static Buffer random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return Buffer.buffer(bytes);
  }
}
