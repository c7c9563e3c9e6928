package io.mmfile.support;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static io.mmfile.support.TestServer.await;

/**
 * One HTTP/1.1 request written by hand on a plain socket, for what a well-behaved client library
 * will not send: broken headers, bodies that stop short, bytes dripped slowly.
 */
public final class RawHttp implements AutoCloseable {
  private final Vertx vertx;
  private final NetClient net;
  private final NetSocket socket;
  private final Buffer received = Buffer.buffer();
  private final Promise<Response> answered = Promise.promise();
  private final Promise<Void> closed = Promise.promise();

  /** An HTTP answer as it came off the wire; {@code status} is 0 when the server closed without one. */
  public record Response(int status, String headers, String body) {
    public String header(String name) {
      for (String line : headers.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  public RawHttp(Vertx vertx, int port) {
    this.vertx = vertx;
    this.net = vertx.createNetClient();
    this.socket = await(net.connect(port, "127.0.0.1"));
    socket.handler(data -> {
      received.appendBuffer(data);
      parse().ifPresent(answered::tryComplete);
    });
    socket.closeHandler(v -> {
      closed.tryComplete();
      answered.tryComplete(parse().orElse(new Response(0, "", received.toString(StandardCharsets.ISO_8859_1))));
    });
  }

  /** The request line and headers of a POST of {@code contentLength} bytes ({@code -1}: no Content-Length). */
  public static String head(String path, String contentType, long contentLength, String... headers) {
    StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (contentLength >= 0) {
      head.append("Content-Length: ").append(contentLength).append("\r\n");
    }
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    return head.append("\r\n").toString();
  }

  public RawHttp write(String text) {
    return write(Buffer.buffer(text, StandardCharsets.ISO_8859_1.name()));
  }

  public RawHttp write(Buffer bytes) {
    await(socket.write(bytes));
    return this;
  }

  /** Writes {@code bytes} {@code step} bytes at a time, {@code pauseMs} apart: a slow uplink. */
  public RawHttp drip(Buffer bytes, int step, long pauseMs) {
    for (int from = 0; from < bytes.length() && !answered.future().isComplete(); from += step) {
      write(bytes.getBuffer(from, Math.min(bytes.length(), from + step)));
      try {
        Thread.sleep(pauseMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return this;
  }

  /** The server's answer (waits for it, or for the connection to close). */
  public Response response() {
    return await(answered.future());
  }

  /** Whether the server answered something yet. */
  public boolean answered() {
    return answered.future().isComplete();
  }

  /** Completes when the server closes the connection. */
  public void awaitClosed() {
    await(closed.future());
  }

  private java.util.Optional<Response> parse() {
    String text = received.toString(StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return java.util.Optional.empty();
    }
    String headers = text.substring(0, end);
    int length = 0;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    if (text.length() < end + 4 + length) {
      return java.util.Optional.empty();
    }
    String statusLine = headers.substring(0, headers.indexOf("\r\n") < 0 ? headers.length() : headers.indexOf("\r\n"));
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    byte[] body = received.getBytes(end + 4, end + 4 + length);
    return java.util.Optional.of(new Response(status, headers, new String(body, StandardCharsets.UTF_8)));
  }

  @Override
  public void close() {
    socket.close();
    net.close();
  }
}
