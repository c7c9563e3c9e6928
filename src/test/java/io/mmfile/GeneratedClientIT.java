package io.mmfile;

import io.mmfile.support.Backend;
import io.mmfile.support.TestServer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README.md's generated-client example, run as written (the block marked {@code readme-test: client}):
 * it builds {@code examples/api-client}, whose client OpenAPI Generator makes from the document the
 * server validates requests with, and runs it against a node. A route, parameter or schema the
 * document gets wrong breaks the generated client, the build or the run, and so this test.
 */
class GeneratedClientIT {

  @Test
  void theReadmeClientExampleBuildsFromTheDocumentAndTalksToANode() throws Exception {
    List<ReadmeExamplesIT.Block> blocks = ReadmeExamplesIT.shellBlocks(Files.readString(Path.of("README.md"))).stream()
      .filter(b -> "client".equals(b.marker())).toList();
    assertThat(blocks).hasSize(1);
    Path dir = Files.createTempDirectory("mmfile-client-");
    try (TestServer server = TestServer.start(Backend.EMBEDDED)) {
      String script = blocks.get(0).text().replace("localhost:8080", "localhost:" + server.port());
      assertThat(script).contains("examples/api-client").contains("java -jar");
      // the reader's working directory is the repository's; the example's build writes only under examples/
      Files.createSymbolicLink(dir.resolve("examples"), Path.of("examples").toAbsolutePath());
      Files.writeString(dir.resolve("client.sh"), script);

      Process run = new ProcessBuilder("sh", "-e", "client.sh").directory(dir.toFile()).redirectErrorStream(true).start();
      run.getOutputStream().close();
      String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(run.waitFor(300, TimeUnit.SECONDS)).isTrue();

      assertThat(run.exitValue()).as("exit code; output:%n%s", output).isZero();
      assertThat(output).contains("logged in as bob (account ").contains("logged out");
    } finally {
      TestServer.deleteTree(dir);
    }
  }
}
