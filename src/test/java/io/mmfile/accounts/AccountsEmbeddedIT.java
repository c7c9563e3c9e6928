package io.mmfile.accounts;

import io.mmfile.support.Backend;

/** Accounts on the embedded default: H2 and in-process sessions. */
class AccountsEmbeddedIT extends AccountsContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
