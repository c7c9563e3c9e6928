package io.mmfile.api.v1;

import io.mmfile.support.Backend;

/** The by-hash routes on MariaDB and Redis. */
class FilesByHashMariaDbRedisIT extends FilesByHashContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
