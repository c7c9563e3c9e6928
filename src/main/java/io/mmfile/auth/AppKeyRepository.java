package io.mmfile.auth;

import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * App keys in SQL, with their life cycle: create, disable, enable, rotate, delete. Lookups are per
 * request, so they go through {@link AppKeyCache}; every committed change is announced through
 * {@link AppKeyChanges}, so that the caches of all nodes drop the key. Deleted keys keep a row (see the
 * V5 migration) and are invisible to every method but {@link #count()}.
 */
public final class AppKeyRepository {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String COLUMNS =
    "app_key, secret, name, enabled, created_ms, previous_secret, previous_secret_until_ms";

  private final Pool pool;
  private final Clock clock;
  private final AppKeyChanges changes;

  public AppKeyRepository(Pool pool) {
    this(pool, Clock.systemUTC(), AppKeyChanges.local());
  }

  public AppKeyRepository(Pool pool, Clock clock, AppKeyChanges changes) {
    this.pool = pool;
    this.clock = clock;
    this.changes = changes;
  }

  /** The key named {@code appKey}, enabled or not; empty when unknown or deleted. */
  public Future<Optional<AppKey>> find(String appKey) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM app_keys WHERE app_key = ? AND deleted_ms IS NULL")
      .execute(Tuple.of(appKey))
      .map(rows -> rows.size() == 0 ? Optional.<AppKey>empty() : Optional.of(toAppKey(rows.iterator().next())))
      .recover(Failure::sql);
  }

  public Future<List<AppKey>> list() {
    return pool.query("SELECT " + COLUMNS + " FROM app_keys WHERE deleted_ms IS NULL ORDER BY created_ms")
      .execute()
      .map(rows -> {
        List<AppKey> keys = new ArrayList<>();
        rows.forEach(row -> keys.add(toAppKey(row)));
        return keys;
      })
      .recover(Failure::sql);
  }

  /** Creates a key with a fresh random 10-digit appKey and a 40-character secret. */
  public Future<AppKey> create(String name) {
    AppKey key = new AppKey(randomAppKey(), randomSecret(), name, true, clock.millis());
    return pool.preparedQuery("INSERT INTO app_keys (app_key, secret, name, enabled, created_ms) VALUES (?, ?, ?, ?, ?)")
      .execute(Tuple.of(key.appKey(), key.secret(), key.name(), 1, key.createdMs()))
      .map(key)
      .recover(Failure::sql);
  }

  /** Disables a key; the answer says whether it exists. */
  public Future<Boolean> disable(String appKey) {
    return setEnabled(appKey, false);
  }

  /** Enables a disabled key again, with the secrets it had; the answer says whether it exists. */
  public Future<Boolean> enable(String appKey) {
    return setEnabled(appKey, true);
  }

  /**
   * Gives a key a new secret. The replaced secret stays valid for {@code overlap} (a second rotation
   * within it ends the first secret at once: only one previous secret is kept). Empty when the key
   * does not exist.
   */
  public Future<Optional<AppKey>> rotate(String appKey, Duration overlap) {
    // previous_secret is assigned before secret: MySQL evaluates single-table SET clauses left to right
    // with the values already assigned, H2 with the old row; in this order both read the old secret.
    return pool.preparedQuery("UPDATE app_keys SET previous_secret = secret, previous_secret_until_ms = ?, secret = ?"
        + " WHERE app_key = ? AND deleted_ms IS NULL")
      .execute(Tuple.of(clock.millis() + overlap.toMillis(), randomSecret(), appKey))
      .compose(result -> result.rowCount() == 0 ? Future.succeededFuture(Optional.<AppKey>empty())
        : changes.announce(appKey).compose(v -> find(appKey)))
      .recover(Failure::sql);
  }

  /**
   * Deletes a key: its requests fail from then on (within the cache time), the files uploaded with it
   * stay readable, and its appKey is never reused. The answer says whether it existed.
   */
  public Future<Boolean> delete(String appKey) {
    return pool.preparedQuery("UPDATE app_keys SET deleted_ms = ?, enabled = 0, secret = ?, previous_secret = NULL,"
        + " previous_secret_until_ms = NULL WHERE app_key = ? AND deleted_ms IS NULL")
      .execute(Tuple.of(clock.millis(), randomSecret(), appKey))
      .map(result -> result.rowCount() > 0)
      .compose(found -> announced(appKey, found))
      .recover(Failure::sql);
  }

  /** Keys ever created, deleted ones included (so a deleted demo key is not made again). */
  public Future<Long> count() {
    return pool.query("SELECT COUNT(*) FROM app_keys").execute()
      .map(rows -> rows.iterator().next().getLong(0))
      .recover(Failure::sql);
  }

  private Future<Boolean> setEnabled(String appKey, boolean enabled) {
    return pool.preparedQuery("UPDATE app_keys SET enabled = ? WHERE app_key = ? AND deleted_ms IS NULL")
      .execute(Tuple.of(enabled ? 1 : 0, appKey))
      .compose(result -> result.rowCount() > 0 ? Future.succeededFuture(true)
        // MySQL counts changed rows only: enabling an enabled key reports 0 rows, so look again.
        : find(appKey).map(Optional::isPresent))
      .compose(found -> announced(appKey, found))
      .recover(Failure::sql);
  }

  /** {@code found}, once the change to a key that exists has been announced. */
  private Future<Boolean> announced(String appKey, boolean found) {
    return found ? changes.announce(appKey).map(true) : Future.succeededFuture(false);
  }

  private static AppKey toAppKey(Row row) {
    Long until = row.getLong(6);
    return new AppKey(row.getString(0), row.getString(1), row.getString(2),
      row.getInteger(3) != 0, row.getLong(4), row.getString(5), until == null ? 0 : until);
  }

  private static String randomAppKey() {
    // Ten digits, the first non-zero, so the key keeps its length when read as a number.
    StringBuilder digits = new StringBuilder().append(1 + RANDOM.nextInt(9));
    for (int i = 1; i < 10; i++) {
      digits.append(RANDOM.nextInt(10));
    }
    return digits.toString();
  }

  private static String randomSecret() {
    byte[] bytes = new byte[20];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().withUpperCase().formatHex(bytes);
  }
}
