-- GET /api/v1/files lists an account's files newest first, a page at a time (keyset on created_ms):
-- without this, each page would sort all of the account's files.
CREATE INDEX files_account_id_created_ms ON files (account_id, created_ms);
