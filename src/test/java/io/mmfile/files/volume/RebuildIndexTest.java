package io.mmfile.files.volume;

import io.mmfile.Main;
import io.mmfile.platform.MmfileConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.mmfile.files.volume.VolumeBlobStoreTest.await;
import static io.mmfile.files.volume.VolumeBlobStoreTest.bytes;
import static io.mmfile.files.volume.VolumeBlobStoreTest.get;
import static io.mmfile.files.volume.VolumeBlobStoreTest.put;
import static org.assertj.core.api.Assertions.assertThat;

/** A volume's index log rebuilt from its records: at start when it is lost, and by {@code mmfile store rebuild-index}. */
class RebuildIndexTest {
  @TempDir
  Path dir;
  Vertx vertx;
  Path volumes;
  VolumeBlobStore store;
  String first;
  String second;
  String third;
  String deleted;

  @BeforeEach
  void fillAStore() {
    vertx = Vertx.vertx();
    volumes = dir.resolve("data").resolve("volumes");
    store = open();
    first = put(store, bytes(1000, 1), 0);
    second = put(store, bytes(2000, 2), 0);
    deleted = put(store, bytes(4000, 4), 0);
    third = put(store, bytes(3000, 3), 0);
    await(store.delete(deleted));
    store.close();
    store = null;
  }

  @AfterEach
  void stop() {
    if (store != null) {
      store.close();
    }
    vertx.close();
  }

  VolumeBlobStore open() {
    return VolumeBlobStoreTest.open(vertx, volumes,
      VolumeBlobStoreTest.options(1 << 30, 1, 64 * 1024, 3600, 0, MmfileConfig.Fsync.NONE));
  }

  Path dat() {
    return volumes.resolve("00000001.dat");
  }

  Path idx() {
    return volumes.resolve("00000001.idx");
  }

  record Run(int exit, String out) {
  }

  Run rebuildIndex(String... more) throws IOException {
    Path config = dir.resolve("mmfile.yaml");
    Files.writeString(config, "data:\n  dir: " + dir.resolve("data") + "\n");
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out));
    String[] args = new String[4 + more.length];
    args[0] = "-c";
    args[1] = config.toString();
    args[2] = "store";
    args[3] = "rebuild-index";
    System.arraycopy(more, 0, args, 4, more.length);
    int exit = cli.execute(args);
    return new Run(exit, out.toString());
  }

  void flipByte(Path file, long at) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, at);
      one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
      ch.write(one, at);
    }
  }

  @Test
  void servesEveryFileAfterItsVolumesIndexLogIsLost() throws IOException {
    long datBytes = Files.size(dat());
    Files.delete(idx());
    store = open();
    assertThat(get(store, first, 1000)).isEqualTo(bytes(1000, 1));
    assertThat(get(store, second, 2000)).isEqualTo(bytes(2000, 2));
    assertThat(get(store, third, 3000)).isEqualTo(bytes(3000, 3));
    assertThat(Files.size(dat())).as("no record was cut").isEqualTo(datBytes);
    assertThat(Files.exists(idx())).isTrue();
  }

  @Test
  void aLostLogsTombstonesAreGoneSoADeletedFileCountsAsLiveAgain() throws IOException {
    Files.delete(idx());
    store = open();
    // documented: the tombstone was only in the lost log
    assertThat(store.fileIds()).containsExactlyInAnyOrder(first, second, third, deleted);
  }

  @Test
  void theCommandRestoresAFileWhoseEntryWasDamagedAndKeepsTheTombstones() throws IOException {
    flipByte(idx(), 5); // inside the first entry (the first file's put)
    store = open();
    assertThat(get(store, first, 1000)).as("a damaged entry is skipped at start").isNull();
    store.close();
    store = null;

    Run run = rebuildIndex();
    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.out()).contains("00000001.dat  records 4  tombstones kept 1  damaged records skipped 0");

    store = open();
    assertThat(get(store, first, 1000)).isEqualTo(bytes(1000, 1));
    assertThat(get(store, second, 2000)).isEqualTo(bytes(2000, 2));
    assertThat(get(store, third, 3000)).isEqualTo(bytes(3000, 3));
    assertThat(get(store, deleted, 4000)).as("the deleted file stays deleted").isNull();
  }

  @Test
  void skipsARecordWhoseHeaderIsDamagedAndFindsTheRecordsAfterIt() throws IOException {
    long secondRecord = VolumeFormat.SUPERBLOCK_BYTES + VolumeFormat.recordBytes(1000);
    flipByte(dat(), secondRecord + 10);
    Run run = rebuildIndex("--volume", "1");
    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.out()).contains("records 3  tombstones kept 1  damaged records skipped 1");

    store = open();
    assertThat(get(store, first, 1000)).isEqualTo(bytes(1000, 1));
    assertThat(get(store, second, 2000)).isNull();
    assertThat(get(store, third, 3000)).isEqualTo(bytes(3000, 3));
    assertThat(get(store, deleted, 4000)).isNull();
  }

  @Test
  void skipsARecordWhoseBytesDoNotMatchTheirCrc() throws IOException {
    long secondBytes = VolumeFormat.SUPERBLOCK_BYTES + VolumeFormat.recordBytes(1000) + VolumeFormat.HEADER_BYTES;
    flipByte(dat(), secondBytes + 700);
    Run run = rebuildIndex();
    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.out()).contains("records 3  tombstones kept 1  damaged records skipped 1");
    store = open();
    assertThat(get(store, second, 2000)).isNull();
    assertThat(get(store, third, 3000)).isEqualTo(bytes(3000, 3));
  }

  @Test
  void exitsWithTwoForAVolumeThatDoesNotExist() throws IOException {
    assertThat(rebuildIndex("--volume", "7").exit()).isEqualTo(2);
  }
}
