package io.mmfile.accounts;

import io.mmfile.auth.AppKey;
import io.mmfile.auth.SignatureVerifier;
import io.mmfile.auth.SigningKeys;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.SmsGateway;
import io.mmfile.support.SrvClient;
import io.mmfile.support.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.mmfile.support.SrvClient.app;
import static io.mmfile.support.SrvClient.newMobile;
import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/** WIRE.md §1 userBindMobile, §2 weidu and §3 srv: one account behind three dialects. Runs per backend. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AccountsContract {
  static final String PASSWORD = "correct horse";

  SmsGateway sms;
  TestServer server;
  DaokeClient http;
  SrvClient srv;
  AppKey app;

  abstract Backend backend();

  @BeforeAll
  void start() {
    sms = new SmsGateway();
    server = TestServer.start(backend(), new JsonObject()
      .put("sms.sender", "http")
      .put("sms.http-url", sms.url())
      .put("sms.resend-cooldown-seconds", 2)
      .put("auth.login-backoff-after", 3)
      .put("auth.login-lock-after", 5)
      // cheaper hashing keeps the suite fast; the production cost is exercised by PasswordHasherTest
      .put("auth.argon2-memory-kib", 8192)
      .put("auth.argon2-iterations", 1));
    http = new DaokeClient(server.port());
    srv = new SrvClient(http.web());
    app = server.newAppKey();
  }

  @AfterAll
  void stop() {
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

  /** Registers a phone account through srv, with the code the SMS gateway received. */
  String registerPhone(String mobile) {
    assertThat(srv.post("verificationMsg", app("1").put("phonenumber", mobile)).getString("error")).isEqualTo("0");
    JsonObject registered = srv.post("account", app("1").put("phonenumber", mobile).put("password", PASSWORD)
      .put("verificationcode", sms.lastCode(mobile)).put("registersource", "test"));
    assertThat(registered.getString("error")).isEqualTo("0");
    return registered.getString("uid");
  }

  JsonObject login(String mobile, String platid) {
    return srv.post("login", app(platid).put("phonenumber", mobile).put("password", PASSWORD));
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Srv {

    @Test
    void registersWithAnSmsCodeThenLogsIn() {
      String mobile = newMobile();
      String uid = registerPhone(mobile);
      assertThat(sms.lastMessage(mobile).getString("text")).contains(sms.lastCode(mobile));

      JsonObject session = login(mobile, "1");

      assertThat(session.getString("error")).isEqualTo("0");
      assertThat(session.getString("uid")).isEqualTo(uid);
      assertThat(session.getString("access_token")).isNotBlank();
      assertThat(session.getString("refresh_token")).isNotBlank();
      assertThat(Long.parseLong(session.getString("access_token_expire")))
        .isGreaterThan(System.currentTimeMillis() / 1000);
      JsonObject detail = srv.get("accountDetail", session.getString("access_token"));
      assertThat(detail.getString("error")).isEqualTo("0");
      assertThat(detail.getString("token_status")).isEqualTo("0");
      assertThat(detail.getJsonObject("data").getString("phonenumber")).isEqualTo(mobile);
    }

    @Test
    void registersByUsernameAndByEmailWithoutACode() {
      String name = "user" + System.nanoTime();
      JsonObject byName = srv.post("account", app("1").put("username", name).put("password", PASSWORD));
      assertThat(byName.getString("error")).isEqualTo("0");
      assertThat(srv.post("login", app("1").put("username", name).put("password", PASSWORD)).getString("error"))
        .isEqualTo("0");

      String email = name + "@example.com";
      assertThat(srv.post("account", app("1").put("mailaddress", email).put("password", PASSWORD)).getString("error"))
        .isEqualTo("0");
      assertThat(srv.post("login", app("1").put("mailaddress", email.toUpperCase()).put("password", PASSWORD))
        .getString("error")).isEqualTo("0");
    }

    @Test
    void everyRequestNeedsPlatidVercodeAndChannel() {
      JsonObject answer = srv.post("login", new JsonObject().put("platid", "1").put("vercode", 1)
        .put("username", "x").put("password", "y"));
      assertThat(answer.getString("error")).isEqualTo("12");
    }

    @Test
    void refusesMalformedJson() {
      HttpResponse<Buffer> response = await(http.web().post("/srv/v1/login")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"platid\":")));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("12");
    }

    @Test
    void refusesAnOversizeBodyInSrvShape() {
      JsonObject answer = srv.post("login", app("1").put("username", "x".repeat(100_000)).put("password", "y"));
      assertThat(answer.getString("error")).isEqualTo("12");
    }

    @Test
    void refusesAnAccountThatExists() {
      String name = "dup" + System.nanoTime();
      srv.post("account", app("1").put("username", name).put("password", PASSWORD));
      assertThat(srv.post("account", app("1").put("username", name).put("password", PASSWORD)).getString("error"))
        .isEqualTo("14");
    }

    @Test
    void refusesABadPasswordOrPhoneFormat() {
      assertThat(srv.post("account", app("1").put("username", "short" + System.nanoTime()).put("password", "123"))
        .getString("error")).isEqualTo("32");
      assertThat(srv.post("verificationMsg", app("1").put("phonenumber", "2345")).getString("error")).isEqualTo("34");
      assertThat(srv.post("account", app("1").put("phonenumber", "12345").put("password", PASSWORD)
        .put("verificationcode", "1")).getString("error")).isEqualTo("34");
    }

    @Test
    void checksTheVerificationCode() {
      String mobile = newMobile();
      assertThat(srv.post("account", app("1").put("phonenumber", mobile).put("password", PASSWORD)
        .put("verificationcode", "123456")).getString("error")).isEqualTo("2");

      srv.post("verificationMsg", app("1").put("phonenumber", mobile));
      String code = sms.lastCode(mobile);
      String wrong = code.equals("000000") ? "111111" : "000000";
      assertThat(srv.post("account", app("1").put("phonenumber", mobile).put("password", PASSWORD)
        .put("verificationcode", wrong)).getString("error")).isEqualTo("1");
      assertThat(srv.post("account", app("1").put("phonenumber", mobile).put("password", PASSWORD)
        .put("verificationcode", code)).getString("error")).isEqualTo("0");
    }

    @Test
    void aCodeIsGoneAfterFiveWrongTries() {
      String mobile = newMobile();
      srv.post("verificationMsg", app("1").put("phonenumber", mobile));
      String code = sms.lastCode(mobile);
      String wrong = code.equals("000000") ? "111111" : "000000";
      for (int i = 0; i < 5; i++) {
        srv.post("account", app("1").put("phonenumber", mobile).put("password", PASSWORD).put("verificationcode", wrong));
      }
      assertThat(srv.post("account", app("1").put("phonenumber", mobile).put("password", PASSWORD)
        .put("verificationcode", code)).getString("error")).isEqualTo("2");
    }

    @Test
    void refusesAResendWithinTheCooldown() {
      String mobile = newMobile();
      assertThat(srv.post("verificationMsg", app("1").put("phonenumber", mobile)).getString("error")).isEqualTo("0");
      assertThat(srv.post("verificationMsg", app("1").put("phonenumber", mobile)).getString("error")).isEqualTo("38");
    }

    @Test
    void tellsUnknownUsersFromWrongPasswords() {
      String mobile = newMobile();
      registerPhone(mobile);
      assertThat(srv.post("login", app("1").put("phonenumber", newMobile()).put("password", PASSWORD))
        .getString("error")).isEqualTo("7");
      assertThat(srv.post("login", app("1").put("phonenumber", mobile).put("password", "wrong password"))
        .getString("error")).isEqualTo("8");
    }

    @Test
    void throttlesPasswordGuessingBeforeHashing() {
      String mobile = newMobile();
      registerPhone(mobile);
      boolean throttled = false;
      for (int i = 0; i < 8 && !throttled; i++) {
        String error = srv.post("login", app("1").put("phonenumber", mobile).put("password", "guess " + i))
          .getString("error");
        throttled = error.equals("38");
      }
      assertThat(throttled).as("a guessing client is slowed down").isTrue();
      JsonObject evenTheRightPassword = login(mobile, "1");
      assertThat(evenTheRightPassword.getString("error")).isEqualTo("38");
      assertThat(Long.parseLong(evenTheRightPassword.getString("retry_after"))).isPositive();
    }

    @Test
    void refreshRotatesTheTokensAndReuseRevokesTheLogin() {
      String mobile = newMobile();
      registerPhone(mobile);
      JsonObject first = login(mobile, "1");

      JsonObject second = srv.post("token", app("1").put("refresh_token", first.getString("refresh_token")));
      assertThat(second.getString("error")).isEqualTo("0");
      assertThat(second.getString("refresh_token")).isNotEqualTo(first.getString("refresh_token"));
      assertThat(srv.get("accountDetail", second.getString("access_token")).getString("error")).isEqualTo("0");

      JsonObject replay = srv.post("token", app("1").put("refresh_token", first.getString("refresh_token")));
      assertThat(replay.getString("error")).isEqualTo("5");
      assertThat(srv.get("accountDetail", second.getString("access_token")).getString("error")).isEqualTo("5");
      assertThat(srv.post("token", app("1").put("refresh_token", second.getString("refresh_token"))).getString("error"))
        .isEqualTo("5");
    }

    @Test
    void aLoginOnAnotherDeviceOfThePlatformEndsTheOlderSession() {
      String mobile = newMobile();
      registerPhone(mobile);
      JsonObject phone = login(mobile, "1");
      JsonObject tablet = login(mobile, "2");
      JsonObject newPhone = login(mobile, "1");

      JsonObject kicked = srv.get("accountDetail", phone.getString("access_token"));
      assertThat(kicked.getString("error")).isEqualTo("30");
      assertThat(kicked.getString("token_status")).isEqualTo("2");
      assertThat(srv.get("accountDetail", tablet.getString("access_token")).getString("error")).isEqualTo("0");
      assertThat(srv.get("accountDetail", newPhone.getString("access_token")).getString("error")).isEqualTo("0");
    }

    @Test
    void changingThePasswordEndsTheOtherSessions() {
      String mobile = newMobile();
      registerPhone(mobile);
      JsonObject here = login(mobile, "1");
      JsonObject elsewhere = login(mobile, "2");

      JsonObject wrongOld = srv.post("password", app("1").put("oldpassword", "nope nope").put("newpassword", "n3w password"),
        here.getString("access_token"));
      assertThat(wrongOld.getString("error")).isEqualTo("8");
      assertThat(wrongOld.getString("token_status")).isEqualTo("0");
      JsonObject changed = srv.post("password", app("1").put("oldpassword", PASSWORD).put("newpassword", "n3w password"),
        here.getString("access_token"));
      assertThat(changed.getString("error")).isEqualTo("0");
      assertThat(changed.getString("token_status")).isEqualTo("0");

      assertThat(srv.get("accountDetail", here.getString("access_token")).getString("error")).isEqualTo("0");
      assertThat(srv.get("accountDetail", elsewhere.getString("access_token")).getString("error")).isEqualTo("5");
      assertThat(login(mobile, "1").getString("error")).isEqualTo("8");
      assertThat(srv.post("login", app("1").put("phonenumber", mobile).put("password", "n3w password"))
        .getString("error")).isEqualTo("0");
    }

    @Test
    void logoutEndsTheSession() {
      String mobile = newMobile();
      registerPhone(mobile);
      JsonObject session = login(mobile, "1");

      assertThat(srv.post("logout", app("1"), session.getString("access_token")).getString("error")).isEqualTo("0");

      JsonObject after = srv.get("accountDetail", session.getString("access_token"));
      assertThat(after.getString("error")).isEqualTo("5");
      assertThat(after.getString("token_status")).isEqualTo("2");
      assertThat(srv.post("token", app("1").put("refresh_token", session.getString("refresh_token"))).getString("error"))
        .isEqualTo("5");
    }

    @Test
    void refusesForgedExpiredAndUnsignedTokens() {
      String mobile = newMobile();
      String uid = registerPhone(mobile);
      String sid = "whatever";
      SigningKeys serverKeys = SigningKeys.load(server.server().config().auth(), server.dataDir());
      long now = System.currentTimeMillis() / 1000;

      String expired = sign(serverKeys.privatePem(), serverKeys.keyId(),
        new JsonObject().put("sub", uid).put("sid", sid).put("exp", now - 10));
      JsonObject answer = srv.get("accountDetail", expired);
      assertThat(answer.getString("error")).isEqualTo("5");
      assertThat(answer.getString("token_status")).isEqualTo("1");

      String otherKey = sign(SigningKeys.generatePrivatePem(), serverKeys.keyId(),
        new JsonObject().put("sub", uid).put("sid", sid).put("exp", now + 600));
      assertThat(srv.get("accountDetail", otherKey).getString("token_status")).isEqualTo("2");

      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String unsigned = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(new JsonObject().put("sub", uid).put("sid", sid).put("exp", now + 600).encode()
        .getBytes(StandardCharsets.UTF_8)) + ".";
      JsonObject none = srv.get("accountDetail", unsigned);
      assertThat(none.getString("error")).isEqualTo("5");
      assertThat(none.getString("token_status")).isEqualTo("2");

      assertThat(srv.get("accountDetail", null).getString("error")).isEqualTo("5");
    }

    @Test
    void uploadsAnAvatarAsMultipartOrBase64AndServesIt() {
      String mobile = newMobile();
      registerPhone(mobile);
      String token = login(mobile, "1").getString("access_token");
      Buffer image = Images.png(30, 30, 77);

      MultipartForm form = MultipartForm.create().attribute("platid", "1").attribute("vercode", "1")
        .attribute("channel", "1CWR").attribute("type", "1").binaryFileUpload("file", "me.png", image, "image/png");
      JsonObject multipart = await(http.web().post("/srv/v1/pic/upload").putHeader("Authorization", "Bearer " + token)
        .sendMultipartForm(form)).bodyAsJsonObject();
      assertThat(multipart.getString("error")).isEqualTo("0");
      assertThat(multipart.getString("token_status")).isEqualTo(multipart.getString("url"));
      assertThat(http.get(multipart.getString("url")).body()).isEqualTo(image);

      JsonObject base64 = srv.post("pic/upload", app("1").put("type", "1")
        .put("file", Base64.getEncoder().encodeToString(image.getBytes())), token);
      assertThat(base64.getString("error")).isEqualTo("0");
      assertThat(http.get(base64.getString("url")).body()).isEqualTo(image);
      assertThat(srv.get("accountDetail", token).getJsonObject("data").getString("avatar")).isEqualTo(base64.getString("url"));
    }

    @Test
    void refusesAnAvatarThatIsNotAnImageOrEmpty() {
      String mobile = newMobile();
      registerPhone(mobile);
      String token = login(mobile, "1").getString("access_token");

      JsonObject text = srv.post("pic/upload", app("1").put("type", "1")
        .put("file", Base64.getEncoder().encodeToString("hello, not an image".getBytes())), token);
      assertThat(text.getString("error")).isEqualTo("18");
      assertThat(srv.post("pic/upload", app("1").put("type", "1").put("file", ""), token).getString("error"))
        .isEqualTo("19");
    }

    @Test
    void tradesAppCredentialsForAnAuthorizationCode() {
      JsonObject issued = await(http.web().get("/srv/v1/authorization").addQueryParam("platid", "1")
        .addQueryParam("vercode", "1").addQueryParam("channel", "x").addQueryParam("client_id", app.appKey())
        .addQueryParam("client_secret", app.secret()).send()).bodyAsJsonObject();
      assertThat(issued.getString("error")).isEqualTo("0");
      String code = issued.getString("authorizationcode");
      assertThat(code).isNotBlank();

      String name = "authz" + System.nanoTime();
      assertThat(srv.post("account", app("1").put("username", name).put("password", PASSWORD)
        .put("authorizationcode", code)).getString("error")).isEqualTo("0");
      assertThat(srv.post("login", app("1").put("username", name).put("password", PASSWORD)
        .put("authorizationcode", "not-a-code")).getString("error")).isEqualTo("11");

      JsonObject wrongSecret = await(http.web().get("/srv/v1/authorization").addQueryParam("platid", "1")
        .addQueryParam("vercode", "1").addQueryParam("channel", "x").addQueryParam("client_id", app.appKey())
        .addQueryParam("client_secret", "nope").send()).bodyAsJsonObject();
      assertThat(wrongSecret.getString("error")).isEqualTo("11");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class UserBindMobile {

    HttpResponse<Buffer> bind(Map<String, String> fields, AppKey signer) {
      Map<String, String> signed = new LinkedHashMap<>(fields);
      MultiMap form = MultiMap.caseInsensitiveMultiMap();
      fields.forEach(form::add);
      form.add("sign", SignatureVerifier.sign(signed, signer.secret()));
      return await(http.web().post("/accountapi/v2/userBindMobile").sendForm(form));
    }

    Map<String, String> fields(String mobile, String accountId, String token, String newMobile) {
      Map<String, String> f = new LinkedHashMap<>();
      f.put("appKey", app.appKey());
      f.put("accessToken", token);
      if (mobile != null) {
        f.put("mobile", mobile);
      }
      if (accountId != null) {
        f.put("accountID", accountId);
      }
      f.put("newmobile", newMobile);
      return f;
    }

    @Test
    void bindsANewMobileThatThenLogsInThroughSrv() {
      String mobile = newMobile();
      String uid = registerPhone(mobile);
      String token = login(mobile, "1").getString("access_token");
      String newMobile = newMobile();

      HttpResponse<Buffer> bound = bind(fields(mobile, uid, token, newMobile), app);

      assertThat(bound.bodyAsString()).isEqualTo("{\"ERRORCODE\":\"0\", \"RESULT\":\"ok\"}");
      JsonObject viaNewMobile = srv.post("login", app("3").put("phonenumber", newMobile).put("password", PASSWORD));
      assertThat(viaNewMobile.getString("error")).isEqualTo("0");
      assertThat(viaNewMobile.getString("uid")).isEqualTo(uid);
      assertThat(login(mobile, "4").getString("error")).isEqualTo("7");
    }

    @Test
    void checksTheFormInTheOriginalOrder() {
      assertThat(await(http.web().post("/accountapi/v2/userBindMobile").sendForm(MultiMap.caseInsensitiveMultiMap()))
        .bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME01024\", \"RESULT\":\"http body is null!\"}");

      Map<String, String> badKey = fields(newMobile(), null, "t", newMobile());
      badKey.put("appKey", "abc");
      assertThat(bind(badKey, app).bodyAsString()).isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"appKey is error!\"}");
      assertThat(bind(fields(newMobile(), null, "t", "2345"), app).bodyAsString())
        .isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"newmobile is error!\"}");
      assertThat(bind(fields("999", null, "t", newMobile()), app).bodyAsString())
        .isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"mobile is error!\"}");
      assertThat(DaokeClient.code(bind(fields(null, null, "t", newMobile()), app))).isEqualTo("ME01023");

      AppKey impostor = new AppKey(app.appKey(), "0".repeat(40), "x", true, 0);
      assertThat(bind(fields(newMobile(), null, "t", newMobile()), impostor).bodyAsString())
        .isEqualTo("{\"ERRORCODE\":\"ME01019\", \"RESULT\":\"sign is not match!\"}");
    }

    @Test
    void checksTheAccountThenTheTokenThenTheNewNumber() {
      String mobile = newMobile();
      String uid = registerPhone(mobile);
      String token = login(mobile, "1").getString("access_token");
      String otherMobile = newMobile();
      String otherUid = registerPhone(otherMobile);
      String otherToken = login(otherMobile, "1").getString("access_token");

      assertThat(DaokeClient.code(bind(fields(newMobile(), null, token, newMobile()), app))).isEqualTo("ME18068");
      assertThat(DaokeClient.code(bind(fields(mobile, otherUid, token, newMobile()), app))).isEqualTo("ME18918");
      assertThat(DaokeClient.code(bind(fields(null, "nosuchaccount", token, newMobile()), app))).isEqualTo("ME18060");
      assertThat(DaokeClient.code(bind(fields(mobile, uid, otherToken, newMobile()), app))).isEqualTo("ME01003");
      assertThat(DaokeClient.code(bind(fields(mobile, uid, "garbage", newMobile()), app))).isEqualTo("ME01003");
      SigningKeys keys = SigningKeys.load(server.server().config().auth(), server.dataDir());
      String expired = sign(keys.privatePem(), keys.keyId(), new JsonObject().put("sub", uid).put("sid", "x")
        .put("exp", System.currentTimeMillis() / 1000 - 5));
      assertThat(bind(fields(mobile, uid, expired, newMobile()), app).bodyAsString())
        .isEqualTo("{\"ERRORCODE\":\"ME01004\", \"RESULT\":\"access token expired\"}");
      assertThat(bind(fields(null, uid, token, otherMobile), app).bodyAsString())
        .isEqualTo("{\"ERRORCODE\":\"ME18917\", \"RESULT\":\"mobile already binded\"}");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Weidu {
    String uid;
    String token;

    @BeforeAll
    void account() {
      String mobile = newMobile();
      uid = registerPhone(mobile);
      token = login(mobile, "1").getString("access_token");
    }

    /** The seed's example body, for this account. */
    JsonObject seedProfile() {
      return new JsonObject("{\"user_id\":\"" + uid + "\",\"avatar_url\":\"20201004/users/123/biinjhnesifeiasftws8a6q95r/jianzhi.jpg\","
        + "\"username\":\"a1356937040\",\"real_name\":\"realname-hihi\",\"gender\":1,\"user_type\":1,"
        + "\"work_experience\":\"工作经验\",\"mobile\":\"175120530765\",\"desc\":\"desc\",\"work_list\":[{"
        + "\"id\":\"45gbin1qn78a3fajrx3rub1upc\",\"user_id\":\"b1onnbw3ebbjtenaco9fxa16ke\",\"name\":\"project name2\","
        + "\"type\":0,\"belong_type\":1,\"link\":\"www.baidu.com/\",\"file_infos\":[{\"id\":\"biinjhnesifeiasftws8a6q95r\","
        + "\"user_id\":\"erb4krcbbirbtcwnhwopeizz5o\",\"path\":\"20201004/users/123/biinjhnesifeiasftws8a6q95r/jianzhi.jpg\","
        + "\"preview_path\":\"20201004/users/123/biinjhnesifeiasftws8a6q95r/jianzhi_preview.jpg\",\"name\":\"jianzhi.jpg\","
        + "\"extension\":\"jpg\",\"size\":34348,\"mime_type\":\"image/jpeg\",\"width\":500,\"height\":333,\"has_pre_img\":true},"
        + "{\"id\":\"hhtfwf9zrifu8f7rsuh36bkgjw\",\"user_id\":\"rfeaxzb4etf58cia8i6ha1jwgw\",\"path\":\"20201006/TOC.ini\","
        + "\"name\":\"TOC.ini\",\"extension\":\"ini\",\"size\":706,\"mime_type\":\"\"}]}]}");
    }

    HttpResponse<Buffer> saveProfile(JsonObject profile, String bearer) {
      var request = http.web().post("/weidu/api/v1/users/accountinfo");
      if (bearer != null) {
        request.putHeader("Authorization", "Bearer " + bearer);
      }
      return await(request.sendJsonObject(profile));
    }

    @Test
    void aNestedProfileRoundTripsUnchanged() {
      JsonObject profile = seedProfile();
      HttpResponse<Buffer> saved = saveProfile(profile, token);
      assertThat(saved.statusCode()).isEqualTo(200);
      assertThat(saved.bodyAsJsonObject()).isEqualTo(new JsonObject().put("code", 200).put("result", "ok"));

      HttpResponse<Buffer> read = await(http.web().get("/weidu/api/v1/users/accountinfo").addQueryParam("user_id", uid)
        .putHeader("Authorization", "Bearer " + token).send());

      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(read.bodyAsJsonObject().getJsonObject("data")).isEqualTo(profile);
    }

    @Test
    void othersSeeOnlyThePublicFieldsOfAProfile() {
      JsonObject profile = seedProfile().put("identity_number", "110101199003077777").put("team_name", "team")
        .put("industry", 2).put("wechat", "private-handle");
      assertThat(saveProfile(profile, token).statusCode()).isEqualTo(200);
      String strangerMobile = newMobile();
      registerPhone(strangerMobile);
      String strangerToken = login(strangerMobile, "1").getString("access_token");

      JsonObject seen = await(http.web().get("/weidu/api/v1/users/accountinfo").addQueryParam("user_id", uid)
        .putHeader("Authorization", "Bearer " + strangerToken).send()).bodyAsJsonObject().getJsonObject("data");

      assertThat(seen.fieldNames()).doesNotContain("identity_number", "mobile", "real_name", "gender", "wechat");
      assertThat(seen.getString("username")).isEqualTo("a1356937040");
      assertThat(seen.getString("team_name")).isEqualTo("team");
      assertThat(seen.getInteger("industry")).isEqualTo(2);
      assertThat(seen.getJsonArray("work_list")).isEqualTo(profile.getJsonArray("work_list"));
      JsonObject own = await(http.web().get("/weidu/api/v1/users/accountinfo").addQueryParam("user_id", uid)
        .putHeader("Authorization", "Bearer " + token).send()).bodyAsJsonObject().getJsonObject("data");
      assertThat(own).as("the owner sees everything").isEqualTo(profile);
    }

    @Test
    void refusesAWrongTypeNamingTheField() {
      JsonObject profile = seedProfile();
      profile.getJsonArray("work_list").getJsonObject(0).getJsonArray("file_infos").getJsonObject(0).put("size", "big");
      HttpResponse<Buffer> refused = saveProfile(profile, token);
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getInteger("code")).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getString("result")).contains("work_list[0].file_infos[0].size");

      assertThat(saveProfile(seedProfile().put("gender", 1.5), token).bodyAsJsonObject().getString("result"))
        .contains("gender");
      assertThat(saveProfile(seedProfile().put("work_list", new JsonArray().add(new JsonObject()
        .put("file_infos", new JsonArray().add(new JsonObject().put("has_pre_img", "yes"))))), token).statusCode())
        .isEqualTo(400);
    }

    @Test
    void onlyTheOwnerWritesAProfile() {
      assertThat(saveProfile(seedProfile(), null).statusCode()).isEqualTo(401);
      assertThat(saveProfile(seedProfile().put("user_id", "someoneelse"), token).statusCode()).isEqualTo(403);
    }

    @Test
    void refusesMalformedJsonAndTheWrongContentType() {
      HttpResponse<Buffer> broken = await(http.web().post("/weidu/api/v1/users/accountinfo")
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"user_id\":")));
      assertThat(broken.statusCode()).isEqualTo(400);
      assertThat(broken.bodyAsJsonObject().getInteger("code")).isEqualTo(400);
      HttpResponse<Buffer> form = await(http.web().post("/weidu/api/v1/users/accountinfo")
        .putHeader("Authorization", "Bearer " + token).sendForm(MultiMap.caseInsensitiveMultiMap().add("a", "b")));
      assertThat(form.statusCode()).isEqualTo(400);
    }

    @Test
    void refusesAnOversizeProfileWith413() {
      HttpResponse<Buffer> refused = saveProfile(seedProfile().put("desc", "x".repeat(2 * 1024 * 1024)), token);
      assertThat(refused.statusCode()).isEqualTo(413);
      assertThat(refused.bodyAsJsonObject().getInteger("code")).isEqualTo(413);
    }

    @Test
    void answers404ForAnUnknownUser() {
      HttpResponse<Buffer> read = await(http.web().get("/weidu/api/v1/users/accountinfo")
        .addQueryParam("user_id", "nosuchuser").putHeader("Authorization", "Bearer " + token).send());
      assertThat(read.statusCode()).isEqualTo(404);
      assertThat(read.bodyAsJsonObject().getInteger("code")).isEqualTo(404);
    }

    @Test
    void storesFilesWithSizesAndPreviewsAndListsThem() throws java.io.IOException {
      Buffer image = Images.of("jpg", 640, 480, 5);
      Buffer text = Buffer.buffer("[toc]\nname=demo\n");
      MultipartForm form = MultipartForm.create()
        .binaryFileUpload("files", "photo.jpg", image, "image/jpeg")
        .binaryFileUpload("files", "TOC.ini", text, "text/plain");

      HttpResponse<Buffer> stored = await(http.web().post("/weidu/api/v1/files").addQueryParam("user_id", uid)
        .putHeader("Authorization", "Bearer " + token).sendMultipartForm(form));

      assertThat(stored.statusCode()).isEqualTo(201);
      JsonObject body = stored.bodyAsJsonObject();
      assertThat(body.getInteger("code")).isEqualTo(200);
      JsonArray infos = body.getJsonObject("data").getJsonArray("file_infos");
      assertThat(infos).hasSize(2);
      JsonObject photo = infos.getJsonObject(0);
      assertThat(photo.fieldNames()).containsExactlyInAnyOrder("id", "user_id", "path", "preview_path", "name",
        "extension", "size", "mime_type", "width", "height", "has_pre_img");
      assertThat(photo.getString("user_id")).isEqualTo(uid);
      assertThat(photo.getInteger("width")).isEqualTo(640);
      assertThat(photo.getInteger("height")).isEqualTo(480);
      assertThat(photo.getString("mime_type")).isEqualTo("image/jpeg");
      assertThat(photo.getBoolean("has_pre_img")).isTrue();
      assertThat(http.get(photo.getString("path")).body()).isEqualTo(image);
      HttpResponse<Buffer> preview = http.get(photo.getString("preview_path"));
      assertThat(preview.statusCode()).isEqualTo(200);
      assertThat(preview.getHeader("Content-Type")).isEqualTo("image/jpeg");
      java.awt.image.BufferedImage small = javax.imageio.ImageIO.read(
        new java.io.ByteArrayInputStream(preview.body().getBytes()));
      assertThat(small.getWidth()).isEqualTo(320);
      assertThat(small.getHeight()).isEqualTo(240);
      assertThat(photo.getString("preview_path")).contains("&scaling=");
      JsonObject ini = infos.getJsonObject(1);
      assertThat(ini.getString("extension")).isEqualTo("ini");
      assertThat(ini.getBoolean("has_pre_img")).isFalse();
      assertThat(http.get(ini.getString("path")).body()).isEqualTo(text);

      JsonArray mine = await(http.web().get("/weidu/api/v1/files/me").putHeader("Authorization", "Bearer " + token)
        .send()).bodyAsJsonObject().getJsonObject("data").getJsonArray("file_infos");
      assertThat(mine.stream().map(f -> ((JsonObject) f).getString("id")))
        .contains(photo.getString("id"), ini.getString("id"));
    }

    @Test
    void filesAreUploadedByTheirOwnerOnly() {
      MultipartForm form = MultipartForm.create().binaryFileUpload("files", "a.png", Images.png(5, 5, 1), "image/png");
      HttpResponse<Buffer> forbidden = await(http.web().post("/weidu/api/v1/files").addQueryParam("user_id", "someoneelse")
        .putHeader("Authorization", "Bearer " + token).sendMultipartForm(form));
      assertThat(forbidden.statusCode()).isEqualTo(403);
      HttpResponse<Buffer> anonymous = await(http.web().post("/weidu/api/v1/files").sendMultipartForm(form));
      assertThat(anonymous.statusCode()).isEqualTo(401);
    }
  }

  /** Issue 12 item 11: every field has a declared type and length, checked before anything is stored. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class FieldLimits {
    String mobile;
    String uid;
    String token;

    @BeforeAll
    void account() {
      mobile = newMobile();
      uid = registerPhone(mobile);
      token = login(mobile, "1").getString("access_token");
    }

    HttpResponse<Buffer> saveProfile(JsonObject profile) {
      return await(http.web().post("/weidu/api/v1/users/accountinfo").putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(profile));
    }

    @Test
    void srvRefusesAnOverlongFieldWithBadParameters() {
      String name = "long" + System.nanoTime();
      assertThat(srv.post("account", app("1").put("username", name).put("password", PASSWORD)
        .put("registersource", "s".repeat(AccountFormats.REGISTER_SOURCE_MAX + 1))).getString("error")).isEqualTo("12");
      assertThat(srv.post("login", app("1").put("username", name).put("password", PASSWORD)).getString("error"))
        .as("nothing was stored").isEqualTo("7");
      assertThat(srv.post("account", app("1").put("username", name).put("password", PASSWORD)
        .put("registersource", "s".repeat(AccountFormats.REGISTER_SOURCE_MAX))).getString("error")).isEqualTo("0");
      assertThat(srv.post("login", app("p".repeat(1000)).put("username", name).put("password", PASSWORD))
        .getString("error")).isEqualTo("12");
    }

    @Test
    void srvRefusesRegisterDataOverItsLimit() {
      JsonObject data = new JsonObject().put("note", "d".repeat(AccountFormats.REGISTER_DATA_MAX_BYTES));
      assertThat(srv.post("account", app("1").put("username", "data" + System.nanoTime()).put("password", PASSWORD)
        .put("data", data)).getString("error")).isEqualTo("12");
    }

    @Test
    void srvRefusesAnObjectOrArrayWhereAStringIsExpected() {
      JsonObject change = app("1").put("oldpassword", PASSWORD).put("newpassword", new JsonObject().put("a", 1));
      JsonObject answer = srv.post("password", change, token);
      assertThat(answer.getString("error")).isEqualTo("12");
      assertThat(srv.post("password", app("1").put("oldpassword", PASSWORD)
        .put("newpassword", new JsonArray().add("abcdefgh")), token).getString("error")).isEqualTo("12");
      assertThat(login(mobile, "1").getString("error")).as("the password is unchanged").isEqualTo("0");
      assertThat(srv.post("login", app("1").put("phonenumber", mobile).put("password", "{\"a\":1}"))
        .getString("error")).isEqualTo("8");
      assertThat(srv.post("account", app("1").put("username", new JsonObject().put("u", "x"))
        .put("password", PASSWORD)).getString("error")).isEqualTo("12");
    }

    @Test
    void weiduRefusesAnOverlongAvatarUrlNamingIt() {
      HttpResponse<Buffer> refused = saveProfile(new JsonObject().put("user_id", uid)
        .put("avatar_url", "https://example.com/" + "a".repeat(2000)));
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getString("result")).isEqualTo("avatar_url is invalid");
    }

    @Test
    void weiduRefusesAnOverlongNestedFieldNamingItsPath() {
      JsonObject profile = new JsonObject().put("user_id", uid).put("work_list", new JsonArray()
        .add(new JsonObject().put("name", "ok"))
        .add(new JsonObject().put("name", "n".repeat(AccountFormats.PROFILE_TEXT_MAX + 1))));
      HttpResponse<Buffer> refused = saveProfile(profile);
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getString("result")).isEqualTo("work_list[1].name is invalid");
      assertThat(saveProfile(new JsonObject().put("user_id", uid).put("gender", 1L << 40)).bodyAsJsonObject()
        .getString("result")).isEqualTo("gender is invalid");
    }

    @Test
    void weiduStoresAProfileOver64KiBOnEveryBackend() {
      JsonArray works = new JsonArray();
      for (int i = 0; works.encode().length() < 300 * 1024; i++) {
        works.add(new JsonObject().put("id", "w" + i).put("name", "作品 " + i).put("link", "https://example.com/" + i)
          .put("file_infos", new JsonArray().add(new JsonObject().put("id", "f" + i).put("name", "x".repeat(200))
            .put("size", i).put("has_pre_img", false))));
      }
      JsonObject profile = new JsonObject().put("user_id", uid).put("work_list", works);
      assertThat(saveProfile(profile).statusCode()).isEqualTo(200);
      JsonObject read = await(http.web().get("/weidu/api/v1/users/accountinfo").addQueryParam("user_id", uid)
        .putHeader("Authorization", "Bearer " + token).send()).bodyAsJsonObject().getJsonObject("data");
      assertThat(read).isEqualTo(profile);
    }

    @Test
    void userBindMobileRefusesAnOverlongAccountIdNamingIt() {
      MultiMap form = MultiMap.caseInsensitiveMultiMap();
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("appKey", app.appKey());
      fields.put("accessToken", token);
      fields.put("accountID", "a".repeat(AccountFormats.ID_MAX + 1));
      fields.put("newmobile", newMobile());
      fields.forEach(form::add);
      form.add("sign", SignatureVerifier.sign(fields, app.secret()));
      assertThat(await(http.web().post("/accountapi/v2/userBindMobile").sendForm(form)).bodyAsString())
        .isEqualTo("{\"ERRORCODE\":\"ME01023\", \"RESULT\":\"accountID is error!\"}");
    }
  }

  @Test
  void oneAccountAcrossAllDialects() {
    // register through srv
    String mobile = newMobile();
    String uid = registerPhone(mobile);
    String token = login(mobile, "1").getString("access_token");
    // bind a new mobile through daoke
    String newMobile = newMobile();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("appKey", app.appKey());
    fields.put("accessToken", token);
    fields.put("accountID", uid);
    fields.put("newmobile", newMobile);
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    fields.forEach(form::add);
    form.add("sign", SignatureVerifier.sign(fields, app.secret()));
    assertThat(DaokeClient.code(await(http.web().post("/accountapi/v2/userBindMobile").sendForm(form)))).isEqualTo("0");
    // log in with it through srv
    JsonObject session = srv.post("login", app("2").put("phonenumber", newMobile).put("password", PASSWORD));
    assertThat(session.getString("uid")).isEqualTo(uid);
    String weiduToken = session.getString("access_token");
    // upload a file and save a profile through weidu
    Buffer image = Images.png(50, 40, 9);
    JsonObject info = await(http.web().post("/weidu/api/v1/files").addQueryParam("user_id", uid)
      .putHeader("Authorization", "Bearer " + weiduToken)
      .sendMultipartForm(MultipartForm.create().binaryFileUpload("files", "work.png", image, "image/png")))
      .bodyAsJsonObject().getJsonObject("data").getJsonArray("file_infos").getJsonObject(0);
    JsonObject profile = new JsonObject().put("user_id", uid).put("real_name", "Designer")
      .put("work_list", new JsonArray().add(new JsonObject().put("id", "w1").put("name", "Poster")
        .put("file_infos", new JsonArray().add(info))));
    HttpResponse<Buffer> saved = await(http.web().post("/weidu/api/v1/users/accountinfo")
      .putHeader("Authorization", "Bearer " + weiduToken).sendJsonObject(profile));
    assertThat(saved.statusCode()).isEqualTo(200);
    JsonObject read = await(http.web().get("/weidu/api/v1/users/accountinfo").addQueryParam("user_id", uid)
      .putHeader("Authorization", "Bearer " + weiduToken).send()).bodyAsJsonObject().getJsonObject("data");
    assertThat(read).isEqualTo(profile);
    // the file is served like any daoke upload
    assertThat(http.get(info.getString("path")).body()).isEqualTo(image);
  }

  static String sign(String privatePem, String keyId, JsonObject claims) {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
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
