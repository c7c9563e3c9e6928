-- App-key rotation and deletion. Runs on MySQL/MariaDB and on H2 (MySQL mode).
-- previous_secret is the secret the last rotation replaced; it is accepted until previous_secret_until_ms.
-- A deleted key keeps its row (with a random secret nobody knows) so that its files still name a known
-- key and the appKey is never handed out again.

ALTER TABLE app_keys ADD COLUMN previous_secret VARCHAR(64) NULL;
ALTER TABLE app_keys ADD COLUMN previous_secret_until_ms BIGINT NULL;
ALTER TABLE app_keys ADD COLUMN deleted_ms BIGINT NULL;
