package io.mmfile.platform;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientAddressTest {
  static ClientAddress trusting(String... blocks) {
    return new ClientAddress(java.util.Arrays.stream(blocks).map(Cidr::parse).toList());
  }

  @Nested
  class WithoutTrustedProxies {
    ClientAddress addresses = new ClientAddress(List.of());

    @Test
    void isThePeerWhateverTheHeadersSay() {
      assertThat(addresses.of("203.0.113.7", "for=198.51.100.1", "198.51.100.2")).isEqualTo("203.0.113.7");
    }

    @Test
    void writesIpv6PeersInOneCanonicalForm() {
      assertThat(addresses.of("2001:0db8:0000:0000:0000:0000:0000:0001", null, null)).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void isUnknownWithoutAPeer() {
      assertThat(addresses.of(null, null, "198.51.100.2")).isEqualTo(ClientAddress.UNKNOWN);
    }
  }

  @Nested
  class BehindTrustedProxies {
    ClientAddress addresses = trusting("10.0.0.0/8", "fd00::/8");

    @Test
    void believesXForwardedForFromATrustedPeer() {
      assertThat(addresses.of("10.1.2.3", null, "198.51.100.9")).isEqualTo("198.51.100.9");
    }

    @Test
    void ignoresHeadersFromAnUntrustedPeer() {
      assertThat(addresses.of("203.0.113.7", null, "198.51.100.9")).isEqualTo("203.0.113.7");
      assertThat(addresses.of("203.0.113.7", "for=198.51.100.9", null)).isEqualTo("203.0.113.7");
    }

    @Test
    void takesTheNearestUntrustedHopNotTheOneTheClientWrote() {
      // The client wrote 1.1.1.1 itself; the trusted proxies appended the real client and each other.
      assertThat(addresses.of("10.0.0.1", null, "1.1.1.1, 198.51.100.9, 10.0.0.2")).isEqualTo("198.51.100.9");
    }

    @Test
    void readsTheForwardedHeaderWithPortsQuotesAndIpv6() {
      assertThat(addresses.of("10.0.0.1", "for=1.1.1.1, for=\"[2001:db8::7]:4711\";proto=https, for=10.0.0.5:80", null))
        .isEqualTo("2001:db8:0:0:0:0:0:7");
      assertThat(addresses.of("fd00::1", "For=198.51.100.9:1234", null)).isEqualTo("198.51.100.9");
    }

    @Test
    void prefersForwardedOverXForwardedFor() {
      assertThat(addresses.of("10.0.0.1", "for=198.51.100.1", "198.51.100.2")).isEqualTo("198.51.100.1");
    }

    @Test
    void stopsAtAHopThatIsNotAnAddress() {
      assertThat(addresses.of("10.0.0.1", "for=unknown, for=10.0.0.3", null)).isEqualTo("10.0.0.3");
      assertThat(addresses.of("10.0.0.1", null, "evil.example.com")).isEqualTo("10.0.0.1");
      assertThat(addresses.of("10.0.0.1", null, "")).isEqualTo("10.0.0.1");
    }

    @Test
    void isTheLastTrustedHopWhenEveryHopIsTrusted() {
      assertThat(addresses.of("10.0.0.1", null, "10.0.0.3, 10.0.0.2")).isEqualTo("10.0.0.3");
    }
  }

  @Nested
  class Blocks {
    @Test
    void matchTheirPrefixOnly() {
      Cidr block = Cidr.parse("192.168.4.0/22");
      assertThat(block.contains(Cidr.literal("192.168.7.255").orElseThrow())).isTrue();
      assertThat(block.contains(Cidr.literal("192.168.8.0").orElseThrow())).isFalse();
      assertThat(block.contains(Cidr.literal("::ffff:192.168.5.1").orElseThrow())).isTrue();
      assertThat(Cidr.parse("2001:db8::/32").contains(Cidr.literal("2001:db8:ffff::1").orElseThrow())).isTrue();
      assertThat(Cidr.parse("203.0.113.7").contains(Cidr.literal("203.0.113.8").orElseThrow())).isFalse();
    }

    @Test
    void refuseWhatIsNotABlock() {
      assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Cidr.parse("proxy.example.com")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Cidr.parse("10.0.0/8")).isInstanceOf(IllegalArgumentException.class);
      assertThat(Cidr.literal("999.1.1.1")).isEmpty();
    }
  }
}
