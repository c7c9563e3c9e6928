package io.mmfile.api.srv;

import io.mmfile.platform.Failure;

import java.util.Map;

/** The srv error codes (WIRE.md §3) and the one table from domain failures to them. */
public final class SrvError {
  public static final String OK = "0";
  public static final String TOKEN_INVALID = "5";
  public static final String BAD_PARAMETERS = "12";
  public static final String IMAGE_EMPTY = "19";

  /** The {@code message} that goes with each code. */
  private static final Map<String, String> MESSAGES = Map.ofEntries(
    Map.entry(OK, "ok"), Map.entry("1", "verification code wrong"), Map.entry("2", "verification code expired"),
    Map.entry(TOKEN_INVALID, "token invalid"), Map.entry("7", "user not found"), Map.entry("8", "wrong password"),
    Map.entry("11", "bad authorization code"), Map.entry(BAD_PARAMETERS, "bad parameters"),
    Map.entry("14", "account exists"), Map.entry("15", "password not set"), Map.entry("18", "image format wrong"),
    Map.entry(IMAGE_EMPTY, "image empty"), Map.entry("26", "kicked"),
    Map.entry("30", "kicked out by a login on another device"), Map.entry("32", "bad password format"),
    Map.entry("34", "bad phone number format"), Map.entry("38", "too many requests"), Map.entry("50", "server error"));

  private SrvError() {
  }

  public static String of(Failure f) {
    return switch (f.kind()) {
      case CODE_WRONG -> "1";
      case CODE_EXPIRED -> "2";
      case UNAUTHORIZED, TOKEN_EXPIRED -> TOKEN_INVALID;
      case NOT_FOUND -> "7";
      case WRONG_PASSWORD -> "8";
      case CONFLICT -> "14";
      case PASSWORD_NOT_SET -> "15";
      case UNSUPPORTED_CONTENT -> "18";
      case SESSION_REPLACED -> "30";
      case RATE_LIMITED -> "38";
      case INVALID_PARAMETER -> switch (f.parameter()) {
        case "authorizationcode" -> "11";
        case "password", "newpassword" -> "32";
        case "mobile", "phonenumber" -> "34";
        case "file", "imgBase64" -> IMAGE_EMPTY;
        case "file length" -> "18";
        default -> BAD_PARAMETERS;
      };
      case EMPTY_BODY, MALFORMED_BODY -> BAD_PARAMETERS;
      case FORBIDDEN -> TOKEN_INVALID;
      case SQL_UNAVAILABLE, REDIS_UNAVAILABLE, STORE_FAILED, OVERLOADED, ABORTED, BAD_SIGNATURE -> "50";
    };
  }

  /** The short text for a code. */
  public static String message(String code) {
    return MESSAGES.getOrDefault(code, "");
  }

  /** What a bad-parameter answer names (the field at fault, e.g. {@code nickname}), else empty. */
  public static String reason(Failure f) {
    // a field of the wrong JSON type is a malformed body about that field
    return (f.kind() == Failure.Kind.INVALID_PARAMETER || f.kind() == Failure.Kind.MALFORMED_BODY)
      && f.parameter() != null ? f.parameter() : "";
  }

  /** token_status for a failed authentication: 1 = refresh it, 2 = log in again. */
  public static String tokenStatus(Failure f) {
    return f.kind() == Failure.Kind.TOKEN_EXPIRED ? "1" : "2";
  }
}
