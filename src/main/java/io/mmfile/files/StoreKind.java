package io.mmfile.files;

import java.util.Locale;

/** Where a file's bytes live: {@code isStorage=true} picks the durable store, anything else the cache store. */
public enum StoreKind {
  /** The store storage.durable names: local disk, volume files, or an S3-compatible bucket. */
  DURABLE,
  /** Redis when configured, else the in-process store. */
  CACHE;

  public String column() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static StoreKind fromColumn(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
