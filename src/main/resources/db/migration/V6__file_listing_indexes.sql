-- The operator console lists the newest uploads, of all app keys or of one: without these, each
-- listing would scan and sort the whole files table.
CREATE INDEX files_created_ms ON files (created_ms);
CREATE INDEX files_app_key_created_ms ON files (app_key, created_ms);
