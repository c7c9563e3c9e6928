package io.mmfile.platform;

/** The in-process store of the embedded default. */
class KeyValueStoreEmbeddedIT extends KeyValueStoreContract {
  @Override
  KeyValueStore open() {
    return new MemoryKeyValueStore();
  }
}
