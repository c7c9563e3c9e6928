package io.mmfile.api.daoke;

import io.mmfile.platform.Failure;

/** The daoke error codes and their exact messages (WIRE.md §1 "Envelope"). */
public enum DaokeError {
  APP_KEY("ME01002", "appKey error"),
  TOKEN_NOT_MATCHED("ME01003", "access token not matched"),
  TOKEN_EXPIRED("ME01004", "access token expired"),
  BAD_JSON("ME01006", "error json data!"),
  SIGN("ME01019", "sign is not match!"),
  MYSQL("ME01020", "mysql failed!"),
  REDIS("ME01021", "redis failed!"),
  INTERNAL("ME01022", "internal data error!"),
  /** The message names the parameter: {@code length is error!}. */
  PARAMETER("ME01023", "%s is error!"),
  EMPTY_BODY("ME01024", "http body is null!"),
  ACCOUNT_NOT_IN_SERVICE("ME18060", "accountID is not in service!"),
  MOBILE_NOT_AUTHORIZED("ME18068", "user mobile hasn't authorization!"),
  MOBILE_REGISTERED("ME18916", "mobile already registered!"),
  MOBILE_BOUND("ME18917", "mobile already binded"),
  MOBILE_ACCOUNT_MISMATCH("ME18918", "mobile and accountID is not match"),
  IMAGE_FORMAT("ME24601", "image format error!"),
  SAVE_FAILED("ME24700", "save file to dfs failed!");

  private final String code;
  private final String message;

  DaokeError(String code, String message) {
    this.code = code;
    this.message = message;
  }

  public String code() {
    return code;
  }

  public String message(String parameter) {
    return this == PARAMETER ? String.format(message, parameter) : message;
  }

  /** The one table from domain failures to daoke codes. */
  public static DaokeError of(Failure failure) {
    return switch (failure.kind()) {
      case INVALID_PARAMETER -> PARAMETER;
      case EMPTY_BODY -> EMPTY_BODY;
      case MALFORMED_BODY -> BAD_JSON;
      case UNAUTHORIZED -> "accessToken".equals(failure.parameter()) ? TOKEN_NOT_MATCHED : APP_KEY;
      case TOKEN_EXPIRED -> TOKEN_EXPIRED;
      case SESSION_REPLACED, FORBIDDEN -> TOKEN_NOT_MATCHED;
      case WRONG_PASSWORD, PASSWORD_NOT_SET, CODE_WRONG, CODE_EXPIRED, RATE_LIMITED -> INTERNAL;
      case BAD_SIGNATURE -> SIGN;
      case UNSUPPORTED_CONTENT -> IMAGE_FORMAT;
      case SQL_UNAVAILABLE -> MYSQL;
      case REDIS_UNAVAILABLE -> REDIS;
      case STORE_FAILED, OVERLOADED, ABORTED -> SAVE_FAILED;
      case NOT_FOUND -> switch (String.valueOf(failure.parameter())) {
        case "mobile" -> MOBILE_NOT_AUTHORIZED;
        case "accountID" -> ACCOUNT_NOT_IN_SERVICE;
        default -> INTERNAL;
      };
      case CONFLICT -> switch (String.valueOf(failure.parameter())) {
        case "accountID" -> MOBILE_ACCOUNT_MISMATCH;
        case "newmobile" -> MOBILE_BOUND;
        default -> MOBILE_REGISTERED;
      };
    };
  }
}
