package io.mmfile;

import io.mmfile.accounts.AccountRepository;
import io.mmfile.accounts.AccountService;
import io.mmfile.api.daoke.DaokeRoutes;
import io.mmfile.api.daoke.GainImageHandler;
import io.mmfile.api.daoke.SaveImageHandler;
import io.mmfile.api.daoke.UserBindMobileHandler;
import io.mmfile.api.srv.SrvRoutes;
import io.mmfile.api.v1.AccountsResource;
import io.mmfile.api.v1.ApiAdmission;
import io.mmfile.api.v1.AppKeysResource;
import io.mmfile.api.v1.ApiAuth;
import io.mmfile.api.v1.ApiDocument;
import io.mmfile.api.v1.ApiReference;
import io.mmfile.api.v1.ApiRoutes;
import io.mmfile.api.v1.FilesByHashResource;
import io.mmfile.api.v1.FilesResource;
import io.mmfile.api.v1.UploadsResource;
import io.mmfile.api.weidu.WeiduRoutes;
import io.mmfile.auth.AppKeyAdmin;
import io.mmfile.auth.AppKeyCache;
import io.mmfile.auth.AppKeyChanges;
import io.mmfile.auth.AppKeyRepository;
import io.mmfile.auth.AuthorizationCodes;
import io.mmfile.auth.LoginThrottle;
import io.mmfile.console.ConsoleRoutes;
import io.vertx.core.json.JsonObject;
import io.mmfile.auth.NodeSecret;
import io.mmfile.auth.PasswordHasher;
import io.mmfile.auth.RateLimiter;
import io.mmfile.auth.SigningKeys;
import io.mmfile.auth.SmsCodes;
import io.mmfile.auth.SmsSender;
import io.mmfile.auth.TokenService;
import io.mmfile.files.BlobStore;
import io.mmfile.files.DiskBlobStore;
import io.mmfile.files.EvictedRecords;
import io.mmfile.files.BlobScope;
import io.mmfile.files.FileDelivery;
import io.mmfile.files.FileExpiry;
import io.mmfile.files.FileIntake;
import io.mmfile.files.FileRecordCache;
import io.mmfile.files.FileRecordRepository;
import io.mmfile.files.FileStores;
import io.mmfile.files.FileUrls;
import io.mmfile.files.ImageVariants;
import io.mmfile.files.MemoryBlobStore;
import io.mmfile.files.RedisBlobStore;
import io.mmfile.files.StorageProtocol;
import io.mmfile.files.StorageVerticle;
import io.mmfile.files.StoreKind;
import io.mmfile.files.UploadExchange;
import io.mmfile.files.UploadGate;
import io.mmfile.files.s3.S3BlobStore;
import io.mmfile.files.volume.VolumeBlobStore;
import io.mmfile.platform.AccessLog;
import io.mmfile.platform.ClientAddress;
import io.mmfile.platform.ConfigException;
import io.mmfile.platform.DataVolume;
import io.mmfile.platform.Database;
import io.mmfile.platform.Dialect;
import io.mmfile.platform.Health;
import io.mmfile.platform.HttpVerticle;
import io.mmfile.platform.KeyValueStore;
import io.mmfile.platform.LogContext;
import io.mmfile.platform.NodeIdentity;
import io.mmfile.platform.KeyValueStores;
import io.mmfile.platform.MemoryKeyValueStore;
import io.mmfile.platform.MetricsEndpoint;
import io.mmfile.platform.MmfileConfig;
import io.mmfile.platform.NetworkTransport;
import io.mmfile.platform.NodeMetrics;
import io.mmfile.platform.RedactedUrl;
import io.mmfile.platform.RedisChannel;
import io.mmfile.platform.RedisKeyValueStore;
import io.mmfile.uploads.ResumableUploadRepository;
import io.mmfile.uploads.ResumableUploads;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One mmfile node: migrations, shared pools and stores, the capabilities, then the storage and HTTP
 * verticles. Used by {@link Main} and, unchanged, by the integration tests.
 */
