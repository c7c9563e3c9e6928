package io.mmfile.api.v1;

import io.mmfile.accounts.Account;
import io.mmfile.accounts.AccountRepository.Login;
import io.mmfile.accounts.AccountService;
import io.mmfile.accounts.AccountService.Credentials;
import io.mmfile.accounts.AccountService.Registration;
import io.mmfile.accounts.ProfileField;
import io.mmfile.auth.TokenService;
import io.mmfile.auth.TokenService.Principal;
import io.mmfile.auth.TokenService.TokenPair;
import io.mmfile.platform.ClientAddress;
import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * The account resources of {@code /api/v1}: verification codes, accounts, sessions and the caller's own
 * account ({@code /me}). Thin: the OpenAPI document has checked each request's shape, the
 * {@link AccountService} does the rest (the same registration, login throttle and sessions as srv and
 * weidu), and every failure is answered as problem+json.
 */
public final class AccountsResource implements ApiResource {
  /**
   * The platform of every {@code /api/v1} session is its own: a login here never replaces another
   * session of the account (srv replaces the older session of the same {@code platid}).
   */
  private static final String PLATFORM_PREFIX = "api:";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final AccountService accounts;
  private final TokenService tokens;
  private final ClientAddress clientAddress;

  public AccountsResource(AccountService accounts, ClientAddress clientAddress) {
    this.accounts = accounts;
    this.tokens = accounts.tokens();
    this.clientAddress = clientAddress;
  }

  @Override
  public Map<String, Handler<RoutingContext>> operations() {
    return Map.of(
      "sendVerificationCode", this::sendVerificationCode,
      "createAccount", this::createAccount,
      "createSession", this::createSession,
      "refreshSession", this::refreshSession,
      "deleteCurrentSession", this::deleteCurrentSession,
      "getMe", this::getMe,
      "updateMe", this::updateMe);
  }

  private void sendVerificationCode(RoutingContext ctx) {
    JsonObject body = ApiRequest.of(ctx).json();
    ApiAnswer.send(ctx, accounts.sendVerificationCode(body.getString("mobile"), clientAddress.of(ctx.request()), null)
      .map(v -> ApiAnswer.empty(202)));
  }

  private void createAccount(RoutingContext ctx) {
    JsonObject body = ApiRequest.of(ctx).json();
    String mobile = body.getString("mobile");
    String code = body.getString("code");
    Future<String> created;
    if (mobile == null && code != null) {
      created = Future.failedFuture(Failure.invalid("mobile"));
    } else {
      // the capability names the code "verificationcode", as srv's field is named
      Registration r = new Registration(body.getString("username"), mobile, null, body.getString("password"), code,
        "api/v1", null);
      created = accounts.register(r, clientAddress.of(ctx.request()))
        .recover(t -> Future.failedFuture(renamed(t, "verificationcode", "code")));
    }
    ApiAnswer.send(ctx, created.compose(accounts::account)
      .map(a -> ApiAnswer.json(201, accountJson(a)).location("/api/v1/me")));
  }

  private void createSession(RoutingContext ctx) {
    JsonObject body = ApiRequest.of(ctx).json();
    String username = body.getString("username");
    String mobile = body.getString("mobile");
    String password = body.getString("password");
    Future<TokenPair> pair;
    if ((username == null) == (mobile == null)) {
      // exactly one login name: the document says so too (oneOf), this keeps the rule in one answer
      pair = Future.failedFuture(Failure.about(Failure.Kind.INVALID_PARAMETER, "username",
        "send a username or a mobile, not both"));
    } else {
      Credentials c = username != null ? new Credentials(Login.USERNAME, username, password)
        : new Credentials(Login.MOBILE, mobile, password);
      pair = accounts.login(c, PLATFORM_PREFIX + randomId(), clientAddress.of(ctx.request()))
        .recover(t -> Future.failedFuture(loginFailure(t)));
    }
    ApiAnswer.send(ctx, pair.map(p -> ApiAnswer.json(201, sessionJson(p))));
  }

