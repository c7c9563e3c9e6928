package io.mmfile.api.v1;

import io.mmfile.files.FileId;
import io.mmfile.files.FileRecord;
import io.mmfile.files.FileStores;
import io.mmfile.files.StoreKind;
import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/**
 * {@code /api/v1/files/by-hash/{sha256}}: ask before uploading (HEAD, GET), and store a new file from
 * bytes already stored (POST) without sending them again (docs/api.md, "Deduplication"). Only the
 * caller's own files are looked at (an account's, or an app key's files that belong to no account), so
 * nobody learns whether somebody else stored given bytes. A new file made here lives forever and names
 * the blob of the caller's file; it is a file like any other (its own id, record and URL) and deleting
 * either keeps the other's bytes.
 */
public final class FilesByHashResource implements ApiResource {
  /** The size of the bytes a by-hash answer is about (HEAD carries no body to read it from). */
  static final String SIZE_HEADER = "Mmfile-File-Size";

  private final FileStores stores;
  private final FilesResource files;

  public FilesByHashResource(FileStores stores, FilesResource files) {
    this.stores = stores;
    this.files = files;
  }

  @Override
  public Map<String, Handler<RoutingContext>> operations() {
    return Map.of(
      "headFileByHash", this::getFileByHash,
      "getFileByHash", this::getFileByHash,
      "createFileByHash", this::createFileByHash);
  }

  /** 200 with the newest such file of the caller's (HEAD: its headers only), 404 when there is none. */
  private void getFileByHash(RoutingContext ctx) {
    ApiRequest request = ApiRequest.of(ctx);
    String sha256 = request.path("sha256");
    referable(request.caller(), sha256)
      .onSuccess(record -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader(HttpHeaders.ETAG, "\"" + record.sha256() + "\"")
        .putHeader(SIZE_HEADER, Long.toString(record.size()))
        .end(files.json(ctx.request(), record).encode()))
      .onFailure(ctx::fail);
  }

  /** 201 with a new file naming the bytes of the caller's file; 404 when there is none (upload them). */
  private void createFileByHash(RoutingContext ctx) {
    ApiRequest request = ApiRequest.of(ctx);
    Caller caller = request.caller();
    String name = request.json().getString("name");
    attempt(caller, request.path("sha256"), name, 1)
      .onSuccess(record -> {
        stores.recordCache().remember(record);
        ctx.response().setStatusCode(201)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.LOCATION, ApiRoutes.BASE + "/files/" + record.fileId())
          .end(files.json(ctx.request(), record).encode());
      })
      .onFailure(ctx::fail);
  }

  /** The blob can go between the look-up and the reference (its last file deleted): look again, twice. */
  private Future<FileRecord> attempt(Caller caller, String sha256, String name, int tries) {
    return referable(caller, sha256).compose(source -> {
      long now = System.currentTimeMillis();
      FileRecord created = new FileRecord(FileId.next(), source.appKey(), StoreKind.DURABLE, source.size(),
        source.sha256(), source.contentType(), source.extension(), source.width(), source.height(), now, null,
        caller.accountId(), name != null ? name : source.name(), null, source.blobKey(), null);
      return stores.records().reference(created).compose(referenced -> {
        if (referenced) {
          return Future.succeededFuture(created);
        }
        return tries < 3 ? attempt(caller, sha256, name, tries + 1) : Future.failedFuture(notFound(sha256));
      });
    });
  }

  /** The caller's newest live file with these bytes whose blob a file that lives forever may name. */
  private Future<FileRecord> referable(Caller caller, String sha256) {
    String permanent = stores.durable().permanentDedupClass();
    if (permanent == null || !stores.records().deduplicates()) {
      return Future.failedFuture(notFound(sha256));
    }
    return stores.records().ownedWithHash(sha256, caller.appKey(), caller.accountId(),
        permanent + "@" + stores.records().blobScope(), System.currentTimeMillis())
      .map(found -> found.orElseThrow(() -> notFound(sha256)));
  }

  private static Failure notFound(String sha256) {
    return Failure.of(Failure.Kind.NOT_FOUND, "none of your files has the bytes " + sha256 + " (upload them)");
  }
}
