-- SQLite's notes index changed to terms only (see its 0004). PostgreSQL's tsvector index already
-- holds terms; it keeps only entries a person wrote words in from now on.
DELETE FROM chronology_fts f WHERE NOT EXISTS (SELECT 1 FROM chronology e WHERE e.id = f.entry_id AND e.body IS NOT NULL);
