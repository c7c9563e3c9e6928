package io.mmfile.files;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.mmfile.support.DaokeClient.code;
import static io.mmfile.support.DaokeClient.result;
import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack that found every neighbouring upload when ids carried a constant per-process suffix:
 * take one URL, keep its clock sequence and node, and walk the timestamps around it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileUrlGuessingIT {
  private static final long UUID_EPOCH_OFFSET = 0x01B21DD213814000L;
  private static final int UPLOADS = 20;

  TestServer server;
  DaokeClient client;
  AppKey app;

  @BeforeAll
  void start() {
    server = TestServer.start(Backend.EMBEDDED);
    client = new DaokeClient(server.port(), new WebClientOptions(), 16);
    app = server.newAppKey();
  }

  @AfterAll
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void neighbouringTimestampsWithTheSameSuffixFindNothing() {
    List<String> urls = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < UPLOADS; i++) {
      var response = client.save(app, Images.png(16, 16, i));
      assertThat(code(response)).isEqualTo("0");
      String url = result(response).getString("url");
      urls.add(url);
      ids.add(idOf(url));
    }
    Set<String> suffixes = new HashSet<>();
    ids.forEach(id -> suffixes.add(id.substring(16)));
    assertThat(suffixes).as("clock sequence and node of consecutive uploads").hasSize(UPLOADS);

    String known = idOf(urls.get(0));
    long minMs = Long.MAX_VALUE;
    long maxMs = Long.MIN_VALUE;
    for (String id : ids) {
      minMs = Math.min(minMs, unixMs(id));
      maxMs = Math.max(maxMs, unixMs(id));
    }
    List<String> guesses = new ArrayList<>();
    for (long ms = minMs - 50; ms <= maxMs + 50; ms++) {
      for (int tick = 0; tick < 2; tick++) {
        guesses.add(withTimestamp(known, (ms * 10_000) + UUID_EPOCH_OFFSET + tick));
      }
    }
    guesses.remove(known);
    assertThat(guesses).doesNotContainAnyElementsOf(ids);

    String prefix = urls.get(0).substring(0, urls.get(0).indexOf(known));
    List<Future<Integer>> answers = new ArrayList<>();
    int found = 0;
    for (String guess : guesses) {
      answers.add(client.web().getAbs(prefix + guess + ".png").send().map(r -> r.statusCode()));
      if (answers.size() == 64) {
        found += hits(answers);
        answers.clear();
      }
    }
    found += hits(answers);
    assertThat(found).as("guessed URLs that answered with a file, of " + guesses.size()).isZero();
  }

  private static int hits(List<Future<Integer>> answers) {
    int found = 0;
    for (Future<Integer> answer : answers) {
      int status = await(answer);
      assertThat(status).isIn(200, 404);
      if (status == 200) {
        found++;
      }
    }
    return found;
  }

  private static String idOf(String url) {
    String file = url.substring(url.indexOf("file=") + 5);
    return file.substring(file.indexOf(':') + 1, file.indexOf('.'));
  }

  private static long unixMs(String id) {
    return (FileIdTest.uuid(id).timestamp() - UUID_EPOCH_OFFSET) / 10_000;
  }

  /** The id with its 60-bit timestamp replaced and everything else (version, clock sequence, node) kept. */
  private static String withTimestamp(String id, long timestamp) {
    UUID uuid = FileIdTest.uuid(id);
    long msb = ((timestamp & 0xFFFFFFFFL) << 32) | (((timestamp >>> 32) & 0xFFFFL) << 16) | 0x1000L
      | ((timestamp >>> 48) & 0x0FFFL);
    return String.format("%016x%016x", msb, uuid.getLeastSignificantBits());
  }
}
