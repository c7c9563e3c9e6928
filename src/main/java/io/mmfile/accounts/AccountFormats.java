package io.mmfile.accounts;

import io.mmfile.platform.Failure;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * What every account field must look like, and how long it may be: the one place these limits are
 * declared. Dialects check the fields they read against them, the capability checks again before it
 * stores anything, and the columns (migrations V2 to V4) are at least as wide on MariaDB and on H2.
 * Lengths are in characters (UTF-16 units, never fewer than MariaDB's utf8mb4 characters) unless the
 * name says bytes; a value over its limit is an invalid parameter naming the field.
 */
public final class AccountFormats {
  /** WIRE.md §1: 11 digits starting with 1. */
  private static final Pattern MOBILE = Pattern.compile("1[0-9]{10}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}");
  /** Starts with a letter, so that it can never be mistaken for a mobile number. */
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{2,63}");

  public static final int PASSWORD_MIN = 6;
  public static final int PASSWORD_MAX = 64;
  /** accounts.id, VARCHAR(32); ids are 26 characters. */
  public static final int ID_MAX = 32;
  /** accounts.username, VARCHAR(64). */
  public static final int USERNAME_MAX = 64;
  /** accounts.mobile, VARCHAR(20); a valid number has 11 digits. */
  public static final int MOBILE_MAX = 20;
  /** accounts.email, VARCHAR(254) (RFC 5321's longest path). */
  public static final int EMAIL_MAX = 254;
  /** An SMS verification code as typed; codes sent are 6 digits. */
  public static final int VERIFICATION_CODE_MAX = 16;
  /** accounts.register_source, VARCHAR(64). */
  public static final int REGISTER_SOURCE_MAX = 64;
  /** accounts.register_data as encoded JSON, TEXT: 65,535 bytes on MariaDB, so half that. */
  public static final int REGISTER_DATA_MAX_BYTES = 32 * 1024;
  /** accounts.profile as encoded JSON, MEDIUMTEXT (16 MiB on MariaDB): the weidu body limit. */
  public static final int PROFILE_MAX_BYTES = 1024 * 1024;
  /** A string inside the weidu profile: a name, a link, a path, an id. */
  public static final int PROFILE_TEXT_MAX = 1024;
  /** The weidu profile's free texts ({@code desc}, {@code work_experience}). */
  public static final int PROFILE_LONG_TEXT_MAX = 16 * 1024;
  /** A client's platform id, version, channel or client id: never stored, short in every client. */
  public static final int CLIENT_VALUE_MAX = 64;
  /** An access token, refresh token, authorization code or app secret as sent by a client. */
  public static final int TOKEN_MAX = 2048;

  private AccountFormats() {
  }

  public static boolean mobile(String value) {
    return value != null && MOBILE.matcher(value).matches();
  }

  public static String requireMobile(String value, String parameter) {
    if (!mobile(value)) {
      throw Failure.invalid(parameter);
    }
    return value;
  }

  public static String requireEmail(String value) {
    if (value == null || value.length() > EMAIL_MAX || !EMAIL.matcher(value).matches()) {
      throw Failure.invalid("email");
    }
    return value.toLowerCase(java.util.Locale.ROOT);
  }

  public static String requireUsername(String value) {
    if (value == null || !USERNAME.matcher(value).matches()) {
      throw Failure.invalid("username");
    }
    return value;
  }

  public static String requirePassword(String value) {
    if (value == null || value.length() < PASSWORD_MIN || value.length() > PASSWORD_MAX) {
      throw Failure.invalid("password");
    }
    return value;
  }

  /** {@code value} (null passes) of at most {@code max} characters, else invalid {@code parameter}. */
  public static String requireLength(String value, int max, String parameter) {
    if (value != null && value.length() > max) {
      throw Failure.invalid(parameter);
    }
    return value;
  }

  /** {@code value} (null passes) of at most {@code maxBytes} bytes in UTF-8, else invalid {@code parameter}. */
  public static String requireBytes(String value, int maxBytes, String parameter) {
    // a character is at most 3 UTF-8 bytes per UTF-16 unit: skip the encoding for short values
    if (value != null && (long) value.length() * 3 > maxBytes
      && value.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
      throw Failure.invalid(parameter);
    }
    return value;
  }
}
