package io.mmfile.api.daoke;

import io.mmfile.support.Backend;

/** gainImage scaling on the embedded default: variants kept in the in-process cache store. */
class ScalingEmbeddedIT extends ScalingContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
