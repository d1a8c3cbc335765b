-- The days someone works, when not the first days of the week their FTE needs (the default).
-- Leave costs and sickness days lost are counted on these days.
CREATE TABLE work_patterns (
    staff_id TEXT PRIMARY KEY REFERENCES staff (id),
    days TEXT NOT NULL,
    version INTEGER NOT NULL
);
