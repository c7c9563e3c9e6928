package io.mmfile.support;

import io.mmfile.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs the {@code mmfile} command line in this JVM, as an operator would type it. */
public final class Cli {
  /** What one command did. */
  public record Result(int exitCode, String out, String err) {
  }

  private Cli() {
  }

  /** {@code mmfile ARGS --config CONFIG}. */
  public static Result run(Path config, String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    if (config != null) {
      all.add("--config");
      all.add(config.toString());
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    int code = cli.execute(all.toArray(String[]::new));
    return new Result(code, out.toString().trim(), err.toString().trim());
  }

  /** Like {@link #run}, failing the test unless the command exits 0; answers its standard output. */
  public static String ok(Path config, String... args) {
    Result result = run(config, args);
    if (result.exitCode() != 0) {
      throw new AssertionError("mmfile " + String.join(" ", args) + " exited " + result.exitCode() + ": " + result.err());
    }
    return result.out();
  }
}
