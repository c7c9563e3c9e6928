package io.mmfile.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on a loopback port in front of a node, for links that fail: it forwards both ways until
 * it is armed, then, once that many more bytes went from clients to the node, it either cuts every
 * connection (both sockets closed, as a dropped mobile link looks to both ends) or stalls them (stops
 * forwarding, as a link that went dead without a word). Disarmed again after that, so new connections
 * pass. Threads: two per connection, daemon.
 */
public final class CuttingProxy implements AutoCloseable {
  /** What happens to the connections when the armed budget is used up. */
  public enum Fault { CUT, STALL }

  private final ServerSocket listener;
  private final int targetPort;
  /** Both sockets of each connection, added and cut under {@link #lock}, so a connection is cut whole or not at all. */
  private final List<Socket[]> open = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private long budget = -1;
  private Fault fault;
  private CountDownLatch tripped = new CountDownLatch(1);
  private final AtomicLong upstreamBytes = new AtomicLong();
  private volatile boolean stalled;

  public CuttingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "cutting-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Bytes forwarded from clients to the node so far. */
  public long upstreamBytes() {
    return upstreamBytes.get();
  }

  /** After {@code bytes} more client bytes reach the node, {@code fault} every connection. */
  public void arm(long bytes, Fault fault) {
    synchronized (lock) {
      this.budget = bytes;
      this.fault = fault;
      this.tripped = new CountDownLatch(1);
      this.stalled = false;
    }
  }

  /** Waits until the armed fault happened. */
  public boolean awaitTripped(long seconds) throws InterruptedException {
    CountDownLatch latch;
    synchronized (lock) {
      latch = tripped;
    }
    return latch.await(seconds, TimeUnit.SECONDS);
  }

  /** Closes every connection now and lets new ones pass. */
  public void cutAll() {
    synchronized (lock) {
      // the node's side first, so the node sees its request end before the client can come back
      for (Socket[] pair : open) {
        closeQuietly(pair[1]);
        closeQuietly(pair[0]);
      }
      open.clear();
      stalled = false;
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server;
        try {
          server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException e) {
          closeQuietly(client);
          continue;
        }
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        Socket[] pair = {client, server};
        synchronized (lock) {
          open.add(pair);
        }
        pump(client, server, true, pair);
        pump(server, client, false, pair);
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, boolean upstream, Socket[] pair) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          int pass = n;
          boolean trip = false;
          if (upstream) {
            synchronized (lock) {
              if (budget >= 0) {
                if (n >= budget) {
                  pass = (int) budget;
                  trip = true;
                  budget = -1;
                } else {
                  budget -= n;
                }
              }
            }
          }
          while (stalled) {
            Thread.sleep(20);
            if (from.isClosed()) {
              return;
            }
          }
          out.write(buffer, 0, pass);
          out.flush();
          if (upstream) {
            upstreamBytes.addAndGet(pass);
          }
          if (trip) {
            trip();
            return;
          }
        }
      } catch (IOException | InterruptedException e) {
        // the other side closed, or we cut it
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(pair);
      }
    }, upstream ? "cutting-proxy-up" : "cutting-proxy-down");
    thread.setDaemon(true);
    thread.start();
  }

  private void trip() throws InterruptedException {
    Fault what;
    CountDownLatch latch;
    synchronized (lock) {
      what = fault;
      latch = tripped;
    }
    if (what == Fault.CUT) {
      cutAll();
      latch.countDown();
    } else {
      stalled = true;
      latch.countDown();
      while (stalled) {
        Thread.sleep(20);
      }
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    cutAll();
  }
}
