package io.mmfile.accounts;

import io.mmfile.accounts.AccountRepository.Login;
import io.mmfile.auth.LoginThrottle;
import io.mmfile.auth.PasswordHasher;
import io.mmfile.auth.RateLimiter;
import io.mmfile.auth.SmsCodes;
import io.mmfile.auth.TokenService;
import io.mmfile.auth.TokenService.Principal;
import io.mmfile.auth.TokenService.TokenPair;
import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;
import io.mmfile.platform.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The account capability every dialect calls: registration, login, passwords, mobile binding and the
 * profile. Dialects only parse their wire format and render {@link Failure}s in their own codes.
 */
public final class AccountService {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long HOUR_MS = 3_600_000;
  private static final char[] ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  /** A sign-up; at least one of username, mobile and email. A mobile needs its SMS code. */
  public record Registration(String username, String mobile, String email, String password, String verificationCode,
                             String source, JsonObject data) {
  }

  /** How a user logs in: which identifier, its value, the password. */
  public record Credentials(Login login, String value, String password) {
  }

  /** userBindMobile's request after its sign was checked (WIRE.md §1 API 2308). */
  public record MobileBinding(String mobile, String accountId, String accessToken, String newMobile) {
  }

  private final AccountRepository accounts;
  private final PasswordHasher hasher;
  private final TokenService tokens;
  private final LoginThrottle throttle;
  private final SmsCodes smsCodes;
  private final RateLimiter limits;
  private final int registrationsPerAddressPerHour;
  private final NodeMetrics metrics;

  public AccountService(AccountRepository accounts, PasswordHasher hasher, TokenService tokens, LoginThrottle throttle,
                        SmsCodes smsCodes, RateLimiter limits, MmfileConfig.Auth config, NodeMetrics metrics) {
    this.metrics = metrics;
    this.accounts = accounts;
    this.hasher = hasher;
    this.tokens = tokens;
    this.throttle = throttle;
    this.smsCodes = smsCodes;
    this.limits = limits;
    this.registrationsPerAddressPerHour = config.registrationsPerAddressPerHour();
  }

  public TokenService tokens() {
    return tokens;
  }

  /** Texts a code to {@code mobile}; {@code app} is the requesting app's key, or null (see {@link SmsCodes#send}). */
  public Future<Void> sendVerificationCode(String mobile, String clientAddress, String app) {
    try {
      AccountFormats.requireMobile(mobile, "mobile");
    } catch (Failure f) {
      return Future.failedFuture(f);
    }
    return smsCodes.send(mobile, clientAddress, app);
  }

  /**
   * Creates an account and answers its id. Every well-formed attempt counts against the client
   * address's hourly allowance ({@code auth.registrations-per-address-per-hour}): each costs a hash.
   */
  public Future<String> register(Registration r, String clientAddress) {
    String username;
    String mobile;
    String email;
    String data;
    try {
      if (r.username() == null && r.mobile() == null && r.email() == null) {
        throw Failure.invalid("username");
      }
      username = r.username() == null ? null : AccountFormats.requireUsername(r.username());
      mobile = r.mobile() == null ? null : AccountFormats.requireMobile(r.mobile(), "mobile");
      email = r.email() == null ? null : AccountFormats.requireEmail(r.email());
      AccountFormats.requirePassword(r.password());
      if (mobile != null && (r.verificationCode() == null || r.verificationCode().isBlank())) {
        throw Failure.invalid("verificationcode");
      }
      AccountFormats.requireLength(r.verificationCode(), AccountFormats.VERIFICATION_CODE_MAX, "verificationcode");
      AccountFormats.requireLength(r.source(), AccountFormats.REGISTER_SOURCE_MAX, "registersource");
      data = r.data() == null ? null
        : AccountFormats.requireBytes(r.data().encode(), AccountFormats.REGISTER_DATA_MAX_BYTES, "data");
    } catch (Failure f) {
      return Future.failedFuture(f);
    }
    Future<Void> allowed = limits.allow("reg:ip:" + clientAddress, registrationsPerAddressPerHour, HOUR_MS,
      "too many registrations from this address");
    return allowed
      .compose(v -> mobile == null ? Future.<Void>succeededFuture() : smsCodes.verify(mobile, r.verificationCode()))
      .compose(v -> hasher.hash(r.password()))
      .compose(hash -> {
        long now = System.currentTimeMillis();
        Account account = new Account(newId(), username, mobile, email, hash, r.source(), data, null, null, now, now,
          Map.of());
        return accounts.insert(account).map(account.id());
      });
  }

