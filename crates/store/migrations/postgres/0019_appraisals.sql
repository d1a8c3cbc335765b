-- People: yearly appraisal. Objectives (with the published expectations they serve, as a list
-- of codes) by the manager, a mid-year review, the worker's self-assessment, then the manager's
-- rating; each step stamped when written. One open appraisal per worker at a time.
CREATE TABLE appraisals (
    id TEXT PRIMARY KEY,
    worker_id TEXT NOT NULL REFERENCES staff (id),
    manager_id TEXT NOT NULL REFERENCES staff (id),
    objectives TEXT NOT NULL,
    expectations TEXT NOT NULL,
    set_on TEXT NOT NULL,
    mid_year TEXT,
    mid_year_on TEXT,
    self_assessment TEXT,
    self_assessed_on TEXT,
    rating TEXT CHECK (rating IN ('exceeded', 'met', 'partly_met', 'not_met')),
    summary TEXT,
    completed_on TEXT,
    version INTEGER NOT NULL
);
CREATE INDEX appraisals_worker ON appraisals (worker_id, completed_on);
