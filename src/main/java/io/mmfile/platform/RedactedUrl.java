package io.mmfile.platform;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * URLs as they may appear in messages and logs: {@code database.url} and {@code redis.url} carry
 * passwords ({@code mysql://user:password@host/db}, {@code ?password=…}), which must never be echoed.
 */
public final class RedactedUrl {
  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&#]*");

  private RedactedUrl() {
  }

  /** {@code url} with the password of its user info and any {@code password=} parameter replaced by {@code ***}. */
  public static String of(String url) {
    if (url == null) {
      return null;
    }
    String redacted = url;
    int schemeEnd = redacted.indexOf("://");
    int at = redacted.lastIndexOf('@');
    if (schemeEnd >= 0 && at > schemeEnd + 3) {
      int start = schemeEnd + 3;
      String userInfo = redacted.substring(start, at);
      int colon = userInfo.indexOf(':');
      if (colon >= 0) {
        // Over-redacts rather than leaks when the text is not a well-formed URL.
        redacted = redacted.substring(0, start) + userInfo.substring(0, colon) + ":***" + redacted.substring(at);
      }
    }
    return PASSWORD_PARAMETER.matcher(redacted).replaceAll("$1***");
  }

  /** {@code host:port} of a service URL, for messages that say where something was looked for. */
  public static String hostAndPort(URI url, int defaultPort) {
    String host = url.getHost() == null ? "localhost" : url.getHost();
    return host + ":" + (url.getPort() < 0 ? defaultPort : url.getPort());
  }
}
