package io.mmfile.files;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Upload bytes as slices of the network buffers they arrived in: joined into one {@link Buffer}
 * without copying (a composite of the slices), and handed to a file channel or a digest as NIO
 * buffers over the same memory. Vert.x has no public view of a buffer's memory, so this goes through
 * its {@code BufferInternal} (the API Vert.x offers its own modules).
 */
public final class BufferSlices {
  private BufferSlices() {
  }

  /** One buffer over {@code slices}, in order, sharing their bytes. */
  public static Buffer join(List<Buffer> slices) {
    if (slices.size() == 1) {
      return slices.get(0);
    }
    ByteBuf[] parts = new ByteBuf[slices.size()];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = ((BufferInternal) slices.get(i)).getByteBuf();
    }
    return BufferInternal.buffer(Unpooled.wrappedBuffer(parts.length, parts));
  }

  /** The bytes of {@code buffer} as NIO buffers over its memory (one per slice of a joined buffer). */
  public static ByteBuffer[] nio(Buffer buffer) {
    return ((BufferInternal) buffer).getByteBuf().nioBuffers();
  }
}
