package io.mmfile.platform;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.vertx.core.json.JsonObject;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LogFormatTest {
  @Test
  void jsonLinesCarryNodeAndRequestIdAsFields() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LogstashEncoder encoder = LogFormat.jsonEncoder(context);
    LoggingEvent event = new LoggingEvent("test", context.getLogger("io.mmfile.files.UploadExchange"), Level.INFO,
      "upload from {} refused", null, new Object[] {"192.0.2.7"});
    event.setMDCPropertyMap(Map.of(LogContext.NODE, "node-a", LogContext.REQUEST_ID, "k3j5h2g1f0d9s8a7"));
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(line).endsWith("\n");
    JsonObject json = new JsonObject(line.trim());
    assertThat(json.getString("message")).isEqualTo("upload from 192.0.2.7 refused");
    assertThat(json.getString("level")).isEqualTo("INFO");
    assertThat(json.getString("node")).isEqualTo("node-a");
    assertThat(json.getString("requestId")).isEqualTo("k3j5h2g1f0d9s8a7");
    encoder.stop();
  }

  @Test
  void accessFieldsCannotForgeALine() {
    assertThat(AccessLog.clean("curl\"\n127.0.0.1 - - [x] \"GET / HTTP/1.1\" 200"))
      .doesNotContain("\n").startsWith("curl\\\"\\x0a");
    assertThat(AccessLog.clean("plain/1.0")).isEqualTo("plain/1.0");
  }
}
