-- People: supervision records. A supervision is held by a manager in the worker's line chain;
-- each case it discusses gets a row here and a management oversight entry in that case's
-- chronology (entry_id), written in the same transaction. Wellbeing and development are the
-- worker's own and never reach a case.
CREATE TABLE supervisions (
    id TEXT PRIMARY KEY,
    worker_id TEXT NOT NULL REFERENCES staff (id),
    supervisor_id TEXT NOT NULL REFERENCES staff (id),
    held_on TEXT NOT NULL,
    wellbeing TEXT NOT NULL DEFAULT '',
    development TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    acknowledged_at TEXT,
    worker_comment TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX supervisions_worker ON supervisions (worker_id, held_on);

CREATE TABLE supervision_cases (
    supervision_id TEXT NOT NULL REFERENCES supervisions (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    reflection TEXT NOT NULL,
    decision TEXT NOT NULL,
    entry_id TEXT REFERENCES chronology (id),
    PRIMARY KEY (supervision_id, case_id)
);
CREATE INDEX supervision_cases_case ON supervision_cases (case_id);
