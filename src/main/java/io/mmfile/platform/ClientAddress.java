package io.mmfile.platform;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The address of the client behind a request, for per-address limits. {@code Forwarded} (RFC 7239) and
 * {@code X-Forwarded-For} are believed only when the TCP peer is one of {@code http.trusted-proxies}:
 * anyone else could write any address there. Of the addresses a proxy chain appended, the nearest one
 * that is not itself a trusted proxy is the client (the ones further left were written by the client).
 * Without trusted proxies, or from any other peer, the address is the TCP peer's.
 */
public final class ClientAddress {
  /** What a request without a usable peer address (a Unix socket) counts as. */
  public static final String UNKNOWN = "unknown";

  private final List<Cidr> trustedProxies;

  public ClientAddress(List<Cidr> trustedProxies) {
    this.trustedProxies = List.copyOf(trustedProxies);
  }

  public String of(HttpServerRequest request) {
    SocketAddress peer = request.remoteAddress();
    String peerHost = peer == null ? null : peer.hostAddress();
    return of(peerHost, request.getHeader("Forwarded"), request.getHeader("X-Forwarded-For"));
  }

  /** Whether the TCP peer of {@code request} is one of {@code http.trusted-proxies} (whose headers are believed). */
  public boolean fromTrustedProxy(HttpServerRequest request) {
    if (trustedProxies.isEmpty()) {
      return false;
    }
    SocketAddress peer = request.remoteAddress();
    Optional<byte[]> bytes = Cidr.literal(peer == null ? null : peer.hostAddress());
    return bytes.isPresent() && trusted(bytes.get());
  }

  /** The client address given the TCP peer and the two headers (null when absent). */
  public String of(String peer, String forwarded, String xForwardedFor) {
    Optional<byte[]> peerBytes = Cidr.literal(peer);
    if (peerBytes.isEmpty()) {
      return peer == null || peer.isBlank() ? UNKNOWN : peer;
    }
    String peerText = canonical(peerBytes.get());
    if (!trusted(peerBytes.get())) {
      return peerText;
    }
    List<String> chain = forwarded != null ? forwardedFor(forwarded) : xForwardedFor != null ? split(xForwardedFor) : List.of();
    String client = peerText;
    for (int i = chain.size() - 1; i >= 0; i--) {
      Optional<byte[]> hop = Cidr.literal(stripPort(chain.get(i)));
      if (hop.isEmpty()) {
        // "unknown", an obfuscated name or garbage: nothing further left can be believed.
        return client;
      }
      client = canonical(hop.get());
      if (!trusted(hop.get())) {
        return client;
      }
    }
    return client;
  }

  private boolean trusted(byte[] address) {
    for (Cidr block : trustedProxies) {
      if (block.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> split(String header) {
    List<String> out = new ArrayList<>();
    for (String part : header.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  /** The {@code for=} values of every element of a {@code Forwarded} header, in order. */
  private static List<String> forwardedFor(String header) {
    List<String> out = new ArrayList<>();
    for (String element : header.split(",")) {
      String value = "";
      for (String pair : element.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
          value = pair.substring(eq + 1).trim();
          if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1);
          }
        }
      }
      out.add(value);
    }
    return out;
  }

  /** {@code 192.0.2.1:4711} and {@code [2001:db8::1]:4711} lose their port; a bare IPv6 address is kept whole. */
  private static String stripPort(String hop) {
    if (hop.startsWith("[")) {
      int close = hop.indexOf(']');
      return close < 0 ? hop : hop.substring(0, close + 1);
    }
    int colon = hop.indexOf(':');
    return colon >= 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
  }

  private static String canonical(byte[] address) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
