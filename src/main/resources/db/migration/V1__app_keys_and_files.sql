-- Runs on MySQL/MariaDB and on the embedded H2 database (MySQL mode): keep to the
-- SQL both understand. Times are epoch milliseconds, so both drivers read them alike.

CREATE TABLE app_keys (
  app_key     VARCHAR(10)  NOT NULL PRIMARY KEY,
  secret      VARCHAR(64)  NOT NULL,
  name        VARCHAR(128) NOT NULL,
  enabled     INT          NOT NULL,
  created_ms  BIGINT       NOT NULL
);

CREATE TABLE files (
  file_id      CHAR(32)     NOT NULL PRIMARY KEY,
  app_key      VARCHAR(10)  NOT NULL,
  store        VARCHAR(16)  NOT NULL,
  size         BIGINT       NOT NULL,
  sha256       CHAR(64)     NOT NULL,
  content_type VARCHAR(64)  NOT NULL,
  extension    VARCHAR(8)   NOT NULL,
  width        INT          NOT NULL,
  height       INT          NOT NULL,
  created_ms   BIGINT       NOT NULL,
  expires_ms   BIGINT       NULL
);

CREATE INDEX files_expires_ms ON files (expires_ms);
