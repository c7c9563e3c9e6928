package io.mmfile.accounts;

import io.mmfile.platform.Failure;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The personal fields of an account that its owner edits (WIRE.md §3.1), each with its column and the
 * longest value it takes. This is the one place those limits are declared: the migration's column
 * sizes match them, and every value is checked here before it is stored. {@link #IMG} is the
 * account's avatar, the same one weidu calls {@code avatar_url}.
 */
public enum ProfileField {
  ACCOUNTNAME("accountname", "account_name", 64, Format.TEXT),
  ADDRESS("address", "address", 255, Format.TEXT),
  AGE("age", "age", 3, Format.WHOLE_NUMBER),
  BIRTHDAY("birthday", "birthday", 32, Format.TEXT),
  IMG("img", "avatar_url", 1024, Format.URL),
  JOB("job", "job", 64, Format.TEXT),
  NICKNAME("nickname", "nickname", 64, Format.TEXT),
  REALNAME("realname", "real_name", 64, Format.TEXT),
  SEX("sex", "sex", 16, Format.TEXT),
  ZIPCODE("zipcode", "zipcode", 16, Format.TEXT),
  ZONE("zone", "zone", 64, Format.TEXT),
  WORKSTUDIO("workstudio", "work_studio", 128, Format.TEXT);

  /** What a value must look like besides its length. */
  public enum Format {
    /** Any text without control characters. */
    TEXT,
    /** Decimal digits only. */
    WHOLE_NUMBER,
    /** An absolute http or https URL. */
    URL
  }

  private static final Map<String, ProfileField> BY_NAME = Arrays.stream(values())
    .collect(Collectors.toUnmodifiableMap(ProfileField::fieldName, Function.identity()));
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

  private final String fieldName;
  private final String column;
  private final int maxLength;
  private final Format format;

  ProfileField(String fieldName, String column, int maxLength, Format format) {
    this.fieldName = fieldName;
    this.column = column;
    this.maxLength = maxLength;
    this.format = format;
  }

  /** The field's name, as srv sends it. */
  public String fieldName() {
    return fieldName;
  }

  /** The SQL column of {@code accounts} that holds it. */
  String column() {
    return column;
  }

  /** The longest value, in UTF-16 code units (never more characters than the column holds). */
  public int maxLength() {
    return maxLength;
  }

  public Format format() {
    return format;
  }

  public static Optional<ProfileField> named(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /**
   * The value to store: trimmed, null for an empty one (the field is cleared); fails with an
   * invalid-parameter failure naming the field when it is too long or of the wrong format.
   */
  public String check(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    boolean fits = v.length() <= maxLength && switch (format) {
      case TEXT -> !CONTROL.matcher(v).find();
      case WHOLE_NUMBER -> DIGITS.matcher(v).matches();
      case URL -> (v.startsWith("http://") || v.startsWith("https://")) && !CONTROL.matcher(v).find()
        && v.chars().noneMatch(Character::isWhitespace);
    };
    if (!fits) {
      throw Failure.invalid(fieldName);
    }
    return v;
  }
}
