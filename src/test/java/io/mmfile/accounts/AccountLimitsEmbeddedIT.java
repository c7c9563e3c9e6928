package io.mmfile.accounts;

import io.mmfile.support.Backend;

/** The account limits on the embedded default: H2 and in-process counters. */
class AccountLimitsEmbeddedIT extends AccountLimitsContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
