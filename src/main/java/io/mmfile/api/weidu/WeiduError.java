package io.mmfile.api.weidu;

import io.mmfile.files.MultipartBody;
import io.mmfile.platform.Failure;

/** The weidu dialect's one table from domain failures to HTTP statuses and messages. */
final class WeiduError {
  private WeiduError() {
  }

  static int status(Failure f) {
    return switch (f.kind()) {
      case INVALID_PARAMETER -> switch (f.parameter()) {
        case "file length", MultipartBody.BODY_SIZE, MultipartBody.PARTS, MultipartBody.FIELDS, MultipartBody.FIELD_SIZE -> 413;
        default -> 400;
      };
      case EMPTY_BODY, MALFORMED_BODY, BAD_SIGNATURE, CODE_WRONG, CODE_EXPIRED -> 400;
      case UNAUTHORIZED, TOKEN_EXPIRED, SESSION_REPLACED, WRONG_PASSWORD, PASSWORD_NOT_SET -> 401;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case UNSUPPORTED_CONTENT -> 415;
      case RATE_LIMITED -> 429;
      case OVERLOADED, SQL_UNAVAILABLE, REDIS_UNAVAILABLE -> 503;
      // a client that stalled mid-body (the idle timeout); one that went away hears nothing anyway
      case ABORTED -> 408;
      case STORE_FAILED -> 500;
    };
  }

  static String message(Failure f) {
    return switch (f.kind()) {
      case INVALID_PARAMETER -> f.parameter() + " is invalid";
      case UNAUTHORIZED -> "invalid access token";
      case TOKEN_EXPIRED -> "access token expired";
      case SESSION_REPLACED -> "logged in on another device";
      case NOT_FOUND -> "user not found";
      case ABORTED -> "request incomplete";
      case SQL_UNAVAILABLE, REDIS_UNAVAILABLE, STORE_FAILED, OVERLOADED -> "server error";
      default -> f.getMessage();
    };
  }
}
