package io.mmfile.api.srv;

import io.mmfile.accounts.AccountRepository.Login;
import io.mmfile.accounts.AccountService;
import io.mmfile.accounts.AccountService.Credentials;
import io.mmfile.accounts.AccountService.Registration;
import io.mmfile.accounts.ProfileField;
import io.mmfile.auth.AuthorizationCodes;
import io.mmfile.auth.TokenService;
import io.mmfile.auth.TokenService.Principal;
import io.mmfile.auth.TokenService.TokenPair;
import io.mmfile.files.CommitRequest;
import io.mmfile.files.FileRecord;
import io.mmfile.files.FileUrls;
import io.mmfile.files.StoreKind;
import io.mmfile.files.UploadExchange;
import io.mmfile.platform.BodyFailures;
import io.mmfile.platform.ClientAddress;
import io.mmfile.platform.Failure;
import io.mmfile.platform.FormBody;
import io.mmfile.platform.RequestTrace;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.mmfile.platform.Dialect;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Base64;
import java.util.List;

/**
 * The srv dialect (WIRE.md §3): JSON (or form) in, HTTP 200 with string fields out, {@code error}
 * always present and {@code token_status} on every authenticated answer.
 */
public final class SrvRoutes implements Dialect {
  private static final long BODY_LIMIT = 64 * 1024;

  private final AccountService accounts;
  private final AuthorizationCodes authorizationCodes;
  private final UploadExchange uploads;
  private final FileUrls urls;
  private final boolean requireAuthorizationCode;
  private final ClientAddress clientAddress;

  public SrvRoutes(AccountService accounts, AuthorizationCodes authorizationCodes,
                   UploadExchange uploads, FileUrls urls,
                   MmfileConfig.Auth config, ClientAddress clientAddress) {
    this.accounts = accounts;
    this.clientAddress = clientAddress;
    this.authorizationCodes = authorizationCodes;
    this.uploads = uploads;
    this.urls = urls;
    this.requireAuthorizationCode = config.requireAuthorizationCode();
  }

  @Override
  public void mount(Router router) {
    FormBody body = new FormBody(BODY_LIMIT, uploads.limits());
    router.route("/srv/v1/*").failureHandler(this::failure);
    router.get("/srv/v1/authorization").handler(this::authorization);
    router.post("/srv/v1/verificationMsg").handler(body).handler(this::verificationMessage);
    router.post("/srv/v1/account").handler(body).handler(this::register);
    router.post("/srv/v1/login").handler(body).handler(this::login);
    router.post("/srv/v1/token").handler(body).handler(this::refresh);
    router.post("/srv/v1/password").handler(body).handler(this::changePassword);
    router.post("/srv/v1/logout").handler(body).handler(this::logout);
    router.get("/srv/v1/accountDetail").handler(this::accountDetail);
    router.post("/srv/v1/pic/upload").consumes("multipart/form-data").handler(this::uploadMultipart);
    // base64 avatars: the gate, the Bearer header and the body limit before the body is read
    router.post("/srv/v1/pic/upload").handler(uploads.encoded(EncodedAvatar::new)).handler(this::uploadJson);
    // WIRE.md §3.1: the rest of what the original srv client calls
    router.post("/srv/v1/property").handler(body).handler(this::property);
    router.post("/srv/v1/pic/uploadBase64").handler(uploads.encoded(EncodedAvatar::new)).handler(this::uploadBase64);
    router.post("/srv/v1/verifyVerificationCode").handler(body).handler(this::verifyVerificationCode);
    router.post("/srv/v1/forgetpassword").handler(body).handler(this::forgetPassword);
    router.post("/srv/v1/checkPhonenumber").handler(body).handler(this::checkPhonenumber);
    router.get("/srv/v1/login_status").handler(this::loginStatus);
  }

