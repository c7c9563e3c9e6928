package io.mmfile.auth;

import io.mmfile.platform.Failure;
import io.mmfile.platform.KeyValueStore;
import io.mmfile.platform.MmfileConfig;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * Logins as sessions. An access token is a short-lived ES256 JWT naming the account ({@code sub}) and
 * its session ({@code sid}); a refresh token is an opaque random string stored only as a hash and good
 * for one use. Sessions live in the {@link KeyValueStore}:
 * <ul>
 *   <li>{@code sess:<sid>}: account, platform, password generation and state (active, replaced, revoked);</li>
 *   <li>{@code dev:<uid>:<platid>}: the one active session of an account on a platform, so a new login
 *       on another device of that platform replaces the older session (srv error 30);</li>
 *   <li>{@code gen:<uid>}: the time of the last password change, which ends every other session;</li>
 *   <li>{@code rt:<hash>} and {@code rtu:<hash>}: live and used refresh tokens; presenting a used one
 *       revokes the whole session (reuse detection).</li>
 * </ul>
 */
public final class TokenService {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ACTIVE = "active";
  private static final String REPLACED = "replaced";
  private static final String REVOKED = "revoked";
  /** The generation of an account whose password has not changed within the refresh lifetime. */
  private static final String NO_GENERATION = "0";
  /** How much longer than any session a generation is kept; see {@link #endOtherSessions}. */
  private static final long GENERATION_MARGIN_MS = 24L * 3600 * 1000;

  /** What a login or a refresh hands out. Expiries are epoch milliseconds. */
  public record TokenPair(String uid, String accessToken, long accessExpiresMs, String refreshToken,
                          long refreshExpiresMs) {
  }

  /** The account and session behind a live access token. */
  public record Principal(String uid, String sid, String platid) {
  }

  private final JWTAuth jwt;
  private final SigningKeys keys;
  private final KeyValueStore kv;
  private final int accessMinutes;
  private final long refreshTtlMs;
  private final AsyncCache<String, JsonObject> verified;

