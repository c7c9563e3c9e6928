package io.mmfile.auth;

import io.mmfile.platform.Failure;
import io.mmfile.platform.KeyValueStore;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Six-digit verification codes: valid for {@code sms.code-ttl-seconds}, {@code sms.max-attempts}
 * tries, and re-sent to a number only after {@code sms.resend-cooldown-seconds}. Sending is also
 * limited per client address ({@code sms.per-address-per-hour}) and per app
 * ({@code sms.per-app-per-hour}), so that texting many numbers costs an attacker something.
 *
 * <p>A code is stored only as a keyed hash ({@link NodeSecret}). Each try is counted atomically
 * before the code is compared, so guesses sent at once get no more tries than guesses sent in turn;
 * the try that uses up the allowance ends the code.
 */
public final class SmsCodes {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long HOUR_MS = 3_600_000;

  private final KeyValueStore kv;
  private final SmsSender sender;
  private final MmfileConfig.Sms config;
  private final NodeSecret secret;
  private final RateLimiter limits;

  public SmsCodes(KeyValueStore kv, SmsSender sender, MmfileConfig.Sms config, NodeSecret secret) {
    this.kv = kv;
    this.sender = sender;
    this.config = config;
    this.secret = secret;
    this.limits = new RateLimiter(kv);
  }

  /**
   * Sends a new code, unless one went out to the number less than the cooldown ago, or the address or
   * the app ({@code app}: the app key of the request's authorization code, null when it had none; all
   * such requests share one allowance) used up its hourly allowance.
   */
  public Future<Void> send(String mobile, String address, String app) {
    return limits.allow("sms:ip:" + address, config.perAddressPerHour(), HOUR_MS, "too many codes sent from this address")
      .compose(v -> limits.allow("sms:app:" + (app == null ? "-" : app), config.perAppPerHour(), HOUR_MS,
        "too many codes sent for this app"))
      .compose(v -> kv.setIfAbsent("smscd:" + mobile, "1", config.resendCooldownSeconds() * 1000L + 1))
      .compose(free -> {
        if (!free) {
          return Future.failedFuture(Failure.rateLimited("code sent recently", config.resendCooldownSeconds()));
        }
        String code = String.format("%06d", RANDOM.nextInt(1_000_000));
        long expiresMs = System.currentTimeMillis() + config.codeTtlSeconds() * 1000L;
        JsonObject state = new JsonObject().put("hash", secret.hash("sms:" + mobile, code))
          .put("id", TokenService.randomToken(12)).put("expires", expiresMs);
        return kv.set("sms:" + mobile, state.encode(), config.codeTtlSeconds() * 1000L)
          .compose(x -> sender.send(mobile, code, "Your verification code is " + code + ". It expires in "
            + config.codeTtlSeconds() / 60 + " minutes."));
      });
  }

  /** Accepts the code once: a correct code is used up; a wrong one counts against the tries. */
  public Future<Void> verify(String mobile, String code) {
    return attempt(mobile, code, true);
  }

  /**
   * Checks the code without using it up (a later {@link #verify} still accepts it); a wrong one counts
   * against the same tries.
   */
  public Future<Void> check(String mobile, String code) {
    return attempt(mobile, code, false);
  }

  private Future<Void> attempt(String mobile, String code, boolean consume) {
    String key = "sms:" + mobile;
    return kv.get(key).compose(raw -> {
      long now = System.currentTimeMillis();
      JsonObject state = raw == null ? null : new JsonObject(raw);
      if (state == null || state.getLong("expires") <= now || state.getString("hash") == null) {
        return Future.failedFuture(expired());
      }
      long ttl = state.getLong("expires") - now;
      return kv.increment("smsn:" + mobile + ":" + state.getString("id"), ttl).compose(tries -> {
        if (tries > config.maxAttempts()) {
          return kv.compareAndDelete(key, raw).compose(x -> Future.failedFuture(expired()));
        }
        boolean matches = code != null && MessageDigest.isEqual(
          state.getString("hash").getBytes(StandardCharsets.US_ASCII),
          secret.hash("sms:" + mobile, code).getBytes(StandardCharsets.US_ASCII));
        if (matches) {
          // Of two requests with the right code, only the one that deletes it has used it.
          return !consume ? Future.<Void>succeededFuture() : kv.compareAndDelete(key, raw)
            .compose(used -> used ? Future.<Void>succeededFuture() : Future.failedFuture(expired()));
        }
        Future<Boolean> spent = tries >= config.maxAttempts() ? kv.compareAndDelete(key, raw) : Future.succeededFuture(false);
        return spent.compose(x -> Future.failedFuture(Failure.of(Failure.Kind.CODE_WRONG, "wrong code")));
      });
    });
  }

  private static Failure expired() {
    return Failure.of(Failure.Kind.CODE_EXPIRED, "no live code");
  }
}
