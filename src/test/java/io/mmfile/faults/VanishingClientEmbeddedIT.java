package io.mmfile.faults;

import io.mmfile.support.Backend;

class VanishingClientEmbeddedIT extends VanishingClientContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
