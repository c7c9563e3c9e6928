package io.mmfile.api.daoke;

import io.mmfile.auth.AppKey;
import io.mmfile.auth.AppKeyCache;
import io.mmfile.files.CommitRequest;
import io.mmfile.files.FileRecord;
import io.mmfile.files.FileUrls;
import io.mmfile.files.StoreKind;
import io.mmfile.files.UploadExchange;
import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * {@code POST /dfsapi/v2/saveImage} (WIRE.md §1) through the {@link UploadExchange}: the file part
 * {@code mmfile} is streamed to storage as it arrives; an {@code appKey} header is checked before any
 * byte is read. Fields sent before the file part ({@code appKey}, {@code sign}, {@code length},
 * {@code isStorage}, as the original clients send them) are checked when the part begins, so a wrong
 * form is refused before a byte is stored and a right one streams straight to the store it names;
 * with fields after the file the part is staged in the durable store and the form is checked at the
 * end. Either way the whole form is checked again before anything is committed.
 */
public final class SaveImageHandler implements Handler<RoutingContext> {
  private static final String FILE_PART = "mmfile";

  private final UploadExchange uploads;
  private final AppKeyCache appKeys;
  private final FileUrls urls;

  public SaveImageHandler(UploadExchange uploads, AppKeyCache appKeys, FileUrls urls) {
    this.uploads = uploads;
    this.appKeys = appKeys;
    this.urls = urls;
  }

  @Override
  public void handle(RoutingContext ctx) {
    uploads.handle(ctx, new SaveImage(ctx.request()));
  }

  /** One saveImage request: its fields and its daoke answers. */
  private final class SaveImage implements UploadExchange.Route<Void, FileRecord> {
    private final HttpServerRequest request;
    /** What {@link #storeFor} found the form to ask for, the app it checked it for and how many fields it saw. */
    private SaveImageForm.Params checked;
    private AppKey checkedFor;
    private int checkedFields;

    SaveImage(HttpServerRequest request) {
      this.request = request;
    }

    @Override
    public String filePart() {
      return FILE_PART;
    }

    @Override
    public int maxFiles() {
      return 1;
    }

    @Override
    public String appKey(HttpServerRequest request) {
      String appKey = request.getHeader("appKey");
      return AppKey.wellFormed(appKey) ? appKey : null;
    }

    @Override
    public Future<Void> admit(HttpServerRequest request) {
      // Form fields come only at the end, so the one credential known before the file's bytes is an
      // appKey sent as a header: a malformed, unknown or disabled one is refused at once.
      String appKey = SaveImageForm.appKeyIfPresent(MultiMap.caseInsensitiveMultiMap(), request.headers());
      if (appKey == null) {
        return Future.succeededFuture();
      }
      return appKeys.enabled(appKey).compose(found -> found.isPresent() ? Future.<Void>succeededFuture()
        : Future.failedFuture(Failure.of(Failure.Kind.UNAUTHORIZED, "unknown appKey")));
    }

    @Override
    public Future<StoreKind> storeFor(Void admitted, MultiMap fields) {
      if (!SaveImageForm.checkable(fields)) {
        return Future.succeededFuture();
      }
      String appKey = SaveImageForm.appKey(fields, request.headers());
      return appKeys.enabled(appKey).map(found -> {
        AppKey app = found.orElseThrow(() -> Failure.of(Failure.Kind.UNAUTHORIZED, "unknown appKey"));
        try {
          SaveImageForm.Params params = SaveImageForm.check(fields, request.headers(), app, uploads.limits().maxBytes());
          checked = params;
          checkedFor = app;
          checkedFields = count(fields);
          return params.store();
        } catch (Failure f) {
          if (f.kind() == Failure.Kind.BAD_SIGNATURE && !SaveImageForm.signSettled(fields)) {
            // an isStorage or cacheTime after the file could still be part of what was signed
            return null;
          }
          throw f;
        }
      });
    }

    @Override
    public Future<List<CommitRequest>> plan(Void admitted, MultiMap fields, List<UploadExchange.ReceivedFile> files) {
      if (fields.isEmpty() && files.isEmpty()) {
        return Future.failedFuture(Failure.of(Failure.Kind.EMPTY_BODY, "empty form"));
      }
      String appKey = SaveImageForm.appKey(fields, request.headers());
      return appKeys.enabled(appKey).map(found -> {
        AppKey app = found.orElseThrow(() -> Failure.of(Failure.Kind.UNAUTHORIZED, "unknown appKey"));
        // The form as checked when the file began, unless a field came after it or the app changed since:
        // the same fields, headers and app give the same answer, without a second sign computed.
        SaveImageForm.Params params = checked != null && app.equals(checkedFor) && count(fields) == checkedFields ? checked
          : SaveImageForm.check(fields, request.headers(), app, uploads.limits().maxBytes());
        if (files.isEmpty()) {
          throw Failure.invalid(FILE_PART);
        }
        return List.of(CommitRequest.image(params.appKey(), params.length(), params.ttlMs(), params.store()));
      });
    }

    /** The fields received, each value counted (a field may come twice). */
    private static int count(MultiMap fields) {
      int n = 0;
      for (var ignored : fields) {
        n++;
      }
      return n;
    }

    @Override
    public Future<FileRecord> committed(Void admitted, List<FileRecord> records) {
      return Future.succeededFuture(records.get(0));
    }

    @Override
    public void answer(HttpServerResponse response, FileRecord record) {
      DaokeEnvelope.ok(response, new JsonObject()
        .put("url", urls.of(request, record))
        .put("fileID", record.fileId())
        .put("fileSize", Long.toString(record.size())));
    }

    @Override
    public void refuse(HttpServerResponse response, Failure failure) {
      DaokeEnvelope.error(response, failure);
    }
  }
}
