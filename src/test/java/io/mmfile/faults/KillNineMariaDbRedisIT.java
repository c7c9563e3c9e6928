package io.mmfile.faults;

import io.mmfile.support.Backend;

class KillNineMariaDbRedisIT extends KillNineContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }

  /** Cache-store uploads live in Redis, which outlives the node: they must survive too. */
  @Override
  double durableShare() {
    return 0.7;
  }
}
