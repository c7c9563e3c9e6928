package io.mmfile.api.v1;

import io.mmfile.files.MultipartBody;
import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.RequestBody;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every {@code /api/v1} request goes through before its operation's handler, in this order:
 * authentication by the operation's security schemes (none for a public one), then its parameters
 * and headers validated against the OpenAPI document (Vert.x's {@code vertx-openapi}), then, for an
 * operation that is not streamed, its body read (at most {@code api.max-json-bytes}), its media type
 * and schema validated and, when an app key signed its hash, that hash checked.
 *
 * <p>A streamed operation's handler calls {@link #admit} itself, from its upload route's admission,
 * so that the body stays unread (the upload exchange streams it) while the rest is checked first.
 */
public final class ApiAdmission {
  /** Where a route keeps the operation it serves. */
  static final String OPERATION = "mmfile.api.operation";

  private final ApiDocument document;
  private final ApiAuth auth;
  private final RequestValidatorImpl validator;
  private final long maxJsonBytes;

  public ApiAdmission(Vertx vertx, ApiDocument document, ApiAuth auth, long maxJsonBytes) {
    this.document = document;
    this.auth = auth;
    // The public validate() stops at the first bad parameter without saying which one; the
    // per-parameter method (public on the implementation) lets the problem name it.
    this.validator = new RequestValidatorImpl(vertx, document.contract());
    this.maxJsonBytes = maxJsonBytes;
  }

  /** The operation the current route serves. */
  public static Operation operation(RoutingContext ctx) {
    Operation operation = (Operation) ctx.currentRoute().getMetadata(OPERATION);
    if (operation == null) {
      throw new IllegalStateException("not an /api/v1 operation route: " + ctx.currentRoute());
    }
    return operation;
  }

  /**
   * For a streamed operation: authentication and the parameters, the body left unread; the request's
   * media type must be one the operation declares. The admitted request is also attached to {@code ctx}.
   */
  public Future<ApiRequest> admit(RoutingContext ctx) {
    Operation operation = operation(ctx);
    return authenticate(ctx.request(), operation).compose(caller -> {
      List<String> accepted = document.mediaTypes(operation);
      String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
      if (contentType != null && !accepted.isEmpty() && !accepts(accepted, contentType)) {
        return Future.failedFuture(Failure.of(Failure.Kind.UNSUPPORTED_CONTENT, "this operation takes "
          + String.join(", ", accepted)));
      }
      return parameters(ctx.request(), operation, null).map(params -> {
        ApiRequest admitted = new ApiRequest(operation, caller, params, null);
        admitted.attach(ctx);
        return admitted;
      });
    });
  }

  /** Whether {@code contentType} (parameters aside) is one of {@code accepted}, ranges such as {@code image/*} included. */
  static boolean accepts(List<String> accepted, String contentType) {
    String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    for (String range : accepted) {
      String r = range.toLowerCase(java.util.Locale.ROOT);
      if (r.equals(type) || r.equals("*/*") || (r.endsWith("/*") && type.startsWith(r.substring(0, r.length() - 1)))) {
        return true;
      }
    }
    return false;
  }

  /** The handler before a buffered operation's own: authenticate, read, validate, then {@code ctx.next()}. */
  Handler<RoutingContext> buffered(Operation operation) {
    return ctx -> {
      HttpServerRequest request = ctx.request();
      if (!request.isEnded()) {
        request.pause();
      }
      authenticate(request, operation)
        .compose(caller -> readBody(request, operation).compose(body -> {
          checkBodyHash(caller, body);
          return parameters(request, operation, body)
            .map(params -> new ApiRequest(operation, caller, params, body));
        }))
        .onSuccess(admitted -> {
          admitted.attach(ctx);
          ctx.next();
        })
        .onFailure(ctx::fail);
    };
  }

  private Future<Caller> authenticate(HttpServerRequest request, Operation operation) {
    List<SecurityRequirement> requirements = operation.getSecurityRequirements();
    Set<String> schemes = new HashSet<>();
    boolean anonymous = requirements.isEmpty();
    for (SecurityRequirement requirement : requirements) {
      if (requirement.isEmpty()) {
        anonymous = true;
      }
      schemes.addAll(requirement.getNames());
    }
    if (anonymous) {
      return Future.succeededFuture(null);
    }
    return auth.authenticate(request, schemes);
  }

  /** The body of an operation that declares one, within the limit; null when there is none. */
  private Future<Buffer> readBody(HttpServerRequest request, Operation operation) {
    if (request.isEnded() || !hasBody(request)) {
      return Future.succeededFuture(null);
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    try {
      if (length != null && Long.parseLong(length.trim()) > maxJsonBytes) {
        return Future.failedFuture(Failure.invalid(MultipartBody.BODY_SIZE));
      }
    } catch (NumberFormatException e) {
      return Future.failedFuture(Failure.of(Failure.Kind.MALFORMED_BODY, "Content-Length is not a number"));
    }
    if (operation.getRequestBody() == null) {
      return Future.failedFuture(Failure.of(Failure.Kind.MALFORMED_BODY, "this operation takes no body"));
    }
    Promise<Buffer> read = Promise.promise();
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (body.length() + chunk.length() > maxJsonBytes) {
        read.tryFail(Failure.invalid(MultipartBody.BODY_SIZE));
      } else if (!read.future().isComplete()) {
        body.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(t -> read.tryFail(Failure.of(Failure.Kind.ABORTED, "the body did not arrive whole")));
    request.endHandler(v -> read.tryComplete(body));
    request.resume();
    return read.future();
  }

  static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return length != null ? !"0".equals(length.trim()) : request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
  }

  /** An app key that signed a body hash gets exactly that body, or nothing runs. */
  private static void checkBodyHash(Caller caller, Buffer body) {
    if (caller == null || !caller.bodyHashSigned()) {
      return;
    }
    if (!MessageDigest.isEqual(sha256(body).getBytes(StandardCharsets.US_ASCII),
      caller.contentSha256().getBytes(StandardCharsets.US_ASCII))) {
      throw Failure.of(Failure.Kind.BAD_SIGNATURE, HmacSignature.CONTENT_SHA256 + " does not match the body");
    }
  }

  static String sha256(Buffer body) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      if (body != null) {
        digest.update(body.getBytes());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * The parameters (and, when given, the body) validated against the operation. A bad one is an
   * {@code invalid_parameter} problem naming it; a body of a media type the operation does not take is 415.
   */
  private Future<ValidatedRequest> parameters(HttpServerRequest request, Operation operation, Buffer body) {
    return RequestUtils.extract(request, operation, () -> Future.succeededFuture(body)).map(extracted -> {
      Map<String, RequestParameter> cookies = new HashMap<>();
      Map<String, RequestParameter> headers = new HashMap<>();
      Map<String, RequestParameter> path = new HashMap<>();
      Map<String, RequestParameter> query = new HashMap<>();
      for (Parameter parameter : operation.getParameters()) {
        switch (parameter.getIn()) {
          case COOKIE -> cookies.put(parameter.getName(), check(parameter, extracted.getCookies()));
          case HEADER -> headers.put(parameter.getName(), check(parameter, extracted.getHeaders()));
          case PATH -> path.put(parameter.getName(), check(parameter, extracted.getPathParameters()));
          case QUERY -> query.put(parameter.getName(), check(parameter, extracted.getQuery()));
        }
      }
      RequestParameter validatedBody = body == null ? null : checkBody(operation, extracted);
      return new ValidatedRequestImpl(cookies, headers, path, query, validatedBody);
    });
  }

  private RequestParameter check(Parameter parameter, Map<String, RequestParameter> values) {
    try {
      return validator.validateParameter(parameter, values.get(parameter.getName()));
    } catch (ValidatorException e) {
      throw Failure.about(Failure.Kind.INVALID_PARAMETER, parameter.getName(), e.getMessage());
    }
  }

  private RequestParameter checkBody(Operation operation, ValidatableRequest extracted) {
    RequestBody declared = operation.getRequestBody();
    String contentType = extracted.getContentType();
    if (contentType == null || declared.determineContentType(contentType) == null) {
      throw Failure.of(Failure.Kind.UNSUPPORTED_CONTENT, "this operation takes "
        + String.join(", ", declared.getContent().keySet()));
    }
    try {
      return validator.validateBody(declared, extracted);
    } catch (SchemaValidationException e) {
      throw Failure.about(Failure.Kind.INVALID_PARAMETER, bodyLocation(e.getOutputUnit()), e.getMessage());
    } catch (ValidatorException e) {
      throw Failure.about(Failure.Kind.INVALID_PARAMETER, "body", e.getMessage());
    }
  }

  /**
   * Which part of the body failed, from the JSON pointer of the deepest error ({@code #/profile/age}):
   * its names joined by dots ({@code profile.age}); {@code body} for the body as a whole.
   */
  static String bodyLocation(OutputUnit unit) {
    List<OutputUnit> errors = unit == null ? null : unit.getErrors();
    if (errors == null || errors.isEmpty()) {
      return "body";
    }
    String location = errors.get(errors.size() - 1).getInstanceLocation();
    String path = location == null ? "" : location.replaceFirst("^#", "").replaceFirst("^/", "");
    return path.isEmpty() ? "body" : path.replace("/", ".").replace("~1", "/").replace("~0", "~");
  }
}
