package io.mmfile.platform;

import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;

/**
 * What a failure reported while a request body was read means, for every dialect: the client broke the
 * body's format or crossed a form limit (its own fault, answered with the dialect's bad-parameter
 * code), or the connection went away. Used by the upload exchange for streamed bodies and by each
 * dialect's failure handler for the routes that read their whole body first.
 */
public final class BodyFailures {
  /** The parameter names of {@link Failure.Kind#INVALID_PARAMETER} failures for the form limits. */
  public static final String FIELDS = "form fields";
  public static final String FIELD_SIZE = "form field size";

  private BodyFailures() {
  }

  /** What Vert.x or Netty reported while decoding a body. */
  public static Failure of(Throwable t) {
    if (t instanceof Failure f) {
      return f;
    }
    if (t instanceof HttpPostRequestDecoder.TooManyFormFieldsException) {
      return Failure.invalid(FIELDS);
    }
    if (t instanceof HttpPostRequestDecoder.TooLongFormFieldException) {
      return Failure.invalid(FIELD_SIZE);
    }
    if (t instanceof HttpPostRequestDecoder.ErrorDataDecoderException && t.getCause() instanceof IOException) {
      // A field past the decoder factory's size limit (upload.max-field-bytes) surfaces as an IOException inside.
      return Failure.invalid(FIELD_SIZE);
    }
    if (t instanceof HttpClosedException || t instanceof StreamResetException) {
      return Failure.of(Failure.Kind.ABORTED, "the client went away", t);
    }
    // Anything else the decoder throws (ErrorDataDecoderException, or an index error on a part header
    // such as "Content-Disposition: form-data; x") is a body that is not well-formed.
    return Failure.of(Failure.Kind.MALFORMED_BODY, "malformed form body: " + t, t);
  }

  /**
   * The failure of a route that reads its whole body before it runs (Vert.x's BodyHandler):
   * {@code sizeParameter} names the body limit it crossed (413); a decoder failure while the body was
   * still being read is the client's (BodyHandler reports Netty's DecoderExceptions as 400 and
   * anything else the decoder throws with status 200); a failure after the body was read is the
   * route's own, a server-side one unless it is already a domain failure.
   */
  public static Failure ofRoute(RoutingContext ctx, String sizeParameter) {
    Throwable t = ctx.failure();
    if (t instanceof Failure f) {
      return f;
    }
    if (ctx.statusCode() == 413) {
      return Failure.invalid(sizeParameter);
    }
    if (ctx.statusCode() == 400 && t instanceof IOException) {
      // BodyHandler hands on the cause of a DecoderException: the field size limit's IOException.
      return Failure.invalid(FIELD_SIZE);
    }
    if (t != null && (ctx.statusCode() == 400 || !ctx.request().isEnded())) {
      return of(t);
    }
    if (ctx.statusCode() == 400) {
      return Failure.of(Failure.Kind.MALFORMED_BODY, "malformed body");
    }
    return Failure.wrap(t == null ? new IllegalStateException("status " + ctx.statusCode()) : t, Failure.Kind.STORE_FAILED);
  }
}
