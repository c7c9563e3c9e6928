-- tus resumable uploads (/api/v1/uploads) while they are incomplete, and for a while after, so that
-- a client whose last PATCH answer was lost can still learn the file's id. The bytes live in
-- data.dir/uploads/<upload_id>.part on the node named here; upload_offset is what that node has
-- written and fsynced, and nothing in the file past it counts. file_id is set once the upload became
-- a file. Runs on MySQL/MariaDB and on the embedded H2 database (MySQL mode).
CREATE TABLE uploads (
  upload_id     CHAR(32)      NOT NULL PRIMARY KEY,
  account_id    VARCHAR(32)   NULL,
  app_key       VARCHAR(10)   NULL,
  node          VARCHAR(255)  NOT NULL,
  length        BIGINT        NOT NULL,
  upload_offset BIGINT        NOT NULL,
  metadata      VARCHAR(4096) NULL,
  created_ms    BIGINT        NOT NULL,
  expires_ms    BIGINT        NOT NULL,
  file_id       CHAR(32)      NULL
);

CREATE INDEX uploads_node_expires_ms ON uploads (node, expires_ms);
