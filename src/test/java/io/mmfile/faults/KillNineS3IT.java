package io.mmfile.faults;

import io.mmfile.files.BlobStore;
import io.mmfile.files.s3.S3Client;
import io.mmfile.support.Backend;
import io.mmfile.support.ChildNode;
import io.mmfile.support.S3Proxy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import org.junit.jupiter.api.AfterEach;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 with an S3-compatible bucket as the durable store, on MariaDB and Redis: every acknowledged
 * upload is in the bucket, the node's staging directory is empty after the restart, no multipart upload
 * is left open, and every object in the bucket is one of the files sent, whole.
 */
class KillNineS3IT extends KillNineContract {
  private final String prefix = S3Proxy.newPrefix();

  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }

  @Override
  double durableShare() {
    return 0.7;
  }

  @Override
  Map<String, Object> storeOverrides() {
    return S3Proxy.shared().nodeConfig(prefix).put("storage.s3.memory-stage-bytes", 0).getMap();
  }

  @Override
  List<byte[]> durableContents(ChildNode node) {
    File[] staged = node.dataDir().resolve("s3-staging").toFile().listFiles();
    assertThat(staged).as("staging files after the restart").isNullOrEmpty();
    Vertx vertx = Vertx.vertx();
    try {
      S3Client client = new S3Client(vertx, S3Proxy.shared().clientConfig(prefix));
      assertThat(await(client.listMultipartUploads(prefix))).as("unfinished multipart uploads").isEmpty();
      List<byte[]> contents = new ArrayList<>();
      for (String key : await(client.listKeys(prefix))) {
        HttpClientResponse object = await(client.get(key, 0, Long.MAX_VALUE / 2)).orElseThrow();
        Buffer bytes = await(new BlobStore.Streamed(object, 0, () -> { }).collect());
        contents.add(bytes.getBytes());
      }
      await(client.close());
      assertThat(contents).as("objects in the bucket (acknowledged durable uploads)").isNotEmpty();
      return contents;
    } finally {
      vertx.close();
    }
  }

  @AfterEach
  void emptyTheBucket() {
    Vertx vertx = Vertx.vertx();
    try {
      S3Client client = new S3Client(vertx, S3Proxy.shared().clientConfig(prefix));
      for (String key : await(client.listKeys(prefix))) {
        await(client.delete(key));
      }
      await(client.close());
    } finally {
      vertx.close();
    }
  }
}
