-- Deduplication by content (docs/architecture.md, "Deduplication"). Runs on MySQL/MariaDB and on H2
-- (MySQL mode).
--
-- files.blob_key names the blob a file's bytes are stored under, when they may be shared; NULL means
-- the file's own id, as for every file stored before this migration, cache-store files and files a
-- store never shares (S3 files with a cacheTime).
ALTER TABLE files ADD COLUMN blob_key CHAR(32) NULL;
-- /api/v1/files/by-hash finds the caller's own files by their bytes.
CREATE INDEX files_sha256 ON files (sha256);

-- One row per blob that files may share: refs counts the file records that name it. A row exists only
-- while refs > 0 (the delete that takes the last reference removes it in the same transaction).
-- blob_class is the store's word on which blobs are interchangeable (same store, same lifetime class).
CREATE TABLE blobs (
  blob_key   CHAR(32)     NOT NULL PRIMARY KEY,
  blob_class VARCHAR(64)  NOT NULL,
  sha256     CHAR(64)     NOT NULL,
  size       BIGINT       NOT NULL,
  refs       INT          NOT NULL,
  created_ms BIGINT       NOT NULL
);
CREATE UNIQUE INDEX blobs_content ON blobs (sha256, size, blob_class);

-- Bytes no record names any more (a blob's last reference went, or an upload's copy of a blob that was
-- already there), listed in the transaction that made them garbage and removed from the store right
-- after it; a row left by a crash is removed by the next garbage sweep of a node of that scope.
CREATE TABLE blob_garbage (
  blob_key   CHAR(32)     NOT NULL PRIMARY KEY,
  scope      VARCHAR(32)  NOT NULL,
  created_ms BIGINT       NOT NULL
);
CREATE INDEX blob_garbage_scope ON blob_garbage (scope);
