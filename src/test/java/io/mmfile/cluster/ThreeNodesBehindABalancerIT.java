package io.mmfile.cluster;

import io.mmfile.auth.AppKey;
import io.mmfile.auth.SigningKeys;
import io.mmfile.support.ChildNode;
import io.mmfile.support.Cli;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.Nginx;
import io.mmfile.support.S3Proxy;
import io.mmfile.support.SmsGateway;
import io.mmfile.support.SrvClient;
import io.mmfile.support.TestServer;
import io.mmfile.support.UploadLoad;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.mmfile.support.DaokeClient.code;
import static io.mmfile.support.TestServer.await;
import static io.mmfile.support.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three-node proof: three mmfile nodes, each in a JVM of its own, on one MariaDB, one Redis and
 * one S3 bucket (s3proxy), with nginx in front (the configuration {@code bench/cluster} uses too). Every file uploaded through
 * any node is served by every node; uploads through the balancer keep succeeding while a node is
 * killed with -9 and started again; an app key disabled by the command line is refused by every node,
 * though each would remember it an hour; a phone app may talk to a different node at every step
 * (the nodes share the token key and the node secret, as docs/scaling.md tells operators to).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThreeNodesBehindABalancerIT {
  private static final int NODES = 3;

  private final String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private final String database = "mmfile_c_" + id;
  private final String keyPrefix = "mmfile-c-" + id + ":";
  private final String bucketPrefix = S3Proxy.newPrefix();
  private final List<ChildNode> nodes = new ArrayList<>();
  private Path dir;
  private Path jwtKey;
  private SmsGateway sms;
  private Nginx nginx;
  private AppKey app;
  private DaokeClient balancer;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("mmfile-cluster-");
    // Every node must sign and verify tokens with the same key (else each generates its own).
    jwtKey = Files.writeString(dir.resolve("jwt.pem"), SigningKeys.generatePrivatePem());
    sms = new SmsGateway();
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < NODES; i++) {
      ports.add(TestServer.freePort());
    }
    nginx = Nginx.start(ports);
    for (int i = 0; i < NODES; i++) {
      Path nodeDir = Files.createDirectories(dir.resolve("node-" + (i + 1)));
      nodes.add(new ChildNode(nodeDir, ports.get(i), config(i + 1)));
    }
    app = nodes.get(0).createAppKey();
    for (ChildNode node : nodes) {
      node.start();
    }
    balancer = new DaokeClient(nginx.port());
  }

  /** Every node's settings: the same database, Redis and key prefix; URLs name the balancer. */
  private Map<String, Object> config(int number) {
    String auth = TestServer.MYSQL_PASSWORD.isEmpty() ? TestServer.MYSQL_USER
      : TestServer.MYSQL_USER + ":" + TestServer.MYSQL_PASSWORD;
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("node.id", "node-" + number);
    config.put("database.url", "mysql://" + auth + "@" + TestServer.MYSQL_HOST + ":" + TestServer.MYSQL_PORT + "/"
      + database);
    config.put("redis.url", TestServer.REDIS_URL);
    config.put("redis.key-prefix", keyPrefix);
    // Durable files in one bucket (s3proxy, a real S3 server), so that every node serves every file.
    config.putAll(S3Proxy.shared().nodeConfig(bucketPrefix).getMap());
    config.put("http.public-base-url", "http://127.0.0.1:" + nginx.port());
    config.put("http.trusted-proxies", "127.0.0.1");
    config.put("http.instances", 1);
    config.put("storage.instances", 2);
    config.put("shutdown.grace-seconds", 1);
    config.put("sms.sender", "http");
    config.put("sms.http-url", sms.url());
    config.put("auth.jwt-private-key", jwtKey.toString());
    config.put("auth.jwt-key-id", "cluster-test");
    // The key of the hashes SMS codes are stored under: a code sent by one node is checked by another.
    config.put("auth.node-secret", "cluster-test-node-secret-" + id + "-0123456789");
    config.put("auth.registrations-per-address-per-hour", 0);
    // Only an announcement can make a node drop a key within the test.
    config.put("auth.app-key-cache-seconds", 3600);
    return config;
  }

  @AfterAll
  void stop() throws Exception {
    if (balancer != null) {
      balancer.close();
    }
    for (ChildNode node : nodes) {
      node.close();
    }
    if (nginx != null) {
      nginx.close();
    }
    if (sms != null) {
      sms.close();
    }
    TestServer.dropDatabase(database);
    TestServer.deleteRedisKeys(TestServer.REDIS_URL, keyPrefix);
    TestServer.deleteTree(dir);
  }

  @Test
  void everyFileUploadedThroughAnyNodeIsServedByEveryNode() {
    Map<String, Buffer> sent = new LinkedHashMap<>();
    for (ChildNode node : nodes) {
      try (DaokeClient client = new DaokeClient(node.port())) {
        for (String durable : List.of("true", "false")) {
          Buffer image = Images.png(16, 16, ThreadLocalRandom.current().nextLong());
          HttpResponse<Buffer> saved = client.save(app, image, Map.of("isStorage", durable));
          assertThat(code(saved)).as("upload through node on %d, isStorage=%s", node.port(), durable).isEqualTo("0");
          sent.put(DaokeClient.result(saved).getString("url"), image);
        }
      }
    }
    Buffer viaBalancer = Images.png(16, 16, ThreadLocalRandom.current().nextLong());
    HttpResponse<Buffer> saved = balancer.save(app, viaBalancer);
    assertThat(code(saved)).isEqualTo("0");
    sent.put(DaokeClient.result(saved).getString("url"), viaBalancer);

    java.util.Set<String> servedBy = new java.util.HashSet<>();
    for (Map.Entry<String, Buffer> file : sent.entrySet()) {
      assertThat(file.getKey()).as("URLs name the balancer").startsWith("http://127.0.0.1:" + nginx.port() + "/");
      for (int i = 0; i < NODES; i++) {
        HttpResponse<Buffer> read = balancer.get(onNode(file.getKey(), nodes.get(i)));
        assertThat(read.statusCode()).as("%s through node %d", file.getKey(), i + 1).isEqualTo(200);
        assertThat(read.body()).isEqualTo(file.getValue());
        assertThat(read.getHeader("X-Mmfile-Node")).isEqualTo("node-" + (i + 1));
      }
      HttpResponse<Buffer> viaNginx = balancer.get(file.getKey());
      assertThat(viaNginx.body()).as("through the balancer").isEqualTo(file.getValue());
      servedBy.add(viaNginx.getHeader("X-Mmfile-Node"));
    }
    assertThat(servedBy).as("nodes that answered through the balancer").hasSizeGreaterThan(1);
  }

  @Test
  void uploadsThroughTheBalancerKeepSucceedingWhileANodeIsKilledAndRestarted() throws Exception {
    ChildNode victim = nodes.get(1);
    List<UploadLoad.Acked> acked;
    // Half durable (the bucket), half cache store (Redis).
    try (UploadLoad load = new UploadLoad(nginx.port(), app, 2_000, 200_000, 0.5).timeoutMs(30_000)) {
      load.start(4).awaitAcknowledged(20, nginx::log);
      victim.kill9();
      int atKill = load.acked.size();
      load.awaitAcknowledged(atKill + 30, nginx::log);
      victim.start();
      int atRestart = load.acked.size();
      load.awaitAcknowledged(atRestart + 30, nginx::log);
      await(load.stop());
      acked = load.ackedList();
      assertThat(load.codes.keySet()).as("answers through the balancer; nginx log:%n%s", nginx.log()).containsOnly("0");
      assertThat(load.transportErrors).as("requests that got no answer").hasValue(0);
    }

    List<String> unreadable = new ArrayList<>();
    try (UploadLoad reader = new UploadLoad(nginx.port(), app, 0, 0, 0)) {
      for (UploadLoad.Acked file : acked) {
        for (ChildNode node : nodes) {
          HttpResponse<Buffer> read = await(reader.web().getAbs(onNode(file.url(), node)).send());
          if (read.statusCode() != 200 || !UploadLoad.sha256(read.body()).equals(file.sha256())) {
            unreadable.add(file.url() + " on " + node.port() + " -> " + read.statusCode());
          }
        }
      }
    }
    assertThat(unreadable).as("of %d acknowledged uploads", acked.size()).isEmpty();
  }

  @Test
  void anAppKeyDisabledOnOneNodeIsRefusedByAll() throws Exception {
    AppKey key = nodes.get(0).createAppKey();
    List<DaokeClient> clients = new ArrayList<>();
    try {
      for (ChildNode node : nodes) {
        DaokeClient client = new DaokeClient(node.port());
        clients.add(client);
        assertThat(code(client.save(key, Images.png(8, 8, 1)))).as("node on %d remembers the key", node.port())
          .isEqualTo("0");
      }

      Cli.ok(nodes.get(0).configFile(), "appkey", "disable", key.appKey());

      for (DaokeClient client : clients) {
        eventually(() -> code(client.save(key, Images.png(8, 8, 2))).equals("ME01002"));
      }
    } finally {
      clients.forEach(DaokeClient::close);
    }
  }

  @Test
  void aPhoneAppCanTalkToADifferentNodeAtEveryStep() {
    List<DaokeClient> clients = new ArrayList<>();
    try {
      for (ChildNode node : nodes) {
        clients.add(new DaokeClient(node.port()));
      }
      List<SrvClient> srv = clients.stream().map(c -> new SrvClient(c.web())).toList();
      String mobile = SrvClient.newMobile();
      String password = "secret123";

      assertThat(srv.get(0).post("verificationMsg", SrvClient.app("1").put("phonenumber", mobile)).getString("error"))
        .isEqualTo("0");
      JsonObject registered = srv.get(1).post("account", SrvClient.app("1").put("phonenumber", mobile)
        .put("password", password).put("verificationcode", sms.lastCode(mobile)));
      assertThat(registered.getString("error")).as("the code node 1 sent, checked by node 2").isEqualTo("0");
      JsonObject login = srv.get(2).post("login", SrvClient.app("1").put("phonenumber", mobile).put("password", password));
      assertThat(login.getString("error")).isEqualTo("0");

      for (SrvClient node : srv) {
        JsonObject detail = node.get("accountDetail", login.getString("access_token"));
        assertThat(detail.getString("error")).as("node 3's token on every node").isEqualTo("0");
        assertThat(detail.getJsonObject("data").getString("phonenumber")).isEqualTo(mobile);
      }
      JsonObject refreshed = srv.get(0).post("token", SrvClient.app("1").put("refresh_token", login.getString("refresh_token")));
      assertThat(refreshed.getString("error")).as("node 3's session refreshed by node 1").isEqualTo("0");
    } finally {
      clients.forEach(DaokeClient::close);
    }
  }

  /** {@code url} (which names the balancer) sent straight to {@code node}. */
  private static String onNode(String url, ChildNode node) {
    URI uri = URI.create(url);
    return "http://127.0.0.1:" + node.port() + uri.getRawPath() + "?" + uri.getRawQuery();
  }
}
