package io.mmfile.api.weidu;

import io.mmfile.accounts.AccountFormats;
import io.mmfile.accounts.AccountService;
import io.mmfile.auth.TokenService;
import io.mmfile.auth.TokenService.Principal;
import io.mmfile.files.CommitRequest;
import io.mmfile.files.FileIntake;
import io.mmfile.files.FileRecord;
import io.mmfile.files.FileStores;
import io.mmfile.files.FileUrls;
import io.mmfile.files.ImageVariants;
import io.mmfile.files.Resize;
import io.mmfile.files.StoreKind;
import io.mmfile.platform.Dialect;
import io.mmfile.platform.Failure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

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
  private final FileIntake intake;
  private final ImageVariants variants;
  private final FileStores stores;
  private final FileUrls urls;

  public WeiduRoutes(AccountService accounts, FileIntake intake, ImageVariants variants, FileStores stores,
                     FileUrls urls) {
    this.accounts = accounts;
    this.intake = intake;
    this.variants = variants;
    this.stores = stores;
    this.urls = urls;
  }

  @Override
  public void mount(Router router) {
    router.route("/weidu/api/v1/*").failureHandler(this::failure);
    router.post("/weidu/api/v1/users/accountinfo")
      .handler(BodyHandler.create(false).setBodyLimit(AccountFormats.PROFILE_MAX_BYTES)).handler(this::saveProfile);
    router.get("/weidu/api/v1/users/accountinfo").handler(this::profile);
    router.post("/weidu/api/v1/files").handler(this::uploadFiles);
    router.get("/weidu/api/v1/files/me").handler(this::myFiles);
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

  private void uploadFiles(RoutingContext ctx) {
    ctx.request().pause();
    String type = ctx.request().getHeader("Content-Type");
    List<Part> parts = new ArrayList<>();
    Future<Principal> owner = authenticate(ctx).compose(who -> {
      String userId = ctx.queryParams().get("user_id");
      if (userId != null && !userId.equals(who.uid())) {
        return Future.failedFuture(Failure.of(Failure.Kind.FORBIDDEN, "files are uploaded by their owner only"));
      }
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
        return Future.failedFuture(Failure.of(Failure.Kind.MALFORMED_BODY, "Content-Type must be multipart/form-data"));
      }
      return Future.succeededFuture(who);
    });
    owner.onComplete(checked -> {
      if (checked.failed()) {
        // Refused before reading the body: answer and close instead of draining it.
        ctx.response().putHeader("Connection", "close");
        respond(ctx, 201, Future.failedFuture(checked.cause()));
        return;
      }
      ctx.request().setExpectMultipart(true);
      ctx.request().uploadHandler(upload -> {
        if (!"files".equals(upload.name())) {
          upload.handler(ignored -> { });
          return;
        }
        parts.add(new Part(intake.stage(upload), upload.filename(), upload.contentType()));
      });
      ctx.response().closeHandler(v -> parts.forEach(p -> p.staged().abort()));
      ctx.request().endHandler(v -> respond(ctx, 201, commitAll(ctx, checked.result(), parts)));
      ctx.request().resume();
    });
  }

  private Future<Object> commitAll(RoutingContext ctx, Principal who, List<Part> parts) {
    if (parts.isEmpty()) {
      return Future.failedFuture(Failure.invalid("files"));
    }
    Future<List<FileRecord>> chain = Future.succeededFuture(new ArrayList<>());
    for (Part part : parts) {
      chain = chain.compose(done -> part.staged().received()
        .compose(v -> part.staged().commit(new CommitRequest(null, part.staged().size(), 0, StoreKind.DURABLE, false,
          who.uid(), part.name(), part.contentType(), extension(part.name()))))
        .map(record -> {
          done.add(record);
          return done;
        }));
    }
    return chain
      .onFailure(t -> parts.forEach(p -> p.staged().abort()))
      .map(records -> {
        JsonArray infos = new JsonArray();
        records.forEach(r -> infos.add(fileInfo(ctx, r)));
        return new JsonObject().put("file_infos", infos);
      });
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
        int status = WeiduError.status(f);
        send(ctx, status, new JsonObject().put("code", status).put("result", WeiduError.message(f)));
      }
    });
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
  }

  private void failure(RoutingContext ctx) {
    Failure f = ctx.failure() instanceof Failure known ? known
      : ctx.statusCode() == 413 ? Failure.invalid("body size")
      : Failure.wrap(ctx.failure() == null ? new IllegalStateException("status " + ctx.statusCode()) : ctx.failure(),
        Failure.Kind.STORE_FAILED);
    respond(ctx, 200, Future.failedFuture(f));
  }

  private static String extension(String name) {
    if (name == null) {
      return "";
    }
    int dot = name.lastIndexOf('.');
    return dot < 0 || dot == name.length() - 1 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private record Part(FileIntake.Staged staged, String name, String contentType) {
  }
}
