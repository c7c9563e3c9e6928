package io.mmfile.files;

import io.mmfile.support.Backend;

/** Deduplication on the embedded default: H2 and the disk store (a file per upload). */
class DedupEmbeddedIT extends DedupContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