public final class MmfileServer {
  private static final Logger LOG = LoggerFactory.getLogger(MmfileServer.class);
  private static final long REDIS_PROBE_MS = 2_000;
  private static final long PURGE_INTERVAL_MS = 60_000;

  private final Vertx vertx;
  private final MmfileConfig config;
  private final Clock clock;
  private Pool pool;
  private Redis redis;
  private FileStores stores;
  private ApiDocument apiDocument;
  private ApiReference apiReference;
  private AppKeyRepository appKeys;
  private AppKeyChanges appKeyChanges;
  private AccountService accounts;
  private KeyValueStore kv;
  private NodeSecret secret;
  private PasswordHasher hasher;
  private ImageVariants variants;
  private String storageDeployment;
  private String httpDeployment;
  private long sweepTimer = -1;
  private long purgeTimer = -1;
  private Database database;
  private DataVolume volume;
  private String nodeId;
  private LoginThrottle loginThrottle;
  private NodeMetrics.Refresher storeSizes;
  private final NodeMetrics metrics;
  private UploadGate gate;
  private ResumableUploads resumable;
  private long resumableSweepTimer = -1;

  public MmfileServer(Vertx vertx, MmfileConfig config) {
    this(vertx, config, Clock.systemUTC());
  }

  /** {@code clock} decides when a rotated app-key secret stops being accepted (tests move it). */
  public MmfileServer(Vertx vertx, MmfileConfig config, Clock clock) {
    this(vertx, config, clock, NodeMetrics.standalone());
  }

  /**
   * {@code metrics}: the node's registry; when {@code vertx} was built by {@link NodeMetrics#vertx} with
   * the same registry, Vert.x's own metrics are in it too.
   */
  public MmfileServer(Vertx vertx, MmfileConfig config, Clock clock, NodeMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
  }

