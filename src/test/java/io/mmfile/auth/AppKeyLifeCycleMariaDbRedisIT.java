package io.mmfile.auth;

import io.mmfile.support.Backend;

/** The app-key life cycle on MariaDB and Redis. */
class AppKeyLifeCycleMariaDbRedisIT extends AppKeyLifeCycleContract {
  @Override
  Backend backend() {
    return Backend.MARIADB_REDIS;
  }
}
