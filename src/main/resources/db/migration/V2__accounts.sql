-- One account behind every dialect: the srv uid, the weidu user_id and the daoke accountID.
CREATE TABLE accounts (
  id              VARCHAR(32)  NOT NULL PRIMARY KEY,
  username        VARCHAR(64)  NULL,
  mobile          VARCHAR(20)  NULL,
  email           VARCHAR(254) NULL,
  password_hash   VARCHAR(255) NULL,
  register_source VARCHAR(64)  NULL,
  register_data   TEXT         NULL,
  avatar_url      VARCHAR(1024) NULL,
  profile         TEXT         NULL,
  created_ms      BIGINT       NOT NULL,
  updated_ms      BIGINT       NOT NULL
);

CREATE UNIQUE INDEX accounts_username ON accounts (username);
CREATE UNIQUE INDEX accounts_mobile ON accounts (mobile);
CREATE UNIQUE INDEX accounts_email ON accounts (email);

-- Files uploaded on behalf of an account (weidu files, avatars); daoke uploads have none.
ALTER TABLE files ADD COLUMN account_id VARCHAR(32) NULL;
ALTER TABLE files ADD COLUMN name VARCHAR(255) NULL;
ALTER TABLE files ADD COLUMN preview_id CHAR(32) NULL;
CREATE INDEX files_account_id ON files (account_id);
