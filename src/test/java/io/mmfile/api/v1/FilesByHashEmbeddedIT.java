package io.mmfile.api.v1;

import io.mmfile.support.Backend;

/** The by-hash routes on the embedded default. */
class FilesByHashEmbeddedIT extends FilesByHashContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
