package io.mmfile.console;

import io.mmfile.auth.AppKey;
import io.mmfile.auth.AppKeyAdmin;
import io.mmfile.auth.LoginThrottle;
import io.mmfile.files.FileExpiry;
import io.mmfile.files.FileRecord;
import io.mmfile.files.FileStores;
import io.mmfile.files.FileUrls;
import io.mmfile.platform.ClientAddress;
import io.mmfile.platform.Dialect;
import io.mmfile.platform.Failure;
import io.mmfile.platform.KeyValueStore;
import io.mmfile.platform.MmfileConfig;
import io.mmfile.platform.NodeMetrics;
import io.mmfile.platform.RequestTrace;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The operator console at {@code /console} (only when {@code console.admin-password} is set): static
 * pages from the jar ({@code console/} on the class path) and a small JSON API under
 * {@code /console/api/} for them. One admin, logged in with the configured password through the login
 * throttle (buckets of its own); a session is a random cookie (HttpOnly, SameSite=Strict, path
 * {@code /console}) whose hash is kept in the key-value store, so it works on every node. Every
 * request that changes something must also carry {@code X-Console: 1}, which a cross-site form cannot
 * send. Every action is written to the {@code mmfile.audit} log.
 */
public final class ConsoleRoutes implements Dialect {
  static final String PREFIX = "/console";
  private static final Logger AUDIT = LoggerFactory.getLogger("mmfile.audit");
  private static final String COOKIE = "mmfile_console";
  private static final String CSRF_HEADER = "X-Console";
  private static final String THROTTLE_KEY = "console-admin";
  private static final Pattern APP_KEY = Pattern.compile("\\d{1,10}");
  private static final Pattern FILE_ID = Pattern.compile("[0-9a-f]{32}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int LIST_LIMIT = 50;

  private final MmfileConfig.Console config;
  private final byte[] passwordDigest;
  private final KeyValueStore kv;
  private final LoginThrottle throttle;
  private final AppKeyAdmin appKeys;
  private final FileStores stores;
  private final FileExpiry expiry;
  private final FileUrls urls;
  private final ClientAddress clientAddress;
  private final Supplier<Future<JsonObject>> overview;
  private final boolean secureCookie;

  public ConsoleRoutes(MmfileConfig config, KeyValueStore kv, LoginThrottle throttle, AppKeyAdmin appKeys,
                       FileStores stores, FileExpiry expiry, FileUrls urls,
                       ClientAddress clientAddress, Supplier<Future<JsonObject>> overview) {
    this.config = config.console();
    this.passwordDigest = sha256(this.config.adminPassword().orElseThrow());
    this.kv = kv;
    this.throttle = throttle;
    this.appKeys = appKeys;
    this.stores = stores;
    this.expiry = expiry;
    this.urls = urls;
    this.clientAddress = clientAddress;
    this.overview = overview;
    this.secureCookie = config.http().tls();
  }

  @Override
  public void mount(Router router) {
    // the route also matches /console/ (vertx-web ignores a trailing slash): redirect the bare path only
    router.get(PREFIX).handler(ctx -> {
      if (ctx.request().path().equals(PREFIX)) {
        ctx.redirect(PREFIX + "/");
      } else {
        ctx.next();
      }
    });
    BodyHandler body = BodyHandler.create(false).setBodyLimit(4096);
    router.post(PREFIX + "/api/login").handler(body).handler(this::login);
    router.route(PREFIX + "/api/*").handler(this::requireSession);
    router.post(PREFIX + "/api/logout").handler(this::logout);
    router.get(PREFIX + "/api/overview").handler(this::overview);
    router.get(PREFIX + "/api/keys").handler(this::listKeys);
    router.post(PREFIX + "/api/keys").handler(body).handler(this::createKey);
    router.post(PREFIX + "/api/keys/:appKey/:action").handler(this::changeKey);
    router.get(PREFIX + "/api/files").handler(this::listFiles);
    router.delete(PREFIX + "/api/files/:fileId").handler(this::deleteFile);
    // the pages load only their own scripts, styles and images, and no other site may frame them
    router.route(PREFIX + "/*").handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none';"
        + " form-action 'self'");
      ctx.next();
    });
    router.route(PREFIX + "/*").handler(StaticHandler.create("console")
      .setCachingEnabled(false)
      .setIndexPage("index.html")
      .setDefaultContentEncoding("UTF-8"));
  }

  /** Unknown console paths and methods, and unexpected errors, answer in JSON. */
  @Override
  public boolean answerUnrouted(RoutingContext ctx, int status) {
    if (!ctx.normalizedPath().startsWith(PREFIX + "/") && !ctx.normalizedPath().equals(PREFIX)) {
      return false;
    }
    json(ctx, status, new JsonObject().put("error", status == 404 ? "not found" : status == 405 ? "method not allowed"
      : "internal error"));
    return true;
  }

  // ---------------------------------------------------------------------------------------- sessions

  private void login(RoutingContext ctx) {
    String address = clientAddress.of(ctx.request());
    JsonObject form = bodyJson(ctx);
    String password = form == null ? null : form.getValue("password") instanceof String s ? s : null;
    if (password == null || password.isEmpty() || password.length() > 1024) {
      json(ctx, 400, new JsonObject().put("error", "password is required"));
      return;
    }
    throttle.acquire(THROTTLE_KEY, "console:" + address).compose(v -> {
      if (!MessageDigest.isEqual(sha256(password), passwordDigest)) {
        return Future.failedFuture(Failure.of(Failure.Kind.WRONG_PASSWORD, "wrong password"));
      }
      return throttle.succeeded(THROTTLE_KEY, "console:" + address);
    }).compose(v -> {
      byte[] raw = new byte[32];
      RANDOM.nextBytes(raw);
      String token = HexFormat.of().formatHex(raw);
      return kv.set(sessionKey(token), address, config.sessionMinutes() * 60_000L).map(token);
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        AUDIT.info("console login from {}", address);
        ctx.response().addCookie(Cookie.cookie(COOKIE, ar.result()).setPath(PREFIX).setHttpOnly(true)
          .setSecure(secureCookie).setSameSite(CookieSameSite.STRICT).setMaxAge(config.sessionMinutes() * 60L));
        json(ctx, 200, new JsonObject().put("ok", true));
        return;
      }
      Failure f = Failure.wrap(ar.cause(), Failure.Kind.STORE_FAILED);
      RequestTrace.noteFailure(ctx, f);
      AUDIT.warn("console login refused from {}: {}", address, f.kind() == Failure.Kind.RATE_LIMITED
        ? "throttled" : f.kind() == Failure.Kind.WRONG_PASSWORD ? "wrong password" : f.getMessage());
      if (f.kind() == Failure.Kind.RATE_LIMITED) {
        ctx.response().putHeader("Retry-After", Long.toString(f.retryAfterSeconds()));
        json(ctx, 429, new JsonObject().put("error", "too many tries").put("retryAfter", f.retryAfterSeconds()));
      } else if (f.kind() == Failure.Kind.WRONG_PASSWORD) {
        json(ctx, 401, new JsonObject().put("error", "wrong password"));
      } else {
        json(ctx, 503, new JsonObject().put("error", "the session store is not available"));
      }
    });
  }

  private void requireSession(RoutingContext ctx) {
    if (ctx.normalizedPath().equals(PREFIX + "/api/login")) {
      ctx.next();
      return;
    }
    Cookie cookie = ctx.request().getCookie(COOKIE);
    String token = cookie == null ? null : cookie.getValue();
    boolean changes = !ctx.request().method().name().equals("GET");
    if (changes && !"1".equals(ctx.request().getHeader(CSRF_HEADER))) {
      json(ctx, 403, new JsonObject().put("error", "the " + CSRF_HEADER + " header is required"));
      return;
    }
    if (token == null || !token.matches("[0-9a-f]{64}")) {
      json(ctx, 401, new JsonObject().put("error", "log in first"));
      return;
    }
    kv.get(sessionKey(token)).onComplete(ar -> {
      if (ar.failed()) {
        json(ctx, 503, new JsonObject().put("error", "the session store is not available"));
      } else if (ar.result() == null) {
        json(ctx, 401, new JsonObject().put("error", "log in first"));
      } else {
        ctx.put("console.token", token);
        ctx.next();
      }
    });
  }

  private void logout(RoutingContext ctx) {
    String token = ctx.get("console.token");
    kv.delete(sessionKey(token)).onComplete(ar -> {
      audit(ctx, "logout", "-");
      ctx.response().addCookie(Cookie.cookie(COOKIE, "").setPath(PREFIX).setMaxAge(0));
      json(ctx, 200, new JsonObject().put("ok", true));
    });
  }

  // ---------------------------------------------------------------------------------------- actions

  private void overview(RoutingContext ctx) {
    reply(ctx, overview.get());
  }

  private void listKeys(RoutingContext ctx) {
    reply(ctx, appKeys.list().map(keys -> {
      JsonArray rows = new JsonArray();
      keys.forEach(k -> rows.add(keyJson(k)));
      return new JsonObject().put("keys", rows);
    }));
  }

  private void createKey(RoutingContext ctx) {
    JsonObject form = bodyJson(ctx);
    String name = form == null ? null : form.getValue("name") instanceof String s ? s.trim() : null;
    if (name == null || name.isEmpty() || name.length() > 128) {
      json(ctx, 400, new JsonObject().put("error", "name is required (at most 128 characters)"));
      return;
    }
    reply(ctx, appKeys.create(name, actor(ctx)).map(key -> {
      // the only time the secret leaves the node
      return keyJson(key).put("secret", key.secret());
    }));
  }

  private void changeKey(RoutingContext ctx) {
    String appKey = ctx.pathParam("appKey");
    String action = ctx.pathParam("action");
    if (!APP_KEY.matcher(appKey).matches()) {
      json(ctx, 400, new JsonObject().put("error", "appKey is not an app key"));
      return;
    }
    Future<JsonObject> done = switch (action) {
      case "disable" -> appKeys.disable(appKey, actor(ctx))
        .map(key -> new JsonObject().put("appKey", appKey).put("enabled", false));
      case "enable" -> appKeys.enable(appKey, actor(ctx))
        .map(key -> new JsonObject().put("appKey", appKey).put("enabled", true));
      case "rotate" -> appKeys.rotate(appKey, actor(ctx)).map(key -> new JsonObject().put("appKey", key.appKey())
        .put("secret", key.secret()).put("previousSecretUntilMs", key.previousSecretUntilMs()));
      default -> null;
    };
    if (done == null) {
      json(ctx, 404, new JsonObject().put("error", "no such action"));
      return;
    }
    reply(ctx, done);
  }

  /** The newest uploads, of one app key ({@code appKey}), or the one file {@code fileId}. */
  private void listFiles(RoutingContext ctx) {
    String fileId = ctx.request().getParam("fileId");
    String appKey = ctx.request().getParam("appKey");
    Future<List<FileRecord>> found;
    if (fileId != null && !fileId.isBlank()) {
      String id = fileId.trim().toLowerCase(java.util.Locale.ROOT);
      if (!FILE_ID.matcher(id).matches()) {
        json(ctx, 400, new JsonObject().put("error", "a file id is 32 hexadecimal digits"));
        return;
      }
      found = stores.records().find(id).map(r -> r.map(List::of).orElse(List.of()));
    } else if (appKey != null && !appKey.isBlank()) {
      if (!APP_KEY.matcher(appKey.trim()).matches()) {
        json(ctx, 400, new JsonObject().put("error", "appKey is not an app key"));
        return;
      }
      found = stores.records().newest(appKey.trim(), LIST_LIMIT);
    } else {
      found = stores.records().newest(null, LIST_LIMIT);
    }
    reply(ctx, found.map(records -> {
      JsonArray rows = new JsonArray();
      records.forEach(r -> rows.add(fileJson(ctx, r)));
      return new JsonObject().put("files", rows);
    }));
  }

  private void deleteFile(RoutingContext ctx) {
    String fileId = ctx.pathParam("fileId");
    if (!FILE_ID.matcher(fileId).matches()) {
      json(ctx, 400, new JsonObject().put("error", "a file id is 32 hexadecimal digits"));
      return;
    }
    reply(ctx, stores.records().find(fileId).compose(found -> {
      FileRecord record = found.orElseThrow(() -> Failure.about(Failure.Kind.NOT_FOUND, "fileId", "no such file"));
      return expiry.reclaim(record).map(v -> {
        audit(ctx, "delete file", fileId + " (app key " + record.appKey() + ")");
        return new JsonObject().put("fileId", fileId).put("deleted", true);
      });
    }));
  }

  // ---------------------------------------------------------------------------------------- rendering

  private JsonObject fileJson(RoutingContext ctx, FileRecord r) {
    String url = urls.of(ctx.request(), r);
    JsonObject json = new JsonObject().put("fileId", r.fileId()).put("appKey", r.appKey())
      .put("store", r.store().column()).put("size", r.size()).put("contentType", r.contentType())
      .put("width", r.width()).put("height", r.height()).put("createdMs", r.createdMs())
      .put("expiresMs", r.expiresMs()).put("url", url);
    if (r.image()) {
      // a resized variant through gainImage's own scaling (mode 4: fitted inside 120x120)
      json.put("thumbnail", relative(url) + "&scaling=120x120x4");
    }
    return json;
  }

  /** The thumbnail is loaded from the console's own origin, whatever http.public-base-url says. */
  private static String relative(String url) {
    int path = url.indexOf("/dfsapi/");
    return path < 0 ? url : url.substring(path);
  }

  private static JsonObject keyJson(AppKey k) {
    return new JsonObject().put("appKey", k.appKey()).put("name", k.name()).put("enabled", k.enabled())
      .put("createdMs", k.createdMs())
      .put("previousSecretUntilMs", k.previousSecret() == null ? null : k.previousSecretUntilMs());
  }

  private void audit(RoutingContext ctx, String action, String target) {
    AppKeyAdmin.audit(actor(ctx), action, target);
  }

  private AppKeyAdmin.Actor actor(RoutingContext ctx) {
    return new AppKeyAdmin.Actor("console", clientAddress.of(ctx.request()));
  }

  private static void reply(RoutingContext ctx, Future<JsonObject> answer) {
    answer.onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx, 200, ar.result());
        return;
      }
      Failure f = Failure.wrap(ar.cause(), Failure.Kind.STORE_FAILED);
      RequestTrace.noteFailure(ctx, f);
      int status = switch (f.kind()) {
        case NOT_FOUND -> 404;
        case INVALID_PARAMETER -> 400;
        case SQL_UNAVAILABLE, REDIS_UNAVAILABLE, STORE_FAILED -> 503;
        default -> 500;
      };
      if (status >= 500) {
        LoggerFactory.getLogger(ConsoleRoutes.class).warn("console {} failed: {}", ctx.normalizedPath(), f.getMessage());
      }
      json(ctx, status, new JsonObject().put("error", f.getMessage()));
    });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    RequestTrace.of(ctx).ifPresent(t -> t.outcome(Integer.toString(status)));
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body.encode());
  }

  private static JsonObject bodyJson(RoutingContext ctx) {
    try {
      return ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private String sessionKey(String token) {
    return "console:s:" + HexFormat.of().formatHex(sha256(token));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

}
