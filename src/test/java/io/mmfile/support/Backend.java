package io.mmfile.support;

/** The ways mmfile runs, and so the ways the contract tests run. */
public enum Backend {
  /** No services: embedded H2, local disk, in-process cache store. */
  EMBEDDED,
  /** The real MariaDB and Redis on this machine. */
  MARIADB_REDIS,
  /** The real MariaDB and a three-master Redis Cluster of the tests' own ({@link RedisCluster#shared()}). */
  MARIADB_REDIS_CLUSTER
}
