package io.mmfile.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs the test mounts itself (it must run as root, as CI does), so that "the disk is full"
 * is a real full disk and no other volume of the machine is touched.
 */
final class Tmpfs implements AutoCloseable {
  private final Path mountPoint;

  private Tmpfs(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  static boolean canMount() {
    return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/bin/mount"));
  }

  static Tmpfs mount(long bytes) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("mmfile-tmpfs-");
    run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString());
    return new Tmpfs(dir);
  }

  Path path() {
    return mountPoint;
  }

  long usableBytes() throws IOException {
    return Files.getFileStore(mountPoint).getUsableSpace();
  }

  /** Writes a filler file until the volume has at most {@code leave} bytes free (0: until it is full). */
  Path fill(String name, long leave) throws IOException {
    Path filler = mountPoint.resolve(name);
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      long toWrite = usableBytes() - leave;
      while (toWrite > 0) {
        int n = (int) Math.min(block.length, toWrite);
        out.write(block, 0, n);
        toWrite -= n;
      }
    } catch (IOException full) {
      if (leave > 0) {
        throw full;
      }
    }
    if (leave == 0) {
      // Top up the last partial block byte by byte until the kernel says no more.
      try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.APPEND)) {
        for (int i = 0; i < 64 * 1024; i++) {
          out.write(0);
          out.flush();
        }
      } catch (IOException full) {
        // full
      }
    }
    return filler;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run("umount", "-l", mountPoint.toString());
    Files.deleteIfExists(mountPoint);
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }
}
