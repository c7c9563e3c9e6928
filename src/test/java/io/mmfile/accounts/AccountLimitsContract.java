package io.mmfile.accounts;

import io.mmfile.auth.AppKey;
import io.mmfile.platform.KeyValueStore;
import io.mmfile.support.Backend;
import io.mmfile.support.SmsGateway;
import io.mmfile.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.mmfile.support.SrvClient.app;
import static io.mmfile.support.SrvClient.newMobile;
import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits of issue 13 on the account side, provoked the way an attacker would: guesses sent all at
 * once, one account guessed under each of its names, codes texted to many numbers, logins and refreshes
 * racing each other. Clients come through a trusted proxy on loopback, so each test names its own
 * client address in X-Forwarded-For. Runs per backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AccountLimitsContract {
  static final String PASSWORD = "correct horse";
  static final int LOCK_AFTER = 5;
  static final int BACKOFF_AFTER = 3;
  static final int SMS_ATTEMPTS = 5;
  static final int REGISTRATIONS_PER_ADDRESS = 5;
  static final int SMS_PER_ADDRESS = 3;
  static final int SMS_PER_APP = 4;
  private static final AtomicInteger ADDRESSES = new AtomicInteger(1);

  SmsGateway sms;
  TestServer server;
  Vertx vertx;
  WebClient web;

  abstract Backend backend();

  @BeforeAll
  void start() {
    sms = new SmsGateway();
    server = TestServer.start(backend(), new JsonObject()
      .put("http.trusted-proxies", "127.0.0.1")
      .put("sms.sender", "http")
      .put("sms.http-url", sms.url())
      .put("sms.max-attempts", SMS_ATTEMPTS)
      .put("sms.per-address-per-hour", SMS_PER_ADDRESS)
      .put("sms.per-app-per-hour", SMS_PER_APP)
      .put("auth.registrations-per-address-per-hour", REGISTRATIONS_PER_ADDRESS)
      .put("auth.login-backoff-after", BACKOFF_AFTER)
      .put("auth.login-lock-after", LOCK_AFTER)
      .put("auth.argon2-memory-kib", 8192)
      .put("auth.argon2-iterations", 1));
    vertx = Vertx.vertx();
    // Enough connections that the racing requests really are in flight together.
    web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.port()),
      new PoolOptions().setHttp1MaxSize(64));
  }

  @AfterAll
  void stop() {
    if (web != null) {
      web.close();
      vertx.close();
    }
    if (server != null) {
      server.close();
    }
    if (sms != null) {
      sms.close();
    }
  }

  /** A client address no other test uses. */
  static String newAddress() {
    int n = ADDRESSES.getAndIncrement();
    return "198.51." + (n / 250) + "." + (n % 250 + 1);
  }

  Future<JsonObject> send(String path, JsonObject body, String address, String accessToken) {
    var request = web.post("/srv/v1/" + path).putHeader("X-Forwarded-For", address);
    if (accessToken != null) {
      request.putHeader("Authorization", "Bearer " + accessToken);
    }
    return request.sendJsonObject(body).map(HttpResponse::bodyAsJsonObject);
  }

  JsonObject post(String path, JsonObject body, String address) {
    return await(send(path, body, address, null));
  }

  JsonObject post(String path, JsonObject body, String address, String accessToken) {
    return await(send(path, body, address, accessToken));
  }

  String error(String path, JsonObject body, String address) {
    return post(path, body, address).getString("error");
  }

  /** Answers of all {@code requests} sent at once. */
  static List<JsonObject> all(List<Future<JsonObject>> requests) {
    await(Future.join(requests));
    List<JsonObject> answers = new ArrayList<>();
    requests.forEach(f -> answers.add(f.result()));
    return answers;
  }

  static long count(List<JsonObject> answers, String error) {
    return answers.stream().filter(a -> error.equals(a.getString("error"))).count();
  }

  String registerUsername(String name, String address) {
    JsonObject registered = post("account", app("1").put("username", name).put("password", PASSWORD), address);
    assertThat(registered.getString("error")).isEqualTo("0");
    return registered.getString("uid");
  }

  JsonObject loginByName(String name, String password, String platid, String address) {
    return post("login", app(platid).put("username", name).put("password", password), address);
  }

  String authorizationCode(AppKey key) {
    JsonObject issued = await(web.get("/srv/v1/authorization").addQueryParam("platid", "1")
      .addQueryParam("vercode", "1").addQueryParam("channel", "x").addQueryParam("client_id", key.appKey())
      .addQueryParam("client_secret", key.secret()).send()).bodyAsJsonObject();
    assertThat(issued.getString("error")).isEqualTo("0");
    return issued.getString("authorizationcode");
  }

  KeyValueStore kv() {
    return server.server().keyValueStore();
  }

  static String name() {
    return "lim" + System.nanoTime();
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class PasswordGuessing {
    @Test
    void fiftyParallelWrongPasswordsGetNoMoreTriesThanTheLockAllows() {
      String name = name();
      registerUsername(name, newAddress());
      String address = newAddress();

      List<Future<JsonObject>> guesses = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        guesses.add(send("login", app("1").put("username", name).put("password", "guess " + i), address, null));
      }
      List<JsonObject> answers = all(guesses);

      long tried = count(answers, "8");
      assertThat(tried).as("guesses whose password was checked").isBetween(1L, (long) LOCK_AFTER);
      assertThat(count(answers, "38")).isEqualTo(50 - tried);
      assertThat(loginByName(name, PASSWORD, "1", address).getString("error"))
        .as("even the right password waits").isEqualTo("38");
    }

    @Test
    void anAccountHasOneAllowanceWhicheverNameItLogsInWith() {
      String name = name();
      String email = name + "@example.com";
      String address = newAddress();
      assertThat(error("account", app("1").put("username", name).put("mailaddress", email).put("password", PASSWORD),
        address)).isEqualTo("0");

      for (int i = 0; i < BACKOFF_AFTER; i++) {
        assertThat(loginByName(name, "guess " + i, "1", address).getString("error")).isEqualTo("8");
      }

      assertThat(error("login", app("1").put("mailaddress", email).put("password", "guess by mail"), address))
        .as("the email names the same account, whose tries are used up").isEqualTo("38");
    }

    @Test
    void guessingTheOldPasswordWithAStolenTokenIsThrottled() {
      String name = name();
      String address = newAddress();
      registerUsername(name, address);
      String token = loginByName(name, PASSWORD, "1", address).getString("access_token");

      List<String> errors = new ArrayList<>();
      for (int i = 0; i < BACKOFF_AFTER + 2; i++) {
        errors.add(post("password", app("1").put("oldpassword", "guess " + i).put("newpassword", "n3w password"),
          address, token).getString("error"));
      }

      assertThat(errors.subList(0, BACKOFF_AFTER)).containsOnly("8");
      assertThat(errors.subList(BACKOFF_AFTER, errors.size())).containsOnly("38");
    }

    @Test
    void refusesAPasswordLongerThanRegistrationAllowsWithoutHashingIt() {
      String name = name();
      String address = newAddress();
      registerUsername(name, address);
      long before = server.server().passwordHasher().hashesComputed();

      JsonObject answer = loginByName(name, "x".repeat(10_000), "1", address);

      assertThat(answer.getString("error")).isEqualTo("32");
      assertThat(server.server().passwordHasher().hashesComputed()).isEqualTo(before);
    }

    @Test
    void anUnknownLoginNameCostsAHashLikeAWrongPassword() {
      String name = name();
      String address = newAddress();
      registerUsername(name, address);

      long before = server.server().passwordHasher().hashesComputed();
      assertThat(loginByName(name, "wrong password", "1", address).getString("error")).isEqualTo("8");
      long wrongPassword = server.server().passwordHasher().hashesComputed() - before;

      before = server.server().passwordHasher().hashesComputed();
      assertThat(loginByName(name() + "x", "wrong password", "1", address).getString("error")).isEqualTo("7");
      long unknownName = server.server().passwordHasher().hashesComputed() - before;

      assertThat(wrongPassword).isEqualTo(1);
      assertThat(unknownName).as("hashes for a name that names no account").isEqualTo(wrongPassword);
    }

    @Test
    void retriesTheAccountRefusesDoNotSlowDownOthersBehindTheSameAddress() {
      String impatient = name();
      String neighbour = name() + "n";
      String nat = newAddress();
      registerUsername(impatient, newAddress());
      registerUsername(neighbour, newAddress());
      for (int i = 0; i < BACKOFF_AFTER; i++) {
        assertThat(loginByName(impatient, "guess " + i, "1", nat).getString("error")).isEqualTo("8");
      }

      // More retries of the backed-off account than the address allows tries (five times an account's).
      List<Future<JsonObject>> retries = new ArrayList<>();
      for (int i = 0; i < 5 * BACKOFF_AFTER + 5; i++) {
        retries.add(send("login", app("1").put("username", impatient).put("password", PASSWORD), nat, null));
      }
      List<JsonObject> answers = all(retries);
      assertThat(count(answers, "38")).as("retries the account refused").isGreaterThanOrEqualTo(5L * BACKOFF_AFTER);

      assertThat(loginByName(neighbour, PASSWORD, "1", nat).getString("error"))
        .as("another user behind the same address logs in").isEqualTo("0");
    }

    @Test
    void clientsBehindATrustedProxyAreThrottledByTheirOwnAddress() {
      String attacker = newAddress();
      String bystander = newAddress();
      // Unknown names, so that only the address allowance (five times an account's) is in play.
      String lastError = null;
      for (int i = 0; i < 5 * BACKOFF_AFTER + 1; i++) {
        lastError = loginByName(name() + "u" + i, "guess", "1", attacker).getString("error");
      }
      assertThat(lastError).as("the guessing address is slowed down").isEqualTo("38");

      assertThat(loginByName(name() + "b", "guess", "1", bystander).getString("error"))
        .as("another client behind the same proxy is not").isEqualTo("7");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class VerificationCodes {
    @Test
    void twentyParallelWrongCodesCountNoMoreThanMaxAttempts() {
      String mobile = newMobile();
      String code = authorizationCode(server.newAppKey());
      assertThat(error("verificationMsg", app("1").put("phonenumber", mobile).put("authorizationcode", code),
        newAddress())).isEqualTo("0");
      String right = sms.lastCode(mobile);
      String wrong = right.equals("000000") ? "111111" : "000000";

      List<Future<JsonObject>> guesses = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        // each from its own address, so the registration allowance per address is not what stops them
        guesses.add(send("account", app("1").put("phonenumber", mobile).put("password", PASSWORD)
          .put("verificationcode", wrong), newAddress(), null));
      }
      List<JsonObject> answers = all(guesses);

      assertThat(count(answers, "1")).as("wrong codes compared").isBetween(1L, (long) SMS_ATTEMPTS);
      assertThat(count(answers, "1") + count(answers, "2")).isEqualTo(20);
      assertThat(error("account", app("1").put("phonenumber", mobile).put("password", PASSWORD)
        .put("verificationcode", right), newAddress())).as("the code is used up").isEqualTo("2");
    }

    @Test
    void codesAreLimitedPerClientAddress() {
      String code = authorizationCode(server.newAppKey());
      String address = newAddress();
      for (int i = 0; i < SMS_PER_ADDRESS; i++) {
        assertThat(error("verificationMsg", app("1").put("phonenumber", newMobile()).put("authorizationcode", code),
          address)).isEqualTo("0");
      }
      assertThat(error("verificationMsg", app("1").put("phonenumber", newMobile()).put("authorizationcode", code),
        address)).as("a new number, the same address").isEqualTo("38");
      assertThat(error("verificationMsg", app("1").put("phonenumber", newMobile()).put("authorizationcode", code),
        newAddress())).isEqualTo("0");
    }

    @Test
    void codesAreLimitedPerApp() {
      String bombing = authorizationCode(server.newAppKey());
      for (int i = 0; i < SMS_PER_APP; i++) {
        assertThat(error("verificationMsg", app("1").put("phonenumber", newMobile()).put("authorizationcode", bombing),
          newAddress())).isEqualTo("0");
      }
      assertThat(error("verificationMsg", app("1").put("phonenumber", newMobile()).put("authorizationcode", bombing),
        newAddress())).as("new number, new address, same app").isEqualTo("38");
      String other = authorizationCode(server.newAppKey());
      assertThat(error("verificationMsg", app("1").put("phonenumber", newMobile()).put("authorizationcode", other),
        newAddress())).isEqualTo("0");
    }

    @Test
    void codesAndAuthorizationCodesAreStoredOnlyAsKeyedHashes() {
      String mobile = newMobile();
      String authorization = authorizationCode(server.newAppKey());
      assertThat(error("verificationMsg", app("1").put("phonenumber", mobile).put("authorizationcode", authorization),
        newAddress())).isEqualTo("0");

      String stored = await(kv().get("sms:" + mobile));
      assertThat(stored).isNotNull().doesNotContain(sms.lastCode(mobile));
      assertThat(await(kv().get("authz:" + authorization))).as("no key named by the code itself").isNull();
      assertThat(error("account", app("1").put("phonenumber", mobile).put("password", PASSWORD)
        .put("verificationcode", sms.lastCode(mobile)).put("authorizationcode", authorization), newAddress()))
        .as("both still work").isEqualTo("0");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Registration {
    @Test
    void registrationsAreLimitedPerClientAddress() {
      String address = newAddress();
      for (int i = 0; i < REGISTRATIONS_PER_ADDRESS; i++) {
        registerUsername(name(), address);
      }
      assertThat(error("account", app("1").put("username", name()).put("password", PASSWORD), address))
        .isEqualTo("38");
      registerUsername(name(), newAddress());
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Sessions {
    String live(JsonObject session) {
      return await(web.get("/srv/v1/accountDetail").addQueryParam("platid", "1").addQueryParam("vercode", "1")
        .addQueryParam("channel", "x").putHeader("Authorization", "Bearer " + session.getString("access_token"))
        .send()).bodyAsJsonObject().getString("error");
    }

    @Test
    void twoParallelLoginsOnOnePlatformLeaveExactlyOneLiveSession() {
      String name = name();
      String address = newAddress();
      registerUsername(name, address);
      for (int round = 0; round < 10; round++) {
        List<JsonObject> sessions = all(List.of(
          send("login", app("1").put("username", name).put("password", PASSWORD), address, null),
          send("login", app("1").put("username", name).put("password", PASSWORD), address, null)));
        assertThat(sessions).allSatisfy(s -> assertThat(s.getString("error")).isEqualTo("0"));

        List<String> states = sessions.stream().map(this::live).toList();

        assertThat(states).as("round " + round).containsExactlyInAnyOrder("0", "30");
      }
    }

    @Test
    void aSessionOutlivesTheExpiryOfThePasswordChangeMarker() {
      String name = name();
      String address = newAddress();
      String uid = registerUsername(name, address);
      JsonObject here = loginByName(name, PASSWORD, "1", address);
      assertThat(post("password", app("1").put("oldpassword", PASSWORD).put("newpassword", "n3w password"), address,
        here.getString("access_token")).getString("error")).isEqualTo("0");
      JsonObject later = loginByName(name, "n3w password", "2", address);

      // What the store does when the marker's time to live runs out while the sessions are refreshed on.
      await(kv().delete("gen:" + uid));

      assertThat(live(here)).isEqualTo("0");
      assertThat(live(later)).isEqualTo("0");
      JsonObject refreshed = post("token", app("1").put("refresh_token", later.getString("refresh_token")), address);
      assertThat(refreshed.getString("error")).isEqualTo("0");
    }

    @Test
    void aRefreshNeverRevivesASessionLoggedOutMeanwhile() {
      String name = name();
      String address = newAddress();
      registerUsername(name, address);
      for (int round = 0; round < 20; round++) {
        JsonObject session = loginByName(name, PASSWORD, "1", address);
        List<JsonObject> raced = all(List.of(
          send("token", app("1").put("refresh_token", session.getString("refresh_token")), address, null),
          send("logout", app("1"), address, session.getString("access_token"))));
        assertThat(raced.get(1).getString("error")).isEqualTo("0");

        JsonObject refreshed = raced.get(0);
        if ("0".equals(refreshed.getString("error"))) {
          assertThat(live(refreshed)).as("round " + round + ": the refreshed tokens of a logged-out session")
            .isEqualTo("5");
          assertThat(post("token", app("1").put("refresh_token", refreshed.getString("refresh_token")), address)
            .getString("error")).isEqualTo("5");
        }
      }
    }
  }

  @Test
  void generatedSecretsAreReadableByTheirOwnerOnly() throws Exception {
    for (String file : List.of("jwt-es256.pem", "node-secret")) {
      Path path = server.dataDir().resolve("keys").resolve(file);
      assertThat(path).exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).as(file).isEqualTo("rw-------");
    }
  }
}
