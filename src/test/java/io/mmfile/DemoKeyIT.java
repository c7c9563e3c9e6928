package io.mmfile;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.TestServer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The demo key of a first start: its secret reaches the person at the console, never a log file. */
class DemoKeyIT {
  @Test
  void theDemoSecretIsPrintedOnTheConsoleButNeverLogged() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    PrintStream console = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try (TestServer server = TestServer.start(Backend.EMBEDDED)) {
      AppKey demo = await(server.server().appKeys().list()).stream().filter(k -> k.name().equals("demo"))
        .findFirst().orElseThrow();

      assertThat(logged.list).isNotEmpty();
      assertThat(logged.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains(demo.secret()));
      assertThat(printed.toString(StandardCharsets.UTF_8)).contains(demo.secret()).contains("saveImage");
    } finally {
      System.setOut(console);
      root.detachAppender(logged);
    }
  }
}
