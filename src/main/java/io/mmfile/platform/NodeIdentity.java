package io.mmfile.platform;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The name a node goes by ({@code node.id}), in its log lines and its {@code X-Mmfile-Node} header. */
public final class NodeIdentity {
  /** The response header naming the node that answered. */
  public static final String HEADER = "X-Mmfile-Node";

  private NodeIdentity() {
  }

  /**
   * {@code node.id}, else the host name and the HTTP port ({@code img-3:8080}): stable across restarts,
   * and distinct for several nodes on one host. Blocking (the host name may need a lookup): call it
   * off the event loop.
   */
  public static String resolve(MmfileConfig config) {
    return config.observability().nodeId().orElseGet(() -> hostName() + ":" + config.http().port());
  }

  private static String hostName() {
    String fromEnv = System.getenv("HOSTNAME");
    if (fromEnv != null && fromEnv.matches("[A-Za-z0-9.-]{1,58}")) {
      return fromEnv;
    }
    try {
      String name = InetAddress.getLocalHost().getHostName();
      int dot = name.indexOf('.');
      name = dot > 0 ? name.substring(0, dot) : name;
      return name.matches("[A-Za-z0-9-]{1,58}") ? name : "mmfile";
    } catch (UnknownHostException e) {
      return "mmfile";
    }
  }
}
