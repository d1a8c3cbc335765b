-- Leave: requests, and the ledger of minutes each leave year holds. A person's balance for a year
-- is the sum of its lines. An approved request writes its "taken" line and the absence that
-- allocation reads, in one transaction, so time away has one record.

CREATE TABLE leave_requests (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    kind TEXT NOT NULL CHECK (kind IN ('annual', 'unpaid')),
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    part TEXT NOT NULL CHECK (part IN ('whole', 'morning', 'afternoon', 'hours')),
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'refused', 'cancelled')),
    requested_by TEXT REFERENCES staff (id),
    requested_at TEXT NOT NULL,
    decided_by TEXT REFERENCES staff (id),
    decided_at TEXT,
    refusal_reason TEXT,
    cancelled_at TEXT,
    version INTEGER NOT NULL
);
CREATE INDEX leave_requests_staff ON leave_requests (staff_id, last_day);
CREATE INDEX leave_requests_status ON leave_requests (status, staff_id);

CREATE TABLE leave_lines (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    -- The first day of the leave year the line counts in.
    year_first TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('entitlement', 'bank_holidays', 'bank_holiday', 'carried_over', 'bought', 'sold', 'toil', 'taken', 'returned', 'adjustment')),
    minutes INTEGER NOT NULL,
    on_day TEXT NOT NULL,
    reason TEXT NOT NULL,
    request_id TEXT REFERENCES leave_requests (id),
    recorded_by TEXT REFERENCES staff (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX leave_lines_staff ON leave_lines (staff_id, year_first);
-- A year opens once.
CREATE UNIQUE INDEX leave_lines_opening ON leave_lines (staff_id, year_first) WHERE kind = 'entitlement';

-- The request an absence came from. Annual leave recorded before requests existed has none
-- until the server adopts it into the ledger at start.
ALTER TABLE absences ADD COLUMN leave_request_id TEXT REFERENCES leave_requests (id);