  /**
   * Checks the password and starts a session. A password longer than any registration allows is refused
   * before anything else (it cannot match, and hashing it would cost); every other try is taken from the
   * {@link LoginThrottle} of the account (all its login names share one allowance) and of the client
   * address before any hash is computed. A login name that names no account costs one hash too, so the
   * answer's timing does not tell which names exist (the error codes do, as the wire contract says).
   */
  public Future<TokenPair> login(Credentials c, String platid, String clientAddress) {
    return tryLogin(c, platid, clientAddress).onComplete(ar -> metrics.login(ar.succeeded() ? null
      : Failure.wrap(ar.cause(), Failure.Kind.STORE_FAILED).kind()));
  }

  private Future<TokenPair> tryLogin(Credentials c, String platid, String clientAddress) {
    if (c.value() == null || c.value().isBlank() || c.password() == null || c.password().isEmpty()) {
      return Future.failedFuture(Failure.invalid(c.value() == null || c.value().isBlank() ? c.login().column : "password"));
    }
    if (c.password().length() > AccountFormats.PASSWORD_MAX) {
      return Future.failedFuture(Failure.invalid("password"));
    }
    String login = c.login() == Login.EMAIL ? c.value().toLowerCase(java.util.Locale.ROOT) : c.value();
    return accounts.findBy(c.login(), login).compose(found -> {
      String key = found.isPresent() ? LoginThrottle.account(found.get().id())
        : LoginThrottle.unknownLogin(c.login().column, login);
      return throttle.acquire(key, clientAddress).compose(v -> {
        if (found.isEmpty()) {
          return hasher.verifyNothing(c.password())
            .compose(x -> Future.failedFuture(Failure.about(Failure.Kind.NOT_FOUND, "account", "no such account")));
        }
        Account account = found.get();
        if (account.passwordHash() == null) {
          return Future.failedFuture(Failure.of(Failure.Kind.PASSWORD_NOT_SET, "no password set"));
        }
        return hasher.verify(c.password(), account.passwordHash()).compose(check -> {
          if (!check.matches()) {
            return Future.failedFuture(Failure.of(Failure.Kind.WRONG_PASSWORD, "wrong password"));
          }
          Future<Void> rehashed = check.needsRehash()
            ? hasher.hash(c.password()).compose(h -> accounts.updatePasswordHash(account.id(), h))
            : Future.succeededFuture();
          return rehashed
            .compose(x -> throttle.succeeded(key, clientAddress))
            .compose(x -> tokens.startSession(account.id(), platid));
        });
      });
    });
  }

  /**
   * Changes the password; every other session of the account ends, the caller's stays. Guessing the
   * old password with a stolen access token is throttled like logins, on the same per-account allowance.
   */
  public Future<Void> changePassword(Principal who, String oldPassword, String newPassword, String clientAddress) {
    try {
      AccountFormats.requirePassword(newPassword);
    } catch (Failure f) {
      return Future.failedFuture(f);
    }
    String key = LoginThrottle.account(who.uid());
    return account(who.uid()).compose(account -> {
      if (account.passwordHash() == null) {
        return Future.failedFuture(Failure.of(Failure.Kind.PASSWORD_NOT_SET, "no password set"));
      }
      return throttle.acquire(key, clientAddress).compose(v -> {
        if (oldPassword == null || oldPassword.isEmpty() || oldPassword.length() > AccountFormats.PASSWORD_MAX) {
          return Future.failedFuture(Failure.of(Failure.Kind.WRONG_PASSWORD, "wrong password"));
        }
        return hasher.verify(oldPassword, account.passwordHash());
      }).compose(check -> check.matches()
        ? throttle.succeeded(key, clientAddress)
          .compose(v -> hasher.hash(newPassword))
          .compose(hash -> accounts.updatePasswordHash(account.id(), hash))
          .compose(v -> tokens.endOtherSessions(account.id(), who.sid()))
        : Future.failedFuture(Failure.of(Failure.Kind.WRONG_PASSWORD, "wrong password")));
    });
  }

