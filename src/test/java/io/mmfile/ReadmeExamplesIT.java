package io.mmfile;

import io.mmfile.support.TestServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README.md's shell examples, run as a reader would on the embedded default: the jar the build made,
 * started in a fresh directory, then every {@code sh} block in order, as one script, in a second
 * "terminal". Blocks marked {@code <!-- readme-test: skip (…) -->} need what a build machine lacks
 * (Docker, MySQL) or are the test command itself; the block marked {@code server} is the one this test
 * stands in for by starting the jar. The only change made to the text: {@code localhost:8080} becomes
 * the free port the node got. Where the reader is asked to type the SMS code from the log, this test
 * types it.
 */
class ReadmeExamplesIT {
  private static final Pattern MARKER = Pattern.compile("<!-- readme-test: (\\w+).*-->");
  /**
   * The examples start a JVM per command line call; without the optimising compiler each starts in about
   * half the CPU time, which on a busy build machine is most of this test's time. Nothing in the
   * README's text changes.
   */
  private static final String QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
  private static final Pattern SMS_CODE = Pattern.compile("verification code for 13800000001: (\\d+)");

  record Block(String marker, String text) {
  }

  @Test
  void theReadmeExamplesRunAsWrittenOnTheEmbeddedDefault() throws Exception {
    List<Block> blocks = shellBlocks(Files.readString(Path.of("README.md")));
    List<Block> server = blocks.stream().filter(b -> "server".equals(b.marker())).toList();
    assertThat(server).hasSize(1);
    assertThat(server.get(0).text()).contains("java -jar target/mmfile.jar");
    int port = TestServer.freePort();
    String script = String.join("\n", blocks.stream().filter(b -> b.marker() == null).map(Block::text).toList())
      .replace("localhost:8080", "localhost:" + port);
    assertThat(script).contains("saveImage").contains("appkey rotate").contains("srv/v1/login");

    Path dir = Files.createTempDirectory("mmfile-readme-");
    Process node = null;
    try {
      Files.createDirectories(dir.resolve("target"));
      Files.createSymbolicLink(dir.resolve("target").resolve("mmfile.jar"), Path.of("target", "mmfile.jar").toAbsolutePath());
      Files.writeString(dir.resolve("readme.sh"), script);
      Path log = dir.resolve("server.log");

      ProcessBuilder start = new ProcessBuilder(java(), "-jar", "target/mmfile.jar").directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
      start.environment().put("MMFILE_HTTP_PORT", Integer.toString(port));
      start.environment().put("MMFILE_HTTP_HOST", "127.0.0.1");
      start.environment().put("JAVA_TOOL_OPTIONS", QUICK_JVM);
      node = start.start();
      Process started = node;
      // A JVM start on a busy build machine can take longer than TestServer.eventually's 20 s.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (started.isAlive() && !read(log).contains("upload the demo image") && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(node.isAlive()).as("the node runs: %s", read(log)).isTrue();

      // POSIX sh, as the blocks are marked; -e: the first failing command fails the test.
      ProcessBuilder run = new ProcessBuilder("sh", "-e", "readme.sh").directory(dir.toFile()).redirectErrorStream(true);
      run.environment().put("JAVA_TOOL_OPTIONS", QUICK_JVM);
      Process examples = run.start();
      typeTheSmsCodeWhenItIsLogged(examples, log);
      String output = new String(examples.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(examples.waitFor(300, TimeUnit.SECONDS)).isTrue();

      assertThat(examples.exitValue()).as("exit code; output:%n%s%nserver log:%n%s", output, read(log)).isZero();
      assertThat(output).contains("\"ERRORCODE\":\"0\"").contains("fetched the same bytes")
        .contains("\"deleted\":true").contains("\"file_infos\"")
        .contains("\"token_type\":\"Bearer\"").contains("\"nickname\":\"Al\"").contains("logout: 204")
        .contains("fetched the same bytes over /api/v1").contains("\"type\":\"urn:mmfile:problem:invalid_parameter\"");
      // the tus example: the upload resumed at the server's offset and became a file served byte for byte
      assertThat(output).contains("the server holds 100 bytes").containsPattern("file [0-9a-f]{32}: the same bytes")
        .contains("and the same through gainImage");
      assertThat(output).as("srv answers").doesNotContainPattern("\"error\":\"[^0]");
      assertThat(Pattern.compile("\"error\":\"0\"").matcher(output).results().count()).isGreaterThanOrEqualTo(5);
    } finally {
      if (node != null) {
        node.destroy();
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
          node.destroyForcibly().waitFor();
        }
      }
      TestServer.deleteTree(dir);
    }
  }

  /** The reader copies the code from the server's log when asked; so does this, on the script's stdin. */
  private static void typeTheSmsCodeWhenItIsLogged(Process examples, Path log) {
    Thread typist = new Thread(() -> {
      try (OutputStream stdin = examples.getOutputStream()) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (examples.isAlive() && System.nanoTime() < deadline) {
          Matcher code = SMS_CODE.matcher(read(log));
          if (code.find()) {
            stdin.write((code.group(1) + "\n").getBytes(StandardCharsets.US_ASCII));
            return;
          }
          Thread.sleep(100);
        }
      } catch (IOException | InterruptedException e) {
        // the script ends without a code and the test says why
      }
    }, "readme-typist");
    typist.setDaemon(true);
    typist.start();
  }

  /** The {@code sh} blocks, each with the readme-test marker of the line before it (or null). */
  static List<Block> shellBlocks(String readme) {
    List<Block> blocks = new ArrayList<>();
    String[] lines = readme.split("\n", -1);
    String previous = "";
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].equals("```sh")) {
        Matcher marker = MARKER.matcher(previous);
        StringBuilder text = new StringBuilder();
        for (i++; i < lines.length && !lines[i].equals("```"); i++) {
          text.append(lines[i]).append('\n');
        }
        blocks.add(new Block(marker.matches() ? marker.group(1) : null, text.toString()));
      }
      if (!lines[i].isBlank()) {
        previous = lines[i].trim();
      }
    }
    return blocks;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
