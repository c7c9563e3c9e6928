package io.mmfile.faults;

import io.mmfile.support.Backend;

/** A tus upload across kill -9 on the real MariaDB and Redis. */
class ResumableKillNineMariaDbRedisIT extends ResumableKillNineContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
