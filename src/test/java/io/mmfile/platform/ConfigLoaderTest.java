package io.mmfile.platform;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
  Vertx vertx;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() {
    vertx.close();
  }

  MmfileConfig load(Map<String, String> env) {
    return await(new ConfigLoader(vertx, env).load(ConfigLoader.DEFAULT_FILE, new JsonObject()));
  }

  @Test
  void defaultsAreTheEmbeddedSetup() {
    MmfileConfig config = load(Map.of());

    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.embeddedDatabase()).isTrue();
    assertThat(config.redisUrl()).isEmpty();
    assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(config.upload().maxBytes()).isEqualTo(8L * 1024 * 1024);
    assertThat(config.http().instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void theDefaultDurableStoreIsTheVolumeStoreWithGroupFsync() {
    MmfileConfig config = load(Map.of());
    assertThat(config.storage().durable()).isEqualTo(MmfileConfig.Durable.VOLUME);
    assertThat(config.storage().fsync()).isEqualTo(MmfileConfig.Fsync.GROUP);
    assertThat(config.storage().volumes().memoryStageBytes()).isEqualTo(2L << 20);
  }

  @Test
  void everyKeyCanBeOverriddenFromTheEnvironment() {
    MmfileConfig config = load(Map.of(
      "MMFILE_HTTP_PORT", "9090",
      "MMFILE_DATA_DIR", "/srv/mmfile",
      "MMFILE_HTTP_PUBLIC_BASE_URL", "https://img.example.com/",
      "MMFILE_DATABASE_URL", "mysql://root@db:3306/mmfile",
      "MMFILE_REDIS_URL", "redis://cache:6379",
      "MMFILE_SMS_ALLOW_LOG_SENDER", "true",
      "MMFILE_UPLOAD_MAX_CONCURRENT", "7"));

    assertThat(config.http().port()).isEqualTo(9090);
    assertThat(config.dataDir()).isEqualTo(Path.of("/srv/mmfile"));
    assertThat(config.http().publicBaseUrl()).contains("https://img.example.com");
    assertThat(config.embeddedDatabase()).isFalse();
    assertThat(config.redisUrl()).isPresent();
    assertThat(config.upload().maxConcurrent()).isEqualTo(7);
  }

  @Test
  void redisMayBeAClusterOrSentinelsNamedBySeveralUrls() {
    MmfileConfig cluster = load(Map.of("MMFILE_REDIS_MODE", "cluster",
      "MMFILE_REDIS_URL", "redis://10.0.0.1:7000, redis://10.0.0.2:7000,redis://10.0.0.3:7000"));
    assertThat(cluster.redisServers().mode()).isEqualTo(MmfileConfig.RedisMode.CLUSTER);
    assertThat(cluster.redisServers().urls()).hasSize(3);
    assertThat(cluster.redisUrl()).map(Object::toString).contains("redis://10.0.0.1:7000");

    MmfileConfig sentinel = load(Map.of("MMFILE_REDIS_MODE", "sentinel", "MMFILE_REDIS_MASTER_NAME", "files",
      "MMFILE_REDIS_URL", "redis://s1:26379,redis://s2:26379"));
    assertThat(sentinel.redisServers().masterName()).isEqualTo("files");
    assertThat(sentinel.redisServers().urls()).hasSize(2);
  }

  @Test
  void aRedisSetupThatCannotWorkIsRefusedNamingItsKey() {
    assertThatThrownBy(() -> load(Map.of("MMFILE_REDIS_URL", "redis://a:6379,redis://b:6379")))
      .hasMessageContaining("'redis.url'").hasMessageContaining("redis.mode");
    assertThatThrownBy(() -> load(Map.of("MMFILE_REDIS_MODE", "cluster")))
      .hasMessageContaining("'redis.url'");
    assertThatThrownBy(() -> load(Map.of("MMFILE_REDIS_MODE", "cluster", "MMFILE_REDIS_URL", "redis://a:7000/2")))
      .hasMessageContaining("'redis.url'").hasMessageContaining("database 0");
    assertThatThrownBy(() -> load(Map.of("MMFILE_REDIS_MODE", "cluster", "MMFILE_REDIS_URL", "redis://a:7000",
      "MMFILE_REDIS_KEY_PREFIX", "{mmfile}:")))
      .hasMessageContaining("'redis.key-prefix'");
    assertThatThrownBy(() -> load(Map.of("MMFILE_REDIS_MODE", "sentinel", "MMFILE_REDIS_URL", "redis://s:26379",
      "MMFILE_REDIS_MASTER_NAME", " ")))
      .hasMessageContaining("'redis.master-name'");
    assertThatThrownBy(() -> load(Map.of("MMFILE_REDIS_MODE", "replicated", "MMFILE_REDIS_URL", "redis://a:6379")))
      .hasMessageContaining("'redis.mode'");
  }

  @Test
  void apiAdministratorsAreAListOfAccountIdsOrUsernames() {
    assertThat(load(Map.of()).api().adminAccounts()).isEmpty();
    assertThat(load(Map.of("MMFILE_API_ADMIN_ACCOUNTS", " alice, 3k2x9q0m1n4b7v8c5z6l0p2r3t ,")).api().adminAccounts())
      .containsExactly("alice", "3k2x9q0m1n4b7v8c5z6l0p2r3t");
  }

  @Test
  void theNetworkTransportIsTheNativeOneUnlessNioIsAskedFor() {
    assertThat(load(Map.of()).http().transport()).isEqualTo(MmfileConfig.Transport.NATIVE);
    assertThat(load(Map.of("MMFILE_HTTP_TRANSPORT", "nio")).http().transport()).isEqualTo(MmfileConfig.Transport.NIO);
    assertThatThrownBy(() -> load(Map.of("MMFILE_HTTP_TRANSPORT", "epol")))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("'http.transport'")
      .hasMessageContaining("native or nio");
  }

  @Test
  void environmentNamesFollowTheKeys() {
    assertThat(ConfigLoader.envName("http.public-base-url")).isEqualTo("MMFILE_HTTP_PUBLIC_BASE_URL");
    assertThat(ConfigLoader.envName("http.tls.cert")).isEqualTo("MMFILE_HTTP_TLS_CERT");
  }

  @Test
  void aBadValueNamesItsKey() {
    assertThatThrownBy(() -> load(Map.of("MMFILE_HTTP_PORT", "eighty")))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("'http.port'");
    assertThatThrownBy(() -> load(Map.of("MMFILE_UPLOAD_MAX_BYTES", "0")))
      .hasMessageContaining("'upload.max-bytes'");
    assertThatThrownBy(() -> load(Map.of("MMFILE_DATABASE_URL", "postgres://x/y", "MMFILE_SMS_ALLOW_LOG_SENDER", "true")))
      .hasMessageContaining("'database.url'");
    assertThatThrownBy(() -> load(Map.of("MMFILE_HTTP_TLS_CERT", "/nonexistent/cert.pem")))
      .hasMessageContaining("'http.tls.key'");
  }

  @Test
  void trustedProxiesAreCheckedBlocks() {
    MmfileConfig config = load(Map.of("MMFILE_HTTP_TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8,192.0.2.1"));
    assertThat(config.http().trustedProxies()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"),
      Cidr.parse("192.0.2.1/32"));
    assertThat(load(Map.of()).http().trustedProxies()).isEmpty();

    assertThatThrownBy(() -> load(Map.of("MMFILE_HTTP_TRUSTED_PROXIES", "10.0.0.0/8,lb.internal")))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("'http.trusted-proxies'");
  }

  @Test
  void refusesToLogSmsCodesOnAProductionDatabaseUnlessToldTo() {
    assertThatThrownBy(() -> load(Map.of("MMFILE_DATABASE_URL", "mysql://root@db:3306/mmfile")))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("'sms.sender'")
      .hasMessageContaining("sms.allow-log-sender");

    assertThat(load(Map.of("MMFILE_DATABASE_URL", "mysql://root@db:3306/mmfile", "MMFILE_SMS_ALLOW_LOG_SENDER", "true"))
      .sms().sender()).isEqualTo("log");
    assertThat(load(Map.of()).sms().sender()).as("the embedded default may log them").isEqualTo("log");
  }

  @Test
  void aNodeSecretMustBeLongEnough() {
    assertThatThrownBy(() -> load(Map.of("MMFILE_AUTH_NODE_SECRET", "short")))
      .hasMessageContaining("'auth.node-secret'");
    assertThat(load(Map.of("MMFILE_AUTH_NODE_SECRET", "x".repeat(32))).auth().nodeSecret()).contains("x".repeat(32));
  }

  private static final String SECRET = "s3-secret-that-must-never-show";

  private static Map<String, String> s3(String... more) {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
      "MMFILE_STORAGE_DURABLE", "s3",
      "MMFILE_STORAGE_S3_ENDPOINT", "http://127.0.0.1:9000",
      "MMFILE_STORAGE_S3_BUCKET", "mmfile-files",
      "MMFILE_STORAGE_S3_ACCESS_KEY", "minio",
      "MMFILE_STORAGE_S3_SECRET_KEY", SECRET,
      "MMFILE_STORAGE_S3_PATH_STYLE", "true",
      "MMFILE_STORAGE_S3_PREFIX", "prod/"));
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  @Test
  void theS3StoreIsReadFromItsKeysAndNeverShowsItsSecret() {
    MmfileConfig config = load(s3());
    MmfileConfig.S3 store = config.storage().s3().orElseThrow();
    assertThat(config.storage().durable()).isEqualTo(MmfileConfig.Durable.S3);
    assertThat(store.endpoint()).hasToString("http://127.0.0.1:9000");
    assertThat(store.bucket()).isEqualTo("mmfile-files");
    assertThat(store.region()).isEqualTo("us-east-1");
    assertThat(store.pathStyle()).isTrue();
    assertThat(store.prefix()).isEqualTo("prod/");
    assertThat(store.secretKey()).isEqualTo(SECRET);
    assertThat(config.toString()).doesNotContain(SECRET);
    assertThat(load(Map.of()).storage().s3()).as("read only for storage.durable=s3").isEmpty();
  }

  @Test
  void aBadS3SettingNamesItsKeyAndNotTheSecret() {
    Map<String, String> noEndpoint = s3();
    noEndpoint.remove("MMFILE_STORAGE_S3_ENDPOINT");
    Map<String, String> noSecret = s3();
    noSecret.remove("MMFILE_STORAGE_S3_SECRET_KEY");
    assertThatThrownBy(() -> load(noEndpoint)).hasMessageContaining("'storage.s3.endpoint'");
    assertThatThrownBy(() -> load(noSecret)).hasMessageContaining("'storage.s3.secret-key'");
    assertThatThrownBy(() -> load(s3("MMFILE_STORAGE_S3_ENDPOINT", "ftp://store")))
      .hasMessageContaining("'storage.s3.endpoint'");
    assertThatThrownBy(() -> load(s3("MMFILE_STORAGE_S3_ENDPOINT", "http://key:" + SECRET + "@store:9000")))
      .hasMessageContaining("'storage.s3.endpoint'").hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> load(s3("MMFILE_STORAGE_S3_BUCKET", "Not_A_Bucket")))
      .hasMessageContaining("'storage.s3.bucket'").hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> load(s3("MMFILE_STORAGE_S3_ACCESS_KEY", "")))
      .hasMessageContaining("'storage.s3.access-key'");
    assertThatThrownBy(() -> load(s3("MMFILE_STORAGE_S3_PREFIX", "/rooted")))
      .hasMessageContaining("'storage.s3.prefix'");
    assertThatThrownBy(() -> load(s3("MMFILE_STORAGE_S3_PART_BYTES", "1024")))
      .hasMessageContaining("'storage.s3.part-bytes'");
    assertThatThrownBy(() -> load(s3("MMFILE_STORAGE_S3_PATH_STYLE", "maybe")))
      .hasMessageContaining("'storage.s3.path-style'");
  }
}
