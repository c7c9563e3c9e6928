package io.mmfile.api.v1;

import io.mmfile.support.Backend;

/** The frame of /api/v1 on the embedded default. */
class ApiCoreEmbeddedIT extends ApiCoreContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