  /** Outside any route: an unknown path or method is {@code 12} (bad parameters), an unexpected error {@code 50}. */
  @Override
  public boolean answerUnrouted(RoutingContext ctx, int status) {
    if (!ctx.normalizedPath().startsWith("/srv/")) {
      return false;
    }
    String error = status == 500 ? "50" : SrvError.BAD_PARAMETERS;
    ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json; charset=utf-8")
      .end(new JsonObject().put("error", error).encode());
    return true;
  }

  private void authorization(RoutingContext ctx) {
    answer(ctx, () -> {
      SrvParams p = SrvParams.of(ctx);
      return authorizationCodes.issue(p.get("client_id"), p.get("client_secret"))
        .map(code -> ok().put("authorizationcode", code));
    });
  }

  private void verificationMessage(RoutingContext ctx) {
    answer(ctx, () -> {
      SrvParams p = SrvParams.of(ctx);
      String mobile = p.get("phonenumber");
      if (mobile == null) {
        throw Failure.invalid("phonenumber");
      }
      return appAllowed(p).compose(app -> accounts.sendVerificationCode(mobile, clientAddress.of(ctx.request()), app))
        .map(v -> ok());
    });
  }

  private void register(RoutingContext ctx) {
    answer(ctx, () -> {
      SrvParams p = SrvParams.of(ctx);
      Registration r = new Registration(p.get("username"), p.get("phonenumber"), p.get("mailaddress"),
        p.raw("password"), p.get("verificationcode"), p.get("registersource"), p.object("data"));
      return appAllowed(p).compose(v -> accounts.register(r, clientAddress.of(ctx.request())))
        .map(uid -> ok().put("uid", uid));
    });
  }

  private void login(RoutingContext ctx) {
    answer(ctx, () -> {
      SrvParams p = SrvParams.of(ctx);
      Credentials c;
      if (p.get("phonenumber") != null) {
        c = new Credentials(Login.MOBILE, p.get("phonenumber"), p.raw("password"));
      } else if (p.get("username") != null) {
        c = new Credentials(Login.USERNAME, p.get("username"), p.raw("password"));
      } else if (p.get("mailaddress") != null) {
        c = new Credentials(Login.EMAIL, p.get("mailaddress"), p.raw("password"));
      } else {
        throw Failure.invalid("username");
      }
      String address = clientAddress.of(ctx.request());
      return appAllowed(p).compose(v -> accounts.login(c, p.get("platid"), address)).map(SrvRoutes::tokens);
    });
  }

  private void refresh(RoutingContext ctx) {
    answer(ctx, () -> {
      SrvParams p = SrvParams.of(ctx);
      return accounts.tokens().refresh(p.get("refresh_token")).map(SrvRoutes::tokens);
    });
  }

  private void changePassword(RoutingContext ctx) {
    authenticated(ctx, (p, who) -> accounts.changePassword(who, p.raw("oldpassword"), p.raw("newpassword"),
      clientAddress.of(ctx.request())).map(v -> ok()));
  }

  private void logout(RoutingContext ctx) {
    authenticated(ctx, (p, who) -> accounts.tokens().endSession(who.sid()).map(v -> ok()));
  }

  /**
   * WIRE.md §3.1: {@code error, message, reason, token_status, data}; {@code data} has every field the
   * original client reads, as strings, empty where unset; then the fields mmfile answered before.
   */
  private void accountDetail(RoutingContext ctx) {
    authenticated(ctx, (p, who) -> accounts.account(who.uid()).map(a -> {
      JsonObject data = new JsonObject()
        .put("uid", a.id())
        .put("phonenumber", text(a.mobile()))
        .put("mailaddress", text(a.email()))
        .put("register_time", Long.toString(a.createdMs() / 1000));
      for (ProfileField field : ProfileField.values()) {
        data.put(field.fieldName(), text(a.field(field)));
      }
      data.put("username", text(a.username()))
        .put("avatar", text(a.avatarUrl()))
        .put("registersource", text(a.registerSource()))
        .put("data", a.registerData() == null ? new JsonObject() : new JsonObject(a.registerData()))
        .put("createtime", Long.toString(a.createdMs() / 1000));
      return ok().put("message", SrvError.message(SrvError.OK)).put("reason", "").put("data", data);
    }));
  }

