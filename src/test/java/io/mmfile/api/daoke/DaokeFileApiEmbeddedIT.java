package io.mmfile.api.daoke;

import io.mmfile.support.Backend;

/** The daoke file API on the embedded default: H2, local disk, in-process cache store. */
class DaokeFileApiEmbeddedIT extends DaokeFileApiContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
