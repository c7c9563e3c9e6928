package io.mmfile.files;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

import java.util.Optional;

/**
 * Builds a file's public URL, the one every dialect hands out (saveImage, srv avatars, weidu files), in the
 * original services' shape (WIRE.md §1 gainImage):
 * {@code <base>/dfsapi/v2/gainImage?isStorage=…&group=g1&file=<unix seconds>:<fileID>.<ext>}. The base is
 * {@code http.public-base-url} when configured, else the request's own scheme, host and port.
 */
public final class FileUrls {
  public static final String GROUP = "g1";

  private final Optional<String> publicBaseUrl;

  public FileUrls(Optional<String> publicBaseUrl) {
    this.publicBaseUrl = publicBaseUrl;
  }

  public String of(HttpServerRequest request, FileRecord record) {
    return ofId(request, record.fileId(), record.extension(), record.store() == StoreKind.DURABLE, record.createdMs());
  }

  public String ofId(HttpServerRequest request, String fileId, String extension, boolean durable, long createdMs) {
    String base = base(request);
    return base + "/dfsapi/v2/gainImage?isStorage=" + durable + "&group=" + GROUP + "&file=" + (createdMs / 1000) + ":"
      + fileId + (extension == null || extension.isEmpty() ? "" : "." + extension);
  }

  /** The scheme, host and port the URLs handed out for {@code request} start with. */
  public String base(HttpServerRequest request) {
    return publicBaseUrl.orElseGet(() -> baseOf(request));
  }

  private static String baseOf(HttpServerRequest request) {
    HostAndPort authority = request.authority();
    String host;
    if (authority != null) {
      host = authority.port() > 0 ? authority.host() + ":" + authority.port() : authority.host();
    } else {
      HostAndPort local = request.localAddress() == null ? null
        : HostAndPort.create(request.localAddress().host(), request.localAddress().port());
      host = local == null ? "localhost" : local.host() + ":" + local.port();
    }
    return request.scheme() + "://" + host;
  }
}
