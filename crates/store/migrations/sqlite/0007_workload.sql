-- Workload and allocation: absences, other duties, contracted case thresholds, declared
-- conflicts of interest, every allocation decision with the suggestion it followed or overrode,
-- batch plans for the allocation hub, and offers of cases to the bank and associate pool.

-- Time away. A minimal record for now; the people area makes it the full leave and sickness record.
CREATE TABLE absences (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    kind TEXT NOT NULL CHECK (kind IN ('annual_leave', 'sickness', 'training', 'other')),
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    recorded_by TEXT REFERENCES staff (id),
    recorded_at TEXT NOT NULL,
    cancelled_at TEXT
);
CREATE INDEX absences_staff ON absences (staff_id, last_day);

-- Work besides cases that takes capacity: mentoring, the duty desk, training.
CREATE TABLE duties (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    kind TEXT NOT NULL CHECK (kind IN ('mentoring', 'duty', 'training', 'other')),
    points INTEGER NOT NULL CHECK (points BETWEEN 0 AND 10000),
    first_day TEXT NOT NULL,
    last_day TEXT,
    recorded_by TEXT REFERENCES staff (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX duties_staff ON duties (staff_id);

-- A person's own contracted case threshold (associates and bank staff), when it differs from
-- the national default.
CREATE TABLE case_caps (
    staff_id TEXT PRIMARY KEY REFERENCES staff (id),
    case_cap INTEGER NOT NULL CHECK (case_cap BETWEEN 0 AND 100),
    version INTEGER NOT NULL
);

-- A conflict of interest a worker has declared with a person (who may appear in several cases).
CREATE TABLE conflicts (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    reason TEXT NOT NULL,
    declared_at TEXT NOT NULL
);
CREATE UNIQUE INDEX conflicts_staff_person ON conflicts (staff_id, person_id);
CREATE INDEX conflicts_person ON conflicts (person_id);

-- Each allocation decision, with the suggestion it followed or overrode, for explaining it
-- later and for the allocation KPIs.
CREATE TABLE allocations (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    worker_id TEXT REFERENCES staff (id),
    decided_by TEXT REFERENCES staff (id),
    decided_at TEXT NOT NULL,
    suggested_id TEXT REFERENCES staff (id),
    rank INTEGER,
    override_reason TEXT,
    plan_id TEXT,
    offer_id TEXT
);
CREATE INDEX allocations_case ON allocations (case_id, decided_at);
CREATE INDEX allocations_decided ON allocations (decided_at);

-- A batch plan for a team's allocation hub, as proposed, with the greedy yardstick's measures.
CREATE TABLE allocation_plans (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id),
    proposed_by TEXT REFERENCES staff (id),
    proposed_at TEXT NOT NULL,
    allow_above_amber INTEGER NOT NULL CHECK (allow_above_amber IN (0, 1)),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'discarded')),
    measures TEXT NOT NULL,
    decided_by TEXT REFERENCES staff (id),
    decided_at TEXT
);
CREATE INDEX allocation_plans_team ON allocation_plans (team_id, proposed_at);

CREATE TABLE allocation_plan_items (
    plan_id TEXT NOT NULL REFERENCES allocation_plans (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    worker_id TEXT REFERENCES staff (id),
    priority INTEGER NOT NULL,
    weight INTEGER NOT NULL,
    accepted INTEGER NOT NULL DEFAULT 0 CHECK (accepted IN (0, 1)),
    PRIMARY KEY (plan_id, case_id)
);

-- A case offered to someone in the bank and associate pool. The first to accept takes the case;
-- the others' offers are withdrawn with it.
CREATE TABLE offers (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    offered_by TEXT REFERENCES staff (id),
    offered_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'expired', 'withdrawn')),
    answered_at TEXT,
    note TEXT
);
CREATE UNIQUE INDEX offers_open ON offers (case_id, staff_id) WHERE status = 'open';
CREATE INDEX offers_staff ON offers (staff_id, status, expires_at);
CREATE INDEX offers_case ON offers (case_id, status);

-- Each team's workload bands as last measured, refreshed a team at a time by `hearth serve`
-- (and written by the demo), so the national figures read 81 rows instead of every load.
CREATE TABLE workload_snapshots (
    team_id TEXT PRIMARY KEY REFERENCES teams (id),
    taken_at TEXT NOT NULL,
    green INTEGER NOT NULL,
    amber INTEGER NOT NULL,
    high_amber INTEGER NOT NULL,
    red INTEGER NOT NULL,
    high_red INTEGER NOT NULL,
    practitioners INTEGER NOT NULL,
    fte_hundredths INTEGER NOT NULL
);

-- Insight reads cases by when they were received (allocation times) and closed.
CREATE INDEX cases_law_received ON cases (law_type, received_on);
CREATE INDEX cases_closed_on ON cases (closed_on);
