-- Indexes that a new file record adds to in insert order. Runs on MySQL/MariaDB and on H2 (MySQL mode).
--
-- files_sha256 took a SHA-256 for its key: every new record went to a random leaf of it, which each
-- commit rewrote whole (docs/benchmarks/profile.md, "Indexes in insert order"). /api/v1/files/by-hash
-- now finds a caller's files through blobs_content and files_blob_key: a file's blob key is the id of
-- the file that first stored the bytes (UUID v1, its first characters the upload's clock), so new
-- records go to the few leaves of the current seconds. The same index serves the count of a blob's
-- files when its row is missing (FileRecordRepository.release).
CREATE INDEX files_blob_key ON files (blob_key);
DROP INDEX files_sha256 ON files;
-- files_account_id_created_ms (V8) begins with account_id and serves every query by account.
DROP INDEX files_account_id ON files;
