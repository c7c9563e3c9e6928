package io.mmfile.faults;

import io.mmfile.support.Backend;

/** A tus upload across kill -9 on the embedded default. */
class ResumableKillNineEmbeddedIT extends ResumableKillNineContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
