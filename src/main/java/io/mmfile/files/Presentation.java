package io.mmfile.files;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How a stored file is handed to a browser, so that no upload can run script on mmfile's origin
 * (docs/security.md "Serving user files"): raster images (the formats {@link ImageProbe} knows) are
 * shown inline with their type; everything else is an attachment with a safe file name, and keeps its
 * declared type only when that type is inert; HTML, SVG, XML, JavaScript, CSS and anything unknown become
 * {@code application/octet-stream}. Together with {@code X-Content-Type-Options: nosniff} and a sandboxing
 * Content-Security-Policy on every file, a browser never renders an upload as a document of this origin.
 *
 * <p>Also decides {@code Cache-Control}: only durable files that never expire are immutable; cache-store
 * files may be evicted before their time, so browsers and proxies keep them briefly.
 */
public record Presentation(String contentType, Optional<String> contentDisposition, String cacheControl) {
  /** Sent with every file: nothing in it may load anything or run, whatever a browser makes of it. */
  public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

  private static final Set<String> INLINE = Set.of("image/jpeg", "image/png", "image/gif", "image/bmp", "image/webp");
  private static final Set<String> INERT = Set.of("application/octet-stream", "application/pdf", "application/zip",
    "application/gzip", "application/json", "text/plain", "text/csv");
  private static final String FALLBACK_TYPE = "application/octet-stream";
  private static final long YEAR_SECONDS = 365L * 24 * 3600;
  private static final String IMMUTABLE = "public, max-age=" + YEAR_SECONDS + ", immutable";
  private static final int MAX_NAME = 100;

  /**
   * @param cacheStoreMaxAgeSeconds the longest a cache-store file may be kept by a browser or proxy
   */
  public static Presentation of(FileRecord record, long nowMs, long cacheStoreMaxAgeSeconds) {
    String type = mediaType(record.contentType());
    String cacheControl = cacheControl(record, nowMs, cacheStoreMaxAgeSeconds);
    if (INLINE.contains(type)) {
      return new Presentation(type, Optional.empty(), cacheControl);
    }
    boolean inert = INERT.contains(type) || type.startsWith("audio/") || type.startsWith("video/");
    return new Presentation(inert ? type : FALLBACK_TYPE, Optional.of(attachment(record)), cacheControl);
  }

  static String cacheControl(FileRecord record, long nowMs, long cacheStoreMaxAgeSeconds) {
    if (record.expiresMs() == null && record.store() == StoreKind.DURABLE) {
      return IMMUTABLE;
    }
    long remaining = record.expiresMs() == null ? Long.MAX_VALUE : Math.max(0, (record.expiresMs() - nowMs) / 1000);
    long maxAge = record.store() == StoreKind.CACHE ? Math.min(remaining, cacheStoreMaxAgeSeconds) : remaining;
    return "public, max-age=" + maxAge;
  }

  /** {@code type/subtype} in lower case without parameters, or the fallback when it is not one. */
  static String mediaType(String declared) {
    if (declared == null) {
      return FALLBACK_TYPE;
    }
    int semicolon = declared.indexOf(';');
    String type = (semicolon < 0 ? declared : declared.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    return isMediaType(type) ? type : FALLBACK_TYPE;
  }

  /**
   * Whether {@code type} is {@code [a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}}; checked
   * by hand because it runs on every download, where a regular expression costs more than the rest of
   * the presentation.
   */
  static boolean isMediaType(String type) {
    int slash = type.indexOf('/');
    return slash > 0 && isToken(type, 0, slash) && isToken(type, slash + 1, type.length());
  }

  /** {@code [a-z0-9][a-z0-9!#$&^_.+-]{0,62}} over {@code [from, to)}. */
  private static boolean isToken(String text, int from, int to) {
    if (to - from < 1 || to - from > 63 || !isAlphanumeric(text.charAt(from))) {
      return false;
    }
    for (int i = from + 1; i < to; i++) {
      char c = text.charAt(i);
      if (!isAlphanumeric(c) && "!#$&^_.+-".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  /**
   * {@code attachment; filename="<ASCII name>"; filename*=UTF-8''<the name, percent-encoded>} (RFC 6266):
   * the client's name without any directory part; in the ASCII form, characters outside a safe set become
   * {@code _}, and the file id stands in when too little of the name is left.
   */
  static String attachment(FileRecord record) {
    String name = baseName(record.name());
    String ascii = asciiName(name);
    if (ascii.replace("_", "").replace(".", "").isEmpty()) {
      String extension = asciiName(record.extension() == null ? "" : record.extension());
      ascii = record.fileId() + (extension.isEmpty() ? "" : "." + extension);
    }
    String disposition = "attachment; filename=\"" + ascii + "\"";
    return name.isEmpty() || name.equals(ascii) ? disposition : disposition + "; filename*=UTF-8''" + percentEncoded(name);
  }

  private static String baseName(String name) {
    if (name == null) {
      return "";
    }
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    StringBuilder kept = new StringBuilder();
    name.substring(slash + 1).codePoints()
      .filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
      .limit(MAX_NAME)
      .forEach(kept::appendCodePoint);
    return kept.toString().strip();
  }

  /** Letters, digits, dot, dash and underscore; any run of other characters becomes one {@code _}; no leading dot. */
  private static String asciiName(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '.' || c == '-' || c == '_';
      if (safe) {
        out.append(c);
      } else if (out.isEmpty() || out.charAt(out.length() - 1) != '_') {
        out.append('_');
      }
    }
    int start = 0;
    while (start < out.length() && out.charAt(start) == '.') {
      start++;
    }
    return out.substring(start);
  }

  /** RFC 8187 value characters: attr-char stays, every other UTF-8 byte is {@code %XX}. */
  private static String percentEncoded(String name) {
    StringBuilder out = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      boolean attrChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "!#$&+-.^_`|~".indexOf(c) >= 0;
      if (attrChar) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
          .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
  }
}
