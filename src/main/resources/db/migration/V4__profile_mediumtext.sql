-- A weidu profile may be as large as its body limit (1 MiB, AccountFormats.PROFILE_MAX_BYTES); TEXT
-- holds 65,535 bytes on MariaDB. MEDIUMTEXT holds 16 MiB there and is a CLOB on H2, so both take it.
ALTER TABLE accounts MODIFY COLUMN profile MEDIUMTEXT NULL;
