-- The personal fields an account's owner edits through srv (WIRE.md §3.1), one column each. Their
-- sizes are the limits declared in accounts/ProfileField, which checks every value before storage.
-- The avatar (srv img, weidu avatar_url) stays in accounts.avatar_url.
ALTER TABLE accounts ADD COLUMN account_name VARCHAR(64) NULL;
ALTER TABLE accounts ADD COLUMN address VARCHAR(255) NULL;
ALTER TABLE accounts ADD COLUMN age VARCHAR(3) NULL;
ALTER TABLE accounts ADD COLUMN birthday VARCHAR(32) NULL;
ALTER TABLE accounts ADD COLUMN job VARCHAR(64) NULL;
ALTER TABLE accounts ADD COLUMN nickname VARCHAR(64) NULL;
ALTER TABLE accounts ADD COLUMN real_name VARCHAR(64) NULL;
ALTER TABLE accounts ADD COLUMN sex VARCHAR(16) NULL;
ALTER TABLE accounts ADD COLUMN zipcode VARCHAR(16) NULL;
ALTER TABLE accounts ADD COLUMN zone VARCHAR(64) NULL;
ALTER TABLE accounts ADD COLUMN work_studio VARCHAR(128) NULL;