  public TokenService(Vertx vertx, SigningKeys keys, KeyValueStore kv, MmfileConfig.Auth config) {
    this.keys = keys;
    this.kv = kv;
    this.accessMinutes = config.accessTokenMinutes();
    this.refreshTtlMs = config.refreshTokenDays() * 24L * 3600 * 1000;
    JWTAuthOptions options = new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setId(keys.keyId()).setBuffer(keys.privatePem()))
      // Expiry is checked here, not by JWTAuth, to tell an expired token from a forged one.
      .setJWTOptions(new JWTOptions().setAlgorithm("ES256").setIgnoreExpiration(true));
    keys.publicKeys().forEach(k ->
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setId(k.keyId()).setBuffer(k.pem())));
    this.jwt = JWTAuth.create(vertx, options);
    // A token is verified once however many requests bring it at the same moment; entries go when
    // the token has expired anyway, and the oldest ones when the cache is full.
    this.verified = Caffeine.newBuilder()
      .maximumSize(config.verifiedTokenCacheSize())
      .expireAfterWrite(Duration.ofMinutes(accessMinutes))
      .recordStats()
      .buildAsync();
  }

  /**
   * Starts a session; an older session of the account on the same platform is marked replaced. The
   * platform's slot is swapped in one step ({@link KeyValueStore#getAndSet}), so of two logins at once
   * exactly one stays live: each replaces whatever it found there.
   */
  public Future<TokenPair> startSession(String uid, String platid) {
    String sid = randomToken(18);
    String device = device(uid, platid);
    return kv.get("gen:" + uid).compose(generation -> {
      JsonObject session = new JsonObject().put("uid", uid).put("platid", platid)
        .put("gen", generation == null ? NO_GENERATION : generation).put("state", ACTIVE);
      return kv.set("sess:" + sid, session.encode(), refreshTtlMs)
        .compose(v -> kv.getAndSet(device, sid, refreshTtlMs))
        .compose(previous -> previous == null || previous.equals(sid) ? Future.<Void>succeededFuture()
          : setState(previous, REPLACED))
        .compose(v -> issue(uid, sid, platid));
    });
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null. */
  public static String bearer(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorizationHeader.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  /** Checks an access token: signature and key, expiry, then its session. */
  public Future<Principal> authenticate(String accessToken) {
    if (accessToken == null || accessToken.isBlank()) {
      return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "no access token"));
    }
    return verifiedClaims(accessToken)
      .compose(claims -> {
        String uid = claims.getString("sub");
        String sid = claims.getString("sid");
        Long exp = claims.getLong("exp");
        if (uid == null || sid == null || exp == null) {
          return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "token without account or session"));
        }
        if (exp * 1000 <= System.currentTimeMillis()) {
          return Future.failedFuture(Failure.of(Failure.Kind.TOKEN_EXPIRED, "access token expired"));
        }
        return liveSession(sid, uid).map(session -> new Principal(uid, sid, session.getString("platid")));
      });
  }

  /**
   * The claims of a token whose signature checks out. An ES256 verification costs far more than the
   * rest of an authenticated call, and a client sends the same token for minutes, so verified claims
   * are remembered by token (bounded; expiry and session are still checked on every call).
   */
  private Future<JsonObject> verifiedClaims(String accessToken) {
    JsonObject known = verified.synchronous().getIfPresent(accessToken);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    CompletableFuture<JsonObject> claims = verified.get(accessToken, (token, executor) ->
      jwt.authenticate(new TokenCredentials(token))
        // The verified claims; the principal carries only some of them.
        .map(user -> user.attributes().getJsonObject("accessToken", new JsonObject()))
        .toCompletionStage().toCompletableFuture());
    Context context = Vertx.currentContext();
    Future<JsonObject> answer = context == null ? Future.fromCompletionStage(claims)
      : Future.fromCompletionStage(claims, context);
    // A forged token is not remembered: Caffeine drops a load that failed.
    return answer.recover(t -> Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "invalid access token")));
  }

  /** Signature checks done since start (each a load of the verified-token cache); for tests. */
  long signatureChecks() {
    return verified.synchronous().stats().loadCount();
  }

  /** Verified tokens remembered now, after pending evictions; for tests. */
  long rememberedTokens() {
    verified.synchronous().cleanUp();
    return verified.synchronous().estimatedSize();
  }

  /**
   * Trades a refresh token for a new pair; a token used twice ends its session. The session is only
   * extended, in one compare-and-set against the state that was checked: a logout or a revocation that
   * lands in between is never overwritten.
   */
  public Future<TokenPair> refresh(String refreshToken) {
    if (refreshToken == null || refreshToken.isBlank()) {
      return Future.failedFuture(Failure.invalid("refresh_token"));
    }
    String hash = sha256(refreshToken);
    return kv.getAndDelete("rt:" + hash).compose(sid -> {
      if (sid == null) {
        return kv.get("rtu:" + hash).compose(reusedSid -> {
          Future<Void> revoked = reusedSid == null ? Future.succeededFuture() : setState(reusedSid, REVOKED);
          return revoked.compose(v -> Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED,
            reusedSid == null ? "unknown refresh token" : "refresh token reused: session revoked")));
        });
      }
      return kv.set("rtu:" + hash, sid, refreshTtlMs).compose(v -> extend(sid, 3));
    });
  }

  private Future<TokenPair> extend(String sid, int attemptsLeft) {
    return kv.get("sess:" + sid).compose(raw -> {
      if (raw == null) {
        return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "session ended"));
      }
      JsonObject session = new JsonObject(raw);
      String uid = session.getString("uid");
      return liveSession(sid, uid)
        .compose(live -> kv.compareAndSet("sess:" + sid, raw, raw, refreshTtlMs))
        .compose(extended -> {
          if (!extended) {
            // Changed since it was read (ended, replaced, or a password change moved it on): check again.
            return attemptsLeft > 1 ? extend(sid, attemptsLeft - 1)
              : Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "session changed during refresh"));
          }
          // The platform's slot lives as long as its session, so a later login still replaces it.
          return kv.expire(device(uid, session.getString("platid")), refreshTtlMs)
            .compose(x -> issue(uid, sid, session.getString("platid")));
        });
    });
  }

  /** Logout: the session's tokens stop working at once. */
  public Future<Void> endSession(String sid) {
    return setState(sid, REVOKED);
  }

  /**
   * After a password change: every session of the account but {@code keepSid} (null: none) ends. The
   * account's generation becomes the time of the change; a session is live only while its generation is
   * the account's. The generation key outlives every session that predates it (they cannot be extended
   * past the change), so when it finally expires there is no older session left for it to end, and its
   * absence never reads as a password change.
   */
  public Future<Void> endOtherSessions(String uid, String keepSid) {
    return kv.update("gen:" + uid, current -> {
      long now = System.currentTimeMillis();
      long previous = current == null ? 0 : parseOrZero(current);
      return Long.toString(Math.max(now, previous + 1));
    }, refreshTtlMs + GENERATION_MARGIN_MS).compose(next -> keepSid == null ? Future.<Void>succeededFuture()
      : kv.update("sess:" + keepSid, raw -> raw == null ? null : new JsonObject(raw).put("gen", next).encode(), refreshTtlMs)
        .mapEmpty());
  }

  /** After a password reset: every session of the account ends. */
  public Future<Void> endAllSessions(String uid) {
    return endOtherSessions(uid, null);
  }

  private Future<JsonObject> liveSession(String sid, String uid) {
    return Future.all(kv.get("sess:" + sid), kv.get("gen:" + uid)).compose(found -> {
      String raw = found.resultAt(0);
      if (raw == null) {
        return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "session ended"));
      }
      JsonObject session = new JsonObject(raw);
      String generation = found.resultAt(1);
      switch (session.getString("state")) {
        case REPLACED:
          return Future.failedFuture(Failure.of(Failure.Kind.SESSION_REPLACED, "logged in on another device"));
        case ACTIVE:
          if (!uid.equals(session.getString("uid"))) {
            return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "token of another account"));
          }
          if (generation != null && !generation.equals(session.getString("gen"))) {
            return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "password changed"));
          }
          return Future.succeededFuture(session);
        default:
          return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "session ended"));
      }
    });
  }

  /** Moves a session on: active to replaced or revoked, replaced to revoked; revoked stays revoked. */
  private Future<Void> setState(String sid, String state) {
    return kv.update("sess:" + sid, raw -> {
      if (raw == null) {
        return null;
      }
      JsonObject session = new JsonObject(raw);
      String current = session.getString("state");
      boolean moves = ACTIVE.equals(current) || (REPLACED.equals(current) && REVOKED.equals(state));
      return moves ? session.put("state", state).encode() : null;
    }, refreshTtlMs).mapEmpty();
  }

  private static String device(String uid, String platid) {
    return "dev:" + uid + ":" + platid;
  }

  private static long parseOrZero(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private Future<TokenPair> issue(String uid, String sid, String platid) {
    long now = System.currentTimeMillis();
    String access = jwt.generateToken(new JsonObject().put("sub", uid).put("sid", sid).put("platid", platid),
      new JWTOptions().setAlgorithm("ES256").setExpiresInMinutes(accessMinutes)
        .setHeader(new JsonObject().put("kid", keys.keyId())));
    String refresh = randomToken(32);
    return kv.set("rt:" + sha256(refresh), sid, refreshTtlMs)
      .map(v -> new TokenPair(uid, access, now + accessMinutes * 60_000L, refresh, now + refreshTtlMs));
  }

  static String randomToken(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
