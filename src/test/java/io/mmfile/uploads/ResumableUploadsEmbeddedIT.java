package io.mmfile.uploads;

import io.mmfile.support.Backend;

/** tus uploads on the embedded default: H2, local disk, in-process cache store. */
class ResumableUploadsEmbeddedIT extends ResumableUploadsContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
