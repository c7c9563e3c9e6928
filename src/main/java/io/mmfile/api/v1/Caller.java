package io.mmfile.api.v1;

import io.mmfile.auth.TokenService;
import io.vertx.ext.web.RoutingContext;

/**
 * Who made an authenticated {@code /api/v1} request: an account (an access token) or an app key (an
 * HMAC signature). Owns what it uploads: a file's {@code accountId}, or its {@code appKey}.
 *
 * @param principal the session behind the access token; null for an app key
 * @param appKey the signing app key; null for an account
 * @param contentSha256 what an app key's signature says the body hashes to (hex, or
 *                      {@link HmacSignature#UNSIGNED_PAYLOAD}); null for an account
 */
public record Caller(TokenService.Principal principal, String appKey, String contentSha256) {
  private static final String KEY = Caller.class.getName();

  public static Caller account(TokenService.Principal principal) {
    return new Caller(principal, null, null);
  }

  public static Caller appKey(String appKey, String contentSha256) {
    return new Caller(null, appKey, contentSha256);
  }

  public boolean isAccount() {
    return principal != null;
  }

  /** The account's id; null for an app key. */
  public String accountId() {
    return principal == null ? null : principal.uid();
  }

  /** Whether the body's hash must still be checked against what was signed. */
  public boolean bodyHashSigned() {
    return contentSha256 != null && !contentSha256.equals(HmacSignature.UNSIGNED_PAYLOAD);
  }

  /** The caller {@link ApiAuth} put on this request; null on a public operation. */
  public static Caller of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  void attach(RoutingContext ctx) {
    ctx.put(KEY, this);
  }
}
