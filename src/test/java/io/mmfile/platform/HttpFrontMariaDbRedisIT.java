package io.mmfile.platform;

import io.mmfile.support.Backend;

/** The HTTP front on MariaDB and Redis. */
class HttpFrontMariaDbRedisIT extends HttpFrontContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
