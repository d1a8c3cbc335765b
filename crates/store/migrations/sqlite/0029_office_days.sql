-- Days someone was in the office, as they record them ("I'm in the office today" on My Work).
-- New starters and anyone on an improvement plan are expected in more often; My People sets
-- what they recorded (and team meetings attended in the office) against that. Desk bookings and
-- check-ins, when the workplace is built, record here too.
CREATE TABLE office_days (
    staff_id TEXT NOT NULL REFERENCES staff (id),
    day TEXT NOT NULL,
    office_id TEXT REFERENCES offices (id),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (staff_id, day)
);
