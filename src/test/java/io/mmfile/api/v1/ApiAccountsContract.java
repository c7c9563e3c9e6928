package io.mmfile.api.v1;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mmfile.auth.AppKey;
import io.mmfile.auth.SigningKeys;
import io.mmfile.support.ApiClient;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.SecretWatch;
import io.mmfile.support.SmsGateway;
import io.mmfile.support.SrvClient;
import io.mmfile.support.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static io.mmfile.support.SrvClient.app;
import static io.mmfile.support.SrvClient.newMobile;
import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The account resources of {@code /api/v1}: registration, sessions, {@code /me} and the administrators'
 * app keys, over one account store with srv (tokens work across both). Runs per backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiAccountsContract {
  static final String PASSWORD = "correct horse";
  static final String PROBLEM = "application/problem+json";

  SmsGateway sms;
  TestServer server;
  DaokeClient http;
  SrvClient srv;
  ApiClient api;
  /** The administrator's username, named in api.admin-accounts before it is registered. */
  final String adminName = "admin" + Long.toString(System.nanoTime(), 36);
  final ListAppender<ILoggingEvent> audit = new ListAppender<>();
  final Logger auditLogger = (Logger) LoggerFactory.getLogger("mmfile.audit");

  abstract Backend backend();

  @BeforeAll
  void start() {
    sms = new SmsGateway();
    server = TestServer.start(backend(), new JsonObject()
      .put("sms.sender", "http")
      .put("sms.http-url", sms.url())
      .put("sms.resend-cooldown-seconds", 30)
      .put("auth.login-backoff-after", 3)
      .put("auth.login-lock-after", 5)
      .put("api.admin-accounts", "nobody-else, " + adminName)
      // cheaper hashing keeps the suite fast; the production cost is exercised by PasswordHasherTest
      .put("auth.argon2-memory-kib", 8192)
      .put("auth.argon2-iterations", 1));
    http = new DaokeClient(server.port());
    srv = new SrvClient(http.web());
    api = new ApiClient(server.port());
    audit.start();
    auditLogger.addAppender(audit);
  }

  @AfterAll
  void stop() {
    auditLogger.detachAppender(audit);
    if (api != null) {
      api.close();
    }
    if (http != null) {
      http.close();
    }
    if (server != null) {
      server.close();
    }
    if (sms != null) {
      sms.close();
    }
  }

  // ------------------------------------------------------------------------------------------ helpers

  /** Sends {@code call} with {@code body} (JSON, or none) and {@code token} (a Bearer token, or none). */
  HttpResponse<Buffer> send(ApiClient.Call call, JsonObject body, String token) {
    if (token != null) {
      SecretWatch.watch(token);
      call.bearer(token);
    }
    if (body != null) {
      call.json(body);
    }
    HttpResponse<Buffer> response = call.send();
    String type = response.getHeader("Content-Type");
    if (type != null && type.startsWith("application/json") && response.body() != null) {
      JsonObject answer = response.bodyAsJsonObject();
      SecretWatch.watch(answer.getString("access_token"));
      SecretWatch.watch(answer.getString("refresh_token"));
      SecretWatch.watch(answer.getString("secret"));
    }
    return response;
  }

  HttpResponse<Buffer> send(ApiClient.Call call, JsonObject body) {
    return send(call, body, null);
  }

  static String uniqueName(String prefix) {
    return prefix + Long.toString(System.nanoTime(), 36);
  }

  /** A username account, registered through /api/v1. */
  String registerUser(String username) {
    HttpResponse<Buffer> created = send(api.operation("createAccount"), new JsonObject().put("username", username).put("password", PASSWORD));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return created.bodyAsJsonObject().getString("id");
  }

  JsonObject logIn(String username) {
    HttpResponse<Buffer> session = send(api.operation("createSession"), new JsonObject().put("username", username).put("password", PASSWORD));
    assertThat(session.statusCode()).as(session.bodyAsString()).isEqualTo(201);
    return session.bodyAsJsonObject();
  }

  /** The answer is the problem of {@code status} with {@code code} (docs/api.md lists the codes). */
  static JsonObject problem(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo(PROBLEM);
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("code")).isEqualTo(code);
    assertThat(problem.getString("type")).isEqualTo("urn:mmfile:problem:" + code);
    assertThat(problem.getString("title")).isNotBlank();
    return problem;
  }

  List<String> audited() {
    synchronized (audit.list) {
      return audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  // ------------------------------------------------------------------------------------------ accounts

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Registration {
    @Test
    void registersWithAUsernameAndAnswersTheAccount() {
      String name = uniqueName("user");
      HttpResponse<Buffer> created = send(api.operation("createAccount"), new JsonObject().put("username", name).put("password", PASSWORD));

      assertThat(created.statusCode()).isEqualTo(201);
      assertThat(created.getHeader("Content-Type")).startsWith("application/json");
      assertThat(created.getHeader("Location")).isEqualTo("/api/v1/me");
      JsonObject account = created.bodyAsJsonObject();
      assertThat(account.getString("id")).matches("[0-9a-z]{26}");
      assertThat(account.getString("username")).isEqualTo(name);
      assertThat(account.getString("mobile")).isNull();
      assertThat(Instant.parse(account.getString("created_at"))).isBeforeOrEqualTo(Instant.now());
      assertThat(account.getJsonObject("profile").getValue("nickname")).isNull();
      assertThat(created.bodyAsString()).doesNotContain("argon2").doesNotContain(PASSWORD);
    }

    @Test
    void registersWithAMobileAndTheCodeTextedToIt() {
      String mobile = newMobile();
      HttpResponse<Buffer> sent = send(api.operation("sendVerificationCode"), new JsonObject().put("mobile", mobile));
      assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(202);
      String code = sms.lastCode(mobile);
      assertThat(code).matches("\\d{6}");

      HttpResponse<Buffer> created = send(api.operation("createAccount"), new JsonObject().put("mobile", mobile).put("code", code)
        .put("password", PASSWORD));

      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      assertThat(created.bodyAsJsonObject().getString("mobile")).isEqualTo(mobile);
      // the same account logs in through srv
      JsonObject srvLogin = srv.post("login", app("1").put("phonenumber", mobile).put("password", PASSWORD));
      assertThat(srvLogin.getString("uid")).isEqualTo(created.bodyAsJsonObject().getString("id"));
      // the code was used up
      HttpResponse<Buffer> again = send(api.operation("createAccount"), new JsonObject().put("mobile", newMobile()).put("code", code)
        .put("password", PASSWORD));
      assertThat(problem(again, 400, "code_expired").getString("detail")).isNotBlank();
    }

    @Test
    void aSecondCodeToTheSameNumberWaitsForTheCooldown() {
      String mobile = newMobile();
      assertThat(send(api.operation("sendVerificationCode"), new JsonObject().put("mobile", mobile)).statusCode()).isEqualTo(202);
      String first = sms.lastCode(mobile);

      HttpResponse<Buffer> again = send(api.operation("sendVerificationCode"), new JsonObject().put("mobile", mobile));

      problem(again, 429, "rate_limited");
      assertThat(Long.parseLong(again.getHeader("Retry-After"))).isBetween(1L, 30L);
      assertThat(sms.lastCode(mobile)).as("no second text").isEqualTo(first);
    }

    @Test
    void refusesAWrongCodeNamingIt() {
      String mobile = newMobile();
      assertThat(send(api.operation("sendVerificationCode"), new JsonObject().put("mobile", mobile)).statusCode()).isEqualTo(202);
      String wrong = sms.lastCode(mobile).equals("000000") ? "111111" : "000000";

      JsonObject refused = problem(send(api.operation("createAccount"), new JsonObject().put("mobile", mobile).put("code", wrong)
        .put("password", PASSWORD)), 400, "code_wrong");

      JsonObject srvLogin = srv.post("login", app("1").put("phonenumber", mobile).put("password", PASSWORD));
      assertThat(srvLogin.getString("error")).as("no account was made").isEqualTo("7");
    }

    @Test
    void refusesATakenUsernameWithConflict() {
      String name = uniqueName("taken");
      registerUser(name);
      problem(send(api.operation("createAccount"), new JsonObject().put("username", name).put("password", "another password")), 409, "conflict");
    }

    @Test
    void theDocumentRefusesMalformedRegistrations() {
      String name = uniqueName("shape");
      problem(send(api.operation("createAccount"), new JsonObject().put("username", name)), 400, "invalid_parameter");
      problem(send(api.operation("createAccount"), new JsonObject().put("username", name).put("password", "short")), 400, "invalid_parameter");
      problem(send(api.operation("createAccount"), new JsonObject().put("username", "9starts-with-a-digit").put("password", PASSWORD)), 400, "invalid_parameter");
      problem(send(api.operation("createAccount"), new JsonObject().put("username", name).put("password", PASSWORD).put("admin", true)), 400, "invalid_parameter");
      problem(send(api.operation("createAccount"), new JsonObject().put("password", PASSWORD)), 400, "invalid_parameter");
      problem(send(api.operation("createAccount"), new JsonObject().put("mobile", newMobile()).put("password", PASSWORD)), 400, "invalid_parameter");
      problem(send(api.operation("sendVerificationCode"), new JsonObject().put("mobile", "12345")), 400, "invalid_parameter");
      HttpResponse<Buffer> notJson = await(http.web().post("/api/v1/accounts").putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"username\":")));
      problem(notJson, 400, "invalid_parameter");
      assertThat(send(api.operation("createSession"), new JsonObject().put("username", name).put("password", PASSWORD)).statusCode())
        .as("none of them made the account").isEqualTo(401);
    }
  }

  // ------------------------------------------------------------------------------------------ sessions

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Sessions {
    @Test
    void logsInByUsernameWithBearerTokens() {
      String name = uniqueName("login");
      String id = registerUser(name);

      HttpResponse<Buffer> response = send(api.operation("createSession"), new JsonObject().put("username", name).put("password", PASSWORD));

      assertThat(response.statusCode()).isEqualTo(201);
      assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
      JsonObject session = response.bodyAsJsonObject();
      assertThat(session.getString("token_type")).isEqualTo("Bearer");
      assertThat(session.getString("account_id")).isEqualTo(id);
      assertThat(session.getString("access_token")).isNotBlank();
      assertThat(session.getString("refresh_token")).isNotBlank();
      assertThat(session.getLong("expires_in")).isBetween(14L * 60, 15L * 60);
      assertThat(session.getLong("refresh_expires_in")).isBetween(29L * 86400, 30L * 86400);
      JsonObject me = send(api.operation("getMe"), null, session.getString("access_token")).bodyAsJsonObject();
      assertThat(me.getString("id")).isEqualTo(id);
    }

    @Test
    void logsInByMobile() {
      String mobile = newMobile();
      assertThat(send(api.operation("sendVerificationCode"), new JsonObject().put("mobile", mobile)).statusCode()).isEqualTo(202);
      String id = send(api.operation("createAccount"), new JsonObject().put("mobile", mobile).put("code", sms.lastCode(mobile))
        .put("password", PASSWORD)).bodyAsJsonObject().getString("id");

      HttpResponse<Buffer> session = send(api.operation("createSession"), new JsonObject().put("mobile", mobile).put("password", PASSWORD));

      assertThat(session.statusCode()).isEqualTo(201);
      assertThat(session.bodyAsJsonObject().getString("account_id")).isEqualTo(id);
    }

    @Test
    void aWrongPasswordAndAnUnknownNameGetTheSameAnswer() {
      String name = uniqueName("wrong");
      registerUser(name);

      JsonObject wrong = problem(send(api.operation("createSession"), new JsonObject().put("username", name).put("password", "not it")), 401, "wrong_password");
      JsonObject unknown = problem(send(api.operation("createSession"), new JsonObject().put("username", uniqueName("nobody"))
        .put("password", PASSWORD)), 401, "wrong_password");

      assertThat(unknown.getString("code")).isEqualTo(wrong.getString("code"));
      assertThat(unknown.getString("detail")).isEqualTo(wrong.getString("detail"));
      problem(send(api.operation("createSession"), new JsonObject().put("username", name).put("mobile", newMobile())
        .put("password", PASSWORD)), 400, "invalid_parameter");
      problem(send(api.operation("createSession"), new JsonObject().put("password", PASSWORD)), 400, "invalid_parameter");
    }

    @Test
    void failedLoginsHereAndThroughSrvShareOneThrottle() {
      String mobile = newMobile();
      assertThat(send(api.operation("sendVerificationCode"), new JsonObject().put("mobile", mobile)).statusCode()).isEqualTo(202);
      assertThat(send(api.operation("createAccount"), new JsonObject().put("mobile", mobile).put("code", sms.lastCode(mobile))
        .put("password", PASSWORD)).statusCode()).isEqualTo(201);
      // auth.login-backoff-after is 3: two wrong passwords through srv, one here, then the account waits
      for (int i = 0; i < 2; i++) {
        assertThat(srv.post("login", app("1").put("phonenumber", mobile).put("password", "guess " + i))
          .getString("error")).isEqualTo("8");
      }
      problem(send(api.operation("createSession"), new JsonObject().put("mobile", mobile).put("password", "guess 2")), 401, "wrong_password");

      HttpResponse<Buffer> throttled = send(api.operation("createSession"), new JsonObject().put("mobile", mobile).put("password", PASSWORD));

      problem(throttled, 429, "rate_limited");
      assertThat(Long.parseLong(throttled.getHeader("Retry-After"))).isPositive();
      assertThat(srv.post("login", app("1").put("phonenumber", mobile).put("password", PASSWORD)).getString("error"))
        .as("srv is held back by the try made here").isEqualTo("38");
    }

    @Test
    void refreshTradesTheRefreshTokenForANewPairOnce() {
      String name = uniqueName("refresh");
      registerUser(name);
      JsonObject first = logIn(name);

      HttpResponse<Buffer> refreshed = send(api.operation("refreshSession"),
        new JsonObject().put("refresh_token", first.getString("refresh_token")));

      assertThat(refreshed.statusCode()).isEqualTo(200);
      JsonObject second = refreshed.bodyAsJsonObject();
      assertThat(second.getString("refresh_token")).isNotEqualTo(first.getString("refresh_token"));
      assertThat(second.getString("token_type")).isEqualTo("Bearer");
      assertThat(send(api.operation("getMe"), null, second.getString("access_token")).statusCode()).isEqualTo(200);

      // the used token again: refused, and the session it belonged to ends (reuse detection)
      problem(send(api.operation("refreshSession"), new JsonObject().put("refresh_token", first.getString("refresh_token"))), 401, "unauthorized");
      problem(send(api.operation("getMe"), null, second.getString("access_token")), 401, "unauthorized");
      problem(send(api.operation("refreshSession"), new JsonObject().put("refresh_token", "made-up")), 401, "unauthorized");
      problem(send(api.operation("refreshSession"), new JsonObject()), 400, "invalid_parameter");
    }

    @Test
    void logoutEndsTheSessionOfTheTokenOnly() {
      String name = uniqueName("logout");
      registerUser(name);
      JsonObject phone = logIn(name);
      JsonObject laptop = logIn(name);

      HttpResponse<Buffer> out = send(api.operation("deleteCurrentSession"), null, phone.getString("access_token"));

      assertThat(out.statusCode()).isEqualTo(204);
      problem(send(api.operation("getMe"), null, phone.getString("access_token")), 401, "unauthorized");
      problem(send(api.operation("refreshSession"), new JsonObject().put("refresh_token", phone.getString("refresh_token"))), 401, "unauthorized");
      assertThat(send(api.operation("getMe"), null, laptop.getString("access_token")).statusCode())
        .as("two logins here are two sessions: one does not replace the other").isEqualTo(200);
      problem(send(api.operation("deleteCurrentSession"), null, null), 401, "unauthorized");
    }

    @Test
    void tokensFromSrvWorkHereAndTheOtherWayRoundAndInWeidu() {
      String mobile = newMobile();
      assertThat(srv.post("verificationMsg", app("1").put("phonenumber", mobile)).getString("error")).isEqualTo("0");
      String uid = srv.post("account", app("1").put("phonenumber", mobile).put("password", PASSWORD)
        .put("verificationcode", sms.lastCode(mobile))).getString("uid");
      JsonObject srvSession = srv.post("login", app("1").put("phonenumber", mobile).put("password", PASSWORD));

      JsonObject me = send(api.operation("getMe"), null, srvSession.getString("access_token")).bodyAsJsonObject();
      assertThat(me.getString("id")).isEqualTo(uid);
      HttpResponse<Buffer> refreshed = send(api.operation("refreshSession"),
        new JsonObject().put("refresh_token", srvSession.getString("refresh_token")));
      assertThat(refreshed.statusCode()).isEqualTo(200);

      JsonObject apiSession = send(api.operation("createSession"), new JsonObject().put("mobile", mobile).put("password", PASSWORD))
        .bodyAsJsonObject();
      JsonObject detail = srv.get("accountDetail", apiSession.getString("access_token"));
      assertThat(detail.getString("error")).isEqualTo("0");
      assertThat(detail.getJsonObject("data").getString("uid")).isEqualTo(uid);
      assertThat(weiduProfile(uid, apiSession.getString("access_token")).statusCode()).as("weidu takes it too").isEqualTo(200);
      JsonObject srvRefresh = srv.post("token", app("1").put("refresh_token", apiSession.getString("refresh_token")));
      assertThat(srvRefresh.getString("error")).isEqualTo("0");
      // a logout through srv ends the session here too
      assertThat(srv.post("logout", app("1"), srvRefresh.getString("access_token")).getString("error")).isEqualTo("0");
      problem(send(api.operation("getMe"), null, srvRefresh.getString("access_token")), 401, "unauthorized");
      assertThat(weiduProfile(uid, srvRefresh.getString("access_token")).statusCode()).isEqualTo(401);
    }

    @Test
    void refusesExpiredForgedAndMissingTokens() {
      String name = uniqueName("expiry");
      String id = registerUser(name);
      String live = logIn(name).getString("access_token");
      JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(live.split("\\.")[1]),
        StandardCharsets.UTF_8));
      SigningKeys keys = SigningKeys.load(server.server().config().auth(), server.dataDir());
      long now = System.currentTimeMillis() / 1000;

      // the live session's own claims, signed by the server's own key, but past their expiry
      String expired = sign(keys.privatePem(), keys.keyId(), new JsonObject().put("sub", id)
        .put("sid", claims.getString("sid")).put("platid", claims.getString("platid")).put("exp", now - 10));
      JsonObject refused = problem(send(api.operation("getMe"), null, expired), 401, "token_expired");
      assertThat(refused.getString("detail")).contains("expired");

      String forged = sign(SigningKeys.generatePrivatePem(), keys.keyId(), new JsonObject().put("sub", id)
        .put("sid", claims.getString("sid")).put("exp", now + 600));
      problem(send(api.operation("getMe"), null, forged), 401, "unauthorized");
      problem(send(api.operation("getMe"), null, "not-a-token"), 401, "unauthorized");
      problem(send(api.operation("getMe"), null, null), 401, "unauthorized");
      assertThat(send(api.operation("getMe"), null, live).statusCode()).isEqualTo(200);
    }
  }

  // ------------------------------------------------------------------------------------------ /me

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Me {
    @Test
    void patchSetsProfileFieldsThatSrvReadsBack() {
      String name = uniqueName("profile");
      registerUser(name);
      String token = logIn(name).getString("access_token");

      HttpResponse<Buffer> changed = send(api.operation("updateMe"), new JsonObject().put("profile",
        new JsonObject().put("nickname", "Al").put("zone", "Asia/Shanghai")), token);

      assertThat(changed.statusCode()).as(changed.bodyAsString()).isEqualTo(200);
      assertThat(changed.bodyAsJsonObject().getJsonObject("profile").getString("nickname")).isEqualTo("Al");
      JsonObject me = send(api.operation("getMe"), null, token).bodyAsJsonObject();
      assertThat(me.getJsonObject("profile").getString("zone")).isEqualTo("Asia/Shanghai");
      assertThat(srv.get("accountDetail", token).getJsonObject("data").getString("nickname")).isEqualTo("Al");

      // null clears one field and leaves the others
      JsonObject cleared = send(api.operation("updateMe"), new JsonObject().put("profile",
        new JsonObject().putNull("nickname")), token).bodyAsJsonObject();
      assertThat(cleared.getJsonObject("profile").getValue("nickname")).isNull();
      assertThat(cleared.getJsonObject("profile").getString("zone")).isEqualTo("Asia/Shanghai");
    }

    @Test
    void patchIsAllOrNothing() {
      String name = uniqueName("limits");
      registerUser(name);
      String token = logIn(name).getString("access_token");

      problem(send(api.operation("updateMe"), new JsonObject().put("profile",
        new JsonObject().put("nickname", "Al").put("age", "x".repeat(4))), token), 400, "invalid_parameter");
      problem(send(api.operation("updateMe"), new JsonObject().put("profile",
        new JsonObject().put("nickname", "Al").put("uid", "someone else")), token), 400, "invalid_parameter");
      JsonObject control = problem(send(api.operation("updateMe"), new JsonObject().put("profile",
        new JsonObject().put("nickname", "Al").put("job", "line\u0007bell")), token), 400, "invalid_parameter");
      assertThat(control.getString("parameter")).isEqualTo("profile.job");

      assertThat(send(api.operation("getMe"), null, token).bodyAsJsonObject().getJsonObject("profile")
        .getValue("nickname")).as("nothing was stored").isNull();
      problem(send(api.operation("updateMe"), new JsonObject().put("profile", new JsonObject()), null), 401, "unauthorized");
    }
  }

  // ------------------------------------------------------------------------------------------ app keys

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AppKeys {
    String admin;
    String adminId;

    @BeforeAll
    void registerTheAdministrator() {
      adminId = registerUser(adminName);
      admin = logIn(adminName).getString("access_token");
    }

    @Test
    void anAdministratorCreatesAKeyThatUploadsAndSeesItsSecretOnce() {
      HttpResponse<Buffer> created = send(api.operation("createAppKey"), new JsonObject().put("name", "fleet 7"), admin);

      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      JsonObject key = created.bodyAsJsonObject();
      String appKey = key.getString("app_key");
      assertThat(appKey).matches("[1-9][0-9]{9}");
      assertThat(created.getHeader("Location")).isEqualTo("/api/v1/app-keys/" + appKey);
      assertThat(key.getString("name")).isEqualTo("fleet 7");
      assertThat(key.getBoolean("enabled")).isTrue();
      assertThat(key.getString("secret")).matches("[0-9A-F]{40}");
      AppKey usable = new AppKey(appKey, key.getString("secret"), "fleet 7", true, 0);
      assertThat(DaokeClient.code(http.save(usable, Images.png(20, 20, 7)))).isEqualTo("0");

      JsonObject one = send(api.operation("getAppKey").path("app_key", appKey), null, admin).bodyAsJsonObject();
      assertThat(one.getString("name")).isEqualTo("fleet 7");
      assertThat(one.containsKey("secret")).isFalse();
      HttpResponse<Buffer> list = send(api.operation("listAppKeys"), null, admin);
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(list.bodyAsString()).contains(appKey).doesNotContain(key.getString("secret"));
      assertThat(audited()).anySatisfy(line -> assertThat(line)
        .isEqualTo("api account " + adminId + " (" + adminName + ") create app key: " + appKey + " (fleet 7) (from 127.0.0.1)"));
    }

    @Test
    void disableEnableRotateAndDeleteAsTheConsoleDoes() {
      JsonObject key = send(api.operation("createAppKey"), new JsonObject().put("name", "life cycle"), admin).bodyAsJsonObject();
      String appKey = key.getString("app_key");
      AppKey first = new AppKey(appKey, key.getString("secret"), "life cycle", true, 0);

      HttpResponse<Buffer> disabled = send(api.operation("disableAppKey").path("app_key", appKey), null, admin);
      assertThat(disabled.statusCode()).isEqualTo(200);
      assertThat(disabled.bodyAsJsonObject().getBoolean("enabled")).isFalse();
      TestServer.eventually(() -> "ME01002".equals(DaokeClient.code(http.save(first, Images.png(20, 20, 7)))));

      assertThat(send(api.operation("enableAppKey").path("app_key", appKey), null, admin).bodyAsJsonObject()
        .getBoolean("enabled")).isTrue();
      TestServer.eventually(() -> "0".equals(DaokeClient.code(http.save(first, Images.png(20, 20, 7)))));

      HttpResponse<Buffer> rotated = send(api.operation("rotateAppKey").path("app_key", appKey), null, admin);
      assertThat(rotated.statusCode()).isEqualTo(200);
      JsonObject newer = rotated.bodyAsJsonObject();
      assertThat(newer.getString("secret")).isNotEqualTo(first.secret()).matches("[0-9A-F]{40}");
      assertThat(Instant.parse(newer.getString("previous_secret_expires_at"))).isAfter(Instant.now());
      AppKey second = new AppKey(appKey, newer.getString("secret"), "life cycle", true, 0);
      TestServer.eventually(() -> "0".equals(DaokeClient.code(http.save(second, Images.png(20, 20, 7)))));
      assertThat(DaokeClient.code(http.save(first, Images.png(20, 20, 7)))).as("the old secret, within the overlap")
        .isEqualTo("0");

      assertThat(send(api.operation("deleteAppKey").path("app_key", appKey), null, admin).statusCode()).isEqualTo(204);
      problem(send(api.operation("getAppKey").path("app_key", appKey), null, admin), 404, "not_found");
      problem(send(api.operation("enableAppKey").path("app_key", appKey), null, admin), 404, "not_found");
      assertThat(audited()).anySatisfy(l -> assertThat(l).contains("disable app key: " + appKey))
        .anySatisfy(l -> assertThat(l).contains("enable app key: " + appKey))
        .anySatisfy(l -> assertThat(l).contains("rotate app key secret: " + appKey))
        .anySatisfy(l -> assertThat(l).contains("delete app key: " + appKey));
    }

    @Test
    void refusesUnknownAndMalformedKeysAndNames() {
      problem(send(api.operation("getAppKey").path("app_key", "1000000001"), null, admin), 404, "not_found");
      problem(send(api.operation("rotateAppKey").path("app_key", "1000000001"), null, admin), 404, "not_found");
      problem(send(api.operation("getAppKey").path("app_key", "not-digits"), null, admin), 400, "invalid_parameter");
      problem(send(api.operation("createAppKey"), new JsonObject().put("name", ""), admin), 400, "invalid_parameter");
      problem(send(api.operation("createAppKey"), new JsonObject().put("name", "x".repeat(129)), admin), 400, "invalid_parameter");
      problem(send(api.operation("createAppKey"), new JsonObject(), admin), 400, "invalid_parameter");
    }

    @Test
    void refusesAccountsThatAreNotAdministratorsAndCallersWithoutAToken() {
      String name = uniqueName("plain");
      String id = registerUser(name);
      String token = logIn(name).getString("access_token");
      long before = await(server.server().appKeys().list()).size();

      problem(send(api.operation("listAppKeys"), null, token), 403, "forbidden");
      problem(send(api.operation("createAppKey"), new JsonObject().put("name", "mine"), token), 403, "forbidden");
      problem(send(api.operation("disableAppKey").path("app_key", "1000000001"), null, token), 403, "forbidden");
      problem(send(api.operation("listAppKeys"), null, null), 401, "unauthorized");
      problem(send(api.operation("createAppKey"), new JsonObject().put("name", "anon"), "not-a-token"), 401, "unauthorized");

      assertThat(await(server.server().appKeys().list())).hasSize((int) before);
      assertThat(audited()).anySatisfy(l -> assertThat(l).startsWith("api account " + id + " refused: POST /api/v1/app-keys"));
    }
  }

  /** weidu's own profile read, with a Bearer token. */
  HttpResponse<Buffer> weiduProfile(String uid, String token) {
    return await(http.web().get("/weidu/api/v1/users/accountinfo").addQueryParam("user_id", uid)
      .putHeader("Authorization", "Bearer " + token).send());
  }

  static String sign(String privatePem, String keyId, JsonObject claims) {
    Vertx vertx = Vertx.vertx();
    try {
      JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setId(keyId).setBuffer(privatePem)));
      return jwt.generateToken(claims, new JWTOptions().setAlgorithm("ES256").setNoTimestamp(true)
        .setHeader(new JsonObject().put("kid", keyId)));
    } finally {
      vertx.close();
    }
  }
}
