package io.mmfile.files;

import io.mmfile.platform.Failure;
import io.mmfile.platform.MmfileConfig;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the uploads in flight, shared by every HTTP verticle instance: per node
 * ({@code upload.max-concurrent}), per app key ({@code upload.max-concurrent-per-app-key}, when the
 * request names one before its body) and per client address ({@code upload.max-concurrent-per-address}).
 * Past a cap an upload is refused at once instead of queueing, so a burst of cameras cannot exhaust
 * memory or file handles, and one client (or one app) holding uploads open cannot starve the others.
 */
public final class UploadGate {
  private final int perNode;
  private final int perAppKey;
  private final int perAddress;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final ConcurrentHashMap<String, AtomicInteger> byAppKey = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> byAddress = new ConcurrentHashMap<>();

  public UploadGate(MmfileConfig.Upload limits) {
    this(limits.maxConcurrent(), limits.maxConcurrentPerAppKey(), limits.maxConcurrentPerAddress());
  }

  public UploadGate(int perNode, int perAppKey, int perAddress) {
    this.perNode = perNode;
    this.perAppKey = perAppKey;
    this.perAddress = perAddress;
  }

  /** One upload's place in the gate; {@link #release()} gives it back (once, however often called). */
  public final class Permit {
    private final String appKey;
    private final String address;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(String appKey, String address) {
      this.appKey = appKey;
      this.address = address;
    }

    public void release() {
      if (released.compareAndSet(false, true)) {
        inFlight.decrementAndGet();
        leave(byAppKey, appKey);
        leave(byAddress, address);
      }
    }
  }

  /**
   * Takes a place for an upload from {@code address} for {@code appKey} (null when not known yet), or
   * fails with {@link Failure.Kind#OVERLOADED} naming the cap that is full.
   */
  public Permit acquire(String appKey, String address) {
    if (!increment(inFlight, perNode)) {
      throw Failure.of(Failure.Kind.OVERLOADED, "too many uploads in flight on this node");
    }
    if (!enter(byAddress, address, perAddress)) {
      inFlight.decrementAndGet();
      throw Failure.of(Failure.Kind.OVERLOADED, "too many uploads in flight from " + address);
    }
    if (!enter(byAppKey, appKey, perAppKey)) {
      inFlight.decrementAndGet();
      leave(byAddress, address);
      throw Failure.of(Failure.Kind.OVERLOADED, "too many uploads in flight for app key " + appKey);
    }
    return new Permit(appKey, address);
  }

  public int inFlight() {
    return inFlight.get();
  }

  private static boolean enter(ConcurrentHashMap<String, AtomicInteger> counts, String key, int max) {
    if (key == null) {
      return true;
    }
    boolean[] entered = new boolean[1];
    // compute() runs atomically per key, so a count is never removed while another thread enters it.
    counts.compute(key, (k, count) -> {
      AtomicInteger c = count == null ? new AtomicInteger() : count;
      entered[0] = c.get() < max;
      if (entered[0]) {
        c.incrementAndGet();
      }
      return c.get() == 0 ? null : c;
    });
    return entered[0];
  }

  private static void leave(ConcurrentHashMap<String, AtomicInteger> counts, String key) {
    if (key != null) {
      counts.computeIfPresent(key, (k, c) -> c.decrementAndGet() == 0 ? null : c);
    }
  }

  private static boolean increment(AtomicInteger count, int max) {
    while (true) {
      int now = count.get();
      if (now >= max) {
        return false;
      }
      if (count.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }
}
