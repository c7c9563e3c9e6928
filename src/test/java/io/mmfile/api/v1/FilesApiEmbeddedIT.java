package io.mmfile.api.v1;

import io.mmfile.support.Backend;

/** /api/v1/files on the embedded default: H2, local disk, in-process cache store. */
class FilesApiEmbeddedIT extends FilesApiContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
