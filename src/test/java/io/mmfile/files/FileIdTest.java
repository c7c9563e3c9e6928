package io.mmfile.files;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class FileIdTest {

  @Test
  void isAVersionOneUuidWithoutDashes() {
    String id = FileId.next();

    assertThat(id).matches("[0-9a-f]{32}");
    UUID uuid = uuid(id);
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

  @Test
  void consecutiveIdsShareNoClockSequenceNodeOrSubMillisecondTick() {
    List<UUID> ids = IntStream.range(0, 1000).mapToObj(i -> uuid(FileId.next())).toList();

    assertThat(ids.stream().map(UUID::clockSequence).distinct().count()).isGreaterThan(900);
    assertThat(ids.stream().map(UUID::node).distinct().count()).isEqualTo(1000);
    // 1,000 ids made within a few milliseconds: with a counter for the sub-millisecond part they
    // would sit on a handful of ticks; drawn at random they spread over the 10,000 ticks of a millisecond.
    assertThat(ids.stream().map(u -> u.timestamp() % 10_000).distinct().count()).isGreaterThan(900);
    assertThat(ids).allSatisfy(u -> assertThat(u.node() & 0x010000000000L).isNotZero());
  }

  @Test
  void idsOfTheSameMomentSpreadOverTheStoreDirectories() {
    Set<String> directories = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      directories.add(DiskBlobStore.fanOut(FileId.next()));
    }
    // 1,000 draws over 256 directories leave on average 5 empty.
    assertThat(directories).hasSizeGreaterThan(230);
  }

  @Test
  void idsOfTheOldShapeStillLandInTheirDirectory() {
    assertThat(FileId.wellFormed("1b4e28ba2fa111d2883f0016d3cca427")).isTrue();
    assertThat(DiskBlobStore.fanOut("1b4e28ba2fa111d2883f0016d3cca427")).isEqualTo("ba");
  }

  static UUID uuid(String id) {
    return UUID.fromString(id.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
  }
}
