package io.mmfile.auth;

import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** App keys in SQL. Lookups are per request, so they go through {@link AppKeyCache}. */
public final class AppKeyRepository {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Pool pool;

  public AppKeyRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<AppKey>> find(String appKey) {
    return pool.preparedQuery("SELECT app_key, secret, name, enabled, created_ms FROM app_keys WHERE app_key = ?")
      .execute(Tuple.of(appKey))
      .map(rows -> rows.size() == 0 ? Optional.<AppKey>empty() : Optional.of(toAppKey(rows.iterator().next())))
      .recover(Failure::sql);
  }

  public Future<List<AppKey>> list() {
    return pool.query("SELECT app_key, secret, name, enabled, created_ms FROM app_keys ORDER BY created_ms")
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
    AppKey key = new AppKey(randomAppKey(), randomSecret(), name, true, System.currentTimeMillis());
    return pool.preparedQuery("INSERT INTO app_keys (app_key, secret, name, enabled, created_ms) VALUES (?, ?, ?, ?, ?)")
      .execute(Tuple.of(key.appKey(), key.secret(), key.name(), 1, key.createdMs()))
      .map(key)
      .recover(Failure::sql);
  }

  /** Disables a key; the answer says whether it existed. */
  public Future<Boolean> disable(String appKey) {
    return pool.preparedQuery("UPDATE app_keys SET enabled = 0 WHERE app_key = ?")
      .execute(Tuple.of(appKey))
      .map(result -> result.rowCount() > 0)
      .recover(Failure::sql);
  }

  public Future<Long> count() {
    return pool.query("SELECT COUNT(*) FROM app_keys").execute()
      .map(rows -> rows.iterator().next().getLong(0))
      .recover(Failure::sql);
  }

  private static AppKey toAppKey(Row row) {
    return new AppKey(row.getString(0), row.getString(1), row.getString(2),
      row.getInteger(3) != 0, row.getLong(4));
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
