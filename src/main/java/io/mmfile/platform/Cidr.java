package io.mmfile.platform;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** A block of IPv4 or IPv6 addresses such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a block of one. */
public record Cidr(byte[] network, int prefixBits) {
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** Parses {@code address[/bits]}; throws {@link IllegalArgumentException} on anything else. */
  public static Cidr parse(String text) {
    String value = text.trim();
    int slash = value.indexOf('/');
    String address = slash < 0 ? value : value.substring(0, slash);
    byte[] bytes = literal(address).orElseThrow(() -> new IllegalArgumentException("not an IP address: '" + address + "'"));
    int max = bytes.length * 8;
    int bits;
    try {
      bits = slash < 0 ? max : Integer.parseInt(value.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a prefix length: '" + value + "'");
    }
    if (bits < 0 || bits > max) {
      throw new IllegalArgumentException("prefix length must be between 0 and " + max + ": '" + value + "'");
    }
    return new Cidr(mask(bytes, bits), bits);
  }

  /**
   * The bytes of an IP address literal, or empty when {@code text} is not one. Never resolves a host name:
   * only text shaped like an address reaches {@link InetAddress}. IPv4-mapped IPv6 addresses come out as IPv4.
   */
  public static Optional<byte[]> literal(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    int zone = t.indexOf('%');
    if (zone >= 0) {
      t = t.substring(0, zone);
    }
    if (!IPV4.matcher(t).matches() && !IPV6.matcher(t).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(t).getAddress());
    } catch (UnknownHostException | SecurityException e) {
      return Optional.empty();
    }
  }

  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    byte[] masked = mask(address, prefixBits);
    return java.util.Arrays.equals(masked, network);
  }

  private static byte[] mask(byte[] address, int bits) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - i * 8));
      out[i] = (byte) (out[i] & (0xff << (8 - keep)));
    }
    return out;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixBits;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefixBits == prefixBits && java.util.Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(network) * 31 + prefixBits;
  }
}
