package io.mmfile.api.v1;

import io.mmfile.support.Backend;

/** /api/v1/files on MariaDB and Redis. */
class FilesApiMariaDbRedisIT extends FilesApiContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
