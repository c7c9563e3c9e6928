package io.mmfile.files;

import io.mmfile.support.Backend;

/** The upload exchange on the real MariaDB and Redis. */
class UploadExchangeMariaDbRedisIT extends UploadExchangeContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
