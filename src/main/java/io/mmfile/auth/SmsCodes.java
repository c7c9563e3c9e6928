package io.mmfile.auth;

import io.mmfile.platform.Failure;
import io.mmfile.platform.KeyValueStore;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Six-digit verification codes: valid for {@code sms.code-ttl-seconds}, {@code sms.max-attempts}
 * wrong tries, and re-sent only after {@code sms.resend-cooldown-seconds}.
 */
public final class SmsCodes {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyValueStore kv;
  private final SmsSender sender;
  private final MmfileConfig.Sms config;

  public SmsCodes(KeyValueStore kv, SmsSender sender, MmfileConfig.Sms config) {
    this.kv = kv;
    this.sender = sender;
    this.config = config;
  }

  /** Sends a new code, unless one went out less than the cooldown ago. */
  public Future<Void> send(String mobile) {
    return kv.setIfAbsent("smscd:" + mobile, "1", config.resendCooldownSeconds() * 1000L + 1).compose(free -> {
      if (!free) {
        return Future.failedFuture(Failure.rateLimited("code sent recently", config.resendCooldownSeconds()));
      }
      String code = String.format("%06d", RANDOM.nextInt(1_000_000));
      long expiresMs = System.currentTimeMillis() + config.codeTtlSeconds() * 1000L;
      JsonObject state = new JsonObject().put("code", code).put("tries", 0).put("expires", expiresMs);
      return kv.set("sms:" + mobile, state.encode(), config.codeTtlSeconds() * 1000L)
        .compose(v -> sender.send(mobile, code, "Your verification code is " + code + ". It expires in "
          + config.codeTtlSeconds() / 60 + " minutes."));
    });
  }

  /** Accepts the code once; a wrong one counts against the attempts, after which the code is gone. */
  public Future<Void> verify(String mobile, String code) {
    return attempt(mobile, code, true);
  }

  /**
   * Tells whether the code is right without using it up; a wrong one counts against the attempts
   * exactly as in {@link #verify}, so checking is no way around {@code sms.max-attempts}.
   */
  public Future<Void> check(String mobile, String code) {
    return attempt(mobile, code, false);
  }

  private Future<Void> attempt(String mobile, String code, boolean consume) {
    String key = "sms:" + mobile;
    return kv.get(key).compose(raw -> {
      long now = System.currentTimeMillis();
      JsonObject state = raw == null ? null : new JsonObject(raw);
      if (state == null || state.getLong("expires") <= now) {
        return Future.failedFuture(Failure.of(Failure.Kind.CODE_EXPIRED, "no live code"));
      }
      if (code != null && MessageDigest.isEqual(state.getString("code").getBytes(StandardCharsets.US_ASCII),
        code.getBytes(StandardCharsets.US_ASCII))) {
        return consume ? kv.delete(key) : Future.succeededFuture();
      }
      int tries = state.getInteger("tries") + 1;
      Future<Void> recorded = tries >= config.maxAttempts() ? kv.delete(key)
        : kv.set(key, state.put("tries", tries).encode(), state.getLong("expires") - now);
      return recorded.compose(v -> Future.failedFuture(Failure.of(Failure.Kind.CODE_WRONG, "wrong code")));
    });
  }
}
