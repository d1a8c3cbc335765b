-- Team days: a team holds a block of desks at an office for a day (its monthly meeting in the
-- office). Until its members book them, those desks are not offered to anyone else.
CREATE TABLE desk_team_days (
    id TEXT PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices (id),
    team_id TEXT NOT NULL REFERENCES teams (id),
    day TEXT NOT NULL,
    desks BIGINT NOT NULL CHECK (desks > 0),
    held_by TEXT NOT NULL REFERENCES staff (id),
    held_at TEXT NOT NULL
);
CREATE UNIQUE INDEX desk_team_days_team_day ON desk_team_days (team_id, day);
CREATE INDEX desk_team_days_office_day ON desk_team_days (office_id, day);
