-- A supervision record is changed by the manager who recorded it for 24 hours, while the worker
-- has not acknowledged it; after that it is amended only by addenda, like a case note. Each
-- discussion keeps the action it set, so a change writes the case's oversight entry again
-- exactly as it was made, with only the reflection or decision changed.
ALTER TABLE supervision_cases ADD COLUMN action_title TEXT;
ALTER TABLE supervision_cases ADD COLUMN action_due TEXT;
ALTER TABLE supervisions ADD COLUMN edited_at TEXT;

CREATE TABLE supervision_addenda (
    id TEXT PRIMARY KEY,
    supervision_id TEXT NOT NULL REFERENCES supervisions (id),
    author_id TEXT NOT NULL REFERENCES staff (id),
    written_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX supervision_addenda_record ON supervision_addenda (supervision_id, written_at);

-- Group supervision and reflective practice: a session a manager holds with several of a
-- team's workers. Its notes are the team's learning, seen by the team like its meetings, and
-- never reach a case. It sits beside one-to-one supervision and does not replace it.
CREATE TABLE group_sessions (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id),
    kind TEXT NOT NULL CHECK (kind IN ('group_supervision', 'reflective_practice')),
    facilitator_id TEXT NOT NULL REFERENCES staff (id),
    held_on TEXT NOT NULL,
    theme TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL
);
CREATE INDEX group_sessions_team ON group_sessions (team_id, held_on);

CREATE TABLE group_session_attendees (
    session_id TEXT NOT NULL REFERENCES group_sessions (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    PRIMARY KEY (session_id, staff_id)
);
CREATE INDEX group_session_attendees_staff ON group_session_attendees (staff_id);
