-- Time away a manager records (training, other absence) cancels desk bookings too, for its own
-- reason.
ALTER TABLE desk_bookings DROP CONSTRAINT desk_bookings_cancelled_because_check;
ALTER TABLE desk_bookings ADD CONSTRAINT desk_bookings_cancelled_because_check CHECK (cancelled_because IN ('person', 'leave', 'sickness', 'away'));
-- The no-show job looks only at bookings nobody has checked in to yet.
CREATE INDEX desk_bookings_unchecked ON desk_bookings (day) WHERE status = 'booked';
