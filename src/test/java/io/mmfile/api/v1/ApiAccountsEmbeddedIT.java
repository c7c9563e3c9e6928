package io.mmfile.api.v1;

import io.mmfile.support.Backend;

/** The /api/v1 account resources on the embedded default: H2 and in-process sessions. */
class ApiAccountsEmbeddedIT extends ApiAccountsContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
