package io.mmfile.api.v1;

import io.mmfile.auth.AppKey;
import io.mmfile.auth.AppKeyCache;
import io.mmfile.auth.TokenService;
import io.mmfile.platform.Failure;
import io.mmfile.platform.KeyValueStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import java.time.Clock;
import java.util.Set;

/**
 * Authenticates an {@code /api/v1} request from its headers alone, before a byte of its body is read:
 * an access token ({@code Authorization: Bearer}, the tokens srv and weidu hand out) or an app key's
 * {@link HmacSignature}. A signature is accepted only within {@code api.signature-window-seconds} of
 * this node's clock, and its nonce only once: the nonce is remembered in the node's key-value store
 * (Redis when configured, so across nodes) for twice the window, after the signature is checked (so
 * that no one can burn another app's nonces). A disabled, deleted or unknown key is refused.
 */
public final class ApiAuth {
  /** The security schemes of the OpenAPI document. */
  public static final String BEARER = "bearer";
  public static final String APP_KEY_HMAC = "appKeyHmac";

  private final TokenService tokens;
  private final AppKeyCache appKeys;
  private final KeyValueStore kv;
  private final Clock clock;
  private final long windowSeconds;

  public ApiAuth(TokenService tokens, AppKeyCache appKeys, KeyValueStore kv, Clock clock, long windowSeconds) {
    this.tokens = tokens;
    this.appKeys = appKeys;
    this.kv = kv;
    this.clock = clock;
    this.windowSeconds = windowSeconds;
  }

  /** Who sent {@code request}, by one of the {@code allowed} schemes; UNAUTHORIZED when no one. */
  public Future<Caller> authenticate(HttpServerRequest request, Set<String> allowed) {
    String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
    try {
      if (authorization == null || authorization.isBlank()) {
        throw Failure.of(Failure.Kind.UNAUTHORIZED, "this operation needs an Authorization header");
      }
      if (HmacSignature.isScheme(authorization)) {
        if (!allowed.contains(APP_KEY_HMAC)) {
          throw Failure.of(Failure.Kind.UNAUTHORIZED, "this operation takes an access token, not an app key");
        }
        return signed(request, HmacSignature.parse(authorization));
      }
      String token = TokenService.bearer(authorization);
      if (token == null) {
        throw Failure.of(Failure.Kind.UNAUTHORIZED, "Authorization must be Bearer <access token> or "
          + HmacSignature.SCHEME + " …");
      }
      if (!allowed.contains(BEARER)) {
        throw Failure.of(Failure.Kind.UNAUTHORIZED, "this operation takes an app key signature, not an access token");
      }
      return tokens.authenticate(token).map(Caller::account);
    } catch (Failure f) {
      return Future.failedFuture(f);
    }
  }

  private Future<Caller> signed(HttpServerRequest request, HmacSignature.Credentials credentials) {
    long now = clock.millis() / 1000;
    if (Math.abs(now - credentials.timestampSeconds()) > windowSeconds) {
      return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "ts is more than " + windowSeconds
        + " s away from the server's clock (" + now + ")"));
    }
    String contentHash = HmacSignature.contentHash(request.getHeader(HmacSignature.CONTENT_SHA256));
    String canonical = HmacSignature.canonical(request.method().name(), rawPath(request), request.query(),
      credentials.timestampSeconds(), credentials.nonce(), contentHash);
    return appKeys.enabled(credentials.appKey()).compose(found -> {
      AppKey app = found.orElse(null);
      if (app == null) {
        return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "unknown or disabled app key"));
      }
      if (!HmacSignature.matches(canonical, app, credentials.signature())) {
        return Future.failedFuture(Failure.of(Failure.Kind.BAD_SIGNATURE, "sig does not match the request"));
      }
      return kv.setIfAbsent(nonceKey(credentials), "1", 2 * windowSeconds * 1000)
        .recover(Failure::redis)
        .compose(fresh -> fresh ? Future.succeededFuture(Caller.appKey(app.appKey(), contentHash))
          : Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "this nonce was already used")));
    });
  }

  private static String nonceKey(HmacSignature.Credentials credentials) {
    return "api:nonce:" + credentials.appKey() + ":" + credentials.nonce();
  }

  /** The path as the client sent it, percent-encoding included. */
  private static String rawPath(HttpServerRequest request) {
    String uri = request.uri();
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    // an absolute-form request line (a proxy's) carries scheme and authority before the path
    int scheme = path.indexOf("://");
    if (scheme >= 0) {
      int slash = path.indexOf('/', scheme + 3);
      path = slash < 0 ? "/" : path.substring(slash);
    }
    return path;
  }
}
