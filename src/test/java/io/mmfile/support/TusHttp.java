package io.mmfile.support;

import io.tus.java.client.ProtocolException;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusURLMemoryStore;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Speaks tus to a node: single requests with the JDK's HTTP client (for the protocol's corners), and
 * whole uploads with the official Java tus client ({@code io.tus.java.client}), resumed after every
 * failure the way an app would.
 */
public final class TusHttp {
  public static final String PATH = "/api/v1/uploads";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final int port;
  private final String token;

  public TusHttp(int port, String token) {
    this.port = port;
    this.token = token;
  }

  public String base() {
    return "http://127.0.0.1:" + port;
  }

  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base() + path))
      .timeout(Duration.ofSeconds(60))
      .header("Tus-Resumable", "1.0.0")
      .header("Authorization", "Bearer " + token);
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** POST: an upload of {@code length} bytes; {@code metadata} is the Upload-Metadata header or null. */
  public HttpResponse<String> create(long length, String metadata) {
    HttpRequest.Builder b = request(PATH).header("Upload-Length", Long.toString(length));
    if (metadata != null) {
      b.header("Upload-Metadata", metadata);
    }
    return send(b.POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  /** The path of a created upload (its Location). */
  public String created(long length, String metadata) {
    HttpResponse<String> response = create(length, metadata);
    if (response.statusCode() != 201) {
      throw new IllegalStateException("creation answered " + response.statusCode() + ": " + response.body());
    }
    return response.headers().firstValue("Location").orElseThrow();
  }

  public HttpResponse<String> patch(String location, long offset, byte[] bytes, String... headers) {
    HttpRequest.Builder b = request(location).header("Upload-Offset", Long.toString(offset))
      .header("Content-Type", "application/offset+octet-stream");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b.method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
  }

  public HttpResponse<String> head(String location) {
    return send(request(location).method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
  }

  public HttpResponse<String> delete(String location) {
    return send(request(location).DELETE().build());
  }

  /** {@code Upload-Metadata} for these pairs. */
  public static String metadata(Map<String, String> values) {
    List<String> pairs = new ArrayList<>();
    values.forEach((k, v) -> pairs.add(k + " " + Base64.getEncoder().encodeToString(v.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    return String.join(",", pairs);
  }

  public static String sha256Base64(byte[] bytes) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What an upload with the tus client went through. */
  public record ClientRun(URL uploadUrl, int attempts, List<Long> resumedAt, List<String> failures) {
  }

  /**
   * Uploads {@code bytes} with the official tus client through {@code port} (a node, or a proxy in
   * front of it): {@code chunkBytes} per write, {@code payloadBytes} per PATCH; see {@link Session#run}.
   */
  public static ClientRun uploadWithClient(int port, String token, byte[] bytes, Map<String, String> metadata,
                                           int chunkBytes, int payloadBytes, int maxAttempts,
                                           java.util.function.IntConsumer beforeAttempt) throws Exception {
    return new Session(port, token, bytes, metadata, chunkBytes, payloadBytes).run(maxAttempts, beforeAttempt);
  }

  private static String status(ProtocolException e) {
    try {
      return "HTTP " + e.getCausingConnection().getResponseCode();
    } catch (IOException io) {
      return io.toString();
    }
  }

  /** One file uploaded with the official tus client, over as many attempts as it takes. */
  public static final class Session {
    private final TusClient client = new TusClient();
    private final TusUpload upload = new TusUpload();
    private final byte[] bytes;
    private final int chunkBytes;
    private final int payloadBytes;
    private final List<Long> resumedAt = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int attempts;

    public Session(int port, String token, byte[] bytes, Map<String, String> metadata, int chunkBytes,
                   int payloadBytes) throws java.net.MalformedURLException {
      this.bytes = bytes;
      this.chunkBytes = chunkBytes;
      this.payloadBytes = payloadBytes;
      client.setUploadCreationURL(new URL("http://127.0.0.1:" + port + PATH));
      client.enableResuming(new TusURLMemoryStore());
      token(token);
      upload.setSize(bytes.length);
      upload.setFingerprint("test-" + System.nanoTime());
      upload.setMetadata(metadata);
    }

    /** The access token sent from now on (a new login after a restart of the embedded node). */
    public void token(String token) {
      client.setHeaders(Map.of("Authorization", "Bearer " + token));
    }

    /** The offset each attempt started from, as the server's HEAD (or the creation) gave it. */
    public List<Long> resumedAt() {
      return resumedAt;
    }

    /**
     * Tries until the upload is finished: after a failure it starts again as an app would (the
     * client's URL store remembers the upload, HEAD gives the offset), up to {@code maxAttempts};
     * {@code beforeAttempt} runs before each try (to arm a fault).
     */
    public ClientRun run(int maxAttempts, java.util.function.IntConsumer beforeAttempt) throws Exception {
      Exception last = null;
      for (int attempt = 1; attempt <= maxAttempts; attempt++) {
        beforeAttempt.accept(attempt);
        attempts++;
        upload.setInputStream(new ByteArrayInputStream(bytes));
        try {
          TusUploader uploader = client.resumeOrCreateUpload(upload);
          resumedAt.add(uploader.getOffset());
          uploader.setChunkSize(chunkBytes);
          uploader.setRequestPayloadSize(payloadBytes);
          while (uploader.uploadChunk() > -1) {
            // on to the next chunk
          }
          uploader.finish();
          return new ClientRun(uploader.getUploadURL(), attempts, List.copyOf(resumedAt), List.copyOf(failures));
        } catch (IOException | ProtocolException e) {
          last = e;
          failures.add(e.getClass().getSimpleName() + ": " + e.getMessage()
            + (e instanceof ProtocolException pe && pe.getCausingConnection() != null ? " (" + status(pe) + ")" : ""));
          // the link dropped (or the server answered that an earlier request is still settling): again
          Thread.sleep(50);
        }
      }
      throw new IllegalStateException("the upload did not finish in " + maxAttempts + " attempts", last);
    }
  }
}
