-- People: monthly team meetings, who took part and how, and the actions agreed.
CREATE TABLE team_meetings (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id),
    held_on TEXT NOT NULL,
    office_id TEXT REFERENCES offices (id),
    agenda TEXT NOT NULL,
    recorded_by TEXT REFERENCES staff (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX team_meetings_team ON team_meetings (team_id, held_on);

CREATE TABLE team_meeting_attendance (
    meeting_id TEXT NOT NULL REFERENCES team_meetings (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    attendance TEXT NOT NULL CHECK (attendance IN ('office', 'remote', 'absent')),
    reason TEXT,
    PRIMARY KEY (meeting_id, staff_id)
);

CREATE TABLE team_meeting_actions (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES team_meetings (id),
    title TEXT NOT NULL,
    owner_id TEXT NOT NULL REFERENCES staff (id),
    due_on TEXT
);
CREATE INDEX team_meeting_actions_owner ON team_meeting_actions (owner_id);
CREATE INDEX team_meeting_actions_meeting ON team_meeting_actions (meeting_id);
