package io.mmfile.accounts;

import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.mysqlclient.MySQLException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.sql.SQLIntegrityConstraintViolationException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Accounts in SQL; the one place their SQL lives. */
public final class AccountRepository {
  /** MySQL/MariaDB's duplicate-key error. */
  private static final int DUPLICATE_KEY = 1062;
  private static final String COLUMNS = "id, username, mobile, email, password_hash, register_source, register_data, "
    + "avatar_url, profile, created_ms, updated_ms";
  /** The profile fields with a column of their own ({@link ProfileField#IMG} is {@code avatar_url}). */
  private static final List<ProfileField> OWN_COLUMNS = Arrays.stream(ProfileField.values())
    .filter(f -> f != ProfileField.IMG).toList();
  private static final String SELECTED = COLUMNS
    + OWN_COLUMNS.stream().map(f -> ", " + f.column()).collect(Collectors.joining());

  /** The columns an account can be found by. */
  public enum Login {
    USERNAME("username"), MOBILE("mobile"), EMAIL("email");

    final String column;

    Login(String column) {
      this.column = column;
    }
  }

  private final Pool pool;

  public AccountRepository(Pool pool) {
    this.pool = pool;
  }

  /** Fails with {@link Failure.Kind#CONFLICT} when the username, mobile or email is taken. */
  public Future<Void> insert(Account a) {
    return pool.preparedQuery("INSERT INTO accounts (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .execute(Tuple.from(new Object[] {a.id(), a.username(), a.mobile(), a.email(), a.passwordHash(),
        a.registerSource(), a.registerData(), a.avatarUrl(), a.profile(), a.createdMs(), a.updatedMs()}))
      .<Void>mapEmpty()
      .recover(t -> duplicate(t) ? Future.failedFuture(Failure.about(Failure.Kind.CONFLICT, "account", "account exists"))
        : Failure.sql(t));
  }

  public Future<Optional<Account>> find(String id) {
    return one("SELECT " + SELECTED + " FROM accounts WHERE id = ?", id);
  }

  public Future<Optional<Account>> findBy(Login login, String value) {
    return one("SELECT " + SELECTED + " FROM accounts WHERE " + login.column + " = ?", value);
  }

  public Future<Void> updatePasswordHash(String id, String hash) {
    return update("UPDATE accounts SET password_hash = ?, updated_ms = ? WHERE id = ?",
      Tuple.of(hash, System.currentTimeMillis(), id));
  }

  /** Fails with {@link Failure.Kind#CONFLICT} ("newmobile") when another account has the number. */
  public Future<Void> updateMobile(String id, String mobile) {
    return pool.preparedQuery("UPDATE accounts SET mobile = ?, updated_ms = ? WHERE id = ?")
      .execute(Tuple.of(mobile, System.currentTimeMillis(), id))
      .<Void>mapEmpty()
      .recover(t -> Future.failedFuture(duplicate(t) ? Failure.about(Failure.Kind.CONFLICT, "newmobile", "mobile bound")
        : Failure.wrap(t, Failure.Kind.SQL_UNAVAILABLE)));
  }

  public Future<Void> updateProfile(String id, String profile, String avatarUrl) {
    return update("UPDATE accounts SET profile = ?, avatar_url = ?, updated_ms = ? WHERE id = ?",
      Tuple.of(profile, avatarUrl, System.currentTimeMillis(), id));
  }

  /** Sets the given profile fields (a null value clears one) and leaves the others as they are. */
  public Future<Void> updateProfileFields(String id, Map<ProfileField, String> values) {
    if (values.isEmpty()) {
      return Future.succeededFuture();
    }
    // Column names come from the enum, never from the request.
    String assignments = values.keySet().stream().map(f -> f.column() + " = ?").collect(Collectors.joining(", "));
    Tuple args = Tuple.tuple();
    values.values().forEach(args::addValue);
    return update("UPDATE accounts SET " + assignments + ", updated_ms = ? WHERE id = ?",
      args.addLong(System.currentTimeMillis()).addString(id));
  }

  public Future<Void> updateAvatar(String id, String avatarUrl) {
    return update("UPDATE accounts SET avatar_url = ?, updated_ms = ? WHERE id = ?",
      Tuple.of(avatarUrl, System.currentTimeMillis(), id));
  }

  private Future<Void> update(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).<Void>mapEmpty().recover(Failure::sql);
  }

  private Future<Optional<Account>> one(String sql, String arg) {
    return pool.preparedQuery(sql).execute(Tuple.of(arg))
      .map(rows -> rows.size() == 0 ? Optional.<Account>empty() : Optional.of(toAccount(rows.iterator().next())))
      .recover(Failure::sql);
  }

  private static boolean duplicate(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof MySQLException e && e.getErrorCode() == DUPLICATE_KEY) {
        return true;
      }
      if (c instanceof SQLIntegrityConstraintViolationException) {
        return true;
      }
    }
    return false;
  }

  private static Account toAccount(Row r) {
    Map<ProfileField, String> fields = new EnumMap<>(ProfileField.class);
    if (r.getString(7) != null) {
      fields.put(ProfileField.IMG, r.getString(7));
    }
    int column = 11;
    for (ProfileField f : OWN_COLUMNS) {
      String value = r.getString(column++);
      if (value != null) {
        fields.put(f, value);
      }
    }
    return new Account(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
      r.getString(5), r.getString(6), r.getString(7), r.getString(8), r.getLong(9), r.getLong(10), fields);
  }
}
