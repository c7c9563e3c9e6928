package io.mmfile.api.daoke;

import io.mmfile.support.Backend;

/** The daoke file API on MariaDB and Redis. */
class DaokeFileApiMariaDbRedisIT extends DaokeFileApiContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
