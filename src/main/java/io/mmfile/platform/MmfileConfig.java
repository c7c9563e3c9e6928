package io.mmfile.platform;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The validated configuration of one mmfile node. Built from the merged YAML and environment by
 * {@link #from(JsonObject)}, which names the offending key when a value is wrong.
 */
public record MmfileConfig(
  Http http,
  Path dataDir,
  Optional<URI> databaseUrl,
  int databasePoolSize,
  int databaseMaxWaitQueue,
  Optional<URI> redisUrl,
  int redisPoolSize,
  int redisMaxWaiting,
  String redisKeyPrefix,
  Storage storage,
  Upload upload,
  int shutdownGraceSeconds) {

  /** The HTTP front: listen address, instances, TLS and the base of returned URLs. */
  public record Http(String host, int port, int instances, Optional<String> publicBaseUrl,
                     int idleTimeoutSeconds, Optional<Path> tlsCert, Optional<Path> tlsKey) {
    public boolean tls() {
      return tlsCert.isPresent();
    }
  }

  /** The storage verticles and the stores they write to. */
  public record Storage(int instances, long memoryCacheMaxBytes, int sweepIntervalSeconds) {
  }

  /** Limits of the upload path. */
  public record Upload(long maxBytes, int maxConcurrent, int chunkBytes, int windowChunks, int idleTimeoutSeconds) {
  }

  public boolean embeddedDatabase() {
    return databaseUrl.isEmpty();
  }

  /** Validates the merged configuration; throws {@link ConfigException} naming the first bad key. */
  public static MmfileConfig from(JsonObject json) {
    Reader r = new Reader(json);
    Optional<String> cert = r.optionalString("http.tls.cert");
    Optional<String> key = r.optionalString("http.tls.key");
    if (cert.isPresent() != key.isPresent()) {
      throw new ConfigException(cert.isPresent() ? "http.tls.key" : "http.tls.cert",
        "http.tls.cert and http.tls.key must be set together");
    }
    int instances = r.integer("http.instances", 0, 1024);
    Http http = new Http(
      r.string("http.host"),
      r.integer("http.port", 0, 65535),
      instances == 0 ? Runtime.getRuntime().availableProcessors() : instances,
      r.optionalString("http.public-base-url").map(MmfileConfig::checkBaseUrl),
      r.integer("http.idle-timeout-seconds", 1, 86400),
      cert.map(c -> existingFile("http.tls.cert", c)),
      key.map(k -> existingFile("http.tls.key", k)));
    Storage storage = new Storage(
      r.integer("storage.instances", 1, 256),
      r.longValue("storage.memory-cache-max-bytes", 0, Long.MAX_VALUE),
      r.integer("storage.sweep-interval-seconds", 1, 86400));
    Upload upload = new Upload(
      r.longValue("upload.max-bytes", 1, 1L << 40),
      r.integer("upload.max-concurrent", 1, 1_000_000),
      r.integer("upload.chunk-bytes", 1024, 16 * 1024 * 1024),
      r.integer("upload.window-chunks", 1, 1024),
      r.integer("upload.idle-timeout-seconds", 1, 86400));
    return new MmfileConfig(
      http,
      Path.of(r.string("data.dir")),
      r.optionalString("database.url").map(u -> uri("database.url", u, "mysql")),
      r.integer("database.pool-size", 1, 1024),
      r.integer("database.max-wait-queue", 0, 1_000_000),
      r.optionalString("redis.url").map(u -> uri("redis.url", u, "redis", "rediss")),
      r.integer("redis.pool-size", 1, 1024),
      r.integer("redis.max-waiting", 0, 1_000_000),
      r.string("redis.key-prefix"),
      storage,
      upload,
      r.integer("shutdown.grace-seconds", 0, 3600));
  }

  private static String checkBaseUrl(String value) {
    URI uri = uri("http.public-base-url", value, "http", "https");
    if (uri.getHost() == null) {
      throw new ConfigException("http.public-base-url", "must be an absolute http(s) URL, got '" + value + "'");
    }
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }

  private static URI uri(String key, String value, String... schemes) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "is not a valid URL: '" + value + "'");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    for (String s : schemes) {
      if (s.equals(scheme)) {
        return uri;
      }
    }
    throw new ConfigException(key, "must use the scheme " + String.join(" or ", schemes) + ", got '" + value + "'");
  }

  private static Path existingFile(String key, String value) {
    Path path = Path.of(value);
    if (!path.toFile().isFile()) {
      throw new ConfigException(key, "file not found: " + value);
    }
    return path;
  }

  /** Reads dotted keys out of nested JSON, turning every mistake into a {@link ConfigException}. */
  private static final class Reader {
    private final JsonObject root;

    Reader(JsonObject root) {
      this.root = root;
    }

    Object raw(String key) {
      Object node = root;
      for (String part : key.split("\\.")) {
        if (!(node instanceof JsonObject obj)) {
          return null;
        }
        node = obj.getValue(part);
        if (node instanceof Map<?, ?> map) {
          @SuppressWarnings("unchecked")
          Map<String, Object> m = (Map<String, Object>) map;
          node = new JsonObject(m);
        }
      }
      return node;
    }

    String string(String key) {
      Object v = raw(key);
      if (v == null || v.toString().isBlank()) {
        throw new ConfigException(key, "is required");
      }
      return v.toString();
    }

    Optional<String> optionalString(String key) {
      Object v = raw(key);
      return v == null || v.toString().isBlank() ? Optional.empty() : Optional.of(v.toString().trim());
    }

    long longValue(String key, long min, long max) {
      Object v = raw(key);
      long value;
      try {
        value = v instanceof Number n && !(v instanceof Double || v instanceof Float)
          ? n.longValue() : Long.parseLong(String.valueOf(v).trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(key, "must be a whole number, got '" + v + "'");
      }
      if (value < min || value > max) {
        throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }

    int integer(String key, int min, int max) {
      return (int) longValue(key, min, max);
    }
  }
}
