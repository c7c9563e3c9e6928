package io.mmfile.accounts;

import io.mmfile.platform.Failure;

import java.util.regex.Pattern;

/** What a mobile number, an email, a username and a password must look like. */
public final class AccountFormats {
  /** WIRE.md §1: 11 digits starting with 1. */
  private static final Pattern MOBILE = Pattern.compile("1[0-9]{10}");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}");
  /** Starts with a letter, so that it can never be mistaken for a mobile number. */
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{2,63}");
  public static final int PASSWORD_MIN = 6;
  public static final int PASSWORD_MAX = 64;

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
    if (value == null || value.length() > 254 || !EMAIL.matcher(value).matches()) {
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
}
