package io.mmfile.api.daoke;

import io.mmfile.auth.AppKey;
import io.mmfile.auth.AppKeyCache;
import io.mmfile.files.CommitRequest;
import io.mmfile.files.FileIntake;
import io.mmfile.files.FileRecord;
import io.mmfile.files.FileUrls;
import io.mmfile.files.UploadGate;
import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/**
 * {@code POST /dfsapi/v2/saveImage} (WIRE.md §1). The file part is streamed to a storage verticle as it
 * arrives ({@link FileIntake}); form fields may come before or after it, and Vert.x hands them out
 * only when the body is complete, so the full check runs when the request ends, before anything is
 * committed.
 */
public final class SaveImageHandler implements Handler<RoutingContext> {
  private static final String FILE_PART = "mmfile";
  private static final long DRAIN_MS = 10_000;

  private final FileIntake intake;
  private final AppKeyCache appKeys;
  private final UploadGate gate;
  private final FileUrls urls;

  public SaveImageHandler(FileIntake intake, AppKeyCache appKeys, UploadGate gate, FileUrls urls) {
    this.intake = intake;
    this.appKeys = appKeys;
    this.gate = gate;
    this.urls = urls;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!gate.tryAcquire()) {
      ctx.response().putHeader("Retry-After", "1");
      new Exchange(ctx, false).fail(Failure.of(Failure.Kind.OVERLOADED, "too many uploads in flight"));
      return;
    }
    new Exchange(ctx, true).start();
  }

  /** One saveImage request from first byte to answer. Runs on the request's event loop only. */
  private final class Exchange {
    private final io.vertx.core.Vertx vertx;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private boolean holdsGate;
    private boolean answered;
    private boolean requestEnded;
    private FileIntake.Staged file;

    Exchange(RoutingContext ctx, boolean holdsGate) {
      this.vertx = ctx.vertx();
      this.request = ctx.request();
      this.response = ctx.response();
      this.holdsGate = holdsGate;
    }

    void start() {
      response.closeHandler(v -> {
        // The client went away: nothing is committed, the storage side drops what it wrote.
        answered = true;
        abortUpload();
        releaseGate();
      });
      response.endHandler(v -> releaseGate());
      String contentType = request.getHeader("Content-Type");
      if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
        fail(hasNoBody() ? Failure.of(Failure.Kind.EMPTY_BODY, "no body")
          : Failure.of(Failure.Kind.MALFORMED_BODY, "not multipart/form-data"));
        return;
      }
      request.setExpectMultipart(true);
      request.uploadHandler(this::onUpload);
      request.exceptionHandler(t -> fail(Failure.of(Failure.Kind.ABORTED, "request failed: " + t.getMessage())));
      request.endHandler(v -> {
        requestEnded = true;
        onRequestEnd();
      });
    }

    private boolean hasNoBody() {
      String length = request.getHeader("Content-Length");
      return "0".equals(length) || (length == null && request.version() != HttpVersion.HTTP_2
        && request.getHeader("Transfer-Encoding") == null);
    }

    private void onUpload(HttpServerFileUpload upload) {
      if (answered || file != null || !FILE_PART.equals(upload.name())) {
        upload.handler(ignored -> { });
        return;
      }
      String appKey;
      try {
        // Vert.x hands out form fields only when the whole body is parsed, so the one thing known
        // before the file's bytes is an appKey sent as a header: an unknown one is refused at once.
        appKey = SaveImageForm.appKeyIfPresent(MultiMap.caseInsensitiveMultiMap(), request.headers());
      } catch (Failure f) {
        fail(f);
        return;
      }
      file = intake.stage(upload);
      file.received().onFailure(this::fail);
      if (appKey != null) {
        appKeys.enabled(appKey).onComplete(found -> {
          if (found.failed()) {
            fail(found.cause());
          } else if (found.result().isEmpty()) {
            fail(Failure.of(Failure.Kind.UNAUTHORIZED, "unknown appKey"));
          }
        });
      }
    }

    private void onRequestEnd() {
      if (answered) {
        return;
      }
      String appKey;
      try {
        if (request.formAttributes().isEmpty() && file == null) {
          throw Failure.of(Failure.Kind.EMPTY_BODY, "empty form");
        }
        appKey = SaveImageForm.appKey(request.formAttributes(), request.headers());
      } catch (Failure f) {
        fail(f);
        return;
      }
      appKeys.enabled(appKey)
        .compose(found -> {
          AppKey app = found.orElseThrow(() -> Failure.of(Failure.Kind.UNAUTHORIZED, "unknown appKey"));
          SaveImageForm.Params params = SaveImageForm.check(request.formAttributes(), request.headers(), app,
            intake.limits().maxBytes());
          if (file == null) {
            throw Failure.invalid(FILE_PART);
          }
          // The request can end while the file part is still on its way to the storage side.
          return file.commit(CommitRequest.image(params.appKey(), params.length(), params.ttlMs(), params.store()));
        })
        .onSuccess(this::succeed)
        .onFailure(this::fail);
    }

    private void succeed(FileRecord record) {
      if (answered) {
        return;
      }
      answered = true;
      JsonObject result = new JsonObject()
        .put("url", urls.of(request, record))
        .put("fileID", record.fileId())
        .put("fileSize", Long.toString(record.size()));
      DaokeEnvelope.ok(response, result);
    }

    void fail(Throwable t) {
      if (answered) {
        return;
      }
      answered = true;
      abortUpload();
      Failure failure = Failure.wrap(t, Failure.Kind.STORE_FAILED);
      boolean bodyUnread = !requestEnded;
      boolean http2 = request.version() == HttpVersion.HTTP_2;
      if (bodyUnread && !http2) {
        // The rest of the body is not read: answer now and close the connection behind the answer.
        response.putHeader("Connection", "close");
      }
      DaokeEnvelope.error(response, failure).onComplete(ar -> {
        if (bodyUnread) {
          if (http2) {
            response.reset();
          } else {
            // Closing now would reset the connection under a client still sending, and it could lose
            // the answer. The rest of the body is read and dropped (nothing is kept), Vert.x closes the
            // connection once it ends, and a client that keeps sending is cut off after DRAIN_MS.
            vertx.setTimer(DRAIN_MS, id -> {
              if (!response.closed()) {
                request.connection().close();
              }
            });
          }
        }
        releaseGate();
      });
    }

    private void abortUpload() {
      if (file != null) {
        file.abort();
      }
    }

    private void releaseGate() {
      if (holdsGate) {
        holdsGate = false;
        gate.release();
      }
    }
  }
}
