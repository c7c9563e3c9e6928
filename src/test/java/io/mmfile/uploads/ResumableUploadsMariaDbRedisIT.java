package io.mmfile.uploads;

import io.mmfile.support.Backend;

/** tus uploads on the real MariaDB and Redis. */
class ResumableUploadsMariaDbRedisIT extends ResumableUploadsContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
