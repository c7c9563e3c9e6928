package io.mmfile.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters (no replicas) of the tests' own, from Debian's {@code redis-server}
 * on free loopback ports, each in a temporary directory; slots are assigned by {@code redis-cli
 * --cluster create}. {@link #shared()} starts one for the whole test JVM, stopped when it exits.
 */
public final class RedisCluster implements AutoCloseable {
  private static RedisCluster shared;

  private final List<PrivateService> nodes;

  private RedisCluster(List<PrivateService> nodes) {
    this.nodes = nodes;
  }

  /** The test JVM's cluster, started at the first call. */
  public static synchronized RedisCluster shared() {
    if (shared == null) {
      try {
        shared = start(3);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start a Redis Cluster", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      RedisCluster cluster = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          cluster.close();
        } catch (InterruptedException ignored) {
          // exiting anyway
        }
      }, "redis-cluster-stop"));
    }
    return shared;
  }

  public static RedisCluster start(int masters) throws IOException, InterruptedException {
    List<PrivateService> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < masters; i++) {
        // The bus port is named too: the default (port + 10000) may be past 65535 or taken.
        nodes.add(PrivateService.redis("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
          "--cluster-port", Integer.toString(TestServer.freePort()), "--cluster-node-timeout", "2000").start());
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      run(create);
      RedisCluster cluster = new RedisCluster(nodes);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!cluster.healthy()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the Redis Cluster did not reach cluster_state:ok");
        }
        Thread.sleep(100);
      }
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      for (PrivateService node : nodes) {
        node.close();
      }
      throw e;
    }
  }

  /** {@code redis.url} for mmfile: every node, separated by commas. */
  public String urls() {
    return nodes.stream().map(node -> "redis://127.0.0.1:" + node.port()).collect(Collectors.joining(","));
  }

  public List<Integer> ports() {
    return nodes.stream().map(PrivateService::port).toList();
  }

  private boolean healthy() throws IOException, InterruptedException {
    for (PrivateService node : nodes) {
      if (!run(List.of("redis-cli", "-p", Integer.toString(node.port()), "cluster", "info")).contains("cluster_state:ok")) {
        return false;
      }
    }
    return true;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    for (PrivateService node : nodes) {
      node.close();
    }
  }
}
