package io.mmfile.api.weidu;

import io.mmfile.platform.Failure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The weidu profile's shape (WIRE.md §2, seed 003): which fields are strings, ints and bools, down to
 * {@code work_list[].file_infos[]}. Fields it does not know are kept as sent; a known field of the
 * wrong type is refused naming its path, e.g. {@code work_list[0].file_infos[1].size}.
 */
final class WeiduProfile {
  private enum Type { STRING, INT, BOOL }

  private static final Map<String, Type> PROFILE = Map.ofEntries(
    Map.entry("user_id", Type.STRING), Map.entry("avatar_url", Type.STRING), Map.entry("username", Type.STRING),
    Map.entry("real_name", Type.STRING), Map.entry("team_name", Type.STRING), Map.entry("gender", Type.INT),
    Map.entry("user_type", Type.INT), Map.entry("work_experience", Type.STRING), Map.entry("mobile", Type.STRING),
    Map.entry("identity_number", Type.STRING), Map.entry("desc", Type.STRING), Map.entry("industry", Type.INT),
    Map.entry("type", Type.INT));
  private static final Map<String, Type> WORK = Map.of(
    "id", Type.STRING, "user_id", Type.STRING, "name", Type.STRING, "type", Type.INT, "belong_type", Type.INT,
    "link", Type.STRING);
  private static final Map<String, Type> FILE_INFO = Map.ofEntries(
    Map.entry("id", Type.STRING), Map.entry("user_id", Type.STRING), Map.entry("path", Type.STRING),
    Map.entry("preview_path", Type.STRING), Map.entry("name", Type.STRING), Map.entry("extension", Type.STRING),
    Map.entry("size", Type.INT), Map.entry("mime_type", Type.STRING), Map.entry("width", Type.INT),
    Map.entry("height", Type.INT), Map.entry("has_pre_img", Type.BOOL));

  private WeiduProfile() {
  }

  /** Checks the profile in place; throws an invalid-parameter failure naming the first bad field. */
  static void check(JsonObject profile) {
    if (!(profile.getValue("user_id") instanceof String id) || id.isBlank()) {
      throw Failure.invalid("user_id");
    }
    fields(profile, PROFILE, "");
    Object works = profile.getValue("work_list");
    if (works == null) {
      return;
    }
    if (!(works instanceof JsonArray list)) {
      throw Failure.invalid("work_list");
    }
    for (int i = 0; i < list.size(); i++) {
      String path = "work_list[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject work)) {
        throw Failure.invalid(path);
      }
      fields(work, WORK, path + ".");
      Object infos = work.getValue("file_infos");
      if (infos == null) {
        continue;
      }
      if (!(infos instanceof JsonArray files)) {
        throw Failure.invalid(path + ".file_infos");
      }
      for (int j = 0; j < files.size(); j++) {
        String filePath = path + ".file_infos[" + j + "]";
        if (!(files.getValue(j) instanceof JsonObject info)) {
          throw Failure.invalid(filePath);
        }
        fields(info, FILE_INFO, filePath + ".");
      }
    }
  }

  private static void fields(JsonObject object, Map<String, Type> types, String prefix) {
    for (Map.Entry<String, Type> field : types.entrySet()) {
      Object value = object.getValue(field.getKey());
      if (value != null && !matches(value, field.getValue())) {
        throw Failure.invalid(prefix + field.getKey());
      }
    }
  }

  private static boolean matches(Object value, Type type) {
    return switch (type) {
      case STRING -> value instanceof String;
      case BOOL -> value instanceof Boolean;
      case INT -> value instanceof Integer || value instanceof Long
        || (value instanceof Number n && !(value instanceof Double || value instanceof Float)
        && n.doubleValue() == Math.rint(n.doubleValue()));
    };
  }
}
