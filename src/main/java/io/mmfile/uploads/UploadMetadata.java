package io.mmfile.uploads;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * tus {@code Upload-Metadata}: comma-separated pairs of a key and, optionally, a space and the
 * base64 of its value. Keys are ASCII without spaces or commas, each once. The header is stored as
 * sent (HEAD gives it back unchanged); these keys name the file it becomes: {@code filename},
 * {@code filetype} (its content type when not an image) and {@code image} ({@code true}: refuse it
 * unless its bytes are an image).
 */
public record UploadMetadata(String header, Map<String, String> values) {
  /** What the {@code uploads.metadata} column holds. */
  public static final int MAX_HEADER_CHARS = 4096;

  public static final UploadMetadata NONE = new UploadMetadata(null, Map.of());

  /** Parses the header; null or blank is no metadata. Throws {@link IllegalArgumentException} saying what is wrong. */
  public static UploadMetadata parse(String header) {
    if (header == null || header.isBlank()) {
      return NONE;
    }
    if (header.length() > MAX_HEADER_CHARS) {
      throw new IllegalArgumentException("Upload-Metadata is longer than " + MAX_HEADER_CHARS + " characters");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : header.split(",", -1)) {
      String trimmed = pair.trim();
      if (trimmed.isEmpty()) {
        throw new IllegalArgumentException("Upload-Metadata has an empty pair");
      }
      int space = trimmed.indexOf(' ');
      String key = space < 0 ? trimmed : trimmed.substring(0, space);
      String encoded = space < 0 ? "" : trimmed.substring(space + 1).trim();
      if (!key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new IllegalArgumentException("Upload-Metadata key '" + key + "' is not printable ASCII");
      }
      if (encoded.contains(" ")) {
        throw new IllegalArgumentException("Upload-Metadata value of '" + key + "' has a space");
      }
      String value;
      try {
        value = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Upload-Metadata value of '" + key + "' is not base64");
      }
      if (values.put(key, value) != null) {
        throw new IllegalArgumentException("Upload-Metadata names '" + key + "' twice");
      }
    }
    return new UploadMetadata(header.trim(), Map.copyOf(values));
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key)).filter(v -> !v.isEmpty());
  }

  /** Whether the client asked for an image: {@code image} is true. */
  public boolean asksForImage() {
    return get("image").map(v -> v.equalsIgnoreCase("true") || v.equals("1")).orElse(false);
  }
}
