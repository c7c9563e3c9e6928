package io.mmfile.platform;

import io.mmfile.files.MultipartBody;
import io.mmfile.files.MultipartParser;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The body of a route that reads it whole (logins, profiles, the daoke bind): a multipart/form-data
 * body is read by {@link MultipartParser} into form fields (file parts are dropped, as the body
 * handler's were), anything else goes to Vert.x's {@link BodyHandler}. So no request reaches Netty's
 * multipart decoder, and a broken multipart body fails the route with a {@link Failure} its dialect
 * answers.
 */
public final class FormBody implements Handler<RoutingContext> {
  private static final String FIELDS = "mmfile.form-fields";

  private final BodyHandler otherBodies;
  private final long limit;
  private final MultipartParser.Limits limits;

  public FormBody(long limit, MmfileConfig.Upload upload) {
    this.otherBodies = BodyHandler.create(false).setBodyLimit(limit);
    this.limit = limit;
    this.limits = new MultipartParser.Limits(upload.maxFieldBytes(), upload.maxFields(), upload.maxParts());
  }

  /** The form fields of the request: those of a multipart body read here, else the url-encoded ones. */
  public static MultiMap fields(RoutingContext ctx) {
    MultiMap fields = ctx.get(FIELDS);
    return fields != null ? fields : ctx.request().formAttributes();
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String contentType = request.getHeader("Content-Type");
    if (!MultipartBody.isMultipart(contentType)) {
      otherBodies.handle(ctx);
      return;
    }
    String boundary = MultipartBody.boundary(contentType).orElse(null);
    if (boundary == null) {
      ctx.fail(400, Failure.of(Failure.Kind.MALFORMED_BODY, "multipart/form-data without a usable boundary"));
      return;
    }
    MultiMap fields = MultiMap.caseInsensitiveMultiMap();
    MultipartParser parser = new MultipartParser(boundary, limits, new MultipartParser.Listener() {
      @Override
      public void field(String name, String value) {
        fields.add(name, value);
      }

      @Override
      public void fileStart(String name, String filename, String type) {
      }

      @Override
      public void fileData(Buffer bytes) {
      }

      @Override
      public void fileEnd() {
      }

      @Override
      public void end() {
      }
    });
    Reading reading = new Reading();
    request.handler(data -> {
      if (reading.failed) {
        return;
      }
      reading.bytes += data.length();
      if (reading.bytes > limit) {
        reading.fail(ctx, 413, Failure.invalid("body"));
        return;
      }
      try {
        parser.feed(data);
      } catch (Failure f) {
        reading.fail(ctx, 400, f);
      }
    });
    request.exceptionHandler(t -> reading.fail(ctx, 400, Failure.of(Failure.Kind.ABORTED, "reading the body failed", t)));
    request.endHandler(v -> {
      if (reading.failed) {
        return;
      }
      try {
        parser.endOfInput();
      } catch (Failure f) {
        reading.fail(ctx, 400, f);
        return;
      }
      ctx.put(FIELDS, fields);
      ctx.next();
    });
    request.resume();
  }

  private static final class Reading {
    long bytes;
    boolean failed;

    void fail(RoutingContext ctx, int status, Failure failure) {
      if (!failed) {
        failed = true;
        ctx.fail(status, failure);
      }
    }
  }
}
