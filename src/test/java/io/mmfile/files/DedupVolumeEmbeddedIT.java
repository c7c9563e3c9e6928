package io.mmfile.files;

import io.mmfile.files.volume.VolumeBlobStore;
import io.mmfile.support.Backend;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deduplication on the volume store, embedded: besides the contract, a duplicate's own record is garbage
 * from its upload on and compaction reclaims it, and files with a cacheTime share bytes only within
 * their expiry bucket (a bucket's volumes are dropped whole when it passes).
 */
class DedupVolumeEmbeddedIT extends DedupContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }

  @Override
  JsonObject storeOverrides() {
    return volumeStore();
  }

  static JsonObject volumeStore() {
    return new JsonObject()
      .put("storage.durable", "volume")
      // every volume with garbage is compacted when maintenance runs, and its files go at once
      .put("storage.volume.garbage-threshold-percent", 1)
      .put("storage.volume.retire-grace-seconds", 0)
      // two uploads a moment apart land in one expiry bucket
      .put("storage.volume.expiry-bucket-seconds", 30 * 86400);
  }

  VolumeBlobStore volumes() {
    return (VolumeBlobStore) server.server().stores().durable();
  }

  @Test
  void aDuplicateIsNeverLiveAndCompactionReclaimsItsRecord() {
    Buffer image = newImage();
    VolumeBlobStore.Stats before = volumes().stats();

    upload(image, DURABLE);
    upload(image, DURABLE);
    duplicatesRemoved();

    VolumeBlobStore.Stats after = volumes().stats();
    assertThat(after.files()).as("live records").isEqualTo(before.files() + 1);
    assertThat(after.liveBytes()).as("live bytes").isEqualTo(before.liveBytes() + image.length());
    assertThat(after.garbageBytes()).as("the duplicate's record, until compaction").isGreaterThan(before.garbageBytes());

    volumes().sealAll();
    volumes().maintain();

    assertThat(volumes().stats().garbageBytes()).as("garbage after compaction").isZero();
    assertThat(volumes().stats().liveBytes()).isEqualTo(after.liveBytes());
  }

  @Test
  void filesOfOneExpiryBucketShareTheirBytesAndAPermanentFileDoesNotShareWithThem() {
    Buffer image = newImage();
    Map<String, String> month = Map.of("isStorage", "true", "cacheTime", "86400");
    String forever = upload(image, DURABLE);
    String first = upload(image, month);
    String second = upload(image, month);

    assertThat(record(first).blobKey()).as("the first expiring file has a blob of its own").isEqualTo(first);
    assertThat(record(second).blobKey()).as("the second shares it").isEqualTo(first);
    assertThat(record(forever).blobKey()).isEqualTo(forever);
    assertThat(await(records().references(first))).isEqualTo(2);
    assertThat(download(second)).isEqualTo(image);
  }
}