  /** Sets profile fields; {@code data} is a JSON object, or a string holding one. */
  private void property(RoutingContext ctx) {
    authenticated(ctx, (p, who) -> {
      JsonObject data = p.object("data");
      if (data == null) {
        throw Failure.invalid("data");
      }
      // A field at fault is named as data.<field>: "phonenumber" alone would read as a malformed number (34).
      return accounts.updateProfileFields(who.uid(), data).map(v -> ok())
        .recover(t -> Future.failedFuture(t instanceof Failure f && f.kind() == Failure.Kind.INVALID_PARAMETER
          ? Failure.invalid("data." + f.parameter()) : t));
    });
  }

  private void verifyVerificationCode(RoutingContext ctx) {
    answer(ctx, () -> {
      SrvParams p = SrvParams.of(ctx);
      return appAllowed(p).compose(v -> accounts.checkVerificationCode(p.get("phonenumber"), p.get("verificationcode")))
        .map(v -> ok());
    });
  }

  private void forgetPassword(RoutingContext ctx) {
    answer(ctx, () -> {
      SrvParams p = SrvParams.of(ctx);
      return appAllowed(p).compose(v -> accounts.resetPassword(p.get("phonenumber"), p.get("verificationcode"),
        p.raw("newpassword"))).map(v -> ok());
    });
  }

  /** 0 when the number is free, 14 when an account has it (a CONFLICT), 34 when malformed. */
  private void checkPhonenumber(RoutingContext ctx) {
    answer(ctx, () -> {
      SrvParams p = SrvParams.of(ctx);
      return appAllowed(p).compose(v -> accounts.requireMobileFree(p.get("phonenumber"), clientAddress.of(ctx.request())))
        .map(v -> ok());
    });
  }

  /**
   * WIRE.md §3.1: the original client's business envelope, not srv's: {@code code} 200 for a live
   * session, 2 for one that is not (expired, ended, kicked or no token), 500 when the store failed.
   */
  private void loginStatus(RoutingContext ctx) {
    String token = bearer(ctx, null);
    if (token == null) {
      token = ctx.request().getParam("access_token");
    }
    accounts.tokens().authenticate(token).onComplete(ar -> {
      if (ctx.response().ended() || ctx.response().closed()) {
        return;
      }
      JsonObject body;
      if (ar.succeeded()) {
        body = new JsonObject().put("code", 200).put("message", "ok").put("result", "online");
      } else {
        Failure f = Failure.wrap(ar.cause(), Failure.Kind.STORE_FAILED);
        boolean notLive = f.kind() == Failure.Kind.UNAUTHORIZED || f.kind() == Failure.Kind.TOKEN_EXPIRED
          || f.kind() == Failure.Kind.SESSION_REPLACED;
        String code = SrvError.of(f);
        body = new JsonObject().put("code", notLive ? 2 : 500).put("message", SrvError.message(code))
          .put("result", "offline");
      }
      ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
    });
  }

  /**
   * Multipart avatar through the {@link UploadExchange}: the part {@code file} is streamed to storage.
   * A Bearer header is checked before any byte of the body is read; a token sent as the
   * {@code access_token} field can only be checked once the body is complete.
   */
  private void uploadMultipart(RoutingContext ctx) {
    uploads.handle(ctx, new AvatarUpload(ctx));
  }

  private final class AvatarUpload implements UploadExchange.Route<Principal, JsonObject> {
    private final RoutingContext ctx;
    private Principal who;

