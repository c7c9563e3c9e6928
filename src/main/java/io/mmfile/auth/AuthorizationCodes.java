package io.mmfile.auth;

import io.mmfile.platform.Failure;
import io.mmfile.platform.KeyValueStore;
import io.vertx.core.Future;

/**
 * srv authorization codes: an app trades its appKey and secret ({@code client_id}, {@code client_secret})
 * for an opaque code that its clients then send as {@code authorizationcode}. Codes live 30 days and
 * are stored only as a keyed hash ({@link NodeSecret}), so a copy of the store does not hold usable codes.
 */
public final class AuthorizationCodes {
  private static final long TTL_MS = 30L * 24 * 3600 * 1000;

  private final AppKeyCache appKeys;
  private final KeyValueStore kv;
  private final NodeSecret secret;

  public AuthorizationCodes(AppKeyCache appKeys, KeyValueStore kv, NodeSecret secret) {
    this.appKeys = appKeys;
    this.kv = kv;
    this.secret = secret;
  }

  public Future<String> issue(String appKey, String secret) {
    if (!AppKey.wellFormed(appKey) || secret == null) {
      return Future.failedFuture(Failure.invalid("authorizationcode"));
    }
    return appKeys.enabled(appKey).compose(found -> {
      if (found.isEmpty() || !found.get().acceptsSecret(secret)) {
        return Future.failedFuture(Failure.invalid("authorizationcode"));
      }
      String code = TokenService.randomToken(24);
      return kv.set(key(code), appKey, TTL_MS).map(code);
    });
  }

  /** Fails with an invalid {@code authorizationcode} unless the code is live and its app enabled. */
  public Future<Void> check(String code) {
    return appOf(code).mapEmpty();
  }

  /** The app key a live code was issued to (its app enabled); else fails like {@link #check}. */
  public Future<String> appOf(String code) {
    if (code == null) {
      return Future.failedFuture(Failure.invalid("authorizationcode"));
    }
    return kv.get(key(code)).compose(appKey -> appKey == null
      ? Future.failedFuture(Failure.invalid("authorizationcode"))
      : appKeys.enabled(appKey).compose(found -> found.isPresent() ? Future.succeededFuture(appKey)
        : Future.failedFuture(Failure.invalid("authorizationcode"))));
  }

  private String key(String code) {
    return "authz:" + secret.hash("authz", code);
  }
}
