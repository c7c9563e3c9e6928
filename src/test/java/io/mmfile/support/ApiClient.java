package io.mmfile.support;

import io.mmfile.api.v1.ApiDocument;
import io.mmfile.auth.AppKey;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.mmfile.support.TestServer.await;

/**
 * A client of {@code /api/v1} that calls operations by the {@code operationId} the OpenAPI document gives
 * them: the method and path come from the document, so a test names the operation it exercises
 * ({@code EveryOperationIsTestedTest} checks that every operation is named by some test). Signs with an
 * app key the way docs/api.md tells clients to, written here independently of the server's code.
 */
public final class ApiClient implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern TEMPLATE = Pattern.compile("\\{([^}]+)}");

  private final Vertx vertx = Vertx.vertx();
  private final WebClient web;
  private final Map<String, String[]> operations = new LinkedHashMap<>();

  public ApiClient(int port) {
    this.web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
      .setFollowRedirects(false));
    JsonObject document = ApiDocument.read();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && op.containsKey("operationId")) {
          operations.put(op.getString("operationId"), new String[] {method.toUpperCase(), path});
        }
      }
    }
  }

  public WebClient web() {
    return web;
  }

  /** A request for the operation {@code operationId}; unknown ids fail the test at once. */
  public Call operation(String operationId) {
    String[] found = operations.get(operationId);
    if (found == null) {
      throw new AssertionError("the OpenAPI document has no operation " + operationId);
    }
    return new Call(HttpMethod.valueOf(found[0]), found[1]);
  }

  /** Every operationId of the document, with its method and path. */
  public Map<String, String[]> operations() {
    return operations;
  }

  @Override
  public void close() {
    web.close();
    vertx.close();
  }

  /** The lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256(Buffer bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.getBytes()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A random nonce of the documented form. */
  public static String nonce() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The documented signature of a request (docs/api.md "Authentication"). */
  public static String signature(String secret, String method, String path, String query, long ts, String nonce,
                                 String contentHash) {
    String canonical = String.join("\n", "MMFILE-HMAC-SHA256", method, path, canonicalQuery(query),
      Long.toString(ts), nonce, contentHash);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The documented canonical query, for queries of names and values that need no escaping beyond %XX. */
  static String canonicalQuery(String query) {
    if (query == null || query.isEmpty()) {
      return "";
    }
    List<String> pairs = new ArrayList<>();
    for (String item : query.split("&")) {
      pairs.add(item.contains("=") ? item : item + "=");
    }
    pairs.sort(null);
    return String.join("&", pairs);
  }

  /** One call: path parameters, query, headers, credentials and body, then {@link #send}. */
  public final class Call {
    private final HttpMethod method;
    private final String template;
    private final Map<String, String> pathParams = new LinkedHashMap<>();
    private final List<String> query = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String bearer;
    private AppKey app;
    private long ts = -1;
    private String nonce;
    private String contentHash;
    private Buffer body;

    Call(HttpMethod method, String template) {
      this.method = method;
      this.template = template;
    }

    public Call path(String name, String value) {
      pathParams.put(name, value);
      return this;
    }

    /** A query parameter, already percent-encoded as it should go on the wire. */
    public Call query(String name, String value) {
      query.add(name + "=" + value);
      return this;
    }

    public Call header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    public Call bearer(String accessToken) {
      this.bearer = accessToken;
      return this;
    }

    /** Signs with {@code app}'s secret, now, with a fresh nonce and the body's hash. */
    public Call signed(AppKey app) {
      this.app = app;
      SecretWatch.watch(app.secret());
      return this;
    }

    /** Signs with this timestamp (seconds) instead of now. */
    public Call signedAt(long ts) {
      this.ts = ts;
      return this;
    }

    public Call nonce(String nonce) {
      this.nonce = nonce;
      return this;
    }

    /** Declares this content hash (hex, or UNSIGNED-PAYLOAD) instead of the body's. */
    public Call contentHash(String contentHash) {
      this.contentHash = contentHash;
      return this;
    }

    public Call body(Buffer body, String contentType) {
      this.body = body;
      headers.put("Content-Type", contentType);
      return this;
    }

    public Call json(JsonObject json) {
      return body(json.toBuffer(), "application/json");
    }

    /** The path the call goes to, its parameters put in. */
    public String uri() {
      Matcher m = TEMPLATE.matcher(template);
      StringBuilder path = new StringBuilder();
      while (m.find()) {
        String value = pathParams.get(m.group(1));
        if (value == null) {
          throw new AssertionError("path parameter " + m.group(1) + " of " + template + " not given");
        }
        m.appendReplacement(path, Matcher.quoteReplacement(value));
      }
      m.appendTail(path);
      return query.isEmpty() ? path.toString() : path + "?" + String.join("&", query);
    }

    public HttpResponse<Buffer> send() {
      String uri = uri();
      HttpRequest<Buffer> request = web.request(method, uri);
      headers.forEach(request::putHeader);
      if (bearer != null) {
        request.putHeader("Authorization", "Bearer " + bearer);
      }
      if (app != null) {
        long at = ts >= 0 ? ts : System.currentTimeMillis() / 1000;
        String n = nonce != null ? nonce : ApiClient.nonce();
        String hash = contentHash != null ? contentHash : body == null ? sha256(Buffer.buffer()) : sha256(body);
        int q = uri.indexOf('?');
        String sig = signature(app.secret(), method.name(), q < 0 ? uri : uri.substring(0, q),
          q < 0 ? null : uri.substring(q + 1), at, n, hash);
        request.putHeader("Authorization", "MMFILE-HMAC-SHA256 key=" + app.appKey() + ", ts=" + at + ", nonce=" + n
          + ", sig=" + sig);
        request.putHeader("x-mmfile-content-sha256", hash);
      }
      return await(body == null ? request.send() : request.sendBuffer(body));
    }
  }
}
