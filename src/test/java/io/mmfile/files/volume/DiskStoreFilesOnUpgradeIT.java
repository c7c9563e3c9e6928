package io.mmfile.files.volume;

import io.mmfile.platform.ConfigException;
import io.mmfile.support.Backend;
import io.mmfile.support.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The disk store was the default durable store before the volume store: a node whose data directory
 * holds disk-store files must not come up on an empty volume store (every file would answer 404).
 */
class DiskStoreFilesOnUpgradeIT {
  @TempDir
  Path dataDir;

  private Path aDiskStoreFile() throws IOException {
    Path file = dataDir.resolve("files").resolve("ba").resolve("1b4e28ba2fa111d2883f0016d3cca427");
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[] {1, 2, 3});
    return file;
  }

  @Test
  void refusesToStartOnTheVolumeStoreWhileDiskStoreFilesAreThere() throws IOException {
    aDiskStoreFile();
    assertThatThrownBy(() -> TestServer.start(Backend.EMBEDDED,
      new JsonObject().put("data.dir", dataDir.toString()).put("storage.durable", "volume")))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("storage.durable").hasMessageContaining("set storage.durable: disk");
    assertThat(dataDir.resolve("volumes")).doesNotExist();
  }

  @Test
  void startsOnTheDiskStoreNamedForThem() throws IOException {
    Path file = aDiskStoreFile();
    try (TestServer server = TestServer.start(Backend.EMBEDDED,
      new JsonObject().put("data.dir", dataDir.toString()).put("storage.durable", "disk"))) {
      assertThat(file).hasBinaryContent(new byte[] {1, 2, 3});
      assertThat(dataDir.resolve("volumes")).doesNotExist();
    }
  }

  @Test
  void startsOnTheVolumeStoreWhenTheDiskStoreHoldsOnlyItsEmptyDirectories() throws IOException {
    Files.createDirectories(dataDir.resolve("files").resolve("00"));
    try (TestServer server = TestServer.start(Backend.EMBEDDED,
      new JsonObject().put("data.dir", dataDir.toString()).put("storage.durable", "volume"))) {
      assertThat(dataDir.resolve("volumes")).isDirectory();
    }
  }
}
