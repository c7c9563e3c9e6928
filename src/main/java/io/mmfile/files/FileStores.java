package io.mmfile.files;

/** The stores of one node, shared by every verticle instance. */
public record FileStores(BlobStore durable, BlobStore cache, FileRecordRepository records,
                         FileRecordCache recordCache) {

  public BlobStore of(StoreKind kind) {
    return kind == StoreKind.DURABLE ? durable : cache;
  }
}
