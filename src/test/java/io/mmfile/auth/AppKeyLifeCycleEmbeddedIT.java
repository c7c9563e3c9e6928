package io.mmfile.auth;

import io.mmfile.support.Backend;

/** The app-key life cycle on the embedded default. */
class AppKeyLifeCycleEmbeddedIT extends AppKeyLifeCycleContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
