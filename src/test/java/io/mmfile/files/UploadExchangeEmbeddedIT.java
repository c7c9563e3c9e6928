package io.mmfile.files;

import io.mmfile.support.Backend;

/** The upload exchange on the embedded default: H2, local disk, in-process cache store. */
class UploadExchangeEmbeddedIT extends UploadExchangeContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
