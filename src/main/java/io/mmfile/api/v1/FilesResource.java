package io.mmfile.api.v1;

import io.mmfile.files.CommitRequest;
import io.mmfile.files.FileDelivery;
import io.mmfile.files.FileExpiry;
import io.mmfile.files.FileId;
import io.mmfile.files.FileRecord;
import io.mmfile.files.FileRecordRepository;
import io.mmfile.files.FileStores;
import io.mmfile.files.FileUrls;
import io.mmfile.files.ImageProbe;
import io.mmfile.files.Resize;
import io.mmfile.files.StoreKind;
import io.mmfile.files.UploadExchange;
import io.mmfile.platform.Failure;
import io.mmfile.platform.NodeMetrics;
import io.mmfile.platform.RequestTrace;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/files}: the files of the one file store the legacy dialects share, so a file uploaded
 * here is served by gainImage and the other way round. A file belongs to the account that uploaded it
 * ({@code accountId}) or, uploaded with an app key's signature (or through saveImage), to that app key.
 * Uploads go through the {@link UploadExchange}, as saveImage's do: the same gates and limits, the
 * body streamed to its store with bounded memory, and nothing kept when anything fails.
 */
public final class FilesResource implements ApiResource {
  private static final String FILE_PART = "file";
  private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,30}/[a-z0-9][a-z0-9!#$&^_.+-]{0,30}");
  private static final Pattern EXTENSION = Pattern.compile("[a-z0-9]{1,8}");
  private static final Pattern CURSOR = Pattern.compile("(\\d{1,19}):([0-9a-f]{32})");

  private final FileStores stores;
  private final FileExpiry expiry;
  private final FileUrls urls;
  private final UploadExchange uploads;
  private final FileDelivery delivery;
  private final ApiAdmission admission;

  public FilesResource(FileStores stores, FileExpiry expiry, FileUrls urls, UploadExchange uploads,
                       FileDelivery delivery, ApiAdmission admission) {
    this.stores = stores;
    this.expiry = expiry;
    this.urls = urls;
    this.uploads = uploads;
    this.delivery = delivery;
    this.admission = admission;
  }

  @Override
  public Map<String, Handler<RoutingContext>> operations() {
    return Map.of(
      "createFile", ctx -> uploads.handle(ctx, new Create(ctx)),
      "listFiles", this::listFiles,
      "getFile", this::getFile,
      "deleteFile", this::deleteFile,
      "getFileContent", this::content,
      "headFileContent", this::content);
  }

  // ------------------------------------------------------------------ POST /api/v1/files

  /** One upload: its admission is {@link ApiAdmission#admit}, its answers problems or 201. */
  private final class Create implements UploadExchange.Route<ApiRequest, FileRecord> {
    private final RoutingContext ctx;

    Create(RoutingContext ctx) {
      this.ctx = ctx;
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
    public boolean takesRawBody() {
      return true;
    }

    /** The signing app key, for the per-app-key gate (checked for real by the admission). */
    @Override
    public String appKey(HttpServerRequest request) {
      String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
      if (!HmacSignature.isScheme(authorization)) {
        return null;
      }
      try {
        return HmacSignature.parse(authorization).appKey();
      } catch (Failure malformed) {
        return null;
      }
    }

    @Override
    public Future<ApiRequest> admit(HttpServerRequest request) {
      return admission.admit(ctx);
    }

    @Override
    public boolean hashesBody(ApiRequest admitted) {
      return admitted.caller().bodyHashSigned();
    }

    @Override
    public void bodyHashed(ApiRequest admitted, String sha256) {
      if (!MessageDigest.isEqual(sha256.getBytes(StandardCharsets.US_ASCII),
        admitted.caller().contentSha256().getBytes(StandardCharsets.US_ASCII))) {
        throw Failure.of(Failure.Kind.BAD_SIGNATURE, HmacSignature.CONTENT_SHA256 + " does not match the body");
      }
    }

    /** The store is a query parameter, known before the body: the file streams straight there. */
    @Override
    public Future<StoreKind> storeFor(ApiRequest admitted, MultiMap fieldsSoFar) {
      return Future.succeededFuture(store(admitted));
    }

    @Override
    public Future<List<CommitRequest>> plan(ApiRequest admitted, MultiMap fields, List<UploadExchange.ReceivedFile> files) {
      if (files.isEmpty()) {
        return Future.failedFuture(Failure.about(Failure.Kind.INVALID_PARAMETER, FILE_PART,
          "the form has no part named " + FILE_PART));
      }
      UploadExchange.ReceivedFile file = files.get(0);
      Caller caller = admitted.caller();
      String name = file.filename() != null ? file.filename() : admitted.query("name");
      String contentType = mediaType(file.contentType());
      boolean imageOnly = Boolean.parseBoolean(admitted.query("image_only"))
        || ImageProbe.claimsImage(contentType, name);
      long ttlMs = admitted.queryLong("ttl_seconds", 0) * 1000;
      return Future.succeededFuture(List.of(new CommitRequest(caller.isAccount() ? null : caller.appKey(), file.size(),
        ttlMs, store(admitted), imageOnly, caller.accountId(), name == null ? null : truncate(name), contentType,
        extension(name))));
    }

    @Override
    public Future<FileRecord> committed(ApiRequest admitted, List<FileRecord> records) {
      return Future.succeededFuture(records.get(0));
    }

    @Override
    public void answer(HttpServerResponse response, FileRecord record) {
      RequestTrace.noteOutcome("201");
      response.setStatusCode(201)
        .putHeader(HttpHeaders.LOCATION, ApiRoutes.BASE + "/files/" + record.fileId())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(json(ctx.request(), record).encode());
    }

    @Override
    public void refuse(HttpServerResponse response, Failure failure) {
      Problem.of(failure).send(response, ctx.request().path(), RequestTrace.of(ctx).map(RequestTrace::id).orElse(null));
    }
  }

  private static StoreKind store(ApiRequest admitted) {
    return "cache".equals(admitted.query("store")) ? StoreKind.CACHE : StoreKind.DURABLE;
  }

  /** The declared media type, parameters dropped, when it fits the record; else octet-stream (images are probed anyway). */
  private static String mediaType(String declared) {
    String type = declared == null ? "" : declared.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return MEDIA_TYPE.matcher(type).matches() && !type.startsWith("multipart/") ? type : "application/octet-stream";
  }

  private static String extension(String name) {
    int dot = name == null ? -1 : name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    return EXTENSION.matcher(ext).matches() ? ext : "";
  }

  private static String truncate(String name) {
    return name.length() <= 255 ? name : name.substring(0, 255);
  }

  // ------------------------------------------------------------------ GET /api/v1/files

  private void listFiles(RoutingContext ctx) {
    ApiRequest request = ApiRequest.of(ctx);
    Caller caller = request.caller();
    int limit = (int) request.queryLong("limit", 20);
    FileRecordRepository.PagePosition after = position(request.query("cursor"));
    FileRecordRepository.Owner owner = caller.isAccount() ? FileRecordRepository.Owner.account(caller.accountId())
      : FileRecordRepository.Owner.appKey(caller.appKey());
    stores.records().page(owner, after, System.currentTimeMillis(), limit + 1)
      .onSuccess(records -> {
        boolean more = records.size() > limit;
        List<FileRecord> page = more ? records.subList(0, limit) : records;
        JsonArray items = new JsonArray();
        page.forEach(r -> items.add(json(ctx.request(), r)));
        FileRecord last = page.isEmpty() ? null : page.get(page.size() - 1);
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .end(new JsonObject().put("items", items).put("next_cursor", more ? cursor(last) : null).encode());
      })
      .onFailure(ctx::fail);
  }

  /** A cursor is the position after the last file of a page, base64url: opaque to clients. */
  static String cursor(FileRecord last) {
    return Base64.getUrlEncoder().withoutPadding()
      .encodeToString((last.createdMs() + ":" + last.fileId()).getBytes(StandardCharsets.US_ASCII));
  }

  static FileRecordRepository.PagePosition position(String cursor) {
    if (cursor == null) {
      return FileRecordRepository.PagePosition.START;
    }
    try {
      Matcher m = CURSOR.matcher(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII));
      if (m.matches()) {
        return new FileRecordRepository.PagePosition(Long.parseLong(m.group(1)), m.group(2));
      }
    } catch (IllegalArgumentException malformed) {
      // answered below
    }
    throw Failure.about(Failure.Kind.INVALID_PARAMETER, "cursor", "cursor is not one this API handed out");
  }

  // ------------------------------------------------------------------ /api/v1/files/{id}

  private void getFile(RoutingContext ctx) {
    ApiRequest request = ApiRequest.of(ctx);
    owned(ctx, request.caller(), request.path("id"))
      .onSuccess(record -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(json(ctx.request(), record).encode()))
      .onFailure(ctx::fail);
  }

  private void deleteFile(RoutingContext ctx) {
    ApiRequest request = ApiRequest.of(ctx);
    owned(ctx, request.caller(), request.path("id"))
      .compose(expiry::reclaim)
      .onSuccess(v -> ctx.response().setStatusCode(204).end())
      .onFailure(ctx::fail);
  }

  /** The live file {@code id} when {@code caller} owns it: 404 when there is none (or it expired), 403 when not theirs. */
  private Future<FileRecord> owned(RoutingContext ctx, Caller caller, String id) {
    return live(ctx, id, System.currentTimeMillis()).map(record -> {
      if (!owns(caller, record)) {
        throw Failure.of(Failure.Kind.FORBIDDEN, "this file belongs to another account or app key");
      }
      return record;
    });
  }

  /** The file {@code id}, unless there is none or it has expired (then its bytes are reclaimed). */
  private Future<FileRecord> live(RoutingContext ctx, String id, long now) {
    RequestTrace.of(ctx).ifPresent(t -> t.fileId(id));
    if (!FileId.wellFormed(id)) {
      return Future.failedFuture(Failure.invalid("id"));
    }
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

  // ------------------------------------------------------------------ /api/v1/files/{id}/content

  /** GET and HEAD: the bytes or a preview, as gainImage serves them ({@link FileDelivery}), errors as problems. */
  private void content(RoutingContext ctx) {
    ApiRequest request = ApiRequest.of(ctx);
    Resize resize;
    try {
      String scaling = request.query("scaling");
      resize = scaling == null ? null : Resize.parse(scaling);
    } catch (Failure f) {
      ctx.fail(f);
      return;
    }
    String format = request.query("format");
    long now = System.currentTimeMillis();
    RequestTrace.of(ctx).ifPresent(t -> t.operation(NodeMetrics.Operation.DOWNLOAD));
    live(ctx, request.path("id"), now)
      .onSuccess(record -> {
        RequestTrace.of(ctx).ifPresent(t -> t.appKey(record.appKey()));
        delivery.deliver(ctx, record, resize, format, now, REFUSAL);
      })
      .onFailure(ctx::fail);
  }

  private static final FileDelivery.Refusal REFUSAL = new FileDelivery.Refusal() {
    @Override
    public void refuse(RoutingContext ctx, int status) {
      Problem.ofStatus(status, status == 416 ? "the range is outside the file" : null).send(ctx);
    }

    @Override
    public void refuse(RoutingContext ctx, Failure failure) {
      Problem.of(failure).send(ctx);
    }
  };

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
      .put("expires_at", record.expiresMs() == null ? null : Instant.ofEpochMilli(record.expiresMs()).toString())
      .put("store", record.store().column())
      .put("name", record.name());
  }
}
