package io.mmfile.api.weidu;

import io.mmfile.accounts.AccountFormats;
import io.mmfile.accounts.AccountService;
import io.mmfile.auth.TokenService;
import io.mmfile.auth.TokenService.Principal;
import io.mmfile.files.CommitRequest;
import io.mmfile.files.FileRecord;
import io.mmfile.files.FileStores;
import io.mmfile.files.FileUrls;
import io.mmfile.files.ImageProbe;
import io.mmfile.files.ImageVariants;
import io.mmfile.files.Resize;
import io.mmfile.files.StoreKind;
import io.mmfile.files.UploadExchange;
import io.mmfile.platform.Dialect;
import io.mmfile.files.MultipartBody;
import io.mmfile.platform.BodyFailures;
import io.mmfile.platform.Failure;
import io.mmfile.platform.RequestTrace;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.mmfile.platform.FormBody;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The weidu dialect (WIRE.md §2): JSON in and out, {@code {"code":200,"result":"ok"}} on success and the
 * matching HTTP status with {@code {"code":status,"result":"…"}} on errors. Every call needs a Bearer
 * access token, and only the owner may write a profile or upload into it.
 */
public final class WeiduRoutes implements Dialect {
  private static final int FILES_LISTED = 1000;

  private final AccountService accounts;
  private final UploadExchange uploads;
  private final ImageVariants variants;
  private final FileStores stores;
  private final FileUrls urls;

  public WeiduRoutes(AccountService accounts, UploadExchange uploads, ImageVariants variants, FileStores stores,
                     FileUrls urls) {
    this.accounts = accounts;
    this.uploads = uploads;
    this.variants = variants;
    this.stores = stores;
    this.urls = urls;
  }

  @Override
  public void mount(Router router) {
    router.route("/weidu/api/v1/*").failureHandler(this::failure);
    router.post("/weidu/api/v1/users/accountinfo")
      .handler(new FormBody(AccountFormats.PROFILE_MAX_BYTES, uploads.limits())).handler(this::saveProfile);
    router.get("/weidu/api/v1/users/accountinfo").handler(this::profile);
    router.post("/weidu/api/v1/files").handler(this::uploadFiles);
    router.get("/weidu/api/v1/files/me").handler(this::myFiles);
  }

  /** Outside any route: the status itself, with weidu's {@code {"code","result"}} body. */
  @Override
  public boolean answerUnrouted(RoutingContext ctx, int status) {
    if (!ctx.normalizedPath().startsWith("/weidu/")) {
      return false;
    }
    String result = switch (status) {
      case 404 -> "not found";
      case 405 -> "method not allowed";
      default -> "server error";
    };
    send(ctx, status, new JsonObject().put("code", status).put("result", result));
    return true;
  }