  public Future<MmfileServer> start() {
    database = new Database(config);
    volume = new DataVolume(vertx, config.dataDir(), config.storage().minFreeBytes());
    vertx.eventBus().registerCodec(new StorageProtocol.TransferCodec());
    HttpVerticle.logTlsEngine(config);
    NetworkTransport.log(vertx, config);
    return database.migrate(vertx)
      .compose(v -> volume.start())
      // Reading the key and preparing the store's directories touch the disk: not on the event loop.
      .compose(v -> vertx.executeBlocking(() -> new DiskReady(SigningKeys.load(config.auth(), config.dataDir()),
        NodeSecret.load(config.auth(), config.dataDir()), durableStore(), NodeIdentity.resolve(config),
        BlobScope.of(config)),
        false))
      .compose(ready -> {
        nodeId = ready.nodeId();
        LogContext.register(vertx, nodeId);
        SigningKeys keys = ready.keys();
        pool = database.openPool(vertx);
        redis = config.redisUrl().isPresent() ? KeyValueStores.redis(vertx, config) : null;
        appKeyChanges = redis != null
          ? AppKeyChanges.redis(new RedisChannel(vertx, redis, AppKeyChanges.channelName(config.redisKeyPrefix())))
          : AppKeyChanges.local();
        appKeys = new AppKeyRepository(pool, clock, appKeyChanges);
        FileRecordRepository records = new FileRecordRepository(pool, config.embeddedDatabase(), ready.blobScope(),
          config.storage().dedup());
        BlobStore durable = ready.durable();
        records.dropBytesWith(durable::delete);
        FileRecordCache recordCache = new FileRecordCache(records, config.storage().recordCacheSize(),
          java.time.Duration.ofMinutes(config.storage().recordCacheMinutes()));
        BlobStore cache = redis != null
          ? new RedisBlobStore(redis, config.redisKeyPrefix(), 2L * config.upload().idleTimeoutSeconds() * 1000 + 60_000)
          // Bytes evicted from the in-process cache store take their record with them.
          : new MemoryBlobStore(config.storage().memoryCacheMaxBytes(),
            new EvictedRecords(records, recordCache, 500)::evicted);
        stores = new FileStores(durable, cache, records, recordCache);
        kv = redis != null ? new RedisKeyValueStore(redis, config.redisKeyPrefix()) : memoryKeyValueStore();
        TokenService tokens = new TokenService(vertx, keys, kv, config.auth());
        secret = ready.secret();
        hasher = new PasswordHasher(vertx, config.auth());
        accounts = new AccountService(new AccountRepository(pool), hasher, tokens,
          loginThrottle = new LoginThrottle(kv, config.auth()), new SmsCodes(kv, countedSms(SmsSender.create(vertx, config.sms())), config.sms(), secret),
          new RateLimiter(kv), config.auth(), metrics);
        LOG.info("metadata: {}; cache store and sessions: {}; token key id {}", database.description(),
          redis != null ? "Redis" : "in-process", keys.keyId());
        if (durable instanceof S3BlobStore s3) {
          LOG.info("durable store: S3, {}", s3.describe());
        }
        return (redis != null ? warnIfRedisDoesNotAnswer() : Future.<Void>succeededFuture())
          .compose(v -> durable instanceof S3BlobStore s3
            ? warnIfS3DoesNotAnswer(s3).onComplete(ar -> s3.abortStaleUploadsPeriodically(vertx))
            : Future.succeededFuture());
      })
      .compose(v -> ApiDocument.load(vertx))
      .compose(document -> vertx.executeBlocking(ApiReference::load, false).map(reference -> {
        apiDocument = document;
        apiReference = reference;
        return null;
      }))
      .compose(v -> vertx.deployVerticle(new java.util.function.Supplier<StorageVerticle>() {
          // each instance listens on an address of its own, numbered from 0
          private int next;

          @Override
          public StorageVerticle get() {
            return new StorageVerticle(stores, config.upload(), next++);
          }
        },
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setInstances(config.storage().instances())))
      .compose(deployment -> {
        storageDeployment = deployment;
        FileExpiry expiry = new FileExpiry(stores);
        // Bytes a crash left listed as garbage (between a delete's transaction and the store's delete).
        stores.records().sweepGarbage(Integer.MAX_VALUE)
          .onSuccess(n -> {
            if (n > 0) {
              LOG.info("removed {} unreferenced blobs left by an earlier run", n);
            }
          })
          .onFailure(t -> LOG.warn("could not sweep unreferenced blobs at start: {}", t.getMessage()));
        sweepTimer = vertx.setPeriodic(config.storage().sweepIntervalSeconds() * 1000L,
          id -> expiry.sweep().onSuccess(metrics::sweep));
        gate = new UploadGate(config.upload());
        metrics.uploadsInFlight(gate::inFlight);
        AppKeyCache appKeyCache = new AppKeyCache(appKeys, config.appKeys(), clock);
        AppKeyAdmin appKeyAdmin = new AppKeyAdmin(appKeys, config.appKeys().rotationOverlap());
        appKeyChanges.onChange(appKeyCache::forget).onMissedChanges(appKeyCache::forgetAll).listen();
        FileUrls urls = new FileUrls(config.http().publicBaseUrl());
        ClientAddress clientAddress = new ClientAddress(config.http().trustedProxies());
        FileIntake intake = new FileIntake(vertx.eventBus(), config.upload(), config.storage().instances());
        variants = new ImageVariants(vertx, stores, config.scaling());
        UploadExchange uploads = new UploadExchange(intake, gate, stores, clientAddress, metrics);
        FileDelivery delivery = new FileDelivery(stores, expiry, variants, config.http().cacheStoreMaxAgeSeconds());
        resumable = new ResumableUploads(vertx, new ResumableUploadRepository(pool), intake, expiry, config.upload(),
          config.uploads(), nodeId, config.dataDir().resolve("uploads"));
        Health health = new Health(pool, redis, volume,
          stores.durable() instanceof S3BlobStore s3 ? s3 : null);
        storeSizes = storeSizes();
        List<Dialect> dialects = new java.util.ArrayList<>(List.of(
          new DaokeRoutes(new SaveImageHandler(uploads, appKeyCache, urls),
            new GainImageHandler(stores, expiry, delivery),
            new UserBindMobileHandler(appKeyCache, accounts), config.upload()),
          new SrvRoutes(accounts, new AuthorizationCodes(appKeyCache, kv, secret), uploads, urls, config.auth(),
            clientAddress),
          new WeiduRoutes(accounts, uploads, variants, stores, urls),
          apiRoutes(appKeyCache, appKeyAdmin, expiry, urls, clientAddress, uploads, delivery)));
        if (config.console().enabled()) {
          dialects.add(new ConsoleRoutes(config, kv, loginThrottle, appKeyAdmin, stores, expiry, urls, clientAddress,
            () -> overview(health)));
        }
        MetricsEndpoint metricsEndpoint = new MetricsEndpoint(metrics, config.observability().metricsToken(),
          clientAddress, storeSizes);
        HttpVerticle.Front front = new HttpVerticle.Front(nodeId, clientAddress,
          new AccessLog(config.observability().accessLog(), config.observability().jsonLogs(), nodeId), metrics,
          metricsEndpoint);
        return resumable.start()
          .onSuccess(v -> resumableSweepTimer = vertx.setPeriodic(config.storage().sweepIntervalSeconds() * 1000L,
            id -> resumable.sweep()))
          .compose(v -> vertx.deployVerticle(() -> new HttpVerticle(config, dialects, health, front),
            new DeploymentOptions().setInstances(config.http().instances())))
          .recover(this::explainListenFailure);
      })
      .compose(deployment -> {
        httpDeployment = deployment;
        LOG.info("mmfile node {} listening on {}://{}:{} ({} HTTP and {} storage verticles)", nodeId,
          config.http().tls() ? "https" : "http", config.http().host(), config.http().port(),
          config.http().instances(), config.storage().instances());
        // Only now: a demo command for a port the node never got would mislead.
        DemoKey demo = new DemoKey(vertx, config, appKeys);
        return config.embeddedDatabase() ? demo.createIfFirstStart() : demo.adviseIfNone();
      })
      .map(v -> this);
  }

