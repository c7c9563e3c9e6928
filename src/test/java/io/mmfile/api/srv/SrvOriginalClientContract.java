package io.mmfile.api.srv;

import io.mmfile.auth.AppKey;
import io.mmfile.support.Backend;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.SmsGateway;
import io.mmfile.support.SrvClient;
import io.mmfile.support.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Base64;
import java.util.List;

import static io.mmfile.support.SrvClient.app;
import static io.mmfile.support.SrvClient.newMobile;
import static io.mmfile.support.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * WIRE.md §3 and §3.1 as the original srv phone client speaks it: the seed's POSTs with
 * {@code platid, vercode, channel}; the GETs with nothing but their own parameters and the Bearer
 * header; the companion and §3.1 POSTs without the triple. Runs per backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SrvOriginalClientContract {
  static final String PASSWORD = "correct horse";
  static final List<String> DETAIL_FIELDS = List.of("accountname", "address", "age", "birthday", "img", "job",
    "mailaddress", "nickname", "phonenumber", "realname", "register_time", "sex", "uid", "zipcode", "zone",
    "workstudio");

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
      // a second code for the same number at once (forgetpassword after sign-up)
      .put("sms.resend-cooldown-seconds", 0)
      .put("sms.max-attempts", 5)
      // no back-off before the lock: a throttled client stays throttled for the lock's 15 minutes,
      // whatever the pace of the test (a client address locks at five times these counts)
      .put("auth.login-backoff-after", 5)
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

  /** verificationMsg as the client sends it: only the number. */
  String sendCode(String mobile) {
    assertThat(srv.post("verificationMsg", new JsonObject().put("phonenumber", mobile)).getString("error"))
      .isEqualTo("0");
    return sms.lastCode(mobile);
  }

  String registerPhone(String mobile) {
    JsonObject registered = srv.post("account", app("1").put("phonenumber", mobile).put("password", PASSWORD)
      .put("verificationcode", sendCode(mobile)).put("registersource", "test"));
    assertThat(registered.getString("error")).isEqualTo("0");
    return registered.getString("uid");
  }

  JsonObject login(String mobile, String platid, String password) {
    return srv.post("login", app(platid).put("phonenumber", mobile).put("password", password));
  }

  String token(String mobile) {
    JsonObject session = login(mobile, "1", PASSWORD);
    assertThat(session.getString("error")).isEqualTo("0");
    return session.getString("access_token");
  }

  static String wrongCode(String code) {
    return code.equals("000000") ? "111111" : "000000";
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class ClientTriple {

    @Test
    void authorizationNeedsOnlyTheClientCredentials() {
      JsonObject issued = await(http.web().get("/srv/v1/authorization").addQueryParam("client_id", app.appKey())
        .addQueryParam("client_secret", app.secret()).send()).bodyAsJsonObject();
      assertThat(issued.getString("error")).isEqualTo("0");
      assertThat(issued.getString("authorizationcode")).isNotBlank();

      JsonObject withOAuthExtras = await(http.web().get("/srv/v1/authorization").addQueryParam("client_id", app.appKey())
        .addQueryParam("client_secret", app.secret()).addQueryParam("redirect_uri", "app://callback")
        .addQueryParam("response_type", "code").addQueryParam("scope", "all").send()).bodyAsJsonObject();
      assertThat(withOAuthExtras.getString("error")).isEqualTo("0");
      assertThat(srv.post("login", app("1").put("username", "nobody" + System.nanoTime()).put("password", PASSWORD)
        .put("authorizationcode", withOAuthExtras.getString("authorizationcode"))).getString("error")).isEqualTo("7");
    }

    @Test
    void accountDetailNeedsOnlyTheBearerHeader() {
      String mobile = newMobile();
      registerPhone(mobile);
      JsonObject detail = srv.get("accountDetail", token(mobile));
      assertThat(detail.getString("error")).isEqualTo("0");
      assertThat(detail.getJsonObject("data").getString("phonenumber")).isEqualTo(mobile);
    }

    @Test
    void companionPostsWorkWithoutTheTriple() {
      String mobile = newMobile();
      registerPhone(mobile);
      JsonObject session = login(mobile, "1", PASSWORD);

      JsonObject refreshed = srv.post("token", new JsonObject().put("refresh_token", session.getString("refresh_token")));
      assertThat(refreshed.getString("error")).isEqualTo("0");
      assertThat(srv.post("logout", new JsonObject(), refreshed.getString("access_token")).getString("error"))
        .isEqualTo("0");
      assertThat(srv.get("accountDetail", refreshed.getString("access_token")).getString("error")).isEqualTo("5");
    }

    @Test
    void theSeedsPostsStillRequireTheTriple() {
      String mobile = newMobile();
      registerPhone(mobile);
      String token = token(mobile);
      String image = Base64.getEncoder().encodeToString(Images.png(8, 8, 1).getBytes());

      JsonObject noTriple = srv.post("login", new JsonObject().put("phonenumber", mobile).put("password", PASSWORD));
      assertThat(noTriple.getString("error")).isEqualTo("12");
      assertThat(noTriple.getString("reason")).isEqualTo("platid");
      JsonObject noVercode = srv.post("login", new JsonObject().put("platid", "1").put("channel", "1CWR")
        .put("phonenumber", mobile).put("password", PASSWORD));
      assertThat(noVercode.getString("reason")).isEqualTo("vercode");
      assertThat(srv.post("account", new JsonObject().put("username", "u" + System.nanoTime()).put("password", PASSWORD))
        .getString("error")).isEqualTo("12");
      assertThat(srv.post("password", new JsonObject().put("oldpassword", PASSWORD).put("newpassword", "n3w password"),
        token).getString("error")).isEqualTo("12");
      assertThat(srv.post("pic/upload", new JsonObject().put("type", "1").put("file", image), token)
        .getString("error")).isEqualTo("12");
      JsonObject multipart = await(http.web().post("/srv/v1/pic/upload").putHeader("Authorization", "Bearer " + token)
        .sendMultipartForm(MultipartForm.create().attribute("type", "1")
          .binaryFileUpload("file", "me.png", Images.png(8, 8, 1), "image/png"))).bodyAsJsonObject();
      assertThat(multipart.getString("error")).isEqualTo("12");
      // the password did not change
      assertThat(login(mobile, "2", PASSWORD).getString("error")).isEqualTo("0");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AccountDetail {

    @Test
    void carriesEveryFieldTheClientReadsAsStrings() {
      String mobile = newMobile();
      String uid = registerPhone(mobile);
      long before = System.currentTimeMillis() / 1000 - 60;

      JsonObject detail = srv.get("accountDetail", token(mobile));

      assertThat(detail.fieldNames()).contains("error", "message", "reason", "token_status", "data");
      assertThat(detail.getString("error")).isEqualTo("0");
      assertThat(detail.getString("token_status")).isEqualTo("0");
      JsonObject data = detail.getJsonObject("data");
      for (String field : DETAIL_FIELDS) {
        assertThat(data.getValue(field)).as(field).isInstanceOf(String.class);
      }
      assertThat(data.getString("uid")).isEqualTo(uid);
      assertThat(data.getString("phonenumber")).isEqualTo(mobile);
      assertThat(data.getString("mailaddress")).isEmpty();
      assertThat(data.getString("img")).isEmpty();
      assertThat(data.getString("nickname")).isEmpty();
      assertThat(Long.parseLong(data.getString("register_time"))).isBetween(before, before + 120);
    }

    @Test
    void showsASecondLoginsKickAsError30() {
      String mobile = newMobile();
      registerPhone(mobile);
      JsonObject first = login(mobile, "1", PASSWORD);
      JsonObject second = login(mobile, "1", PASSWORD);

      JsonObject kicked = srv.get("accountDetail", first.getString("access_token"));

      assertThat(kicked.getString("error")).isEqualTo("30");
      assertThat(kicked.getString("token_status")).isEqualTo("2");
      assertThat(kicked.getString("message")).isNotBlank();
      assertThat(srv.get("accountDetail", second.getString("access_token")).getString("error")).isEqualTo("0");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Property {
    String token;

    @BeforeAll
    void account() {
      String mobile = newMobile();
      registerPhone(mobile);
      token = token(mobile);
    }

    JsonObject property(Object data) {
      return srv.post("property", new JsonObject().put("data", data), token);
    }

    JsonObject detail() {
      return srv.get("accountDetail", token).getJsonObject("data");
    }

    @Test
    void roundTripsEveryEditableField() {
      JsonObject fields = new JsonObject().put("accountname", "lin.home").put("address", "1 Garden Road, 厦门")
        .put("age", "31").put("birthday", "1994-05-06").put("img", "https://img.example.com/a.png").put("job", "nurse")
        .put("nickname", "小林").put("realname", "林一").put("sex", "1").put("zipcode", "361000").put("zone", "Asia/Shanghai")
        .put("workstudio", "Studio Nine");
      String uidBefore = detail().getString("uid");

      JsonObject saved = property(fields);

      assertThat(saved.getString("error")).isEqualTo("0");
      assertThat(saved.getString("token_status")).isEqualTo("0");
      JsonObject data = detail();
      fields.forEach(e -> assertThat(data.getString(e.getKey())).as(e.getKey()).isEqualTo(e.getValue()));
      assertThat(data.getString("uid")).isEqualTo(uidBefore);
    }

    @Test
    void takesDataAsAStringHoldingJsonAlsoInAForm() {
      assertThat(property("{\"nickname\":\"as string\"}").getString("error")).isEqualTo("0");
      assertThat(detail().getString("nickname")).isEqualTo("as string");

      JsonObject form = await(http.web().post("/srv/v1/property").putHeader("Authorization", "Bearer " + token)
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("data", "{\"job\":\"from a form\",\"age\":40}")))
        .bodyAsJsonObject();
      assertThat(form.getString("error")).isEqualTo("0");
      assertThat(detail().getString("job")).isEqualTo("from a form");
      assertThat(detail().getString("age")).isEqualTo("40");
    }

    @Test
    void leavesFieldsNotSentAsTheyAreAndClearsEmptyOnes() {
      property(new JsonObject().put("zone", "east").put("zipcode", "100000"));
      assertThat(property(new JsonObject().put("zone", "")).getString("error")).isEqualTo("0");
      assertThat(detail().getString("zone")).isEmpty();
      assertThat(detail().getString("zipcode")).isEqualTo("100000");
    }

    @Test
    void refusesFieldsThatAreNotEditableChangingNothing() {
      property(new JsonObject().put("nickname", "before"));
      for (String field : List.of("uid", "phonenumber", "mailaddress", "register_time", "colour")) {
        JsonObject refused = property(new JsonObject().put("nickname", "after").put(field, "x"));
        assertThat(refused.getString("error")).as(field).isEqualTo("12");
        assertThat(refused.getString("reason")).isEqualTo("data." + field);
      }
      JsonObject data = detail();
      assertThat(data.getString("nickname")).isEqualTo("before");
      assertThat(data.getString("uid")).isNotEqualTo("x");
      assertThat(data.getString("phonenumber")).isNotEqualTo("x");
    }

    @Test
    void refusesAWrongTypeOrAValueOverItsLimit() {
      property(new JsonObject().put("nickname", "kept"));
      assertThat(property(new JsonObject().put("nickname", new JsonObject())).getString("error")).isEqualTo("12");
      assertThat(property(new JsonObject().put("sex", true)).getString("error")).isEqualTo("12");
      JsonObject tooLong = property(new JsonObject().put("nickname", "n".repeat(65)));
      assertThat(tooLong.getString("error")).isEqualTo("12");
      assertThat(tooLong.getString("reason")).isEqualTo("data.nickname");
      assertThat(property(new JsonObject().put("age", "thirty")).getString("error")).isEqualTo("12");
      assertThat(property(new JsonObject().put("img", "javascript:alert(1)")).getString("error")).isEqualTo("12");
      assertThat(property("not json").getString("error")).isEqualTo("12");
      assertThat(srv.post("property", new JsonObject(), token).getString("error")).isEqualTo("12");
      assertThat(detail().getString("nickname")).isEqualTo("kept");

      assertThat(property(new JsonObject().put("nickname", "n".repeat(64))).getString("error")).isEqualTo("0");
      assertThat(detail().getString("nickname")).hasSize(64);
    }

    @Test
    void needsALiveToken() {
      JsonObject anonymous = srv.post("property", new JsonObject().put("data", new JsonObject().put("nickname", "x")));
      assertThat(anonymous.getString("error")).isEqualTo("5");
      assertThat(anonymous.getString("token_status")).isEqualTo("2");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class UploadBase64 {
    String token;

    @BeforeAll
    void account() {
      String mobile = newMobile();
      registerPhone(mobile);
      token = token(mobile);
    }

    @Test
    void storesTheAvatarWithOrWithoutADataUrlPrefix() {
      Buffer plain = Images.png(24, 24, 3);
      JsonObject first = srv.post("pic/uploadBase64", new JsonObject().put("type", "1")
        .put("imgBase64", Base64.getEncoder().encodeToString(plain.getBytes())), token);
      assertThat(first.getString("error")).isEqualTo("0");
      assertThat(first.getString("token_status")).isEqualTo(first.getString("url"));
      assertThat(http.get(first.getString("url")).body()).isEqualTo(plain);
      assertThat(srv.get("accountDetail", token).getJsonObject("data").getString("img")).isEqualTo(first.getString("url"));

      Buffer prefixed = Images.png(20, 20, 4);
      JsonObject second = srv.post("pic/uploadBase64", new JsonObject().put("type", "1")
        .put("imgBase64", "data:image/png;base64," + Base64.getEncoder().encodeToString(prefixed.getBytes())), token);
      assertThat(second.getString("error")).isEqualTo("0");
      assertThat(http.get(second.getString("url")).body()).isEqualTo(prefixed);
      assertThat(srv.get("accountDetail", token).getJsonObject("data").getString("img")).isEqualTo(second.getString("url"));
    }

    @Test
    void refusesAnEmptyOrNonImagePayload() {
      assertThat(srv.post("pic/uploadBase64", new JsonObject().put("type", "1").put("imgBase64", ""), token)
        .getString("error")).isEqualTo("19");
      assertThat(srv.post("pic/uploadBase64", new JsonObject().put("type", "1")
        .put("imgBase64", Base64.getEncoder().encodeToString("not an image".getBytes())), token)
        .getString("error")).isEqualTo("18");
      assertThat(srv.post("pic/uploadBase64", new JsonObject().put("type", "1")
        .put("imgBase64", "data:image/png;base64," + Base64.getEncoder().encodeToString("still text".getBytes())), token)
        .getString("error")).isEqualTo("18");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class VerifyVerificationCode {

    JsonObject verify(String mobile, String code) {
      return srv.post("verifyVerificationCode", new JsonObject().put("phonenumber", mobile).put("verificationcode", code));
    }

    @Test
    void checksACodeWithoutUsingItUp() {
      String mobile = newMobile();
      String code = sendCode(mobile);

      assertThat(verify(mobile, code).getString("error")).isEqualTo("0");
      assertThat(verify(mobile, code).getString("error")).isEqualTo("0");
      assertThat(srv.post("account", app("1").put("phonenumber", mobile).put("password", PASSWORD)
        .put("verificationcode", code)).getString("error")).isEqualTo("0");
      assertThat(verify(mobile, code).getString("error")).as("registration used it up").isEqualTo("2");
    }

    @Test
    void wrongTriesCountAgainstTheCode() {
      String mobile = newMobile();
      String code = sendCode(mobile);
      for (int i = 0; i < 5; i++) {
        assertThat(verify(mobile, wrongCode(code)).getString("error")).isEqualTo("1");
      }
      assertThat(verify(mobile, code).getString("error")).isEqualTo("2");
      assertThat(srv.post("account", app("1").put("phonenumber", mobile).put("password", PASSWORD)
        .put("verificationcode", code)).getString("error")).isEqualTo("2");
    }

    @Test
    void answers2WithoutACodeAndRefusesMalformedRequests() {
      assertThat(verify(newMobile(), "123456").getString("error")).isEqualTo("2");
      assertThat(verify("12345", "123456").getString("error")).isEqualTo("34");
      assertThat(srv.post("verifyVerificationCode", new JsonObject().put("phonenumber", newMobile()))
        .getString("error")).isEqualTo("12");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class ForgetPassword {

    JsonObject reset(String mobile, String code, String newPassword) {
      return srv.post("forgetpassword", new JsonObject().put("phonenumber", mobile).put("verificationcode", code)
        .put("newpassword", newPassword));
    }

    @Test
    void setsTheNewPasswordAndEndsEverySession() {
      String mobile = newMobile();
      registerPhone(mobile);
      JsonObject phone = login(mobile, "1", PASSWORD);
      JsonObject tablet = login(mobile, "2", PASSWORD);

      assertThat(reset(mobile, sendCode(mobile), "n3w password").getString("error")).isEqualTo("0");

      for (JsonObject session : List.of(phone, tablet)) {
        JsonObject ended = srv.get("accountDetail", session.getString("access_token"));
        assertThat(ended.getString("error")).isEqualTo("5");
        assertThat(ended.getString("token_status")).isEqualTo("2");
        assertThat(srv.post("token", new JsonObject().put("refresh_token", session.getString("refresh_token")))
          .getString("error")).isEqualTo("5");
      }
      assertThat(login(mobile, "1", PASSWORD).getString("error")).isEqualTo("8");
      JsonObject fresh = login(mobile, "1", "n3w password");
      assertThat(fresh.getString("error")).isEqualTo("0");
      assertThat(srv.get("accountDetail", fresh.getString("access_token")).getString("error")).isEqualTo("0");
    }

    @Test
    void usesTheCodeUp() {
      String mobile = newMobile();
      registerPhone(mobile);
      String code = sendCode(mobile);
      assertThat(reset(mobile, code, "first new one").getString("error")).isEqualTo("0");
      assertThat(reset(mobile, code, "second new one").getString("error")).isEqualTo("2");
      assertThat(login(mobile, "1", "first new one").getString("error")).isEqualTo("0");
    }

    @Test
    void refusesAWrongCodeOrABadPasswordBeforeChangingAnything() {
      String mobile = newMobile();
      registerPhone(mobile);
      String code = sendCode(mobile);

      assertThat(reset(mobile, wrongCode(code), "n3w password").getString("error")).isEqualTo("1");
      assertThat(reset(mobile, code, "123").getString("error")).isEqualTo("32");
      assertThat(reset("12345", code, "n3w password").getString("error")).isEqualTo("34");
      assertThat(login(mobile, "1", PASSWORD).getString("error")).isEqualTo("0");
      // the bad password did not use the code up
      assertThat(reset(mobile, code, "n3w password").getString("error")).isEqualTo("0");
    }

    @Test
    void answers7ForANumberWithoutAnAccount() {
      String mobile = newMobile();
      assertThat(reset(mobile, sendCode(mobile), "n3w password").getString("error")).isEqualTo("7");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class CheckPhonenumber {

    JsonObject check(SrvClient client, String mobile) {
      return client.post("checkPhonenumber", new JsonObject().put("phonenumber", mobile));
    }

    @Test
    void answersFreeTakenOrMalformed() {
      String taken = newMobile();
      registerPhone(taken);
      assertThat(check(srv, newMobile()).getString("error")).isEqualTo("0");
      assertThat(check(srv, taken).getString("error")).isEqualTo("14");
      assertThat(check(srv, "12345").getString("error")).isEqualTo("34");
      assertThat(check(srv, "").getString("error")).isEqualTo("34");
    }

    @Test
    void isThrottledPerClientAddressLikeLogins() {
      // another loopback address, so this client's counter is its own
      try (DaokeClient elsewhere = new DaokeClient(server.port(), new WebClientOptions().setLocalAddress("127.0.0.2"), 2)) {
        SrvClient prober = new SrvClient(elsewhere.web());
        JsonObject answer = null;
        for (int i = 0; i < 40; i++) {
          answer = check(prober, newMobile());
          if (answer.getString("error").equals("38")) {
            break;
          }
          assertThat(answer.getString("error")).isEqualTo("0");
        }
        assertThat(answer.getString("error")).as("a client probing many numbers is slowed down").isEqualTo("38");
        assertThat(Long.parseLong(answer.getString("retry_after"))).isPositive();
        assertThat(check(prober, newMobile()).getString("error")).isEqualTo("38");

        String mobile = newMobile();
        registerPhone(mobile);
        assertThat(prober.post("login", app("1").put("phonenumber", mobile).put("password", PASSWORD))
          .getString("error")).as("the same throttle as logins").isEqualTo("38");
        assertThat(check(srv, newMobile()).getString("error")).as("other addresses are not held up").isEqualTo("0");
      }
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class LoginStatus {

    @Test
    void answers200ForALiveSessionAnd2Otherwise() {
      String mobile = newMobile();
      registerPhone(mobile);
      JsonObject session = login(mobile, "1", PASSWORD);

      JsonObject live = srv.get("login_status", session.getString("access_token"));
      assertThat(live.getInteger("code")).isEqualTo(200);
      assertThat(live.getString("message")).isEqualTo("ok");
      assertThat(live.getString("result")).isNotBlank();

      srv.post("logout", new JsonObject(), session.getString("access_token"));
      assertThat(srv.get("login_status", session.getString("access_token")).getInteger("code")).isEqualTo(2);
      assertThat(srv.get("login_status", null).getInteger("code")).isEqualTo(2);
      assertThat(srv.get("login_status", "garbage").getInteger("code")).isEqualTo(2);
    }

    @Test
    void aKickedSessionIsNotLive() {
      String mobile = newMobile();
      registerPhone(mobile);
      JsonObject first = login(mobile, "1", PASSWORD);
      JsonObject second = login(mobile, "1", PASSWORD);
      assertThat(srv.get("login_status", first.getString("access_token")).getInteger("code")).isEqualTo(2);
      assertThat(srv.get("login_status", second.getString("access_token")).getInteger("code")).isEqualTo(200);
    }
  }
}
