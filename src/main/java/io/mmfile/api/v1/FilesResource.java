package io.mmfile.api.v1;

import io.mmfile.files.FileExpiry;
import io.mmfile.files.FileRecord;
import io.mmfile.files.FileStores;
import io.mmfile.files.FileUrls;
import io.mmfile.platform.Failure;
import io.mmfile.platform.RequestTrace;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.Map;

/**
 * {@code /api/v1/files}: the files of the one file store the legacy dialects share, so a file uploaded
 * here is served by gainImage and the other way round. A file belongs to the account that uploaded it
 * ({@code accountId}) or, uploaded with an app key's signature, to that app key.
 */
public final class FilesResource implements ApiResource {
  private final FileStores stores;
  private final FileExpiry expiry;
  private final FileUrls urls;

  public FilesResource(FileStores stores, FileExpiry expiry, FileUrls urls) {
    this.stores = stores;
    this.expiry = expiry;
    this.urls = urls;
  }

  @Override
  public Map<String, Handler<RoutingContext>> operations() {
    return Map.of("getFile", this::getFile);
  }

  private void getFile(RoutingContext ctx) {
    ApiRequest request = ApiRequest.of(ctx);
    owned(ctx, request.caller(), request.path("id"))
      .onSuccess(record -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(json(ctx.request(), record).encode()))
      .onFailure(ctx::fail);
  }

  /** The live file {@code id} when {@code caller} owns it: 404 when there is none (or it expired), 403 when not theirs. */
  Future<FileRecord> owned(RoutingContext ctx, Caller caller, String id) {
    RequestTrace.of(ctx).ifPresent(t -> t.fileId(id));
    long now = System.currentTimeMillis();
    return live(id, now).map(record -> {
      if (!owns(caller, record)) {
        throw Failure.of(Failure.Kind.FORBIDDEN, "this file belongs to another account or app key");
      }
      return record;
    });
  }

  /** The file {@code id}, unless there is none or it has expired (then its bytes are reclaimed). */
  Future<FileRecord> live(String id, long now) {
    return stores.recordCache().find(id).map(found -> {
      FileRecord record = found.orElseThrow(() -> Failure.of(Failure.Kind.NOT_FOUND, "no file " + id));
      if (record.expiredAt(now)) {
        expiry.reclaim(record);
        throw Failure.of(Failure.Kind.NOT_FOUND, "no file " + id);
      }
      return record;
    });
  }

  static boolean owns(Caller caller, FileRecord record) {
    if (caller.isAccount()) {
      return caller.accountId().equals(record.accountId());
    }
    return record.accountId() == null && caller.appKey().equals(record.appKey());
  }

  /** A file as {@code /api/v1} shows it (the {@code File} schema of the document). */
  JsonObject json(HttpServerRequest request, FileRecord record) {
    return new JsonObject()
      .put("id", record.fileId())
      .put("size", record.size())
      .put("sha256", record.sha256())
      .put("content_type", record.contentType())
      .put("width", record.width())
      .put("height", record.height())
      .put("url", urls.base(request) + ApiRoutes.BASE + "/files/" + record.fileId() + "/content")
      .put("legacy_url", urls.of(request, record))
      .put("created_at", Instant.ofEpochMilli(record.createdMs()).toString())
      .put("expires_at", record.expiresMs() == null ? null : Instant.ofEpochMilli(record.expiresMs()).toString());
  }
}
