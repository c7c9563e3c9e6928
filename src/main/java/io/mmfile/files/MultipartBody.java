package io.mmfile.files;

import io.mmfile.platform.BodyFailures;
import io.mmfile.platform.Failure;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * What mmfile checks about a multipart/form-data body around Netty's decoder, which does the parsing:
 * the boundary in the Content-Type (Netty fails on an empty or missing one with a 500-shaped
 * exception) and the close delimiter (Netty says nothing when a body ends without it); what each
 * decoder exception means for the client is {@link BodyFailures}'s.
 */
public final class MultipartBody {
  /** The parameter names of {@link Failure.Kind#INVALID_PARAMETER} failures for the request limits. */
  public static final String PARTS = "form parts";
  public static final String FIELDS = BodyFailures.FIELDS;
  public static final String FIELD_SIZE = BodyFailures.FIELD_SIZE;
  public static final String BODY_SIZE = "body size";

  private static final int MAX_BOUNDARY = 70;

  private MultipartBody() {
  }

  /** Whether the Content-Type says multipart/form-data at all (whatever its parameters). */
  public static boolean isMultipart(String contentType) {
    return contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
  }

  /**
   * The boundary of a multipart/form-data Content-Type: 1 to 70 characters (RFC 2046 §5.1.1), quoted or
   * not. Empty when there is none, it has no {@code =}, or it is empty or too long.
   */
  public static Optional<String> boundary(String contentType) {
    if (!isMultipart(contentType)) {
      return Optional.empty();
    }
    String[] params = contentType.split(";");
    for (int i = 1; i < params.length; i++) {
      String param = params[i].trim();
      int eq = param.indexOf('=');
      String name = (eq < 0 ? param : param.substring(0, eq)).trim();
      if (!name.equalsIgnoreCase("boundary")) {
        continue;
      }
      if (eq < 0) {
        return Optional.empty();
      }
      String value = param.substring(eq + 1).trim();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      if (value.isEmpty() || value.length() > MAX_BOUNDARY || value.endsWith(" ") || value.contains("\"")) {
        return Optional.empty();
      }
      return Optional.of(value);
    }
    return Optional.empty();
  }

  /**
   * Watches the raw bytes of a body for its close delimiter ({@code --boundary--} at the start or after
   * a line break; the boundary cannot occur inside a part). Netty's decoder ends a body that stops
   * short without a word, so this is how a truncated body is told from a complete one.
   */
  public static final class CloseDelimiterWatch {
    private final byte[] pattern;
    private byte[] tail = new byte[0];
    private boolean atStart = true;
    private boolean seen;

    public CloseDelimiterWatch(String boundary) {
      this.pattern = ("\n--" + boundary + "--").getBytes(StandardCharsets.ISO_8859_1);
    }

    public boolean seen() {
      return seen;
    }

    public void feed(Buffer chunk) {
      if (seen || chunk.length() == 0) {
        return;
      }
      byte[] bytes;
      if (atStart) {
        // A body may begin with its delimiter, without the line break before it.
        atStart = false;
        bytes = concat(new byte[] {'\n'}, chunk.getBytes());
      } else {
        bytes = chunk.getBytes();
      }
      byte[] edge = concat(tail, java.util.Arrays.copyOf(bytes, Math.min(bytes.length, pattern.length - 1)));
      seen = indexOf(edge, pattern) >= 0 || indexOf(bytes, pattern) >= 0;
      byte[] joined = bytes.length >= pattern.length - 1 ? bytes : concat(tail, bytes);
      tail = java.util.Arrays.copyOfRange(joined, Math.max(0, joined.length - (pattern.length - 1)), joined.length);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
      outer:
      for (int i = 0; i <= haystack.length - needle.length; i++) {
        if (haystack[i] != needle[0]) {
          continue;
        }
        for (int j = 1; j < needle.length; j++) {
          if (haystack[i + j] != needle[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
      byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, joined, a.length, b.length);
      return joined;
    }
  }
}
