package io.mmfile.accounts;

/**
 * One account, whatever dialect it is reached through: the srv {@code uid}, the weidu {@code user_id}
 * and the daoke {@code accountID} are all {@link #id()}. {@code profile} is the weidu profile as JSON.
 */
public record Account(String id, String username, String mobile, String email, String passwordHash,
                      String registerSource, String registerData, String avatarUrl, String profile,
                      long createdMs, long updatedMs) {
}
