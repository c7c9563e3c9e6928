package io.mmfile;

import io.mmfile.support.ChildNode;
import io.mmfile.support.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mmfile db compact} beside a running node (another process) leaves the node's database alone. */
class DbCompactIT {
  @TempDir
  Path dir;

  @Test
  void refusesWhileANodeHasTheEmbeddedDatabaseOpen() throws Exception {
    try (ChildNode node = new ChildNode(dir, TestServer.freePort(), Map.of())) {
      node.createAppKey();
      node.start();
      Path h2 = node.dataDir().resolve("db").resolve("mmfile.mv.db");
      long before = Files.size(h2);

      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream stderr = System.err;
      int exit;
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try {
        exit = new CommandLine(new Main()).execute("-c", node.configFile().toString(), "db", "compact");
      } finally {
        System.setErr(stderr);
      }

      assertThat(exit).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("is in use: stop the node first");
      assertThat(Files.size(h2)).isEqualTo(before);
      assertThat(node.log()).doesNotContain("Database is already closed");
    }
  }
}
