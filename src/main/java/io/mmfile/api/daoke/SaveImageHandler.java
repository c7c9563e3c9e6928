package io.mmfile.api.daoke;

import io.mmfile.auth.AppKey;
import io.mmfile.auth.AppKeyCache;
import io.mmfile.files.FileRecord;
import io.mmfile.files.StoreKind;
import io.mmfile.files.UploadGate;
import io.mmfile.files.UploadSink;
import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code POST /dfsapi/v2/saveImage} (WIRE.md §1). The file part is streamed to a storage verticle as it
 * arrives, under the {@link UploadSink} credit window; the request is paused whenever the window is full.
 * Form fields may come before or after the file part, so the full check runs when the request ends,
 * before anything is committed.
 */
public final class SaveImageHandler implements Handler<RoutingContext> {
  private static final String FILE_PART = "mmfile";

  private final EventBus bus;
  private final AppKeyCache appKeys;
  private final UploadGate gate;
  private final MmfileConfig.Upload limits;
  private final FileUrls urls;

  public SaveImageHandler(EventBus bus, AppKeyCache appKeys, UploadGate gate, MmfileConfig.Upload limits, FileUrls urls) {
    this.bus = bus;
    this.appKeys = appKeys;
    this.gate = gate;
    this.limits = limits;
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
    private final RoutingContext ctx;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private boolean holdsGate;
    private boolean answered;
    private boolean requestEnded;
    private boolean sawFile;
    private UploadSink sink;
    private HttpServerFileUpload upload;
    /** Completes once every byte of the file part reached the storage side. */
    private final Promise<Void> fileStored = Promise.promise();
    private long received;

    Exchange(RoutingContext ctx, boolean holdsGate) {
      this.ctx = ctx;
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
      if (answered || sawFile || !FILE_PART.equals(upload.name())) {
        upload.handler(ignored -> { });
        return;
      }
      sawFile = true;
      upload.pause();
      String appKey;
      try {
        // Vert.x hands out form fields only when the whole body is parsed, so the one thing known
        // before the file's bytes is an appKey sent as a header: refuse an unknown one at once.
        appKey = SaveImageForm.appKeyIfPresent(MultiMap.caseInsensitiveMultiMap(), request.headers());
      } catch (Failure f) {
        fail(f);
        return;
      }
      Future<Optional<AppKey>> app = appKey == null ? Future.succeededFuture(Optional.empty()) : appKeys.enabled(appKey);
      app.compose(found -> {
          if (appKey != null && found.isEmpty()) {
            return Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "unknown appKey"));
          }
          // Staged in the durable store: which store the client wants is known only at the end.
          return UploadSink.open(bus, StoreKind.DURABLE, limits);
        })
        .onSuccess(opened -> stream(upload, opened))
        .onFailure(this::fail);
    }

    private void stream(HttpServerFileUpload upload, UploadSink opened) {
      if (answered) {
        opened.abort();
        return;
      }
      sink = opened;
      this.upload = upload;
      sink.drainHandler(v -> upload.resume());
      sink.failureHandler(this::fail);
      upload.exceptionHandler(t -> fail(Failure.of(Failure.Kind.ABORTED, "upload failed: " + t.getMessage())));
      upload.handler(this::onData);
      upload.endHandler(v -> sink.flush().onComplete(ar -> {
        if (ar.succeeded()) {
          fileStored.tryComplete();
        } else {
          fileStored.tryFail(ar.cause());
        }
      }));
      upload.resume();
    }

    private void onData(Buffer data) {
      if (answered) {
        return;
      }
      received += data.length();
      if (received > limits.maxBytes()) {
        fail(Failure.invalid("file length"));
        return;
      }
      sink.write(data);
      if (sink.writeQueueFull()) {
        upload.pause();
      }
    }

    private void onRequestEnd() {
      if (answered) {
        return;
      }
      String appKey;
      try {
        if (request.formAttributes().isEmpty() && !sawFile) {
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
            limits.maxBytes());
          if (!sawFile) {
            throw Failure.invalid(FILE_PART);
          }
          // The request can end while the file part is still on its way to the storage side.
          return fileStored.future()
            .compose(v -> sink.commit(params.appKey(), params.length(), params.ttlMs(), params.store()));
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
      fileStored.tryFail(t);
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
            request.connection().close();
          }
        }
        releaseGate();
      });
    }

    private void abortUpload() {
      if (sink != null) {
        sink.abort();
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
