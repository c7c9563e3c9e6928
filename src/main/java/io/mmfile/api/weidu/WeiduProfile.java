package io.mmfile.api.weidu;

import io.mmfile.accounts.AccountFormats;
import io.mmfile.accounts.ProfileField;
import io.mmfile.platform.Failure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * The weidu profile's shape (WIRE.md §2, seed 003): which fields are strings, ints and bools, down to
 * {@code work_list[].file_infos[]}, and how long each string may be. Fields it does not know are kept as
 * sent (the whole profile is bounded by {@link AccountFormats#PROFILE_MAX_BYTES}); a known field of the
 * wrong type or over its length is refused naming its path, e.g. {@code work_list[0].file_infos[1].size}.
 */
final class WeiduProfile {
  private enum Type { STRING, INT, BOOL }

  /** A field's JSON type and, for strings, its longest value (limits declared in {@link AccountFormats}). */
  private record Field(Type type, int max) {
    static Field text(int max) {
      return new Field(Type.STRING, max);
    }
  }

  private static final Field TEXT = Field.text(AccountFormats.PROFILE_TEXT_MAX);
  private static final Field LONG_TEXT = Field.text(AccountFormats.PROFILE_LONG_TEXT_MAX);
  /** A 32-bit integer, as the seed's Go structs declare them. */
  private static final Field INT = new Field(Type.INT, 0);
  private static final Field BOOL = new Field(Type.BOOL, 0);

  private static final Map<String, Field> PROFILE = Map.ofEntries(
    Map.entry("user_id", Field.text(AccountFormats.ID_MAX)), Map.entry("avatar_url", Field.text(ProfileField.IMG.maxLength())),
    Map.entry("username", TEXT), Map.entry("real_name", TEXT), Map.entry("team_name", TEXT), Map.entry("gender", INT),
    Map.entry("user_type", INT), Map.entry("work_experience", LONG_TEXT), Map.entry("mobile", TEXT),
    Map.entry("identity_number", TEXT), Map.entry("desc", LONG_TEXT), Map.entry("industry", INT),
    Map.entry("type", INT));
  private static final Map<String, Field> WORK = Map.of(
    "id", TEXT, "user_id", TEXT, "name", TEXT, "type", INT, "belong_type", INT, "link", TEXT);
  private static final Map<String, Field> FILE_INFO = Map.ofEntries(
    Map.entry("id", TEXT), Map.entry("user_id", TEXT), Map.entry("path", TEXT),
    Map.entry("preview_path", TEXT), Map.entry("name", TEXT), Map.entry("extension", TEXT),
    Map.entry("size", INT), Map.entry("mime_type", TEXT), Map.entry("width", INT),
    Map.entry("height", INT), Map.entry("has_pre_img", BOOL));

  private WeiduProfile() {
  }

  /** Decodes and checks a request body; throws a failure (empty, not a JSON object, a bad field) otherwise. */
  static JsonObject parse(Buffer body) {
    if (body == null || body.length() == 0) {
      throw Failure.of(Failure.Kind.EMPTY_BODY, "body is empty");
    }
    Object json;
    try {
      json = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw Failure.of(Failure.Kind.MALFORMED_BODY, "body is not JSON");
    }
    if (!(json instanceof JsonObject profile)) {
      throw Failure.of(Failure.Kind.MALFORMED_BODY, "body is not a JSON object");
    }
    check(profile);
    return profile;
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

  private static void fields(JsonObject object, Map<String, Field> types, String prefix) {
    for (Map.Entry<String, Field> field : types.entrySet()) {
      Object value = object.getValue(field.getKey());
      if (value != null && !matches(value, field.getValue())) {
        throw Failure.invalid(prefix + field.getKey());
      }
    }
  }

  private static boolean matches(Object value, Field field) {
    return switch (field.type()) {
      case STRING -> value instanceof String s && s.length() <= field.max();
      case BOOL -> value instanceof Boolean;
      case INT -> value instanceof Number n && !(n instanceof Double || n instanceof Float) && wholeInt(n);
    };
  }

  private static boolean wholeInt(Number n) {
    double d = n.doubleValue();
    return d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE;
  }
}
