package io.mmfile.platform;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
  RedisServers redisServers,
  int redisPoolSize,
  int redisMaxWaiting,
  String redisKeyPrefix,
  Storage storage,
  Upload upload,
  Scaling scaling,
  Auth auth,
  Sms sms,
  int shutdownGraceSeconds,
  AppKeys appKeys,
  Observability observability,
  Console console,
  Api api,
  Resumable uploads) {

  /**
   * {@code /api/v1}: how far an app key's signature may be from this node's clock; the largest JSON body;
   * the accounts, by id or username ({@code api.admin-accounts}), that may manage app keys through it
   * (empty = none).
   */
  public record Api(int signatureWindowSeconds, int maxJsonBytes, List<String> adminAccounts) {
  }

  /**
   * tus resumable uploads ({@code /api/v1/uploads}): how long an upload lives after its last PATCH
   * that moved it on ({@code uploads.expire-after}: a number of seconds, or with a unit {@code s},
   * {@code m}, {@code h} or {@code d}).
   */
  public record Resumable(long expireAfterSeconds) {
  }

  /** The operator console: off without an admin password; how long a login lasts. */
  public record Console(Optional<String> adminPassword, int sessionMinutes) {
    public boolean enabled() {
      return adminPassword.isPresent();
    }
  }

  /**
   * How the node shows itself to operators: its name ({@code node.id}; empty = host name and HTTP
   * port, resolved at start), the log line format, the access log format, and who may read
   * {@code /metrics} (a bearer token; empty = loopback clients only).
   */
  public record Observability(Optional<String> nodeId, boolean jsonLogs, AccessLog.Format accessLog,
                              Optional<String> metricsToken, int storeStatsSeconds) {
  }

  /** Tokens, password hashing and login throttling. */
  public record Auth(Optional<Path> jwtPrivateKey, Optional<String> jwtKeyId, List<Path> jwtPreviousPublicKeys,
                     int accessTokenMinutes, int refreshTokenDays, int argon2MemoryKib, int argon2Iterations,
                     int argon2Parallelism, int hashThreads, int loginBackoffAfter, int loginLockAfter,
                     int loginLockMinutes, boolean requireAuthorizationCode, Optional<String> nodeSecret,
                     int registrationsPerAddressPerHour, int verifiedTokenCacheSize) {
  }

  /**
   * Where Redis is ({@code redis.mode}, {@code redis.url}, {@code redis.master-name}): one server; a Redis
   * Cluster, {@code urls} being some of its nodes (the client learns the others and the slots from them);
   * or a master watched by Sentinel, {@code urls} being sentinels. {@code urls} is empty without Redis.
   */
  public record RedisServers(RedisMode mode, List<URI> urls, String masterName) {
  }

  /** How Redis is deployed. */
  public enum RedisMode { STANDALONE, CLUSTER, SENTINEL }

  /** App keys: how long a rotated secret stays valid, and how long and how many keys a node remembers. */
  public record AppKeys(int rotationOverlapMinutes, int cacheSeconds, int cacheMaxEntries) {
    public java.time.Duration rotationOverlap() {
      return java.time.Duration.ofMinutes(rotationOverlapMinutes);
    }
  }

  /** Verification codes and how they are sent. */
  public record Sms(String sender, Optional<URI> httpUrl, int codeTtlSeconds, int maxAttempts,
                    int resendCooldownSeconds, int perAddressPerHour, int perAppPerHour, boolean allowLogSender) {
  }

  /** The HTTP front: listen address, instances, TLS and the base of returned URLs. */
  public record Http(String host, int port, int instances, Optional<String> publicBaseUrl,
                     int idleTimeoutSeconds, Optional<Path> tlsCert, Optional<Path> tlsKey, List<Cidr> trustedProxies,
                     Cors cors, int cacheStoreMaxAgeSeconds, Transport transport) {
    public boolean tls() {
      return tlsCert.isPresent();
    }
  }

  /** The network transport: the system's own (epoll on Linux) where it loads, else Java's NIO; or NIO always. */
  public enum Transport { NATIVE, NIO }

  /** Cross-origin access for web pages: the allowed origins ({@code *} = any; empty = no CORS at all). */
  public record Cors(List<String> allowedOrigins, int maxAgeSeconds) {
    public boolean enabled() {
      return !allowedOrigins.isEmpty();
    }

    public boolean anyOrigin() {
      return allowedOrigins.contains("*");
    }
  }

  /**
   * The storage verticles and the stores they write to; {@code minFreeBytes} is the free space of the
   * data volume under which uploads are refused and the node is not ready (0: no floor).
   */
  public record Storage(int instances, long memoryCacheMaxBytes, int sweepIntervalSeconds, int recordCacheSize,
                        int recordCacheMinutes, long minFreeBytes, Durable durable, Fsync fsync, int fsyncWindowMs,
                        Volumes volumes, Optional<S3> s3, boolean dedup) {
  }

  /**
   * Resized variants (gainImage {@code scaling}, weidu previews): the rendering pool, the decompression
   * bomb limit, and how variants are kept in the cache store.
   */
  public record Scaling(int threads, int maxQueued, long maxPixels, int cacheTtlSeconds, long maxCachedBytes,
                        int jpegQuality) {
  }

  /**
   * The durable store: one file per upload ({@code disk}), append-only volume files ({@code volume}), or
   * objects in an S3-compatible bucket ({@code s3}).
   */
  public enum Durable { DISK, VOLUME, S3 }

  /**
   * The S3-compatible durable store: where ({@code endpoint}, {@code bucket}, {@code region}, addressed
   * path-style or virtual-hosted), as whom, under which key {@code prefix}; bytes of an upload held in
   * memory before it spills to a staging file, the part size of multipart uploads (a larger file is sent
   * as one), connections, the idle timeout of one request, and the age past which a node aborts
   * multipart uploads under the prefix that nobody finished (a node killed during a commit; 0: never). {@link #toString()} never shows the secret.
   */
  public record S3(URI endpoint, String bucket, String region, String accessKey, String secretKey, boolean pathStyle,
                   String prefix, long memoryStageBytes, long partBytes, int maxConnections, int timeoutSeconds,
                   int abortUploadsAfterMinutes) {
    @Override
    public String toString() {
      return "S3[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + ", accessKey=" + accessKey
        + ", secretKey=***, pathStyle=" + pathStyle + ", prefix=" + prefix + ", memoryStageBytes=" + memoryStageBytes
        + ", partBytes=" + partBytes + ", maxConnections=" + maxConnections + ", timeoutSeconds=" + timeoutSeconds
        + ", abortUploadsAfterMinutes=" + abortUploadsAfterMinutes + "]";
    }
  }

  /** When an upload to the volume store is acknowledged: after its write ({@code none}) or after an fsync. */
  public enum Fsync { NONE, GROUP }

  /**
   * The volume store: volume size, writable volumes per expiry class, bytes of an upload held in memory
   * before it spills to a staging file, garbage share that triggers compaction, width of the expiry
   * buckets, and how long a dropped volume's files stay for reads that already looked it up.
   */
  public record Volumes(long maxBytes, int writable, long memoryStageBytes, int garbageThresholdPercent,
                        int expiryBucketSeconds, int retireGraceSeconds) {
  }

  /**
   * Limits of the upload path. {@code maxConcurrent} caps the node; {@code maxConcurrentPerAppKey} and
   * {@code maxConcurrentPerAddress} cap one app key and one client address within it. {@code maxParts},
   * {@code maxFields}, {@code maxFieldBytes} and {@code maxRequestBytes} bound one multipart request.
   */
  public record Upload(long maxBytes, int maxConcurrent, int maxConcurrentPerAppKey, int maxConcurrentPerAddress,
                       int maxParts, int maxFields, int maxFieldBytes, long maxRequestBytes, int chunkBytes,
                       int windowChunks, int idleTimeoutSeconds) {
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
      key.map(k -> existingFile("http.tls.key", k)),
      cidrs("http.trusted-proxies", r.optionalString("http.trusted-proxies").orElse("")),
      new Cors(origins("http.cors.allowed-origins", r.list("http.cors.allowed-origins")),
        r.integer("http.cors.max-age-seconds", 0, 86400)),
      r.integer("http.cache-store-max-age-seconds", 0, 365 * 86400),
      r.choice("http.transport", Transport.class));
    int storageInstances = r.integer("storage.instances", 1, 256);
    int writableVolumes = r.integer("storage.volume.writable", 0, 256);
    Durable durable = r.choice("storage.durable", Durable.class);
    Storage storage = new Storage(
      storageInstances,
      r.longValue("storage.memory-cache-max-bytes", 0, Long.MAX_VALUE),
      r.integer("storage.sweep-interval-seconds", 1, 86400),
      r.integer("storage.record-cache-size", 1, 100_000_000),
      r.integer("storage.record-cache-minutes", 1, 7 * 24 * 60),
      r.longValue("storage.min-free-bytes", 0, Long.MAX_VALUE),
      durable,
      r.choice("storage.fsync", Fsync.class),
      r.integer("storage.fsync-window-ms", 0, 1000),
      new Volumes(
        r.longValue("storage.volume.max-bytes", 1L << 20, 1L << 40),
        writableVolumes == 0 ? storageInstances : writableVolumes,
        r.longValue("storage.volume.memory-stage-bytes", 0, 64L << 20),
        r.integer("storage.volume.garbage-threshold-percent", 1, 100),
        r.integer("storage.volume.expiry-bucket-seconds", 1, 30 * 86400),
        r.integer("storage.volume.retire-grace-seconds", 0, 86400)),
      durable == Durable.S3 ? Optional.of(s3(r)) : Optional.empty(),
      r.bool("storage.dedup"));
    long maxBytes = r.longValue("upload.max-bytes", 1, 1L << 40);
    int maxConcurrent = maxConcurrentUploads(r.integer("upload.max-concurrent", 0, 1_000_000));
    int perAppKey = r.integer("upload.max-concurrent-per-app-key", 0, 1_000_000);
    int perAddress = r.integer("upload.max-concurrent-per-address", 0, 1_000_000);
    long maxRequestBytes = r.longValue("upload.max-request-bytes", 1, 1L << 42);
    if (maxRequestBytes < maxBytes) {
      throw new ConfigException("upload.max-request-bytes", "must be at least upload.max-bytes (" + maxBytes
        + "), got " + maxRequestBytes);
    }
    Upload upload = new Upload(
      maxBytes,
      maxConcurrent,
      perAppKey == 0 ? Math.max(1, maxConcurrent / 2) : Math.min(perAppKey, maxConcurrent),
      perAddress == 0 ? Math.max(1, maxConcurrent / 4) : Math.min(perAddress, maxConcurrent),
      r.integer("upload.max-parts", 1, 10_000),
      r.integer("upload.max-fields", 1, 10_000),
      r.integer("upload.max-field-bytes", 64, 16 * 1024 * 1024),
      maxRequestBytes,
      r.integer("upload.chunk-bytes", 1024, 16 * 1024 * 1024),
      r.integer("upload.window-chunks", 1, 1024),
      r.integer("upload.idle-timeout-seconds", 1, 86400));
    int scalingThreads = r.integer("scaling.threads", 0, 256);
    Scaling scaling = new Scaling(
      scalingThreads == 0 ? Runtime.getRuntime().availableProcessors() : scalingThreads,
      r.integer("scaling.max-queued", 0, 100_000),
      r.longValue("scaling.max-pixels", 1, 1_000_000_000L),
      r.integer("scaling.cache-ttl-seconds", 1, 365 * 86400),
      r.longValue("scaling.max-cached-bytes", 0, 1L << 30),
      r.integer("scaling.jpeg-quality", 1, 100));
    Optional<String> privateKey = r.optionalString("auth.jwt-private-key");
    List<Path> previous = new ArrayList<>();
    r.optionalString("auth.jwt-previous-public-keys").ifPresent(list -> {
      for (String file : list.split(",")) {
        if (!file.isBlank()) {
          previous.add(existingFile("auth.jwt-previous-public-keys", file.trim()));
        }
      }
    });
    int hashThreads = r.integer("auth.hash-threads", 0, 256);
    Auth auth = new Auth(
      privateKey.map(k -> existingFile("auth.jwt-private-key", k)),
      r.optionalString("auth.jwt-key-id"),
      List.copyOf(previous),
      r.integer("auth.access-token-minutes", 1, 24 * 60),
      r.integer("auth.refresh-token-days", 1, 3650),
      r.integer("auth.argon2-memory-kib", 8 * 1024, 4 * 1024 * 1024),
      r.integer("auth.argon2-iterations", 1, 100),
      r.integer("auth.argon2-parallelism", 1, 64),
      hashThreads == 0 ? Runtime.getRuntime().availableProcessors() : hashThreads,
      r.integer("auth.login-backoff-after", 1, 1000),
      r.integer("auth.login-lock-after", 1, 1000),
      r.integer("auth.login-lock-minutes", 1, 24 * 60),
      r.bool("auth.require-authorization-code"),
      r.optionalString("auth.node-secret"),
      r.integer("auth.registrations-per-address-per-hour", 0, 1_000_000),
      r.integer("auth.verified-token-cache-size", 1, 10_000_000));
    if (auth.nodeSecret().isPresent() && auth.nodeSecret().get().length() < 32) {
      throw new ConfigException("auth.node-secret", "must be at least 32 characters (e.g. openssl rand -base64 32)");
    }
    if (privateKey.isPresent() && auth.jwtKeyId().isEmpty()) {
      throw new ConfigException("auth.jwt-key-id", "is required with auth.jwt-private-key");
    }
    String sender = r.string("sms.sender");
    if (!sender.equals("log") && !sender.equals("http")) {
      throw new ConfigException("sms.sender", "must be log or http, got '" + sender + "'");
    }
    Optional<URI> smsUrl = r.optionalString("sms.http-url").map(u -> uri("sms.http-url", u, "http", "https"));
    if (sender.equals("http") && smsUrl.isEmpty()) {
      throw new ConfigException("sms.http-url", "is required when sms.sender is http");
    }
    Sms sms = new Sms(sender, smsUrl,
      r.integer("sms.code-ttl-seconds", 10, 86400),
      r.integer("sms.max-attempts", 1, 100),
      r.integer("sms.resend-cooldown-seconds", 0, 86400),
      r.integer("sms.per-address-per-hour", 0, 1_000_000),
      r.integer("sms.per-app-per-hour", 0, 100_000_000),
      r.bool("sms.allow-log-sender"));
    if (sender.equals("log") && r.optionalString("database.url").isPresent() && !sms.allowLogSender()) {
      throw new ConfigException("sms.sender", "is log, which writes every verification code to the log, and a MySQL"
        + " database.url says this is not a development node: set sms.sender: http (with sms.http-url), or"
        + " sms.allow-log-sender: true to keep logging codes");
    }
    int redisPoolSize = r.integer("redis.pool-size", 1, 1024);
    int redisMaxWaiting = r.integer("redis.max-waiting", 0, 1_000_000);
    String redisKeyPrefix = r.string("redis.key-prefix");
    RedisServers redis = redisServers(r, redisPoolSize, redisMaxWaiting, redisKeyPrefix);
    return new MmfileConfig(
      http,
      Path.of(r.string("data.dir")),
      r.optionalString("database.url").map(u -> uri("database.url", u, "mysql")),
      r.integer("database.pool-size", 1, 1024),
      r.integer("database.max-wait-queue", 0, 1_000_000),
      redis.urls().stream().findFirst(),
      redis,
      redisPoolSize,
      redisMaxWaiting,
      redisKeyPrefix,
      storage,
      upload,
      scaling,
      auth,
      sms,
      r.integer("shutdown.grace-seconds", 0, 3600),
      new AppKeys(
        r.integer("auth.app-key-rotation-overlap-minutes", 0, 366 * 24 * 60),
        r.integer("auth.app-key-cache-seconds", 0, 3600),
        r.integer("auth.app-key-cache-max-entries", 1, 10_000_000)),
      observability(r),
      console(r),
      new Api(r.integer("api.signature-window-seconds", 1, 3600), r.integer("api.max-json-bytes", 1024, 16 * 1024 * 1024),
        r.list("api.admin-accounts")),
      new Resumable(r.seconds("uploads.expire-after", 1, 365L * 86400)));
  }

  private static Console console(Reader r) {
    Optional<String> password = r.optionalString("console.admin-password");
    if (password.isPresent() && password.get().length() < 12) {
      throw new ConfigException("console.admin-password", "must be at least 12 characters (or empty: no console)");
    }
    return new Console(password, r.integer("console.session-minutes", 1, 24 * 60));
  }

  private static Observability observability(Reader r) {
    Optional<String> nodeId = r.optionalString("node.id");
    if (nodeId.isPresent() && !nodeId.get().matches("[A-Za-z0-9._:-]{1,64}")) {
      throw new ConfigException("node.id", "must be 1-64 letters, digits, '.', '_', ':' or '-', got '" + nodeId.get() + "'");
    }
    String format = r.string("log.format").trim().toLowerCase(Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw new ConfigException("log.format", "must be text or json, got '" + format + "'");
    }
    Optional<String> token = r.optionalString("metrics.token");
    if (token.isPresent() && token.get().length() < 16) {
      throw new ConfigException("metrics.token", "must be at least 16 characters (e.g. openssl rand -hex 16)");
    }
    return new Observability(nodeId, format.equals("json"), r.choice("log.access", AccessLog.Format.class), token,
      r.integer("metrics.store-stats-seconds", 0, 86400));
  }

  private static RedisServers redisServers(Reader r, int poolSize, int maxWaiting, String keyPrefix) {
    RedisMode mode = r.choice("redis.mode", RedisMode.class);
    List<URI> urls = r.list("redis.url").stream().map(u -> uri("redis.url", u, "redis", "rediss")).toList();
    String masterName = r.optionalString("redis.master-name").orElse("");
    if (urls.isEmpty()) {
      if (mode != RedisMode.STANDALONE) {
        throw new ConfigException("redis.url", "must list the " + (mode == RedisMode.CLUSTER ? "cluster's nodes"
          : "sentinels") + " when redis.mode is " + mode.name().toLowerCase(Locale.ROOT));
      }
      return new RedisServers(mode, urls, masterName);
    }
    switch (mode) {
      case STANDALONE -> {
        if (urls.size() > 1) {
          throw new ConfigException("redis.url", "lists " + urls.size() + " servers: set redis.mode to cluster (they"
            + " are nodes of a Redis Cluster) or sentinel (they are sentinels), or name one server");
        }
      }
      case CLUSTER -> {
        for (URI url : urls) {
          String path = url.getPath() == null ? "" : url.getPath();
          if (!path.isEmpty() && !path.equals("/") && !path.equals("/0")) {
            throw new ConfigException("redis.url", "names database " + path.substring(1) + ", but a Redis Cluster has"
              + " database 0 only: '" + RedactedUrl.of(url.toString()) + "'");
          }
        }
        if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
          throw new ConfigException("redis.key-prefix", "must not contain { or } with redis.mode cluster: a hash tag"
            + " in the prefix would put every key in one slot, on one node");
        }
        if (maxWaiting < poolSize) {
          throw new ConfigException("redis.max-waiting", "must be at least redis.pool-size (" + poolSize
            + ") with redis.mode cluster, got " + maxWaiting);
        }
      }
      case SENTINEL -> {
        if (masterName.isEmpty()) {
          throw new ConfigException("redis.master-name", "is required with redis.mode sentinel (the name the"
            + " sentinels know the master by)");
        }
      }
    }
    return new RedisServers(mode, urls, masterName);
  }

  /**
   * 0 means: derived from the heap. While a client sends faster than storage takes, Vert.x holds up to
   * 16 network reads of a paused upload (up to 64 KiB each) on top of the upload's own chunk window, so
   * one upload can pin about 2 MiB of heap. Budgeting 4 MiB per upload keeps uploads within half the heap.
   */
  static int maxConcurrentUploads(int configured) {
    if (configured > 0) {
      return configured;
    }
    long perUpload = 4L * 1024 * 1024;
    return (int) Math.max(16, Math.min(1024, Runtime.getRuntime().maxMemory() / perUpload));
  }

  /** Bucket names as S3 allows them everywhere: 3-63 lower-case letters, digits, dots and hyphens. */
  private static final java.util.regex.Pattern BUCKET = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /** The {@code storage.s3.*} keys, read only when {@code storage.durable} is {@code s3}. */
  private static S3 s3(Reader r) {
    String endpointText = r.optionalString("storage.s3.endpoint").orElseThrow(() -> new ConfigException(
      "storage.s3.endpoint", "is required with storage.durable=s3, e.g. https://s3.eu-west-1.amazonaws.com or"
        + " http://127.0.0.1:9000"));
    URI endpoint = uri("storage.s3.endpoint", endpointText, "http", "https");
    if (endpoint.getHost() == null || endpoint.getRawUserInfo() != null || endpoint.getRawQuery() != null
      || endpoint.getRawFragment() != null) {
      throw new ConfigException("storage.s3.endpoint", "must be http(s)://host[:port] with no user, query or fragment,"
        + " got '" + RedactedUrl.of(endpointText) + "'");
    }
    String bucket = r.string("storage.s3.bucket");
    if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw new ConfigException("storage.s3.bucket", "must be 3-63 lower-case letters, digits, dots and hyphens,"
        + " starting and ending with a letter or digit, got '" + bucket + "'");
    }
    String region = r.string("storage.s3.region");
    if (!region.matches("[A-Za-z0-9-]{1,64}")) {
      throw new ConfigException("storage.s3.region", "must be a region name like us-east-1, got '" + region + "'");
    }
    String accessKey = r.string("storage.s3.access-key");
    // Read, and never echoed: not even its length goes into a message.
    String secretKey = r.optionalString("storage.s3.secret-key").orElseThrow(() -> new ConfigException(
      "storage.s3.secret-key", "is required with storage.durable=s3 (set MMFILE_STORAGE_S3_SECRET_KEY)"));
    String prefix = r.optionalString("storage.s3.prefix").orElse("");
    if (prefix.startsWith("/") || prefix.length() > 512 || !prefix.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
      throw new ConfigException("storage.s3.prefix", "must be printable ASCII without spaces, not start with '/',"
        + " and be at most 512 characters, got '" + prefix + "'");
    }
    long partBytes = r.longValue("storage.s3.part-bytes", 5L << 20, 5L << 30);
    return new S3(endpoint, bucket, region, accessKey, secretKey, r.bool("storage.s3.path-style"), prefix,
      r.longValue("storage.s3.memory-stage-bytes", 0, 64L << 20), partBytes,
      r.integer("storage.s3.max-connections", 1, 4096),
      r.integer("storage.s3.timeout-seconds", 1, 3600),
      r.integer("storage.s3.abort-uploads-after-minutes", 0, 7 * 24 * 60));
  }

  private static List<Cidr> cidrs(String key, String list) {
    List<Cidr> out = new ArrayList<>();
    for (String item : list.split(",")) {
      if (!item.isBlank()) {
        try {
          out.add(Cidr.parse(item));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(key, "must list IP addresses or CIDR blocks separated by commas: " + e.getMessage());
        }
      }
    }
    return List.copyOf(out);
  }

  /** {@code *} alone, or origins {@code scheme://host[:port]} as browsers send them (RFC 6454). */
  private static List<String> origins(String key, List<String> items) {
    if (items.contains("*")) {
      if (items.size() > 1) {
        throw new ConfigException(key, "'*' allows every origin and cannot be combined with others");
      }
      return items;
    }
    List<String> origins = items.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
    for (String origin : origins) {
      URI uri;
      try {
        uri = new URI(origin);
      } catch (java.net.URISyntaxException e) {
        uri = null;
      }
      boolean valid = uri != null && uri.getHost() != null && uri.getRawUserInfo() == null
        && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        && uri.getRawPath().isEmpty() && uri.getRawQuery() == null && uri.getRawFragment() == null;
      if (!valid) {
        throw new ConfigException(key, "must list origins like https://app.example.com (scheme, host, optional port, "
          + "no path) or be '*', got '" + origin + "'");
      }
    }
    return origins;
  }

  private static String checkBaseUrl(String value) {
    URI uri = uri("http.public-base-url", value, "http", "https");
    if (uri.getHost() == null) {
      throw new ConfigException("http.public-base-url", "must be an absolute http(s) URL, got '"
        + RedactedUrl.of(value) + "'");
    }
    return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
  }

  private static URI uri(String key, String value, String... schemes) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key, "is not a valid URL: '" + RedactedUrl.of(value) + "'");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    for (String s : schemes) {
      if (s.equals(scheme)) {
        return uri;
      }
    }
    throw new ConfigException(key, "must use the scheme " + String.join(" or ", schemes) + ", got '"
      + RedactedUrl.of(value) + "'");
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

    /** A YAML list, or one string of items separated by commas (as an environment variable gives it). */
    List<String> list(String key) {
      Object v = raw(key);
      List<String> items = new ArrayList<>();
      if (v instanceof io.vertx.core.json.JsonArray array) {
        array.forEach(item -> items.add(String.valueOf(item)));
      } else if (v instanceof List<?> array) {
        array.forEach(item -> items.add(String.valueOf(item)));
      } else if (v != null) {
        items.addAll(List.of(v.toString().split(",")));
      }
      return items.stream().map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    boolean bool(String key) {
      Object v = raw(key);
      if (v instanceof Boolean b) {
        return b;
      }
      String text = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
      if (text.equals("true") || text.equals("false")) {
        return Boolean.parseBoolean(text);
      }
      throw new ConfigException(key, "must be true or false, got '" + v + "'");
    }

    /** One of the constants of {@code type}, written in lower case ({@code disk}, {@code group}). */
    <E extends Enum<E>> E choice(String key, Class<E> type) {
      String text = string(key).trim();
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equalsIgnoreCase(text)) {
          return constant;
        }
      }
      List<String> names = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        names.add(constant.name().toLowerCase(Locale.ROOT));
      }
      throw new ConfigException(key, "must be " + String.join(" or ", names) + ", got '" + text + "'");
    }

    int integer(String key, int min, int max) {
      return (int) longValue(key, min, max);
    }

    /** A duration in seconds: a whole number of seconds, or one followed by s, m, h or d ({@code 24h}). */
    long seconds(String key, long min, long max) {
      Object v = raw(key);
      String text = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,12})\\s*([smhd]?)").matcher(text);
      if (v == null || !m.matches()) {
        throw new ConfigException(key, "must be a duration such as 3600, 90m, 24h or 7d, got '" + v + "'");
      }
      long unit = switch (m.group(2)) {
        case "m" -> 60;
        case "h" -> 3600;
        case "d" -> 86400;
        default -> 1;
      };
      long value = Long.parseLong(m.group(1)) * unit;
      if (value < min || value > max) {
        throw new ConfigException(key, "must be between " + min + " and " + max + " seconds, got " + value);
      }
      return value;
    }
  }
}