  private void refreshSession(RoutingContext ctx) {
    JsonObject body = ApiRequest.of(ctx).json();
    ApiAnswer.send(ctx, tokens.refresh(body.getString("refresh_token"))
      .map(p -> ApiAnswer.json(200, sessionJson(p))));
  }

  private void deleteCurrentSession(RoutingContext ctx) {
    ApiAnswer.send(ctx, principal(ctx)
      .compose(who -> tokens.endSession(who.sid()))
      .map(v -> ApiAnswer.empty(204)));
  }

  private void getMe(RoutingContext ctx) {
    ApiAnswer.send(ctx, principal(ctx)
      .compose(who -> accounts.account(who.uid()))
      .map(a -> ApiAnswer.json(200, accountJson(a))));
  }

  /** Sets the profile fields named in {@code profile} and leaves the others; null or "" clears one. */
  private void updateMe(RoutingContext ctx) {
    JsonObject profile = ApiRequest.of(ctx).json().getJsonObject("profile", new JsonObject());
    ApiAnswer.send(ctx, principal(ctx)
      .compose(who -> accounts.updateProfileFields(who.uid(), profile)
        .recover(t -> Future.failedFuture(t instanceof Failure f && f.kind() == Failure.Kind.INVALID_PARAMETER
          ? Failure.invalid("profile." + f.parameter()) : t))
        .compose(v -> accounts.account(who.uid())))
      .map(a -> ApiAnswer.json(200, accountJson(a))));
  }

  /** The session of the caller's access token (the document admits only Bearer tokens to these operations). */
  private static Future<Principal> principal(RoutingContext ctx) {
    Caller caller = ApiRequest.of(ctx).caller();
    return caller != null && caller.isAccount() ? Future.succeededFuture(caller.principal())
      : Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "an access token is required"));
  }

  private static String randomId() {
    byte[] raw = new byte[12];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  /**
   * A failed login says no more than that: an unknown name, a wrong password and an account without a
   * password are one answer, so the API does not tell which names exist. The throttle still answers 429.
   */
  private static Throwable loginFailure(Throwable t) {
    if (t instanceof Failure f && (f.kind() == Failure.Kind.NOT_FOUND || f.kind() == Failure.Kind.WRONG_PASSWORD
      || f.kind() == Failure.Kind.PASSWORD_NOT_SET)) {
      return Failure.of(Failure.Kind.WRONG_PASSWORD, "the login name or the password is wrong");
    }
    return t;
  }

  /** The capability's parameter names are srv's; this API's may differ. */
  private static Throwable renamed(Throwable t, String from, String to) {
    if (t instanceof Failure f && from.equals(f.parameter())) {
      return f.kind() == Failure.Kind.INVALID_PARAMETER ? Failure.invalid(to) : Failure.about(f.kind(), to, f.getMessage());
    }
    if (t instanceof Failure f && (f.kind() == Failure.Kind.CODE_WRONG || f.kind() == Failure.Kind.CODE_EXPIRED)) {
      return Failure.about(f.kind(), to, f.getMessage());
    }
    return t;
  }

  static JsonObject sessionJson(TokenPair p) {
    long now = System.currentTimeMillis();
    return new JsonObject()
      .put("access_token", p.accessToken())
      .put("token_type", "Bearer")
      .put("expires_in", Math.max(0, (p.accessExpiresMs() - now) / 1000))
      .put("refresh_token", p.refreshToken())
      .put("refresh_expires_in", Math.max(0, (p.refreshExpiresMs() - now) / 1000))
      .put("account_id", p.uid());
  }

  /** An account as its owner sees it: never its password hash; the profile fields by srv's names. */
  static JsonObject accountJson(Account a) {
    JsonObject profile = new JsonObject();
    for (ProfileField field : ProfileField.values()) {
      profile.put(field.fieldName(), a.field(field));
    }
    return new JsonObject()
      .put("id", a.id())
      .put("username", a.username())
      .put("mobile", a.mobile())
      .put("email", a.email())
      .put("avatar_url", a.avatarUrl())
      .put("created_at", Instant.ofEpochMilli(a.createdMs()).toString())
      .put("profile", profile);
  }
}