  private void saveProfile(RoutingContext ctx) {
    respond(ctx, 200, authenticate(ctx).compose(who -> {
      String type = ctx.request().getHeader("Content-Type");
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
        return Future.failedFuture(Failure.of(Failure.Kind.MALFORMED_BODY, "Content-Type must be application/json"));
      }
      JsonObject profile = WeiduProfile.parse(ctx.body().buffer());
      return accounts.saveProfile(who, profile.getString("user_id"), profile).map(v -> (Object) null);
    }));
  }

  private void profile(RoutingContext ctx) {
    respond(ctx, 200, authenticate(ctx).compose(who -> {
      String userId = ctx.queryParams().get("user_id");
      if (userId == null || userId.isBlank() || userId.length() > AccountFormats.ID_MAX) {
        return Future.failedFuture(Failure.invalid("user_id"));
      }
      return accounts.profile(who, userId).map(p -> (Object) p);
    }));
  }

  /**
   * {@code files} parts through the {@link UploadExchange}: the Bearer token and the owner are checked
   * before any byte is read; up to {@code upload.max-parts} files, committed all together or not at all.
   * A file that claims to be an image (by type or name) must be one by its bytes.
   */
  private void uploadFiles(RoutingContext ctx) {
    uploads.handle(ctx, new FilesUpload(ctx));
  }

  private final class FilesUpload implements UploadExchange.Route<Principal, JsonObject> {
    private final RoutingContext ctx;

    FilesUpload(RoutingContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public String filePart() {
      return "files";
    }

    @Override
    public int maxFiles() {
      return uploads.limits().maxParts();
    }

    @Override
    public Future<Principal> admit(HttpServerRequest request) {
      return authenticate(ctx).compose(who -> {
        String userId = ctx.queryParams().get("user_id");
        if (userId != null && !userId.equals(who.uid())) {
          return Future.failedFuture(Failure.of(Failure.Kind.FORBIDDEN, "files are uploaded by their owner only"));
        }
        return Future.succeededFuture(who);
      });
    }

    @Override
    public Future<List<CommitRequest>> plan(Principal who, MultiMap fields, List<UploadExchange.ReceivedFile> files) {
      if (files.isEmpty()) {
        return Future.failedFuture(Failure.invalid("files"));
      }
      List<CommitRequest> commits = new ArrayList<>();
      for (UploadExchange.ReceivedFile file : files) {
        commits.add(new CommitRequest(null, file.size(), 0, StoreKind.DURABLE,
          ImageProbe.claimsImage(file.contentType(), file.filename()), who.uid(), file.filename(), file.contentType(),
          extension(file.filename())));
      }
      return Future.succeededFuture(commits);
    }

    @Override
    public Future<JsonObject> committed(Principal who, List<FileRecord> records) {
      JsonArray infos = new JsonArray();
      records.forEach(r -> infos.add(fileInfo(ctx, r)));
      return Future.succeededFuture(new JsonObject().put("file_infos", infos));
    }

    @Override
    public void answer(HttpServerResponse response, JsonObject result) {
      send(ctx, 201, new JsonObject().put("code", 200).put("result", "ok").put("data", result));
    }

    @Override
    public void refuse(HttpServerResponse response, Failure failure) {
      int status = WeiduError.status(failure);
      RequestTrace.noteFailure(ctx, failure);
      send(ctx, status, new JsonObject().put("code", status).put("result", WeiduError.message(failure)));
    }
  }

  private void myFiles(RoutingContext ctx) {
    respond(ctx, 200, authenticate(ctx).compose(who -> stores.records().ofAccount(who.uid(), FILES_LISTED))
      .map(records -> {
        JsonArray infos = new JsonArray();
        records.forEach(r -> infos.add(fileInfo(ctx, r)));
        return new JsonObject().put("file_infos", infos);
      }));
  }

  private JsonObject fileInfo(RoutingContext ctx, FileRecord r) {
    // The preview is a gainImage variant of the file itself, rendered on first request and then cached.
    Optional<Resize> preview = variants.previewOf(r);
    String previewUrl = preview.map(size -> urls.ofId(ctx.request(), r.fileId(), ImageVariants.PREVIEW_EXTENSION,
      r.store() == StoreKind.DURABLE, r.createdMs()) + "&scaling=" + size).orElse("");
    return new JsonObject()
      .put("id", r.fileId())
      .put("user_id", r.accountId())
      .put("path", urls.of(ctx.request(), r))
      .put("preview_path", previewUrl)
      .put("name", r.name() == null ? "" : r.name())
      .put("extension", r.extension())
      .put("size", r.size())
      .put("mime_type", r.contentType())
      .put("width", r.width())
      .put("height", r.height())
      .put("has_pre_img", preview.isPresent());
  }

  private Future<Principal> authenticate(RoutingContext ctx) {
    return accounts.tokens().authenticate(TokenService.bearer(ctx.request().getHeader("Authorization")));
  }

  private void respond(RoutingContext ctx, int successStatus, Future<Object> result) {
    result.onComplete(ar -> {
      if (ctx.response().ended() || ctx.response().closed()) {
        return;
      }
      if (ar.succeeded()) {
        JsonObject body = new JsonObject().put("code", 200).put("result", "ok");
        if (ar.result() != null) {
          body.put("data", ar.result());
        }
        send(ctx, successStatus, body);
      } else {
        Failure f = Failure.wrap(ar.cause(), Failure.Kind.STORE_FAILED);
        RequestTrace.noteFailure(ctx, f);
        int status = WeiduError.status(f);
        send(ctx, status, new JsonObject().put("code", status).put("result", WeiduError.message(f)));
      }
    });
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    RequestTrace.of(ctx).ifPresent(t -> t.outcome(String.valueOf(body.getValue("code", status))));
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
  }

  private void failure(RoutingContext ctx) {
    respond(ctx, 200, Future.failedFuture(BodyFailures.ofRoute(ctx, MultipartBody.BODY_SIZE)));
  }

  private static String extension(String name) {
    if (name == null) {
      return "";
    }
    int dot = name.lastIndexOf('.');
    return dot < 0 || dot == name.length() - 1 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

}