  /**
   * Sets a new password for the account of {@code mobile} whose owner proved it with an SMS code
   * (the code is used up); every session of the account ends, as after a password change.
   */
  public Future<Void> resetPassword(String mobile, String code, String newPassword) {
    try {
      AccountFormats.requireMobile(mobile, "mobile");
      AccountFormats.requirePassword(newPassword);
      requireCode(code);
    } catch (Failure f) {
      return Future.failedFuture(f);
    }
    return smsCodes.verify(mobile, code)
      .compose(v -> accounts.findBy(Login.MOBILE, mobile))
      .compose(found -> found.isEmpty()
        ? Future.failedFuture(Failure.about(Failure.Kind.NOT_FOUND, "account", "no such account"))
        : hasher.hash(newPassword)
          .compose(hash -> accounts.updatePasswordHash(found.get().id(), hash))
          .compose(v -> tokens.endAllSessions(found.get().id())));
  }

  /** Checks an SMS code without using it up; wrong tries count against the code's attempts. */
  public Future<Void> checkVerificationCode(String mobile, String code) {
    try {
      AccountFormats.requireMobile(mobile, "mobile");
      requireCode(code);
    } catch (Failure f) {
      return Future.failedFuture(f);
    }
    return smsCodes.check(mobile, code);
  }

  /**
   * Succeeds when no account has {@code mobile}, fails with {@link Failure.Kind#CONFLICT} when one
   * does. Every such question counts against the client address in the login throttle, since the
   * answer tells whether a number is registered.
   */
  public Future<Void> requireMobileFree(String mobile, String clientAddress) {
    try {
      AccountFormats.requireMobile(mobile, "mobile");
    } catch (Failure f) {
      return Future.failedFuture(f);
    }
    String throttleKey = "mobile-lookup:" + mobile;
    // Each question takes a try, as a wrong password would: never given back.
    return throttle.acquire(throttleKey, clientAddress)
      .compose(v -> accounts.findBy(Login.MOBILE, mobile))
      .compose(found -> found.isPresent()
        ? Future.failedFuture(Failure.about(Failure.Kind.CONFLICT, "phonenumber", "mobile registered"))
        : Future.succeededFuture());
  }

  /**
   * Sets the owner's profile fields named in {@code values} (WIRE.md §3.1) and leaves the others as they
   * are. All or nothing: a name that is no editable field (uid, phonenumber, mailaddress and
   * register_time are not), a value that is not a string or a number, or one over its field's limit
   * fails with an invalid-parameter failure naming it, and nothing is stored. Null or empty clears.
   */
  public Future<Void> updateProfileFields(String uid, JsonObject values) {
    Map<ProfileField, String> checked = new EnumMap<>(ProfileField.class);
    try {
      for (Map.Entry<String, Object> entry : values) {
        ProfileField field = ProfileField.named(entry.getKey())
          .orElseThrow(() -> Failure.invalid(entry.getKey()));
        Object value = entry.getValue();
        if (value != null && !(value instanceof String) && !(value instanceof Number)) {
          throw Failure.invalid(entry.getKey());
        }
        checked.put(field, field.check(value == null ? null : value.toString()));
      }
    } catch (Failure f) {
      return Future.failedFuture(f);
    }
    return account(uid).compose(a -> accounts.updateProfileFields(uid, checked));
  }

