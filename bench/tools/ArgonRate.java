import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw argon2id rate of this machine with mmfile's default cost (19 MiB, 2 iterations, 1 lane),
 * hashing on THREADS threads for SECONDS seconds: the ceiling for srv logins. Run with mmfile's jar on
 * the class path (it carries BouncyCastle): java -cp target/mmfile.jar bench/tools/ArgonRate.java 2 10
 */
public class ArgonRate {
  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    AtomicLong hashes = new AtomicLong();
    // warm-up: let the JIT compile the hash before measuring
    long warmEnd = System.nanoTime() + 3_000_000_000L;
    while (System.nanoTime() < warmEnd) {
      hash(0);
    }
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    Thread[] workers = new Thread[threads];
    long start = System.nanoTime();
    for (int i = 0; i < threads; i++) {
      int id = i;
      workers[i] = new Thread(() -> {
        long n = 0;
        while (System.nanoTime() < end) {
          hash(id * 1_000_000L + n++);
          hashes.incrementAndGet();
        }
      });
      workers[i].start();
    }
    for (Thread t : workers) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    System.out.printf("ARGON2_RATE threads=%d seconds=%.2f hashes=%d hashes_per_s=%.1f%n", threads, elapsed,
      hashes.get(), hashes.get() / elapsed);
  }

  static void hash(long n) {
    byte[] salt = new byte[16];
    for (int i = 0; i < 8; i++) {
      salt[i] = (byte) (n >>> (8 * i));
    }
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
      .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(19456).withIterations(2).withParallelism(1)
      .withSalt(salt).build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] out = new byte[32];
    generator.generateBytes(("password" + n).getBytes(StandardCharsets.UTF_8), out);
  }
}