  /** The /api/v1 dialect and its resources. */
  private ApiRoutes apiRoutes(AppKeyCache appKeyCache, AppKeyAdmin appKeyAdmin, FileExpiry expiry, FileUrls urls,
                              ClientAddress clientAddress, UploadExchange uploads, FileDelivery delivery) {
    ApiAuth auth = new ApiAuth(accounts.tokens(), appKeyCache, kv, clock, config.api().signatureWindowSeconds());
    ApiAdmission admission = new ApiAdmission(vertx, apiDocument, auth, config.api().maxJsonBytes());
    FilesResource files = new FilesResource(stores, expiry, urls, uploads, delivery, admission);
    return new ApiRoutes(apiDocument, apiReference, admission, List.of(files, new FilesByHashResource(stores, files),
      new AccountsResource(accounts, clientAddress),
      new AppKeysResource(accounts, appKeyAdmin, clientAddress, config.api().adminAccounts()),
      new UploadsResource(resumable, admission, gate, clientAddress)));
  }

  /** What the console's first panel shows: live counters, store usage and each engine's health. */
  private Future<JsonObject> overview(Health health) {
    return storeSizes.due().compose(v -> health.engines()).map(engines -> {
      double total = metrics.sum("mmfile.uploads", id -> true);
      double ok = metrics.sum("mmfile.uploads", id -> List.of("0", "200", "201").contains(id.getTag("outcome")));
      JsonObject storesJson = new JsonObject();
      for (StoreKind kind : StoreKind.values()) {
        storesJson.put(kind.column(), new JsonObject()
          .put("files", (long) metrics.gaugeValue("mmfile.store.files", "store", kind.column()))
          .put("bytes", (long) metrics.gaugeValue("mmfile.store.bytes", "store", kind.column())));
      }
      return new JsonObject().put("node", nodeId)
        .put("uploads", new JsonObject().put("total", (long) total).put("errors", (long) (total - ok)))
        .put("inFlight", gate.inFlight())
        .put("stores", storesJson)
        .put("health", engines);
    });
  }

