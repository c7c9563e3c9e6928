package io.mmfile.files.volume;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code mmfile store verify}: reads every volume and index log of a volume store and checks every record
 * an index entry names (header, size, sequence, CRC32C of the bytes). Read-only; safe beside a running
 * node (records appended during the scan may show as a torn tail).
 */
public final class VolumeVerifier {
  private static final Pattern VOLUME_FILE = Pattern.compile("(\\d{8})\\.dat");

  private VolumeVerifier() {
  }

  /** One volume's figures. */
  public record VolumeReport(String name, long files, long liveBytes, long garbageBytes, long damaged,
                             long tornTailBytes, String state) {
  }

  /**
   * The store's figures: live files and their bytes, garbage (bytes of deleted or superseded records),
   * damaged records (named in {@code problems}), and bytes of torn tails that the next start cuts off.
   */
  public record Report(List<VolumeReport> volumes, long files, long liveBytes, long garbageBytes, long damaged,
                       long tornTailBytes, List<String> problems) {
    public boolean clean() {
      return damaged == 0;
    }

    public String render() {
      StringBuilder out = new StringBuilder();
      for (VolumeReport v : volumes) {
        out.append(String.format("%s  %-9s files %d  live %d B  garbage %d B  damaged %d  torn tail %d B%n",
          v.name(), v.state(), v.files(), v.liveBytes(), v.garbageBytes(), v.damaged(), v.tornTailBytes()));
      }
      problems.forEach(p -> out.append("damaged: ").append(p).append('\n'));
      out.append(String.format("total: %d volumes, files %d, live bytes %d, garbage bytes %d, damaged records %d, "
        + "torn tail bytes %d%n", volumes.size(), files, liveBytes, garbageBytes, damaged, tornTailBytes));
      out.append(damaged == 0 ? "store is sound" : "STORE IS DAMAGED").append('\n');
      return out.toString();
    }
  }

  private static final class Scan {
    final String name;
    String state = "ok";
    long damaged;
    long tornTail;
    long used;
    final List<VolumeFormat.Entry> puts = new ArrayList<>();

    Scan(String name) {
      this.name = name;
    }
  }

  public static Report verify(Path root) throws IOException {
    List<Integer> ids = new ArrayList<>();
    if (Files.isDirectory(root)) {
      try (var files = Files.newDirectoryStream(root, "*.dat")) {
        for (Path file : files) {
          Matcher m = VOLUME_FILE.matcher(file.getFileName().toString());
          if (m.matches()) {
            ids.add(Integer.parseInt(m.group(1)));
          }
        }
      }
    } else {
      throw new IOException("no volume store at " + root);
    }
    ids.sort(Integer::compare);
    long now = System.currentTimeMillis();
    List<String> problems = new ArrayList<>();
    List<Scan> scans = new ArrayList<>();
    Map<FileKey, VolumeFormat.Entry> winners = new HashMap<>();
    Map<FileKey, Scan> winnerScan = new HashMap<>();
    for (int id : ids) {
      Path dat = Volume.datPath(root, id);
      Scan scan = new Scan(dat.getFileName().toString());
      scans.add(scan);
      if (Files.exists(Volume.retiredPath(root, id))) {
        scan.state = "retired";
        continue;
      }
      try (FileChannel data = FileChannel.open(dat, StandardOpenOption.READ)) {
        ByteBuffer sb = ByteBuffer.allocate(VolumeFormat.SUPERBLOCK_BYTES);
        Volume.readFully(data, sb, 0);
        VolumeFormat.Superblock superblock = VolumeFormat.readSuperblock(sb.flip());
        if (superblock == null || superblock.volumeId() != id) {
          scan.state = "damaged";
          scan.damaged++;
          problems.add(scan.name + ": no valid superblock");
          continue;
        }
        boolean expired = superblock.expiresAtMs() != 0 && superblock.expiresAtMs() <= now;
        if (expired) {
          scan.state = "expired";
        }
        Path idx = Volume.idxPath(root, id);
        byte[] log = Files.exists(idx) ? Files.readAllBytes(idx) : new byte[0];
        int whole = log.length / VolumeFormat.ENTRY_BYTES;
        long tornIndex = log.length % VolumeFormat.ENTRY_BYTES;
        ByteBuffer all = ByteBuffer.wrap(log);
        long lastEnd = VolumeFormat.SUPERBLOCK_BYTES;
        for (int i = 0; i < whole; i++) {
          VolumeFormat.Entry e = VolumeFormat.readEntry(all, i * VolumeFormat.ENTRY_BYTES);
          if (e == null || e.offset() < VolumeFormat.SUPERBLOCK_BYTES || e.size() < 0) {
            if (i == whole - 1) {
              tornIndex += VolumeFormat.ENTRY_BYTES;
            } else {
              scan.damaged++;
              problems.add(scan.name + ": index entry " + i + " is damaged");
            }
            continue;
          }
          if (!e.tombstone()) {
            String wrong = Volume.checkRecord(data, e, true);
            if (wrong != null) {
              scan.damaged++;
              problems.add(scan.name + ": " + wrong);
              continue;
            }
            scan.puts.add(e);
            lastEnd = Math.max(lastEnd, e.end());
          }
          if (!expired) {
            VolumeFormat.Entry current = winners.get(e.key());
            if (current == null || current.sequence() < e.sequence()) {
              winners.put(e.key(), e);
              winnerScan.put(e.key(), scan);
            }
          }
        }
        scan.tornTail = Math.max(0, data.size() - lastEnd) + tornIndex;
        scan.used = lastEnd - VolumeFormat.SUPERBLOCK_BYTES;
        if (scan.damaged > 0) {
          scan.state = "damaged";
        }
      }
    }
    Map<Scan, long[]> live = new HashMap<>();
    winners.forEach((key, e) -> {
      if (!e.tombstone()) {
        long[] figures = live.computeIfAbsent(winnerScan.get(key), s -> new long[3]);
        figures[0]++;
        figures[1] += e.size();
        figures[2] += VolumeFormat.recordBytes(e.size());
      }
    });
    List<VolumeReport> reports = new ArrayList<>();
    long files = 0;
    long liveBytes = 0;
    long garbage = 0;
    long damaged = 0;
    long torn = 0;
    for (Scan s : scans) {
      long[] f = live.getOrDefault(s, new long[3]);
      long g = Math.max(0, s.used - f[2]);
      reports.add(new VolumeReport(s.name, f[0], f[1], g, s.damaged, s.tornTail, s.state));
      files += f[0];
      liveBytes += f[1];
      garbage += g;
      damaged += s.damaged;
      torn += s.tornTail;
    }
    return new Report(List.copyOf(reports), files, liveBytes, garbage, damaged, torn, List.copyOf(problems));
  }
}