    AvatarUpload(RoutingContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public String filePart() {
      return "file";
    }

    @Override
    public int maxFiles() {
      return 1;
    }

    @Override
    public Future<Principal> admit(HttpServerRequest request) {
      String header = bearer(ctx, null);
      return header == null ? Future.succeededFuture() : accounts.tokens().authenticate(header);
    }

    @Override
    public Future<List<CommitRequest>> plan(Principal admitted, MultiMap fields, List<UploadExchange.ReceivedFile> files) {
      SrvParams p = SrvParams.of(ctx, fields);
      Future<Principal> principal = admitted != null ? Future.succeededFuture(admitted)
        : accounts.tokens().authenticate(p.get("access_token"));
      return principal.map(found -> {
        who = found;
        if (files.isEmpty() || files.get(0).size() == 0) {
          throw Failure.invalid("file");
        }
        return List.of(avatarCommit(files.get(0).size()));
      });
    }

    @Override
    public Future<JsonObject> committed(Principal admitted, List<FileRecord> records) {
      return saveAvatar(ctx, who, Future.succeededFuture(records.get(0)));
    }

    @Override
    public void answer(HttpServerResponse response, JsonObject result) {
      write(ctx, Future.succeededFuture(result.containsKey("token_status") ? result : result.put("token_status", "0")), true);
    }

    @Override
    public void refuse(HttpServerResponse response, Failure failure) {
      write(ctx, Future.failedFuture(failure), true);
    }
  }

  /**
   * A base64 avatar's admission, before its body is read: a Bearer header is checked there; a token
   * sent as the {@code access_token} field can only be checked once the body is in.
   */
  private final class EncodedAvatar implements UploadExchange.EncodedRoute<Principal> {
    private final RoutingContext ctx;

    EncodedAvatar(RoutingContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Future<Principal> admit(HttpServerRequest request) {
      String header = bearer(ctx, null);
      return header == null ? Future.succeededFuture() : accounts.tokens().authenticate(header);
    }

    @Override
    public void refuse(HttpServerResponse response, Failure failure) {
      write(ctx, Future.failedFuture(failure), true);
    }
  }

  /** pic/upload with the image base64-encoded in {@code file}. */
  private void uploadJson(RoutingContext ctx) {
    uploadEncoded(ctx, "file");
  }

  /** WIRE.md §3.1: pic/uploadBase64, the image in {@code imgBase64}; answers as pic/upload does. */
  private void uploadBase64(RoutingContext ctx) {
    uploadEncoded(ctx, "imgBase64");
  }

  /** An avatar sent base64-encoded in {@code field}, optionally as a {@code data:} URL. */
  private void uploadEncoded(RoutingContext ctx, String field) {
    Principal admitted = UploadExchange.admitted(ctx);
    authenticated(ctx, admitted, (p, who) -> {
      String file = p.get(field);
      if (file == null) {
        throw Failure.invalid(field);
      }
      int comma = file.startsWith("data:") ? file.indexOf(',') : -1;
      Buffer bytes;
      try {
        bytes = Buffer.buffer(Base64.getMimeDecoder().decode(file.substring(comma + 1)));
      } catch (IllegalArgumentException e) {
        throw Failure.of(Failure.Kind.UNSUPPORTED_CONTENT, field + " is not base64");
      }
      if (bytes.length() == 0) {
        throw Failure.invalid(field);
      }
      return saveAvatar(ctx, who, uploads.storeEncoded(bytes, avatarCommit(bytes.length())));
    });
  }

  private static CommitRequest avatarCommit(long length) {
    return new CommitRequest(null, length, 0, StoreKind.DURABLE, true, null, "avatar", null, null);
  }

  private Future<JsonObject> saveAvatar(RoutingContext ctx, Principal who, Future<FileRecord> stored) {
    return stored.compose(record -> {
      String url = urls.of(ctx.request(), record);
      return accounts.setAvatar(who.uid(), url)
        // WIRE.md §3: the seed returns the URL in token_status; it is also in url.
        .map(v -> ok().put("token_status", url).put("url", url));
    });
  }

  /** Runs {@code action} for a live access token; every answer carries {@code token_status}. */
  private void authenticated(RoutingContext ctx, java.util.function.BiFunction<SrvParams, Principal, Future<JsonObject>> action) {
    authenticated(ctx, null, action);
  }

