package io.mmfile.api.srv;

import io.mmfile.platform.Failure;

/** The srv error codes (WIRE.md §3) and the one table from domain failures to them. */
public final class SrvError {
  public static final String OK = "0";
  public static final String TOKEN_INVALID = "5";
  public static final String BAD_PARAMETERS = "12";
  public static final String IMAGE_EMPTY = "19";

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
        case "file" -> IMAGE_EMPTY;
        case "file length" -> "18";
        default -> BAD_PARAMETERS;
      };
      case EMPTY_BODY, MALFORMED_BODY -> BAD_PARAMETERS;
      case FORBIDDEN -> TOKEN_INVALID;
      case SQL_UNAVAILABLE, REDIS_UNAVAILABLE, STORE_FAILED, OVERLOADED, ABORTED, BAD_SIGNATURE -> "50";
    };
  }

  /** token_status for a failed authentication: 1 = refresh it, 2 = log in again. */
  public static String tokenStatus(Failure f) {
    return f.kind() == Failure.Kind.TOKEN_EXPIRED ? "1" : "2";
  }
}
