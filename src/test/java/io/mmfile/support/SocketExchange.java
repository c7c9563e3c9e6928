package io.mmfile.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 exchange over a plain socket, for requests no HTTP client would send (fuzzed request
 * targets, broken multipart bodies). The request asks the server to close the connection, so the
 * answer is everything read until then.
 */
public final class SocketExchange {
  /** What came back: the status (0 when the server closed without answering) and the body. */
  public record Answer(int status, String head, byte[] body) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private SocketExchange() {
  }

  /**
   * Sends {@code head} (request line and headers, without the blank line; {@code Connection: close} is
   * added) and {@code body}; fails when no complete answer arrives within {@code timeoutMs}.
   */
  public static Answer exchange(int port, String head, byte[] body, int timeoutMs) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(timeoutMs);
      OutputStream out = socket.getOutputStream();
      out.write((head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      try {
        out.write(body);
        out.flush();
      } catch (IOException e) {
        // the server may answer and close before it has read the whole body; its answer is what counts
      }
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] chunk = new byte[8192];
      try {
        for (int n; (n = in.read(chunk)) >= 0; ) {
          answer.write(chunk, 0, n);
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no complete answer within " + timeoutMs + " ms; got: "
          + answer.toString(StandardCharsets.ISO_8859_1));
      } catch (IOException e) {
        // reset after the answer was written: keep what arrived
      }
      return parse(answer.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Answer parse(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.1 ") || end < 0) {
      return new Answer(0, text, new byte[0]);
    }
    int status = Integer.parseInt(text.substring(9, 12));
    byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
    return new Answer(status, text.substring(0, end), body);
  }
}
