package io.mmfile.files;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the uploads in flight on this node ({@code upload.max-concurrent}), shared by every HTTP
 * verticle instance. Past the cap an upload is refused at once instead of queueing, so a burst of
 * cameras cannot exhaust memory or file handles.
 */
public final class UploadGate {
  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  public UploadGate(int max) {
    this.max = max;
  }

  public boolean tryAcquire() {
    while (true) {
      int now = inFlight.get();
      if (now >= max) {
        return false;
      }
      if (inFlight.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  public void release() {
    inFlight.decrementAndGet();
  }

  public int inFlight() {
    return inFlight.get();
  }
}
