package io.mmfile.files;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.S3Proxy;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.mmfile.support.DaokeClient.result;
import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deduplication on the S3 store (objects counted in the bucket), on MariaDB. Files with a cacheTime go
 * under {@code expiring/}, which the bucket's lifecycle rule empties by age: they never share.
 */
class DedupS3MariaDbRedisIT extends DedupContract {
  private final String prefix = S3Proxy.newPrefix();

  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }

  @Override
  JsonObject storeOverrides() {
    return S3Proxy.shared().nodeConfig(prefix);
  }

  @Test
  void filesWithACacheTimeKeepObjectsOfTheirOwn() {
    Buffer image = newImage();
    Map<String, String> day = Map.of("isStorage", "true", "cacheTime", "86400");
    long copies = storedCopies();

    String first = upload(image, day);
    String second = upload(image, day);

    assertThat(record(first).blobKey()).isNull();
    assertThat(record(second).blobKey()).isNull();
    assertThat(storedCopies()).isEqualTo(copies + 2);
    assertThat(download(second)).isEqualTo(image);
  }

  /**
   * The window between a delete's transaction and the deletion of the bytes, provoked for real: the
   * bucket is down when the last file of a blob goes. The record and the reference go, the object stays
   * listed as garbage, and the node's sweep removes it once the bucket answers again.
   */
  @Test
  void bytesTheBucketCouldNotDeleteAreRemovedOnceItAnswersAgain() {
    String ownPrefix = S3Proxy.newPrefix();
    try (S3Proxy own = S3Proxy.startPrivate();
         TestServer node = TestServer.start(Backend.MARIADB_REDIS, own.nodeConfig(ownPrefix)
           .put("storage.sweep-interval-seconds", 1).put("storage.s3.timeout-seconds", 2));
         DaokeClient daoke = new DaokeClient(node.port())) {
      AppKey key = node.newAppKey();
      Buffer image = Images.pngOfSize(30_000, 77);
      String first = result(daoke.save(key, image, DURABLE)).getString("fileID");
      String second = result(daoke.save(key, image, DURABLE)).getString("fileID");
      FileRecordRepository repository = node.server().stores().records();
      FileExpiry reclaim = new FileExpiry(node.server().stores());
      eventually(() -> await(repository.blobTotals())[2] == 0);
      assertThat(node.durableFiles()).as("objects: the two uploads share one").hasSize(1);
      await(reclaim.reclaim(await(repository.find(first)).orElseThrow()));

      own.stop();
      await(reclaim.reclaim(await(repository.find(second)).orElseThrow()));

      assertThat(await(repository.find(second))).isEmpty();
      assertThat(await(repository.blobTotals())).as("blob rows, references, garbage").containsExactly(0L, 0L, 1L);

      own.restart();
      eventually(() -> await(repository.blobTotals())[2] == 0);
      assertThat(node.durableFiles()).as("objects once the sweep ran").isEmpty();
    }
  }
}
