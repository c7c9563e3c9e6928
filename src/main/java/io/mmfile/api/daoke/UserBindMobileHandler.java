package io.mmfile.api.daoke;

import io.mmfile.accounts.AccountFormats;
import io.mmfile.accounts.AccountService;
import io.mmfile.accounts.AccountService.MobileBinding;
import io.mmfile.auth.AppKey;
import io.mmfile.auth.AppKeyCache;
import io.mmfile.auth.SignatureVerifier;
import io.mmfile.platform.BodyFailures;
import io.mmfile.platform.Failure;
import io.mmfile.platform.FormBody;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /accountapi/v2/userBindMobile} (WIRE.md §1, API 2308): form-encoded, every field but
 * {@code sign} signed, checks in the order the original made them.
 */
public final class UserBindMobileHandler implements Handler<RoutingContext> {
  private static final String[] SIGNED = {"appKey", "accessToken", "mobile", "accountID", "newmobile"};

  private final AppKeyCache appKeys;
  private final AccountService accounts;

  public UserBindMobileHandler(AppKeyCache appKeys, AccountService accounts) {
    this.appKeys = appKeys;
    this.accounts = accounts;
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap form = FormBody.fields(ctx);
    String type = ctx.request().getHeader("Content-Type");
    Future<Void> done;
    try {
      if (ctx.body() == null || ctx.body().length() == 0 || form.isEmpty()) {
        throw Failure.of(Failure.Kind.EMPTY_BODY, "empty body");
      }
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
        throw Failure.of(Failure.Kind.MALFORMED_BODY, "not form-encoded");
      }
      String appKey = form.get("appKey");
      if (!AppKey.wellFormed(appKey)) {
        throw Failure.invalid("appKey");
      }
      AccountFormats.requireMobile(form.get("newmobile"), "newmobile");
      String mobile = blankToNull(form.get("mobile"));
      if (mobile != null) {
        AccountFormats.requireMobile(mobile, "mobile");
      }
      String accountId = blankToNull(form.get("accountID"));
      if (mobile == null && accountId == null) {
        throw Failure.invalid("mobile");
      }
      AccountFormats.requireLength(accountId, AccountFormats.ID_MAX, "accountID");
      String sign = form.get("sign");
      if (sign == null || sign.length() != 40) {
        throw Failure.invalid("sign");
      }
      if (blankToNull(form.get("accessToken")) == null || form.get("accessToken").length() > AccountFormats.TOKEN_MAX) {
        throw Failure.invalid("accessToken");
      }
      Map<String, String> signed = new LinkedHashMap<>();
      for (String name : SIGNED) {
        if (form.contains(name)) {
          signed.put(name, form.get(name));
        }
      }
      MobileBinding binding = new MobileBinding(mobile, accountId, form.get("accessToken"), form.get("newmobile"));
      done = appKeys.enabled(appKey).compose(app -> {
        if (app.isEmpty()) {
          return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "unknown appKey"));
        }
        if (!SignatureVerifier.matches(signed, app.get(), sign)) {
          return Future.failedFuture(Failure.of(Failure.Kind.BAD_SIGNATURE, "sign is not match"));
        }
        return accounts.bindMobile(binding);
      });
    } catch (Failure f) {
      done = Future.failedFuture(f);
    }
    done.onSuccess(v -> DaokeEnvelope.ok(ctx.response(), "ok"))
      .onFailure(t -> DaokeEnvelope.error(ctx.response(), Failure.wrap(t, Failure.Kind.STORE_FAILED)));
  }

  /** A body over the limit, or anything unexpected, still answers with the envelope. */
  public void failure(RoutingContext ctx) {
    DaokeEnvelope.error(ctx.response(), BodyFailures.ofRoute(ctx, "body"));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
