package io.mmfile.platform;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import net.logstash.logback.marker.Markers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One line per request on the logger {@code mmfile.access}, once its answer is out or its connection
 * gone ({@code log.access}): {@code combined} is Apache's combined format followed by
 * {@code key=value} fields, {@code json} one JSON object. With {@code log.format: json} the fields are
 * also structured fields of the JSON log line. The query string is left out of the request line (and of
 * the referrer): srv and weidu clients can carry tokens and signs there; the file id is a field of its own.
 */
public final class AccessLog {
  /** The logger access lines go to; a logback configuration can send it to a file of its own. */
  public static final String LOGGER = "mmfile.access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  /** The formats {@code log.access} names. */
  public enum Format { COMBINED, JSON, OFF }

  private final Format format;
  private final boolean structured;
  private final String node;

  /** @param structured whether log lines are JSON ({@code log.format: json}) */
  public AccessLog(Format format, boolean structured, String node) {
    this.format = format;
    this.structured = structured;
    this.node = node;
  }

  public boolean enabled() {
    return format != Format.OFF && LOG.isInfoEnabled();
  }

  /** Which dialect a path belongs to, for the access log and the metrics. */
  public static String dialectOf(String path) {
    if (path == null) {
      return "-";
    }
    if (path.startsWith("/dfsapi/") || path.startsWith("/accountapi/")) {
      return "daoke";
    }
    if (path.startsWith("/srv/")) {
      return "srv";
    }
    if (path.startsWith("/weidu/")) {
      return "weidu";
    }
    if (path.equals("/api/v1") || path.startsWith("/api/v1/")) {
      return "rest";
    }
    return "ops";
  }

  /** Logs the request; {@code completed} is false when the connection closed before the answer ended. */
  public void log(HttpServerRequest request, String client, RequestTrace trace, boolean completed) {
    if (!enabled()) {
      return;
    }
    HttpServerResponse response = request.response();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("remote", client);
    fields.put("method", request.method().name());
    fields.put("path", request.path());
    fields.put("protocol", protocol(request));
    fields.put("status", completed ? response.getStatusCode() : 0);
    fields.put("bytes", response.bytesWritten());
    fields.put("ms", trace.elapsedMicros() / 1000.0);
    fields.put("referer", withoutQuery(request.getHeader("Referer")));
    fields.put("userAgent", request.getHeader("User-Agent"));
    fields.put("requestId", trace.id());
    fields.put("node", node);
    fields.put("dialect", trace.dialect());
    fields.put("outcome", trace.outcome());
    fields.put("appKey", trace.appKey());
    fields.put("fileId", trace.fileId());
    if (!completed) {
      fields.put("closed", true);
    }
    String line = format == Format.JSON ? json(fields) : combined(fields);
    if (structured) {
      LOG.info(Markers.appendEntries(fields), line);
    } else {
      LOG.info(line);
    }
  }

  private static String json(Map<String, Object> fields) {
    JsonObject json = new JsonObject();
    fields.forEach((k, v) -> {
      if (v != null) {
        json.put(k, v);
      }
    });
    json.put("time", java.time.Instant.now().toString());
    return json.encode();
  }

  private static String combined(Map<String, Object> f) {
    StringBuilder out = new StringBuilder(256);
    out.append(f.get("remote")).append(" - - [").append(CLF.format(ZonedDateTime.now(ZoneOffset.UTC))).append("] \"")
      .append(f.get("method")).append(' ').append(clean(String.valueOf(f.get("path")))).append(' ')
      .append(f.get("protocol")).append("\" ").append(f.get("status")).append(' ').append(f.get("bytes"))
      .append(" \"").append(dash(f.get("referer"))).append("\" \"").append(dash(f.get("userAgent"))).append('"');
    for (String key : new String[] {"requestId", "node", "ms", "dialect", "outcome", "appKey", "fileId", "closed"}) {
      Object value = f.get(key);
      if (value != null) {
        out.append(' ').append(key).append('=').append(clean(String.valueOf(value)));
      }
    }
    return out.toString();
  }

  private static String protocol(HttpServerRequest request) {
    return switch (request.version()) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_1_1 -> "HTTP/1.1";
      case HTTP_2 -> "HTTP/2.0";
    };
  }

  private static String withoutQuery(String url) {
    if (url == null) {
      return null;
    }
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  private static String dash(Object value) {
    return value == null ? "-" : clean(value.toString());
  }

  /** Quotes, backslashes and control characters escaped, so that a client cannot forge a log line. */
  static String clean(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f) {
        if (out == null) {
          out = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        out.append(c == '"' ? "\\\"" : c == '\\' ? "\\\\" : String.format("\\x%02x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }
}
