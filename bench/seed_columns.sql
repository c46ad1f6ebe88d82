-- bench/seed_columns.sql: adds to a store written before issue 16 the
-- optional columns the standard fact model gained then (docs/facts.md,
-- "soa" and "risk"; shared/bench/gen_facts.py still writes the design's
-- nine tables without them):
--   sqlite3 STORE.db < bench/seed_columns.sql
-- Every row gets none in each; no row is rewritten. vouch reads a table
-- only with every column its declaration names, so without this `vouch
-- check` stops with "table `soa` in facts store ... has no column
-- `implementation`". A table's record of its digest no longer fits its
-- declared shape (vouch load --facts STORE.db records it again).
BEGIN;
ALTER TABLE soa ADD COLUMN implementation TEXT;
ALTER TABLE soa ADD COLUMN evidence_location TEXT;
ALTER TABLE soa ADD COLUMN status TEXT CHECK(status IN ('planned', 'implementing', 'implemented'));
ALTER TABLE risk ADD COLUMN assessed_on TEXT;
COMMIT;
