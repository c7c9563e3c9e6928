package io.mmfile.api.srv;

import io.mmfile.support.Backend;

/** The original srv client on the embedded default: H2 and in-process sessions. */
class SrvOriginalClientEmbeddedIT extends SrvOriginalClientContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
