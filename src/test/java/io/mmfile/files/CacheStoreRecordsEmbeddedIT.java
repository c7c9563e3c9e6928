package io.mmfile.files;

import io.mmfile.support.Backend;

/** Cache-store records on the embedded default (the in-process cache store). */
class CacheStoreRecordsEmbeddedIT extends CacheStoreRecordsContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
