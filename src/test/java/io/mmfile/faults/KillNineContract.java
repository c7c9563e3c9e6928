package io.mmfile.faults;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.ChildNode;
import io.mmfile.support.TestServer;
import io.mmfile.support.UploadLoad;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node killed with SIGKILL in the middle of concurrent uploads, then started again on the same data
 * directory and database: every upload it acknowledged is there, byte for byte, and nothing
 * half-written is visible. Runs once per {@link Backend}.
 */
abstract class KillNineContract {
  static final int CONCURRENT_UPLOADS = 16;
  static final int ACKNOWLEDGED_BEFORE_KILL = 40;

  abstract Backend backend();

  /** Share of uploads sent to the durable store (the embedded cache store lives in the process). */
  abstract double durableShare();

  /** Configuration that picks the durable store under test: the disk store, which {@link #durableContents} reads, unless a subclass says. */
  Map<String, Object> storeOverrides() {
    return Map.of("storage.durable", "disk");
  }

  /**
   * After the restart: what the durable store holds, each file's bytes, and what it still stages; a
   * subclass whose store is not {@code data.dir/files} says how to look.
   */
  List<byte[]> durableContents(ChildNode node) throws IOException {
    List<Path> stored;
    try (Stream<Path> walk = Files.walk(node.dataDir().resolve("files"))) {
      stored = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(stored).as("staging files after the restart").noneMatch(p -> p.toString().endsWith(".part"));
    List<byte[]> contents = new ArrayList<>();
    for (Path file : stored) {
      contents.add(Files.readAllBytes(file));
    }
    return contents;
  }

  /** Rounds per run: 1 in the suite; {@code -Dfaults.kill.rounds=10} for the ten-in-a-row check. */
  static final int ROUNDS = Integer.getInteger("faults.kill.rounds", 1);

  @TestFactory
  Stream<DynamicTest> everyAcknowledgedUploadSurvivesKillNineByteForByte() {
    return IntStream.rangeClosed(1, ROUNDS).mapToObj(round -> DynamicTest.dynamicTest("round " + round, this::round));
  }

  private void round() throws Exception {
    String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    Path dir = Files.createTempDirectory("mmfile-kill-");
    Map<String, Object> config = new java.util.LinkedHashMap<>(FaultNodes.config(backend(), id));
    config.putAll(storeOverrides());
    try (ChildNode node = new ChildNode(dir, TestServer.freePort(), config)) {
      killAndRestart(node);
    } finally {
      FaultNodes.cleanUp(backend(), id);
      TestServer.deleteTree(dir);
    }
  }

  private void killAndRestart(ChildNode node) throws Exception {
    AppKey app = node.createAppKey();
    node.start();
    List<UploadLoad.Acked> acked;
    UploadLoad load = new UploadLoad(node.port(), app, 20_000, 1_200_000, durableShare()).start(CONCURRENT_UPLOADS);
    try {
      load.awaitAcknowledged(ACKNOWLEDGED_BEFORE_KILL, node::log);
      node.kill9();
      await(load.stop());
      acked = load.ackedList();
    } finally {
      load.close();
    }
    assertThat(acked).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);

    node.start();

    try (UploadLoad reader = new UploadLoad(node.port(), app, 0, 0, 1)) {
      List<String> lost = new ArrayList<>();
      for (UploadLoad.Acked file : acked) {
        HttpResponse<Buffer> response = await(reader.web().getAbs(file.url()).send());
        if (response.statusCode() != 200 || !UploadLoad.sha256(response.body()).equals(file.sha256())) {
          lost.add(file.url() + " -> " + response.statusCode() + " (" + (response.body() == null ? 0 : response.body().length())
            + " of " + file.length() + " bytes)");
        }
      }
      assertThat(lost).as("acknowledged before the kill, of %d; node log:%n%s", acked.size(), node.log()).isEmpty();
      System.err.printf("kill -9 on %s: %d uploads acknowledged before the kill, all read back whole%n", backend(),
        acked.size());
    }
    for (byte[] file : durableContents(node)) {
      assertThat(load.sentHashes).as("a stored file of %d bytes is whole: it is one of the files sent", file.length)
        .contains(UploadLoad.sha256(file));
    }
  }
}
