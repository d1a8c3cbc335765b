-- Time away a manager records (training, other absence) cancels desk bookings too, for its own
-- reason. SQLite cannot change a CHECK in place, so the table is made again and its rows copied.
CREATE TABLE desk_bookings_new (
    id TEXT PRIMARY KEY,
    desk_id TEXT NOT NULL REFERENCES desks (id),
    office_id TEXT NOT NULL REFERENCES offices (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    day TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'cancelled', 'released')),
    cancelled_because TEXT CHECK (cancelled_because IN ('person', 'leave', 'sickness', 'away')),
    booked_at TEXT NOT NULL,
    checked_in_at TEXT,
    ended_at TEXT
);
INSERT INTO desk_bookings_new (id, desk_id, office_id, staff_id, day, status, cancelled_because, booked_at, checked_in_at, ended_at)
    SELECT id, desk_id, office_id, staff_id, day, status, cancelled_because, booked_at, checked_in_at, ended_at FROM desk_bookings;
DROP TABLE desk_bookings;
ALTER TABLE desk_bookings_new RENAME TO desk_bookings;
CREATE UNIQUE INDEX desk_bookings_desk_day ON desk_bookings (desk_id, day) WHERE status IN ('booked', 'checked_in');
CREATE UNIQUE INDEX desk_bookings_staff_day ON desk_bookings (staff_id, day) WHERE status IN ('booked', 'checked_in');
CREATE INDEX desk_bookings_office_day ON desk_bookings (office_id, day);
CREATE INDEX desk_bookings_staff ON desk_bookings (staff_id, day);
-- The no-show job looks only at bookings nobody has checked in to yet.
CREATE INDEX desk_bookings_unchecked ON desk_bookings (day) WHERE status = 'booked';
