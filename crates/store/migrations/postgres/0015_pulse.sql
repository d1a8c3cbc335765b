-- People: the wellbeing pulse. Answers are never kept with the person: pulse_taken says only
-- that someone took a survey (so they answer once), and the answers are added to counts per
-- team, question and score. Neither table records when, so the two cannot be matched up by time.
-- team_id is '' for someone with no team: they count in the service's figures only.
CREATE TABLE pulse_surveys (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    opened_by TEXT REFERENCES staff (id),
    opened_at TEXT NOT NULL
);
CREATE INDEX pulse_surveys_opens ON pulse_surveys (opens_on);

CREATE TABLE pulse_taken (
    survey_id TEXT NOT NULL REFERENCES pulse_surveys (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    PRIMARY KEY (survey_id, staff_id)
);

CREATE TABLE pulse_counts (
    survey_id TEXT NOT NULL REFERENCES pulse_surveys (id),
    team_id TEXT NOT NULL,
    question TEXT NOT NULL CHECK (question IN ('responses', 'cared_for', 'workload', 'manager', 'wellbeing', 'proud')),
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 5),
    responses INTEGER NOT NULL,
    PRIMARY KEY (survey_id, team_id, question, score)
);
