package io.mmfile.files;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class FileIdTest {

  @Test
  void isAVersionOneUuidWithoutDashes() {
    String id = FileId.next();

    assertThat(id).matches("[0-9a-f]{32}");
    UUID uuid = UUID.fromString(id.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
    assertThat(uuid.version()).isEqualTo(1);
    assertThat(uuid.variant()).isEqualTo(2);
    long unixMs = (uuid.timestamp() - 0x01B21DD213814000L) / 10_000;
    assertThat(unixMs).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis() + 1000);
  }

  @Test
  void neverRepeatsEvenWithinOneMillisecond() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      ids.add(FileId.next());
    }
    assertThat(ids).hasSize(100_000);
  }
}
