package io.mmfile.platform;

import io.mmfile.support.Backend;

/** The HTTP front on the embedded default: H2, local disk, in-process cache store. */
class HttpFrontEmbeddedIT extends HttpFrontContract {
  @Override
  Backend backend() {
    return Backend.EMBEDDED;
  }
}