  /** As above; {@code admitted} is the principal a Bearer header already proved, null when none did. */
  private void authenticated(RoutingContext ctx, Principal admitted,
                             java.util.function.BiFunction<SrvParams, Principal, Future<JsonObject>> action) {
    Future<JsonObject> answer;
    try {
      SrvParams p = SrvParams.of(ctx);
      Future<Principal> who = admitted != null ? Future.succeededFuture(admitted)
        : accounts.tokens().authenticate(bearer(ctx, p));
      answer = who.compose(found -> action.apply(p, found));
    } catch (Failure f) {
      answer = Future.failedFuture(f);
    }
    reply(ctx, answer.map(json -> json.containsKey("token_status") ? json : json.put("token_status", "0")), true);
  }

  private void answer(RoutingContext ctx, java.util.function.Supplier<Future<JsonObject>> action) {
    Future<JsonObject> answer;
    try {
      answer = action.get();
    } catch (Failure f) {
      answer = Future.failedFuture(f);
    }
    reply(ctx, answer, false);
  }

  private void reply(RoutingContext ctx, Future<JsonObject> answer, boolean authenticated) {
    answer.onComplete(ar -> write(ctx, ar, authenticated));
  }

  private static void write(RoutingContext ctx, AsyncResult<JsonObject> ar, boolean authenticated) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    JsonObject body;
    if (ar.succeeded()) {
      body = ar.result();
    } else {
      Failure f = Failure.wrap(ar.cause(), Failure.Kind.STORE_FAILED);
      RequestTrace.noteFailure(ctx, f);
      String code = SrvError.of(f);
      body = new JsonObject().put("error", code).put("message", SrvError.message(code)).put("reason", SrvError.reason(f));
      if (authenticated) {
        boolean tokenProblem = f.kind() == Failure.Kind.UNAUTHORIZED || f.kind() == Failure.Kind.TOKEN_EXPIRED
          || f.kind() == Failure.Kind.SESSION_REPLACED;
        body.put("token_status", tokenProblem ? SrvError.tokenStatus(f) : "0");
      }
      if (f.kind() == Failure.Kind.RATE_LIMITED) {
        body.put("retry_after", Long.toString(f.retryAfterSeconds()));
        ctx.response().putHeader("Retry-After", Long.toString(f.retryAfterSeconds()));
      }
    }
    RequestTrace.of(ctx).ifPresent(t -> t.outcome(String.valueOf(body.getValue("error", "0"))));
    ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
  }

  /** Body limits and unexpected errors still answer in srv's shape. */
  private void failure(RoutingContext ctx) {
    reply(ctx, Future.failedFuture(BodyFailures.ofRoute(ctx, "body")), false);
  }

  /** The app key of the request's authorization code, null when it had none (and none is required). */
  private Future<String> appAllowed(SrvParams p) {
    String code = p.get("authorizationcode");
    if (code == null) {
      return requireAuthorizationCode ? Future.failedFuture(Failure.invalid("authorizationcode")) : Future.succeededFuture();
    }
    return authorizationCodes.appOf(code);
  }

  private static String bearer(RoutingContext ctx, SrvParams p) {
    String header = TokenService.bearer(ctx.request().getHeader("Authorization"));
    return header != null || p == null ? header : p.get("access_token");
  }

  private static JsonObject tokens(TokenPair t) {
    return ok()
      .put("access_token", t.accessToken())
      .put("access_token_expire", Long.toString(t.accessExpiresMs() / 1000))
      .put("refresh_token", t.refreshToken())
      .put("refresh_token_expire", Long.toString(t.refreshExpiresMs() / 1000))
      .put("uid", t.uid());
  }

  private static JsonObject ok() {
    return new JsonObject().put("error", SrvError.OK);
  }

  private static String text(String value) {
    return value == null ? "" : value;
  }
}
