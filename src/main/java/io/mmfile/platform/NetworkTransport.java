package io.mmfile.platform;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.stream.Stream;

/**
 * The Netty transport a node's Vert.x runs on ({@code http.transport}): {@code native} asks for the
 * operating system's own (epoll on Linux, whose library the jar carries); where that cannot load, and
 * with {@code nio}, Java's NIO serves. The choice covers every socket of the node: the HTTP server and
 * the clients Vert.x opens (database, Redis).
 */
public final class NetworkTransport {
  private static final Logger LOG = LoggerFactory.getLogger(NetworkTransport.class);

  private NetworkTransport() {
  }

  /**
   * What to build Vert.x with. A native transport that is there but cannot load is still returned:
   * Vert.x then runs on NIO and keeps the reason ({@link Vertx#unavailableNativeTransportCause}).
   */
  public static Transport of(MmfileConfig.Transport wanted) {
    Transport chosen = wanted == MmfileConfig.Transport.NATIVE ? Transport.nativeTransport() : null;
    return chosen == null ? Transport.NIO : chosen;
  }

  /** The name of the transport {@code vertx} runs on: nio, epoll, io_uring or kqueue. */
  public static String name(Vertx vertx) {
    if (!vertx.isNativeTransportEnabled()) {
      return Transport.NIO.name();
    }
    Object running = ((VertxInternal) vertx).transport();
    return Stream.of(Transport.EPOLL, Transport.IO_URING, Transport.KQUEUE)
      .filter(t -> t != null && t.implementation() == running)
      .map(Transport::name).findFirst().orElse("native");
  }

  /** One line per node saying which transport serves and, on NIO, why. */
  public static void log(Vertx vertx, MmfileConfig config) {
    String name = name(vertx);
    if (vertx.isNativeTransportEnabled()) {
      LOG.info("network transport: {} (native)", name);
    } else if (config.http().transport() == MmfileConfig.Transport.NIO) {
      LOG.info("network transport: nio (http.transport: nio)");
    } else {
      Throwable cause = vertx.unavailableNativeTransportCause();
      LOG.info("network transport: nio (no native transport for {} {}: {})", System.getProperty("os.name"),
        System.getProperty("os.arch"), cause == null ? "none in the jar for this system" : cause.toString());
    }
  }
}
