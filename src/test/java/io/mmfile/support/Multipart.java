package io.mmfile.support;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Builds multipart/form-data bodies by hand, so tests control the order of fields and file parts
 * and can send exactly the bytes a legacy client sends.
 */
public final class Multipart {
  private final String boundary = "----mmfileTestBoundary" + Long.toHexString(System.nanoTime());
  private final Buffer body = Buffer.buffer();

  public Multipart field(String name, String value) {
    body.appendString("--" + boundary + "\r\n")
      .appendString("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n")
      .appendString(value, StandardCharsets.UTF_8.name())
      .appendString("\r\n");
    return this;
  }

  public Multipart file(String name, String filename, String contentType, Buffer bytes) {
    body.appendString("--" + boundary + "\r\n")
      .appendString("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n")
      .appendString("Content-Type: " + contentType + "\r\n\r\n")
      .appendBuffer(bytes)
      .appendString("\r\n");
    return this;
  }

  public String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  /** The complete body, closing boundary included. */
  public Buffer body() {
    return body.copy().appendString("--" + boundary + "--\r\n");
  }

  /** The body so far, without the closing boundary: a client that stops mid-upload. */
  public Buffer unfinished() {
    return body.copy();
  }
}
