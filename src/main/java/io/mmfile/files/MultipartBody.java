package io.mmfile.files;

import io.mmfile.platform.BodyFailures;
import io.mmfile.platform.Failure;

import java.util.Locale;
import java.util.Optional;

/**
 * What mmfile checks about a multipart/form-data request before {@link MultipartParser} reads its
 * body: the Content-Type and its boundary; and the names of the limits a form can cross.
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
}
