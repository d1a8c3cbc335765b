-- Who is on their team's duty desk. Duty workers answer for the team's cases while colleagues are
-- away, so they see them. The entry counts only while the person is still in that team.
CREATE TABLE duty_desk (
    staff_id TEXT PRIMARY KEY REFERENCES staff (id),
    team_id TEXT NOT NULL REFERENCES teams (id),
    since TEXT NOT NULL,
    put_on_by TEXT NOT NULL REFERENCES staff (id)
);
CREATE INDEX duty_desk_team ON duty_desk (team_id);

-- The staff named on a restricted case: with its allocated worker, the only people who see it.
CREATE TABLE case_named_staff (
    case_id TEXT NOT NULL REFERENCES cases (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    named_by TEXT REFERENCES staff (id),
    named_at TEXT NOT NULL,
    PRIMARY KEY (case_id, staff_id)
);
CREATE INDEX case_named_staff_staff ON case_named_staff (staff_id);

-- A case offered by one team to another. The receiving team's manager accepts it (the case moves,
-- unallocated, to their hub) or rejects it with a reason (it stays). One open offer per case.
CREATE TABLE case_transfers (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    from_team_id TEXT NOT NULL REFERENCES teams (id),
    to_team_id TEXT NOT NULL REFERENCES teams (id),
    reason TEXT NOT NULL,
    requested_by TEXT REFERENCES staff (id),
    requested_at TEXT NOT NULL,
    decision TEXT CHECK (decision IN ('accepted', 'rejected', 'withdrawn')),
    decided_by TEXT REFERENCES staff (id),
    decided_at TEXT,
    decision_reason TEXT
);
CREATE UNIQUE INDEX case_transfers_open ON case_transfers (case_id) WHERE decision IS NULL;
CREATE INDEX case_transfers_incoming ON case_transfers (to_team_id) WHERE decision IS NULL;
