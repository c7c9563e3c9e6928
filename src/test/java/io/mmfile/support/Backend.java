package io.mmfile.support;

/** The two ways mmfile runs, and so the two ways every contract test runs. */
public enum Backend {
  /** No services: embedded H2, local disk, in-process cache store. */
  EMBEDDED,
  /** The real MariaDB and Redis on this machine. */
  MARIADB_REDIS
}