  /**
   * Binds {@code newMobile} to the account named by {@code mobile} and/or {@code accountId}, in the
   * order of checks of WIRE.md §1: the account, then the access token, then the new number.
   */
  public Future<Void> bindMobile(MobileBinding b) {
    Future<Optional<Account>> byMobile = b.mobile() == null ? Future.succeededFuture(Optional.empty())
      : accounts.findBy(Login.MOBILE, b.mobile());
    return byMobile.compose(mobileOwner -> {
      if (b.mobile() != null && mobileOwner.isEmpty()) {
        return Future.failedFuture(Failure.about(Failure.Kind.NOT_FOUND, "mobile", "mobile names no account"));
      }
      if (mobileOwner.isPresent() && b.accountId() != null && !mobileOwner.get().id().equals(b.accountId())) {
        return Future.failedFuture(Failure.about(Failure.Kind.CONFLICT, "accountID", "mobile and accountID differ"));
      }
      if (mobileOwner.isPresent()) {
        return Future.succeededFuture(mobileOwner.get());
      }
      return accounts.find(b.accountId()).compose(byId -> byId.isPresent() ? Future.succeededFuture(byId.get())
        : Future.failedFuture(Failure.about(Failure.Kind.NOT_FOUND, "accountID", "no such account")));
    }).compose(account -> tokens.authenticate(b.accessToken())
      .recover(t -> Future.failedFuture(t instanceof Failure f && f.kind() == Failure.Kind.TOKEN_EXPIRED ? f
        : Failure.about(Failure.Kind.UNAUTHORIZED, "accessToken", "access token not live")))
      .compose(principal -> principal.uid().equals(account.id()) ? Future.succeededFuture(account)
        : Future.failedFuture(Failure.about(Failure.Kind.UNAUTHORIZED, "accessToken", "token of another account")))
    ).compose(account -> accounts.findBy(Login.MOBILE, b.newMobile()).compose(owner -> owner.isPresent()
      ? Future.failedFuture(Failure.about(Failure.Kind.CONFLICT, "newmobile", "mobile already bound"))
      : accounts.updateMobile(account.id(), b.newMobile())));
  }

  public Future<Account> account(String uid) {
    return accounts.find(uid).compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
      : Future.failedFuture(Failure.about(Failure.Kind.NOT_FOUND, "account", "no such account")));
  }

  /** Saves the profile of the caller's own account; the avatar URL in it becomes the account's avatar. */
  public Future<Void> saveProfile(Principal who, String userId, JsonObject profile) {
    if (!who.uid().equals(userId)) {
      return Future.failedFuture(Failure.of(Failure.Kind.FORBIDDEN, "a profile is written by its owner only"));
    }
    String encoded;
    try {
      encoded = AccountFormats.requireBytes(profile.encode(), AccountFormats.PROFILE_MAX_BYTES, "profile");
      AccountFormats.requireLength(profile.getValue("avatar_url") instanceof String url ? url : null,
        ProfileField.IMG.maxLength(), "avatar_url");
    } catch (Failure f) {
      return Future.failedFuture(f);
    }
    return account(userId).compose(account ->
      accounts.updateProfile(userId, encoded, profile.getString("avatar_url", account.avatarUrl())));
  }

  /**
   * The stored profile (empty when none was saved), with the account's current avatar, as {@code viewer}
   * may see it: whole for its owner, the public fields for anyone else ({@link ProfileVisibility}).
   */
  public Future<JsonObject> profile(Principal viewer, String userId) {
    return profile(userId).map(p -> ProfileVisibility.as(viewer.uid(), userId, p));
  }

  private Future<JsonObject> profile(String userId) {
    return account(userId).map(account -> {
      JsonObject profile = account.profile() == null ? new JsonObject().put("user_id", userId)
        : new JsonObject(account.profile());
      if (account.avatarUrl() != null) {
        profile.put("avatar_url", account.avatarUrl());
      }
      return profile;
    });
  }

  public Future<Void> setAvatar(String uid, String url) {
    if (url != null && url.length() > ProfileField.IMG.maxLength()) {
      // the URL is built from the request's Host header (when no public base URL is configured)
      return Future.failedFuture(Failure.invalid("avatar"));
    }
    return accounts.updateAvatar(uid, url);
  }

  private static void requireCode(String code) {
    if (code == null || code.isBlank()) {
      throw Failure.invalid("verificationcode");
    }
  }

  private static String newId() {
    char[] id = new char[26];
    for (int i = 0; i < id.length; i++) {
      id[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
    }
    return new String(id);
  }
}
