package io.mmfile.auth;

import java.util.regex.Pattern;

/** A registered client application: the daoke {@code appKey} and the secret its requests are signed with. */
public record AppKey(String appKey, String secret, String name, boolean enabled, long createdMs) {
  /** WIRE.md §1: an appKey is digits only, at most 10 characters. */
  private static final Pattern FORMAT = Pattern.compile("[0-9]{1,10}");

  public static boolean wellFormed(String appKey) {
    return appKey != null && FORMAT.matcher(appKey).matches();
  }
}
