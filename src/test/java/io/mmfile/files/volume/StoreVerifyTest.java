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
import static io.mmfile.files.volume.VolumeBlobStoreTest.put;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code mmfile store verify} on sound and damaged volume stores, through the real command line. */
class StoreVerifyTest {
  @TempDir
  Path dir;
  Vertx vertx;
  Path volumes;

  @BeforeEach
  void fillAStore() {
    vertx = Vertx.vertx();
    volumes = dir.resolve("data").resolve("volumes");
    VolumeBlobStore store = VolumeBlobStoreTest.open(vertx, volumes,
      VolumeBlobStoreTest.options(1 << 30, 1, 64 * 1024, 3600, 0, MmfileConfig.Fsync.NONE));
    put(store, bytes(1000, 1), 0);
    put(store, bytes(2000, 2), 0);
    put(store, bytes(3000, 3), 0);
    String gone = put(store, bytes(4000, 4), 0);
    await(store.delete(gone));
    store.close();
  }

  @AfterEach
  void stop() {
    vertx.close();
  }

  record Run(int exit, String out) {
  }

  Run verify() throws IOException {
    Path config = dir.resolve("mmfile.yaml");
    Files.writeString(config, "data:\n  dir: " + dir.resolve("data") + "\n");
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out));
    int exit = cli.execute("-c", config.toString(), "store", "verify");
    return new Run(exit, out.toString());
  }

  Path dat() {
    return volumes.resolve("00000001.dat");
  }

  @Test
  void reportsFilesLiveBytesAndGarbageOfASoundStore() throws IOException {
    Run run = verify();
    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.out()).contains("files 3, live bytes 6000, garbage bytes " + VolumeFormat.recordBytes(4000)
      + ", damaged records 0");
    assertThat(run.out()).contains("store is sound");
  }

  @Test
  void exitsNonZeroAndNamesTheRecordWhenAFilesBytesAreDamaged() throws IOException {
    long secondRecordBytes = VolumeFormat.SUPERBLOCK_BYTES + VolumeFormat.recordBytes(1000) + VolumeFormat.HEADER_BYTES;
    try (FileChannel ch = FileChannel.open(dat(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, secondRecordBytes + 500);
      one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
      ch.write(one, secondRecordBytes + 500);
    }
    Run run = verify();
    assertThat(run.exit()).as(run.out()).isEqualTo(1);
    assertThat(run.out()).contains("damaged records 1").contains("do not match their CRC32C").contains("STORE IS DAMAGED");
  }

  @Test
  void exitsNonZeroWhenARecordHeaderIsOverwritten() throws IOException {
    try (FileChannel ch = FileChannel.open(dat(), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(16), VolumeFormat.SUPERBLOCK_BYTES);
    }
    Run run = verify();
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("no valid record header at " + VolumeFormat.SUPERBLOCK_BYTES);
  }

  @Test
  void aTornTailIsReportedButIsNotDamage() throws IOException {
    try (FileChannel ch = FileChannel.open(dat(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ch.write(ByteBuffer.wrap(bytes(100, 9)));
    }
    Run run = verify();
    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.out()).contains("torn tail bytes 100");
  }

  @Test
  void exitsWithTwoWhenThereIsNoStore() throws IOException {
    Files.walk(volumes).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    assertThat(verify().exit()).isEqualTo(2);
  }
}
