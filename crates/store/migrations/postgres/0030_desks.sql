-- Hot desks: each office's floor plan (zones and desks with what they offer), and the bookings
-- people make for the days they come in. An office's desk count follows its floor plan.
CREATE TABLE desks (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices (id),
    label TEXT NOT NULL,
    zone TEXT NOT NULL,
    accessible INTEGER NOT NULL DEFAULT 0 CHECK (accessible IN (0, 1)),
    standing INTEGER NOT NULL DEFAULT 0 CHECK (standing IN (0, 1)),
    dual_screen INTEGER NOT NULL DEFAULT 0 CHECK (dual_screen IN (0, 1)),
    quiet INTEGER NOT NULL DEFAULT 0 CHECK (quiet IN (0, 1)),
    -- Where it is drawn on the plan: a grid of columns and rows.
    plan_x INTEGER NOT NULL CHECK (plan_x >= 0),
    plan_y INTEGER NOT NULL CHECK (plan_y >= 0),
    withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX desks_label ON desks (office_id, label);

-- A booking is live while booked or checked in; cancelled (by the person, or by leave or
-- sickness on that day) and released (not checked in by the set time) free the desk. The two
-- partial unique indexes are the rule that cannot be skipped: one live booking per desk a day,
-- and one per person a day, however many book at once.
CREATE TABLE desk_bookings (
    id TEXT PRIMARY KEY,
    desk_id TEXT NOT NULL REFERENCES desks (id),
    office_id TEXT NOT NULL REFERENCES offices (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    day TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('booked', 'checked_in', 'cancelled', 'released')),
    cancelled_because TEXT CHECK (cancelled_because IN ('person', 'leave', 'sickness')),
    booked_at TEXT NOT NULL,
    checked_in_at TEXT,
    ended_at TEXT
);
CREATE UNIQUE INDEX desk_bookings_desk_day ON desk_bookings (desk_id, day) WHERE status IN ('booked', 'checked_in');
CREATE UNIQUE INDEX desk_bookings_staff_day ON desk_bookings (staff_id, day) WHERE status IN ('booked', 'checked_in');
CREATE INDEX desk_bookings_office_day ON desk_bookings (office_id, day);
CREATE INDEX desk_bookings_staff ON desk_bookings (staff_id, day);

-- What someone needs of a desk, as they say it: an accessible desk is held for them.
CREATE TABLE desk_needs (
    staff_id TEXT PRIMARY KEY REFERENCES staff (id),
    accessible INTEGER NOT NULL DEFAULT 0 CHECK (accessible IN (0, 1)),
    updated_at TEXT NOT NULL
);
