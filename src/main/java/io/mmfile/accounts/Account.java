package io.mmfile.accounts;

import java.util.Map;

/**
 * One account, whatever dialect it is reached through: the srv {@code uid}, the weidu {@code user_id}
 * and the daoke {@code accountID} are all {@link #id()}. {@code profile} is the weidu profile as JSON;
 * {@code profileFields} are the owner's personal fields (srv's, WIRE.md §3.1) that have a value,
 * the avatar ({@link ProfileField#IMG}, also {@link #avatarUrl()}) included.
 */
public record Account(String id, String username, String mobile, String email, String passwordHash,
                      String registerSource, String registerData, String avatarUrl, String profile,
                      long createdMs, long updatedMs, Map<ProfileField, String> profileFields) {

  public Account {
    profileFields = Map.copyOf(profileFields);
  }

  /** The field's value, or null when it is unset. */
  public String field(ProfileField field) {
    return profileFields.get(field);
  }
}
