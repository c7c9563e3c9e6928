package io.mmfile.files.s3;

import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The few S3 operations mmfile needs, over Vert.x's own HTTP client, signed with {@link SigV4}: no
 * second networking stack and no thread of its own. Every call is asynchronous and may be made on an
 * event loop; its callbacks run on the caller's context. Bodies stream from a file or go as one small
 * buffer; responses to {@link #get} stream back paused, for the caller to pipe.
 *
 * <p>Works with AWS S3 and S3-compatible servers (MinIO, Ceph RGW, SeaweedFS, s3proxy): virtual-hosted
 * addressing ({@code https://bucket.endpoint/key}) or, with {@code path-style}, {@code https://endpoint/bucket/key}.
 * No checksums beyond SigV4's are sent (like the AWS SDK's {@code WHEN_REQUIRED}), since not every
 * S3-compatible server knows the newer checksum headers.
 */
public final class S3Client {
  /** An S3 error answer: the HTTP status and S3's error code ({@code NoSuchBucket}, {@code SignatureDoesNotMatch}). */
  public static final class S3Exception extends RuntimeException {
    private final int status;
    private final String code;

    S3Exception(String operation, int status, String code, String message) {
      super(operation + ": HTTP " + status + (code.isEmpty() ? "" : " " + code) + (message.isEmpty() ? "" : " (" + message + ")"));
      this.status = status;
      this.code = code;
    }

    public int status() {
      return status;
    }

    public String code() {
      return code;
    }
  }

  /** One unfinished multipart upload. */
  public record MultipartUpload(String key, String uploadId, String initiated) {
  }

  /** A body sent from {@code length} bytes of a file at {@code offset}, without holding it in memory. */
  public record FileRegion(Path path, long offset, long length) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(S3Client.class);
  /** Times an idempotent request answered 500 or 503 is sent again, the n-th after n × the pause. */
  static final int RETRIES = 3;
  static final long RETRY_PAUSE_MS = 50;
  private static final ThreadLocal<DocumentBuilder> XML = ThreadLocal.withInitial(S3Client::documentBuilder);

  private final Vertx vertx;
  private final HttpClient http;
  private final MmfileConfig.S3 config;
  private final SigV4 signer;
  private final Clock clock;
  private final String host;
  private final int port;
  private final boolean ssl;
  private final String hostHeader;
  private final String bucketPath;
  private final long timeoutMs;

  public S3Client(Vertx vertx, MmfileConfig.S3 config) {
    this(vertx, config, Clock.systemUTC());
  }

  S3Client(Vertx vertx, MmfileConfig.S3 config, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.signer = new SigV4(config.accessKey(), config.secretKey(), config.region(), "s3");
    URI endpoint = config.endpoint();
    this.ssl = "https".equalsIgnoreCase(endpoint.getScheme());
    this.port = endpoint.getPort() > 0 ? endpoint.getPort() : ssl ? 443 : 80;
    this.host = config.pathStyle() ? endpoint.getHost() : config.bucket() + "." + endpoint.getHost();
    boolean defaultPort = endpoint.getPort() < 0 || (ssl && port == 443) || (!ssl && port == 80);
    this.hostHeader = defaultPort ? host : host + ":" + port;
    String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/+$", "");
    this.bucketPath = config.pathStyle() ? base + "/" + SigV4.encode(config.bucket(), true) : base;
    this.timeoutMs = config.timeoutSeconds() * 1000L;
    this.http = vertx.createHttpClient(new HttpClientOptions()
        .setSsl(ssl)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs))
        .setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(config.maxConnections()));
  }

  /** Where this client writes, for logs: endpoint, bucket and prefix; never a credential. */
  public String describe() {
    return "bucket " + config.bucket() + " at " + config.endpoint() + (config.pathStyle() ? " (path-style)" : "")
      + (config.prefix().isEmpty() ? "" : ", prefix " + config.prefix());
  }

  // ---------------------------------------------------------------- objects

  /** Stores {@code body} as {@code key} in one request; {@code headers} are extra ones ({@code x-amz-meta-…}). */
  public Future<Void> put(String key, Buffer body, Map<String, String> headers) {
    return send(HttpMethod.PUT, key, Map.of(), headers, body, null, r -> expect("PUT " + key, r, 200)).mapEmpty();
  }

  /** Stores a file region as {@code key} in one request, streamed from the file. */
  public Future<Void> put(String key, FileRegion body, Map<String, String> headers) {
    return send(HttpMethod.PUT, key, Map.of(), headers, null, body, r -> expect("PUT " + key, r, 200)).mapEmpty();
  }

  /**
   * {@code length} bytes of {@code key} from {@code offset}, as a paused response for the caller to read
   * (and to resume); empty when there is no such object.
   */
  public Future<Optional<HttpClientResponse>> get(String key, long offset, long length) {
    Map<String, String> headers = Map.of("Range", "bytes=" + offset + "-" + (offset + length - 1));
    return send(HttpMethod.GET, key, Map.of(), headers, null, null, response -> {
      if (response.statusCode() == 200 || response.statusCode() == 206) {
        response.pause();
        return Future.succeededFuture(Optional.of(response));
      }
      if (response.statusCode() == 404) {
        return response.body().map(ignored -> Optional.empty());
      }
      return fail("GET " + key, response);
    });
  }

  /** Whether {@code key} exists. */
  public Future<Boolean> exists(String key) {
    return send(HttpMethod.HEAD, key, Map.of(), Map.of(), null, null, response -> {
      if (response.statusCode() == 200) {
        return response.body().map(true);
      }
      if (response.statusCode() == 404) {
        return response.body().map(false);
      }
      return fail("HEAD " + key, response);
    });
  }

  /** Deletes {@code key}; succeeds when it is already gone (S3 answers 204 either way). */
  public Future<Void> delete(String key) {
    return send(HttpMethod.DELETE, key, Map.of(), Map.of(), null, null, r -> expect("DELETE " + key, r, 204, 200, 404)).mapEmpty();
  }

  // ---------------------------------------------------------------- multipart uploads

  /** Starts a multipart upload of {@code key}; answers its upload id. */
  public Future<String> createMultipartUpload(String key, Map<String, String> headers) {
    return send(HttpMethod.POST, key, Map.of("uploads", ""), headers, Buffer.buffer(), null, r -> expect("CreateMultipartUpload " + key, r, 200))
      .map(xml -> firstText(parse(xml.toString()).getDocumentElement(), "UploadId"))
      .compose(id -> id == null || id.isEmpty()
        ? Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "CreateMultipartUpload " + key + ": no UploadId"))
        : Future.succeededFuture(id));
  }

  /** Sends one part (numbered from 1); answers its ETag. */
  public Future<String> uploadPart(String key, String uploadId, int partNumber, FileRegion body) {
    return send(HttpMethod.PUT, key, Map.of("partNumber", Integer.toString(partNumber), "uploadId", uploadId),
      Map.of(), null, body, response -> {
        String etag = response.getHeader("ETag");
        return expect("UploadPart " + partNumber + " of " + key, response, 200).compose(ignored -> etag == null
          ? Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "UploadPart " + key + ": no ETag"))
          : Future.succeededFuture(etag));
      });
  }

  /** Joins the parts (their ETags in order) into the object. */
  public Future<Void> completeMultipartUpload(String key, String uploadId, List<String> etags) {
    StringBuilder xml = new StringBuilder("<CompleteMultipartUpload>");
    for (int i = 0; i < etags.size(); i++) {
      xml.append("<Part><PartNumber>").append(i + 1).append("</PartNumber><ETag>")
        .append(escape(etags.get(i))).append("</ETag></Part>");
    }
    xml.append("</CompleteMultipartUpload>");
    return send(HttpMethod.POST, key, Map.of("uploadId", uploadId), Map.of("Content-Type", "application/xml"),
      Buffer.buffer(xml.toString()), null, r -> expect("CompleteMultipartUpload " + key, r, 200))
      // S3 may answer 200 and still fail the completion, with an Error document as the body.
      .compose(body -> {
        Element root = parse(body.toString()).getDocumentElement();
        return "Error".equals(root.getTagName())
          ? Future.failedFuture(storeFailed(new S3Exception("CompleteMultipartUpload " + key, 200,
            text(firstText(root, "Code")), text(firstText(root, "Message")))))
          : Future.<Void>succeededFuture();
      });
  }

  /** Drops a multipart upload and its parts; succeeds when it is already gone. */
  public Future<Void> abortMultipartUpload(String key, String uploadId) {
    return send(HttpMethod.DELETE, key, Map.of("uploadId", uploadId), Map.of(), null, null, r -> expect("AbortMultipartUpload " + key, r, 204, 200, 404)).mapEmpty();
  }

  /** Unfinished multipart uploads of keys under {@code prefix} (the first thousand). */
  public Future<List<MultipartUpload>> listMultipartUploads(String prefix) {
    return send(HttpMethod.GET, null, Map.of("uploads", "", "prefix", prefix), Map.of(), null, null, r -> expect("ListMultipartUploads", r, 200))
      .map(xml -> {
        List<MultipartUpload> uploads = new ArrayList<>();
        NodeList nodes = parse(xml.toString()).getDocumentElement().getElementsByTagName("Upload");
        for (int i = 0; i < nodes.getLength(); i++) {
          Element upload = (Element) nodes.item(i);
          uploads.add(new MultipartUpload(text(firstText(upload, "Key")), text(firstText(upload, "UploadId")),
            text(firstText(upload, "Initiated"))));
        }
        return uploads;
      });
  }

  // ---------------------------------------------------------------- bucket

  /** Every key under {@code prefix}, following continuation tokens. */
  public Future<List<String>> listKeys(String prefix) {
    return listKeys(prefix, null, new ArrayList<>());
  }

  private Future<List<String>> listKeys(String prefix, String token, List<String> keys) {
    Map<String, String> query = new TreeMap<>(Map.of("list-type", "2", "prefix", prefix));
    if (token != null) {
      query.put("continuation-token", token);
    }
    return send(HttpMethod.GET, null, query, Map.of(), null, null, r -> expect("ListObjectsV2", r, 200))
      .compose(xml -> {
        Element root = parse(xml.toString()).getDocumentElement();
        NodeList contents = root.getElementsByTagName("Contents");
        for (int i = 0; i < contents.getLength(); i++) {
          keys.add(text(firstText((Element) contents.item(i), "Key")));
        }
        String next = firstText(root, "NextContinuationToken");
        return "true".equals(firstText(root, "IsTruncated")) && next != null && !next.isEmpty()
          ? listKeys(prefix, next, keys) : Future.succeededFuture(keys);
      });
  }

  /** Answers when the bucket exists and these credentials may use it (HEAD bucket). */
  public Future<Void> headBucket() {
    return send(HttpMethod.HEAD, null, Map.of(), Map.of(), null, null, r -> expect("HEAD bucket " + config.bucket(), r, 200)).mapEmpty();
  }

  /** Creates the bucket (tests, and operators trying a fresh S3-compatible server); an existing one of ours is fine. */
  public Future<Void> createBucket() {
    return send(HttpMethod.PUT, null, Map.of(), Map.of(), Buffer.buffer(), null, response -> {
      if (response.statusCode() == 409) {
        return response.body().mapEmpty();
      }
      return expect("CreateBucket " + config.bucket(), response, 200).mapEmpty();
    });
  }

  public Future<Void> close() {
    return http.close();
  }

  // ---------------------------------------------------------------- requests

  /**
   * Signs and sends one request. {@code key} null addresses the bucket. At most one of {@code buffer}
   * (signed with its SHA-256) and {@code file} (streamed, {@code UNSIGNED-PAYLOAD}) is the body.
   */
  /**
   * Signs and sends one request, and hands its response to {@code handle}, which reads the body or
   * pauses the response. {@code key} null addresses the bucket. At most one of {@code buffer} (signed
   * with its SHA-256) and {@code file} (streamed, {@code UNSIGNED-PAYLOAD}) is the body.
   *
   * <p>Called off a Vert.x thread (tests, the command line), the whole exchange moves onto a context:
   * a response handed to a callback registered from another thread could lose the body that arrives
   * before the callback is attached.
   */
  private <T> Future<T> send(HttpMethod method, String key, Map<String, String> query, Map<String, String> extraHeaders,
                             Buffer buffer, FileRegion file, Function<HttpClientResponse, Future<T>> handle) {
    return send(method, key, query, extraHeaders, buffer, file, handle, 1);
  }

  private <T> Future<T> send(HttpMethod method, String key, Map<String, String> query, Map<String, String> extraHeaders,
                             Buffer buffer, FileRegion file, Function<HttpClientResponse, Future<T>> handle, int attempt) {
    if (Vertx.currentContext() == null) {
      Promise<T> done = Promise.promise();
      vertx.getOrCreateContext().runOnContext(v ->
        send(method, key, query, extraHeaders, buffer, file, handle, attempt).onComplete(done));
      return done.future();
    }
    String operation = method + " " + (key == null ? config.bucket() : key);
    Future<HttpClientResponse> first = attempt(method, key, query, extraHeaders, buffer, file);
    // A pooled connection the server closed while idle fails a request before it got an answer; the
    // idempotent ones (every method but POST) go again once, on a fresh connection. An answer of 500 or
    // 503 (S3's InternalError and SlowDown, which ask the client to try again) sends an idempotent
    // request again after a short pause, up to RETRIES times; every other error answer is final.
    boolean idempotent = method != HttpMethod.POST;
    return (idempotent ? first.recover(t -> t instanceof Failure ? Future.failedFuture(t)
        : attempt(method, key, query, extraHeaders, buffer, file)) : first)
      .<HttpClientResponse>recover(t -> Future.failedFuture(t instanceof Failure ? t
        : Failure.of(Failure.Kind.STORE_FAILED, "S3 " + operation + " failed: " + describe(t), t)))
      .compose(response -> {
        if (!idempotent || attempt > RETRIES || (response.statusCode() != 500 && response.statusCode() != 503)) {
          return handle.apply(response);
        }
        LOG.debug("S3 {} answered {}; trying again ({} of {})", operation, response.statusCode(), attempt, RETRIES);
        return response.body().<Void>transform(ignored -> pause(RETRY_PAUSE_MS * attempt))
          .compose(v -> send(method, key, query, extraHeaders, buffer, file, handle, attempt + 1));
      });
  }

  private Future<Void> pause(long ms) {
    Promise<Void> done = Promise.promise();
    vertx.setTimer(ms, id -> done.complete());
    return done.future();
  }

  private Future<HttpClientResponse> attempt(HttpMethod method, String key, Map<String, String> query,
                                             Map<String, String> extraHeaders, Buffer buffer, FileRegion file) {
    if (file == null) {
      return http.request(options(method, key, query, extraHeaders, buffer, null))
        .compose(request -> buffer != null ? request.send(buffer) : request.send());
    }
    // The file is opened and measured before a connection is taken: a region the file no longer holds
    // would otherwise send a short body and wait for the server's timeout.
    return vertx.fileSystem().open(file.path().toString(), new OpenOptions().setRead(true).setWrite(false))
      .compose(opened -> opened.size().compose(size -> size < file.offset() + file.length()
          ? Future.failedFuture(Failure.of(Failure.Kind.STORE_FAILED, "staging file " + file.path().getFileName()
            + " holds " + size + " bytes, not the " + (file.offset() + file.length()) + " to send"))
          : http.request(options(method, key, query, extraHeaders, null, file)).compose(request -> {
            opened.setReadPos(file.offset()).setReadLength(file.length());
            return request.send(opened);
          }))
        // Closed alongside, not before the answer is handed on: a response passed on later than the
        // callback it arrived in would have lost its body by then.
        .andThen(ar -> opened.close()));
  }

  /** The request, signed now. */
  private RequestOptions options(HttpMethod method, String key, Map<String, String> query,
                                 Map<String, String> extraHeaders, Buffer buffer, FileRegion file) {
    String path = bucketPath + (key == null ? "" : "/" + SigV4.encode(key, false));
    if (path.isEmpty()) {
      path = "/";
    }
    String payload = file != null ? SigV4.UNSIGNED_PAYLOAD
      : buffer == null || buffer.length() == 0 ? SigV4.EMPTY_SHA256 : SigV4.sha256Hex(buffer.getBytes());
    Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
    headers.put("Host", hostHeader);
    headers.put("x-amz-content-sha256", payload);
    long length = file != null ? file.length() : buffer != null ? buffer.length() : -1;
    if (length >= 0) {
      headers.put("Content-Length", Long.toString(length));
    }
    SigV4.Signature signature = signer.sign(method.name(), path, query, headers, payload, clock.instant());
    String canonicalQuery = SigV4.canonicalQuery(query);
    RequestOptions options = new RequestOptions()
      .setMethod(method)
      .setHost(host)
      .setPort(port)
      .setSsl(ssl)
      .setURI(canonicalQuery.isEmpty() ? path : path + "?" + canonicalQuery)
      // Covers waiting for a pooled connection too, so that a busy pool fails a request instead of holding it.
      .setConnectTimeout(timeoutMs)
      .setIdleTimeout(timeoutMs);
    headers.forEach(options::putHeader);
    options.putHeader("x-amz-date", signature.amzDate());
    options.putHeader("Authorization", signature.authorization());
    return options;
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** The body of an answer with one of {@code statuses}; any other fails with S3's error code. */
  private static Future<Buffer> expect(String operation, HttpClientResponse response, int... statuses) {
    for (int status : statuses) {
      if (response.statusCode() == status) {
        return response.body();
      }
    }
    return fail(operation, response);
  }

  /** An S3 error as the store failure the storage side reports; the S3 error stays its cause. */
  static Failure storeFailed(S3Exception e) {
    return Failure.of(Failure.Kind.STORE_FAILED, "S3 " + e.getMessage(), e);
  }

  private static <T> Future<T> fail(String operation, HttpClientResponse response) {
    int status = response.statusCode();
    return response.body().recover(t -> Future.succeededFuture(Buffer.buffer())).compose(body -> {
      String code = "";
      String message = "";
      if (body.length() > 0 && body.length() < 64 * 1024) {
        try {
          Element root = parse(body.toString()).getDocumentElement();
          code = text(firstText(root, "Code"));
          message = text(firstText(root, "Message"));
        } catch (RuntimeException notXml) {
          message = "";
        }
      }
      return Future.failedFuture(storeFailed(new S3Exception(operation, status, code, message)));
    });
  }

  // ---------------------------------------------------------------- XML

  private static DocumentBuilder documentBuilder() {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      // S3 answers are plain documents: no DTDs, no entities, nothing fetched.
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      factory.setNamespaceAware(false);
      return factory.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser cannot be configured", e);
    }
  }

  static Document parse(String xml) {
    try {
      DocumentBuilder builder = XML.get();
      builder.reset();
      return builder.parse(new InputSource(new StringReader(xml)));
    } catch (Exception e) {
      throw Failure.of(Failure.Kind.STORE_FAILED, "S3 answered a document that does not parse: " + e.getMessage(), e);
    }
  }

  private static String firstText(Element parent, String tag) {
    NodeList nodes = parent.getElementsByTagName(tag);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
  }

  private static String text(String value) {
    return value == null ? "" : value;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
