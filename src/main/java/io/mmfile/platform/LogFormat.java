package io.mmfile.platform;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

import java.util.Iterator;

/**
 * {@code log.format: json}: the console appender of the bundled logback configuration gets a JSON
 * encoder (logstash-logback-encoder: {@code @timestamp}, {@code level}, {@code logger_name},
 * {@code message}, {@code node}, {@code requestId} and, on access lines, the access fields). Process-wide,
 * so applied by the command line once the configuration is read, not by each node.
 */
public final class LogFormat {
  private LogFormat() {
  }

  public static void apply(MmfileConfig config) {
    if (!config.observability().jsonLogs() || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> console) {
        console.stop();
        console.setEncoder(jsonEncoder(context));
        console.start();
      }
    }
  }

  /** The JSON encoder; MDC entries ({@code node}, {@code requestId}) become fields of their own. */
  static LogstashEncoder jsonEncoder(LoggerContext context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    // one field for the thread, none for the logback context's name and properties
    encoder.setIncludeContext(false);
    encoder.start();
    return encoder;
  }
}
