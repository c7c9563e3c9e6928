package io.mmfile.accounts;

import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * Who sees which profile fields. The owner sees the whole profile; everyone else only the fields a
 * designer's public page is for (seed 003: name, team, experience, introduction, trade and the works).
 * Legal name, gender, contact mobile, identity number, and any field the seed does not name, are the
 * owner's alone: a field is public only when it is listed here.
 */
public final class ProfileVisibility {
  static final Set<String> PUBLIC = Set.of("user_id", "avatar_url", "username", "team_name", "user_type",
    "work_experience", "desc", "industry", "type", "work_list");

  private ProfileVisibility() {
  }

  /** The profile as {@code viewerId} may see it; a new object, the stored one is left alone. */
  public static JsonObject as(String viewerId, String ownerId, JsonObject profile) {
    if (ownerId.equals(viewerId)) {
      return profile;
    }
    JsonObject visible = new JsonObject();
    for (String field : profile.fieldNames()) {
      if (PUBLIC.contains(field)) {
        visible.put(field, profile.getValue(field));
      }
    }
    return visible;
  }
}
