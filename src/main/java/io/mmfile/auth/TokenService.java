package io.mmfile.auth;

import io.mmfile.platform.Failure;
import io.mmfile.platform.KeyValueStore;
import io.mmfile.platform.MmfileConfig;
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
import java.util.Base64;
import java.util.HexFormat;

/**
 * Logins as sessions. An access token is a short-lived ES256 JWT naming the account ({@code sub}) and
 * its session ({@code sid}); a refresh token is an opaque random string stored only as a hash and good
 * for one use. Sessions live in the {@link KeyValueStore}:
 * <ul>
 *   <li>{@code sess:<sid>}: account, platform, password generation and state (active, replaced, revoked);</li>
 *   <li>{@code dev:<uid>:<platid>}: the one active session of an account on a platform, so a new login
 *       on another device of that platform replaces the older session (srv error 30);</li>
 *   <li>{@code gen:<uid>}: bumped on a password change, which ends every other session;</li>
 *   <li>{@code rt:<hash>} and {@code rtu:<hash>}: live and used refresh tokens; presenting a used one
 *       revokes the whole session (reuse detection).</li>
 * </ul>
 */
public final class TokenService {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int VERIFIED_TOKENS = 10_000;

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
  private final java.util.Map<String, JsonObject> verified = new java.util.concurrent.ConcurrentHashMap<>();

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
  }

  /** Starts a session; an older session of the account on the same platform is marked replaced. */
  public Future<TokenPair> startSession(String uid, String platid) {
    String sid = randomToken(18);
    String device = "dev:" + uid + ":" + platid;
    return Future.all(kv.get("gen:" + uid), kv.get(device)).compose(found -> {
      String generation = found.resultAt(0) == null ? "0" : found.resultAt(0);
      String previous = found.resultAt(1);
      Future<Void> replaced = previous == null ? Future.succeededFuture() : setState(previous, "replaced");
      JsonObject session = new JsonObject().put("uid", uid).put("platid", platid).put("gen", generation)
        .put("state", "active");
      return replaced
        .compose(v -> kv.set("sess:" + sid, session.encode(), refreshTtlMs))
        .compose(v -> kv.set(device, sid, refreshTtlMs))
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
    JsonObject known = verified.get(accessToken);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return jwt.authenticate(new TokenCredentials(accessToken))
      .recover(t -> Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "invalid access token")))
      .map(user -> {
        // The verified claims; the principal carries only some of them.
        JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
        if (verified.size() >= VERIFIED_TOKENS) {
          verified.clear();
        }
        verified.put(accessToken, claims);
        return claims;
      });
  }

  /** Trades a refresh token for a new pair; a token used twice ends its session. */
  public Future<TokenPair> refresh(String refreshToken) {
    if (refreshToken == null || refreshToken.isBlank()) {
      return Future.failedFuture(Failure.invalid("refresh_token"));
    }
    String hash = sha256(refreshToken);
    return kv.getAndDelete("rt:" + hash).compose(sid -> {
      if (sid == null) {
        return kv.get("rtu:" + hash).compose(reusedSid -> {
          Future<Void> revoked = reusedSid == null ? Future.succeededFuture() : setState(reusedSid, "revoked");
          return revoked.compose(v -> Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED,
            reusedSid == null ? "unknown refresh token" : "refresh token reused: session revoked")));
        });
      }
      return kv.set("rtu:" + hash, sid, refreshTtlMs)
        .compose(v -> kv.get("sess:" + sid))
        .compose(raw -> {
          if (raw == null) {
            return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "session ended"));
          }
          JsonObject session = new JsonObject(raw);
          String uid = session.getString("uid");
          return liveSession(sid, uid)
            .compose(s -> kv.set("sess:" + sid, s.encode(), refreshTtlMs))
            .compose(v -> issue(uid, sid, session.getString("platid")));
        });
    });
  }

  /** Logout: the session's tokens stop working at once. */
  public Future<Void> endSession(String sid) {
    return setState(sid, "revoked");
  }

  /** After a password change: every session of the account but {@code keepSid} ends. */
  public Future<Void> endOtherSessions(String uid, String keepSid) {
    return nextGeneration(uid).compose(next -> kv.get("sess:" + keepSid)
      .compose(raw -> raw == null ? Future.succeededFuture()
        : kv.set("sess:" + keepSid, new JsonObject(raw).put("gen", next).encode(), refreshTtlMs)));
  }

  /** After a password reset: every session of the account ends. */
  public Future<Void> endAllSessions(String uid) {
    return nextGeneration(uid).mapEmpty();
  }

  private Future<String> nextGeneration(String uid) {
    return kv.get("gen:" + uid).compose(current -> {
      String next = Long.toString(current == null ? 1 : Long.parseLong(current) + 1);
      return kv.set("gen:" + uid, next, refreshTtlMs).map(next);
    });
  }

  private Future<JsonObject> liveSession(String sid, String uid) {
    return Future.all(kv.get("sess:" + sid), kv.get("gen:" + uid)).compose(found -> {
      String raw = found.resultAt(0);
      if (raw == null) {
        return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "session ended"));
      }
      JsonObject session = new JsonObject(raw);
      String generation = found.resultAt(1) == null ? "0" : found.resultAt(1);
      switch (session.getString("state")) {
        case "replaced":
          return Future.failedFuture(Failure.of(Failure.Kind.SESSION_REPLACED, "logged in on another device"));
        case "active":
          if (!generation.equals(session.getString("gen")) || !uid.equals(session.getString("uid"))) {
            return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "password changed"));
          }
          return Future.succeededFuture(session);
        default:
          return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "session ended"));
      }
    });
  }

  private Future<Void> setState(String sid, String state) {
    return kv.get("sess:" + sid).compose(raw -> raw == null ? Future.succeededFuture()
      : kv.set("sess:" + sid, new JsonObject(raw).put("state", state).encode(), refreshTtlMs));
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
