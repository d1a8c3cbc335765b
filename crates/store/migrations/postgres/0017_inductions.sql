-- People: induction. Each new starter has one plan, copied from the national template when it
-- is started, with a named mentor buddy whose mentoring duty (a workload duty) is linked here.
-- Any of the starter, their line managers and the mentor ticks a step off; who and when is kept.
CREATE TABLE inductions (
    id TEXT PRIMARY KEY,
    starter_id TEXT NOT NULL REFERENCES staff (id),
    mentor_id TEXT NOT NULL REFERENCES staff (id),
    started_by TEXT NOT NULL REFERENCES staff (id),
    starts_on TEXT NOT NULL,
    mentor_duty_id TEXT REFERENCES duties (id),
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX inductions_starter ON inductions (starter_id);
CREATE INDEX inductions_mentor ON inductions (mentor_id);

CREATE TABLE induction_steps (
    id TEXT PRIMARY KEY,
    induction_id TEXT NOT NULL REFERENCES inductions (id),
    week INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('meeting', 'shadowing', 'court_visit', 'system_training', 'policy_reading')),
    title TEXT NOT NULL,
    position INTEGER NOT NULL,
    done_at TEXT,
    done_by TEXT REFERENCES staff (id)
);
CREATE INDEX induction_steps_induction ON induction_steps (induction_id, position);
