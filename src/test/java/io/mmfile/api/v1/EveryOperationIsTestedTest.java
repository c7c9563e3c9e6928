package io.mmfile.api.v1;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation of the /api/v1 document is exercised by a test: some test under src/test/java calls it
 * through {@code ApiClient.operation("<operationId>")}, which takes its method and path from the
 * document (so the call really is that operation's). An operation added to the document without a
 * test, or a test removed, fails here.
 */
class EveryOperationIsTestedTest {
  private static final Pattern CALL = Pattern.compile("\\.operation\\(\"([A-Za-z0-9_]+)\"\\)");

  @Test
  void everyOperationOfTheDocumentIsCalledByATest() throws IOException {
    Set<String> declared = declaredOperations();
    Set<String> called = calledOperations(Path.of("src/test/java"));

    Set<String> untested = new TreeSet<>(declared);
    untested.removeAll(called);
    assertThat(untested).as("operations of the document no test calls").isEmpty();
    Set<String> unknown = new TreeSet<>(called);
    unknown.removeAll(declared);
    assertThat(unknown).as("operations tests call that the document does not have").isEmpty();
  }

  @Test
  void theCheckSeesAnOperationNoTestCalls() throws IOException {
    Path sources = Files.createTempDirectory("api-ops-");
    try {
      Files.writeString(sources.resolve("SomeIT.java"), "api.operation(\"getFile\").send();");
      Set<String> untested = declaredOperations();
      untested.removeAll(calledOperations(sources));
      assertThat(untested).contains("getOpenApiDocument").doesNotContain("getFile");
    } finally {
      try (Stream<Path> files = Files.walk(sources)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static Set<String> declaredOperations() {
    JsonObject paths = ApiDocument.read().getJsonObject("paths");
    Set<String> ids = new TreeSet<>();
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && op.containsKey("operationId")) {
          ids.add(op.getString("operationId"));
        }
      }
    }
    return ids;
  }

  static Set<String> calledOperations(Path root) throws IOException {
    Set<String> called = new TreeSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = CALL.matcher(Files.readString(file));
        while (m.find()) {
          called.add(m.group(1));
        }
      }
    }
    return called;
  }
}
