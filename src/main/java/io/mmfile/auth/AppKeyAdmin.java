package io.mmfile.auth;

import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * App-key administration as every administrator's tool does it: the console, the command line and the
 * {@code /api/v1/app-keys} resources. Each change is written to the {@code mmfile.audit} log, naming who
 * made it and from where; an unknown or deleted key fails with {@link Failure.Kind#NOT_FOUND} about
 * {@code appKey}. The repository announces every change, so every node forgets the key at once.
 */
public final class AppKeyAdmin {
  private static final Logger AUDIT = LoggerFactory.getLogger("mmfile.audit");
  /** Longest name a key may be given (the console's and the API's limit). */
  public static final int NAME_MAX = 128;

  /** Who asks: a name for the audit log ({@code console}, {@code account …}) and the client address. */
  public record Actor(String name, String address) {
  }

  private final AppKeyRepository keys;
  private final Duration rotationOverlap;

  /** {@code rotationOverlap}: how long a replaced secret still works ({@code auth.app-key-rotation-overlap-minutes}). */
  public AppKeyAdmin(AppKeyRepository keys, Duration rotationOverlap) {
    this.keys = keys;
    this.rotationOverlap = rotationOverlap;
  }

  /** Every key that is not deleted, oldest first. */
  public Future<List<AppKey>> list() {
    return keys.list();
  }

  public Future<AppKey> find(String appKey) {
    if (!AppKey.wellFormed(appKey)) {
      return Future.failedFuture(notFound());
    }
    return keys.find(appKey).map(found -> found.orElseThrow(AppKeyAdmin::notFound));
  }

  /** A new key named {@code name} (trimmed, 1 to {@link #NAME_MAX} characters); its secret is in the answer only. */
  public Future<AppKey> create(String name, Actor actor) {
    String trimmed = name == null ? "" : name.trim();
    if (trimmed.isEmpty() || trimmed.length() > NAME_MAX) {
      return Future.failedFuture(Failure.about(Failure.Kind.INVALID_PARAMETER, "name",
        "a name is 1 to " + NAME_MAX + " characters"));
    }
    return keys.create(trimmed).onSuccess(key -> audit(actor, "create app key", key.appKey() + " (" + trimmed + ")"));
  }

  public Future<AppKey> disable(String appKey, Actor actor) {
    return changed(appKey, keys::disable, actor, "disable app key");
  }

  public Future<AppKey> enable(String appKey, Actor actor) {
    return changed(appKey, keys::enable, actor, "enable app key");
  }

  /** A new secret, in the answer only; the replaced one works for the configured overlap. */
  public Future<AppKey> rotate(String appKey, Actor actor) {
    return rotate(appKey, rotationOverlap, actor);
  }

  /** As {@link #rotate(String, Actor)} with an overlap of its own (the command line's {@code --overlap-minutes}). */
  public Future<AppKey> rotate(String appKey, Duration overlap, Actor actor) {
    if (!AppKey.wellFormed(appKey)) {
      return Future.failedFuture(notFound());
    }
    return keys.rotate(appKey, overlap).map(rotated -> {
      AppKey key = rotated.orElseThrow(AppKeyAdmin::notFound);
      audit(actor, "rotate app key secret", appKey);
      return key;
    });
  }

  /** Deletes a key for good: its requests fail, its files stay readable, its number is never reused. */
  public Future<Void> delete(String appKey, Actor actor) {
    if (!AppKey.wellFormed(appKey)) {
      return Future.failedFuture(notFound());
    }
    return keys.delete(appKey).map(found -> {
      if (!found) {
        throw notFound();
      }
      audit(actor, "delete app key", appKey);
      return null;
    });
  }

  private Future<AppKey> changed(String appKey, Function<String, Future<Boolean>> change, Actor actor, String what) {
    if (!AppKey.wellFormed(appKey)) {
      return Future.failedFuture(notFound());
    }
    return change.apply(appKey).compose(found -> {
      if (!found) {
        return Future.failedFuture(notFound());
      }
      audit(actor, what, appKey);
      return find(appKey);
    });
  }

  /** One line per change, as the console always wrote them: {@code console disable app key: 123 (from 10.0.0.7)}. */
  public static void audit(Actor actor, String action, String target) {
    AUDIT.info("{} {}: {} (from {})", actor.name(), action, target, actor.address());
  }

  private static Failure notFound() {
    return Failure.about(Failure.Kind.NOT_FOUND, "appKey", "no such app key");
  }
}
