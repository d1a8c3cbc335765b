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
-- Team meetings attended in the office count too: reached from the person, not by scanning
-- every meeting's attendance.
CREATE INDEX team_meeting_attendance_staff ON team_meeting_attendance (staff_id);
