package io.mmfile.faults;

import io.mmfile.support.Backend;

class KillNineEmbeddedIT extends KillNineContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }

  /** The embedded cache store is in-process: a killed node loses it by design (README). */
  @Override
  double durableShare() {
    return 1.0;
  }
}