  /** Verification codes handed to the sender, counted by whether it took them. */
  private SmsSender countedSms(SmsSender sender) {
    return (mobile, code, text) -> sender.send(mobile, code, text).onComplete(ar -> metrics.sms(ar.succeeded()));
  }

  /**
   * Files and bytes per store from SQL (one grouped count), and the volume store's garbage, refreshed
   * at a scrape at most every {@code metrics.store-stats-seconds}.
   */
  private NodeMetrics.Refresher storeSizes() {
    return new NodeMetrics.Refresher(config.observability().storeStatsSeconds() * 1000L, () ->
      stores.records().totalsByStore().map(totals -> {
        for (StoreKind kind : StoreKind.values()) {
          long[] t = totals.getOrDefault(kind, new long[2]);
          Long garbage = kind == StoreKind.DURABLE && stores.durable() instanceof VolumeBlobStore volumes
            ? volumes.stats().garbageBytes() : null;
          metrics.storeSize(kind.column(), t[0], t[1], garbage);
        }
        return null;
      }));
  }

  /** Linux's EADDRINUSE, as epoll's bind reports it (negated). */
  private static final int EADDRINUSE = 98;

  /**
   * A port taken by another process is the common case: name the address instead of the bare errno text.
   * NIO says it with a BindException, epoll with the errno.
   */
  private <T> Future<T> explainListenFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BindException
        || c instanceof io.netty.channel.unix.Errors.NativeIoException n && n.expectedErr() == -EADDRINUSE) {
        return Future.failedFuture(new IllegalStateException(
          config.http().host() + ":" + config.http().port() + " is already in use", t));
      }
    }
    return Future.failedFuture(t);
  }

  /**
   * Start-up does not wait for Redis (readiness reports it), but an unreachable one deserves a line in
   * the log naming where it was looked for.
   */
  private Future<Void> warnIfRedisDoesNotAnswer() {
    return redis.send(Request.cmd(Command.PING))
      .timeout(REDIS_PROBE_MS, TimeUnit.MILLISECONDS)
      .<Void>mapEmpty()
      .recover(t -> {
        LOG.warn("Redis at {} does not answer ({}); /health/ready reports DOWN and cache-store uploads, logins"
          + " and sessions fail until it does", RedactedUrl.hostAndPort(config.redisUrl().orElseThrow(), 6379),
          t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        return Future.succeededFuture();
      });
  }

  /** Like Redis, the bucket is not waited for at start (readiness reports it), but a silent one is named. */
  private Future<Void> warnIfS3DoesNotAnswer(S3BlobStore s3) {
    return s3.ping()
      .timeout(REDIS_PROBE_MS, TimeUnit.MILLISECONDS)
      .recover(t -> {
        LOG.warn("the S3 store ({}) does not answer ({}); /health/ready reports DOWN and durable uploads and"
          + " downloads fail until it does", s3.describe(), t.getMessage() == null ? t.getClass().getSimpleName()
          : t.getMessage());
        return Future.succeededFuture();
      });
  }

  /** What start-up prepares on a worker thread. */
  private record DiskReady(SigningKeys keys, NodeSecret secret, BlobStore durable, String nodeId, String blobScope) {
  }

  /** The durable store {@code storage.durable} names; blocking (creates directories, rebuilds the volume index). */
  private BlobStore durableStore() {
    if (config.storage().durable() == MmfileConfig.Durable.S3) {
      return S3BlobStore.open(vertx, config.storage().s3().orElseThrow(), config.dataDir().resolve("s3-staging"), volume);
    }
    if (config.storage().durable() == MmfileConfig.Durable.VOLUME) {
      refuseToHideDiskStoreFiles();
      return VolumeBlobStore.open(vertx, config.dataDir().resolve("volumes"), config.storage().volumes(),
          config.storage().fsync(), config.storage().fsyncWindowMs(), volume)
        .maintainEvery(config.storage().sweepIntervalSeconds() * 1000L);
    }
    return new DiskBlobStore(vertx, config.dataDir().resolve("files"), volume);
  }

  /**
   * The disk store was the default durable store before the volume store: a node upgraded without naming
   * {@code storage.durable} would come up on an empty volume store and answer 404 for every file it
   * holds. Refuse to start instead, naming the key.
   */
  private void refuseToHideDiskStoreFiles() {
    Path files = config.dataDir().resolve("files");
    if (!Files.isDirectory(files)) {
      return;
    }
    try (var found = Files.walk(files, 2)) {
      if (found.anyMatch(p -> Files.isRegularFile(p) && !p.getFileName().toString().endsWith(".part"))) {
        throw new ConfigException("storage.durable", "is volume, but " + files + " holds files of the disk store"
          + " (the default before the volume store): set storage.durable: disk to keep serving them");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + files + ": " + e.getMessage(), e);
    }
  }

  private KeyValueStore memoryKeyValueStore() {
    MemoryKeyValueStore memory = new MemoryKeyValueStore();
    purgeTimer = vertx.setPeriodic(PURGE_INTERVAL_MS, id -> memory.purgeExpired());
    return memory;
  }

  /**
   * Stops in order, so that nothing still granted grace loses what it needs: the HTTP verticles stop
   * accepting and give in-flight requests {@code shutdown.grace-seconds}; only then do the storage
   * verticles stop (aborting whatever upload is still open), then the SQL pool and Redis close.
   */
  public Future<Void> stop() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    if (purgeTimer >= 0) {
      vertx.cancelTimer(purgeTimer);
    }
    if (resumableSweepTimer >= 0) {
      vertx.cancelTimer(resumableSweepTimer);
    }
    if (volume != null) {
      volume.stop();
    }
    Promise<Void> stopped = Promise.promise();
    undeploy(httpDeployment)
      .eventually(() -> undeploy(storageDeployment))
      // The durable store's last fsync and closes block: on a worker, once no storage verticle writes.
      .eventually(() -> stores == null ? Future.succeededFuture()
        : vertx.executeBlocking(() -> {
          stores.durable().close();
          return null;
        }, false))
      .eventually(() -> pool == null ? Future.succeededFuture() : pool.close())
      .eventually(() -> appKeyChanges == null ? Future.succeededFuture() : appKeyChanges.close())
      .eventually(() -> redis == null ? Future.succeededFuture() : redis.close())
      // Not chained with eventually: a future of a context would complete on an event loop that
      // closing Vert.x has already terminated.
      // The embedded database then closes with the connection that kept it open between pooled ones;
      // Vert.x is closed by then, so that blocking close runs on the thread that finished closing it.
      .onComplete(drained -> vertx.close().onComplete(closed -> {
        LogContext.unregister(vertx);
        if (database != null) {
          database.close();
        }
        stopped.handle(closed);
      }));
    return stopped.future();
  }

  private Future<Void> undeploy(String deployment) {
    return deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
  }

  public MmfileConfig config() {
    return config;
  }

  /** How this node hears of app-key changes; tests ask whether it listens. */
  public AppKeyChanges appKeyChanges() {
    return appKeyChanges;
  }

  /** The node's name ({@code node.id} or its default), known once started. */
  public String nodeId() {
    return nodeId;
  }

  /** The node's app keys; for the command line and tests. */
  public AppKeyRepository appKeys() {
    return appKeys;
  }

  public FileStores stores() {
    return stores;
  }

  public AccountService accounts() {
    return accounts;
  }

  public PasswordHasher passwordHasher() {
    return hasher;
  }

  /** The node's sessions, codes and throttles; for tests that must see or age what is stored. */
  public KeyValueStore keyValueStore() {
    return kv;
  }

  public NodeMetrics metrics() {
    return metrics;
  }

  /** The node's resumable (tus) uploads; tests sweep them and look at their part files. */
  public ResumableUploads resumableUploads() {
    return resumable;
  }

  /** Rows of resumable uploads in the database (every node's). */
  public Future<Long> resumableUploadRows() {
    return resumable.rows();
  }

  /** Uploads in flight on this node right now. */
  public int uploadsInFlight() {
    return gate == null ? 0 : gate.inFlight();
  }

  /** The node's resized-image capability; tests read its counters. */
  public ImageVariants variants() {
    return variants;
  }
}
