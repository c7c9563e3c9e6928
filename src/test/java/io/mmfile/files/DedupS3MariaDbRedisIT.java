package io.mmfile.files;

import io.mmfile.support.Backend;
import io.mmfile.support.S3Proxy;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

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
}
