package io.mmfile;

import io.mmfile.files.FileRecord;
import io.mmfile.support.ApiClient;
import io.mmfile.support.Backend;
import io.mmfile.support.Images;
import io.mmfile.support.TestServer;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
      // the reader's working directory: the repository's (for examples/), with the demo image in data/
      Files.createSymbolicLink(dir.resolve("examples"), Path.of("examples").toAbsolutePath());
      Files.createDirectories(dir.resolve("data"));
      Buffer image = Images.png(64, 48, 11);
      Files.write(dir.resolve("data").resolve("demo.png"), image.getBytes());
      Files.writeString(dir.resolve("client.sh"), script);

      Process run = new ProcessBuilder("sh", "-e", "client.sh").directory(dir.toFile()).redirectErrorStream(true).start();
      run.getOutputStream().close();
      String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(run.waitFor(300, TimeUnit.SECONDS)).isTrue();

      assertThat(run.exitValue()).as("exit code; output:%n%s", output).isZero();
      assertThat(output).contains("logged in as bob (account ").contains("logged out")
        .contains("uploaded data/demo.png: file ").contains(image.length() + " bytes, image/png")
        .contains("the server holds the same bytes (sha256 " + ApiClient.sha256(image) + ")");
      // the file is the account's, in the node's one store
      Matcher id = Pattern.compile("file ([0-9a-f]{32}),").matcher(output);
      assertThat(id.find()).isTrue();
      FileRecord record = TestServer.await(server.server().stores().records().find(id.group(1))).orElseThrow();
      assertThat(record.size()).isEqualTo(image.length());
      assertThat(record.accountId()).isNotNull();
    } finally {
      TestServer.deleteTree(dir);
    }
  }
}
