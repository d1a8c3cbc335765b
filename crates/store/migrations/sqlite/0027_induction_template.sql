-- The national induction template, edited by national administrators: each save is a new
-- version with what changed, and its steps. Until the first save Hearth's shipped template
-- applies (version 0). A starter's plan keeps the version it was copied from.
CREATE TABLE induction_template_versions (
    version INTEGER PRIMARY KEY,
    saved_at TEXT NOT NULL,
    saved_by TEXT REFERENCES staff (id),
    changes TEXT NOT NULL
);

CREATE TABLE induction_template_steps (
    version INTEGER NOT NULL REFERENCES induction_template_versions (version),
    position INTEGER NOT NULL,
    week INTEGER NOT NULL CHECK (week BETWEEN 1 AND 26),
    kind TEXT NOT NULL CHECK (kind IN ('meeting', 'shadowing', 'court_visit', 'system_training', 'policy_reading')),
    title TEXT NOT NULL,
    PRIMARY KEY (version, position)
);

ALTER TABLE inductions ADD COLUMN template_version INTEGER NOT NULL DEFAULT 0;
