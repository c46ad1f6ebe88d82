-- bench/text_ids.sql: makes evidence.id of a store written before schema v1
-- made evidence ids text (shared/bench/gen_facts.py still writes it as an
-- INTEGER PRIMARY KEY) a text column, as docs/facts.md, "Text ids", says:
--   sqlite3 STORE.db < bench/text_ids.sql
-- The ids keep their digits; the record of the old table goes (vouch load
-- --facts STORE.db records it again).
BEGIN;
CREATE TABLE evidence_text(id TEXT NOT NULL PRIMARY KEY, framework TEXT NOT NULL,
  control TEXT NOT NULL, kind TEXT NOT NULL, collected_on TEXT NOT NULL, asset TEXT,
  result TEXT NOT NULL CHECK(result IN ('pass', 'fail')));
INSERT INTO evidence_text SELECT CAST(id AS TEXT), framework, control, kind,
  collected_on, asset, result FROM evidence;
DROP TABLE evidence;
ALTER TABLE evidence_text RENAME TO evidence;
CREATE INDEX evidence_fw_ctl_date ON evidence(framework, control, collected_on);
DROP TABLE IF EXISTS vouch_digest;
COMMIT;
ANALYZE;
