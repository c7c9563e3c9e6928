package io.mmfile.api.v1;

import io.mmfile.accounts.AccountService;
import io.mmfile.auth.AppKey;
import io.mmfile.auth.AppKeyAdmin;
import io.mmfile.auth.TokenService.Principal;
import io.mmfile.platform.ClientAddress;
import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * {@code /api/v1/app-keys}: what the console and {@code mmfile appkey} do, for the accounts named in
 * {@code api.admin-accounts} (by id or username), through the same {@link AppKeyAdmin}, audited the
 * same way. Any other caller is refused with 403, a caller without a live access token with 401. A
 * secret is in the answer of the call that made it (create, rotate) and never again.
 */
public final class AppKeysResource implements ApiResource {
  private final AccountService accounts;
  private final AppKeyAdmin appKeys;
  private final ClientAddress clientAddress;
  private final Administrators admins;

  public AppKeysResource(AccountService accounts, AppKeyAdmin appKeys, ClientAddress clientAddress, List<String> admins) {
    this.accounts = accounts;
    this.appKeys = appKeys;
    this.clientAddress = clientAddress;
    this.admins = new Administrators(admins);
  }

  @Override
  public Map<String, Handler<RoutingContext>> operations() {
    return Map.of(
      "listAppKeys", ctx -> asAdmin(ctx, (who, actor) -> appKeys.list().map(keys -> {
        JsonArray rows = new JsonArray();
        keys.forEach(k -> rows.add(keyJson(k)));
        return ApiAnswer.json(200, new JsonObject().put("app_keys", rows));
      })),
      "createAppKey", ctx -> asAdmin(ctx, (who, actor) -> appKeys.create(ApiRequest.of(ctx).json().getString("name"), actor)
        .map(k -> ApiAnswer.json(201, keyJson(k).put("secret", k.secret()))
          .location("/api/v1/app-keys/" + k.appKey()))),
      "getAppKey", ctx -> asAdmin(ctx, (who, actor) -> appKeys.find(appKey(ctx))
        .map(k -> ApiAnswer.json(200, keyJson(k)))),
      "deleteAppKey", ctx -> asAdmin(ctx, (who, actor) -> appKeys.delete(appKey(ctx), actor)
        .map(v -> ApiAnswer.empty(204))),
      "disableAppKey", ctx -> asAdmin(ctx, (who, actor) -> appKeys.disable(appKey(ctx), actor)
        .map(k -> ApiAnswer.json(200, keyJson(k)))),
      "enableAppKey", ctx -> asAdmin(ctx, (who, actor) -> appKeys.enable(appKey(ctx), actor)
        .map(k -> ApiAnswer.json(200, keyJson(k)))),
      "rotateAppKey", ctx -> asAdmin(ctx, (who, actor) -> appKeys.rotate(appKey(ctx), actor)
        .map(k -> ApiAnswer.json(200, keyJson(k).put("secret", k.secret())))));
  }

  /**
   * Runs {@code action} for an administrator: a live access token of an account that
   * {@code api.admin-accounts} names by id or by username.
   */
  private void asAdmin(RoutingContext ctx, BiFunction<Principal, AppKeyAdmin.Actor, Future<ApiAnswer>> action) {
    String address = clientAddress.of(ctx.request());
    ApiAnswer.send(ctx, principal(ctx)
      .compose(who -> accounts.account(who.uid())
        .recover(t -> Future.failedFuture(t instanceof Failure f && f.kind() == Failure.Kind.NOT_FOUND
          ? Failure.of(Failure.Kind.UNAUTHORIZED, "the token's account is gone") : t))
        .compose(account -> {
          if (!admins.include(account)) {
            AppKeyAdmin.audit(new AppKeyAdmin.Actor("api account " + account.id(), address), "refused",
              ctx.request().method() + " " + ctx.normalizedPath() + " (not in api.admin-accounts)");
            return Future.failedFuture(Failure.of(Failure.Kind.FORBIDDEN, "app keys are for administrators"));
          }
          String name = account.username() == null ? account.id() : account.id() + " (" + account.username() + ")";
          return action.apply(who, new AppKeyAdmin.Actor("api account " + name, address));
        })));
  }

  /** The session of the caller's access token: app keys are managed by accounts, never by app keys. */
  private static Future<Principal> principal(RoutingContext ctx) {
    Caller caller = ApiRequest.of(ctx).caller();
    return caller != null && caller.isAccount() ? Future.succeededFuture(caller.principal())
      : Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "an access token is required"));
  }

  private static String appKey(RoutingContext ctx) {
    return ApiRequest.of(ctx).path("app_key");
  }

  /** A key without its secrets; {@code previous_secret_expires_at} while a rotated-out secret still works. */
  static JsonObject keyJson(AppKey key) {
    AppKey k = key.at(System.currentTimeMillis());
    return new JsonObject()
      .put("app_key", k.appKey())
      .put("name", k.name())
      .put("enabled", k.enabled())
      .put("created_at", Instant.ofEpochMilli(k.createdMs()).toString())
      .put("previous_secret_expires_at", k.previousSecret() == null ? null
        : Instant.ofEpochMilli(k.previousSecretUntilMs()).toString());
  }
}
