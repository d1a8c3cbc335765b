-- Key figures kept month by month, so the key-figures page and My Work's charts add up a few
-- hundred rows instead of reading every case. `hearth serve` measures the unsettled months
-- (this one and the two before) every quarter of an hour and keeps older months as measured;
-- the demo measures two years. Counts only, so any team, area or period is a plain sum.
CREATE TABLE team_months (
    team_id TEXT NOT NULL REFERENCES teams (id),
    month TEXT NOT NULL,
    public_received INTEGER NOT NULL,
    counted_2 INTEGER NOT NULL,
    within_2 INTEGER NOT NULL,
    counted_28 INTEGER NOT NULL,
    within_28 INTEGER NOT NULL,
    -- Open and unallocated at the month's end; empty until it has ended.
    public_open_end INTEGER,
    public_unallocated_end INTEGER,
    private_open_end INTEGER,
    private_unallocated_end INTEGER,
    closed INTEGER NOT NULL,
    public_closed INTEGER NOT NULL,
    public_closed_days INTEGER NOT NULL,
    filed INTEGER NOT NULL,
    filed_on_time INTEGER NOT NULL,
    graded INTEGER NOT NULL,
    graded_good INTEGER NOT NULL,
    measured_at TEXT NOT NULL,
    PRIMARY KEY (team_id, month)
);
CREATE INDEX team_months_month ON team_months (month);

-- One worker's figures a month, with the team they were in when measured (for the median).
CREATE TABLE staff_months (
    staff_id TEXT NOT NULL REFERENCES staff (id),
    month TEXT NOT NULL,
    team_id TEXT REFERENCES teams (id),
    filed INTEGER NOT NULL,
    filed_on_time INTEGER NOT NULL,
    graded INTEGER NOT NULL,
    graded_good INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    first_contacts INTEGER NOT NULL,
    first_contact_days INTEGER NOT NULL,
    measured_at TEXT NOT NULL,
    PRIMARY KEY (staff_id, month)
);
CREATE INDEX staff_months_team ON staff_months (team_id, month);

-- First contacts are measured for the cases allocated in a month.
CREATE INDEX cases_allocated_on ON cases (allocated_on);

-- Loads count each case's children: read from the index alone, not a row per participant.
CREATE INDEX case_participants_role ON case_participants (case_id, role);

-- What is open and waiting now, measured with each team's bands.
ALTER TABLE workload_snapshots ADD COLUMN public_open INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workload_snapshots ADD COLUMN public_unallocated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workload_snapshots ADD COLUMN private_open INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workload_snapshots ADD COLUMN private_unallocated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workload_snapshots ADD COLUMN hub_waiting INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workload_snapshots ADD COLUMN hub_wait_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workload_snapshots ADD COLUMN hub_longest_days INTEGER NOT NULL DEFAULT 0;

-- A plan moving the cases of someone leaving or long-term sick says whose they were.
ALTER TABLE allocation_plans ADD COLUMN moving_from TEXT REFERENCES staff (id);
