-- Sickness: episodes (each with the absence allocation reads), return-to-work interviews, reviews
-- opened by the Bradford factor or by long-term sickness, and the pay bands that price a day lost.

-- What a year of someone's time costs full time, by band. HR only.
CREATE TABLE pay_bands (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    annual_pence INTEGER NOT NULL CHECK (annual_pence > 0)
);
CREATE TABLE staff_pay (
    staff_id TEXT PRIMARY KEY REFERENCES staff (id),
    band TEXT NOT NULL REFERENCES pay_bands (code),
    version INTEGER NOT NULL
);

CREATE TABLE sickness_episodes (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    first_day TEXT NOT NULL,
    expected_return TEXT NOT NULL,
    -- The first day back; the last day off is the day before. None while still off.
    returned_on TEXT,
    reason TEXT NOT NULL CHECK (reason IN ('mental_health', 'musculoskeletal', 'cold_flu', 'gastrointestinal', 'infectious', 'injury', 'headache', 'pregnancy', 'surgery', 'other')),
    note TEXT NOT NULL DEFAULT '',
    absence_id TEXT NOT NULL REFERENCES absences (id),
    reported_by TEXT REFERENCES staff (id),
    reported_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX sickness_episodes_staff ON sickness_episodes (staff_id, first_day);
CREATE INDEX sickness_episodes_first ON sickness_episodes (first_day);
-- Off sick once at a time.
CREATE UNIQUE INDEX sickness_episodes_open ON sickness_episodes (staff_id) WHERE returned_on IS NULL;

CREATE TABLE return_interviews (
    episode_id TEXT PRIMARY KEY REFERENCES sickness_episodes (id),
    manager_id TEXT REFERENCES staff (id),
    due_on TEXT NOT NULL,
    held_on TEXT,
    discussion TEXT,
    fit_to_work INTEGER,
    adjustments TEXT,
    support TEXT,
    recorded_by TEXT REFERENCES staff (id),
    version INTEGER NOT NULL
);
CREATE INDEX return_interviews_manager ON return_interviews (manager_id, held_on);

CREATE TABLE sickness_reviews (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    kind TEXT NOT NULL CHECK (kind IN ('bradford', 'occupational_health')),
    -- The Bradford score reached, for a Bradford review.
    score_reached INTEGER,
    episode_id TEXT REFERENCES sickness_episodes (id),
    manager_id TEXT REFERENCES staff (id),
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    outcome TEXT,
    version INTEGER NOT NULL
);
CREATE INDEX sickness_reviews_staff ON sickness_reviews (staff_id, opened_on);
CREATE INDEX sickness_reviews_manager ON sickness_reviews (manager_id, closed_on);
-- Occupational health is asked once an episode.
CREATE UNIQUE INDEX sickness_reviews_referral ON sickness_reviews (episode_id) WHERE kind = 'occupational_health';

-- A national table of bands, as HR keeps them (annual full-time pay).
INSERT INTO pay_bands (code, name, annual_pence) VALUES
    ('support', 'Business support', 2600000),
    ('practitioner', 'Family court adviser', 4100000),
    ('senior', 'Senior family court adviser', 4600000),
    ('manager', 'Team manager', 5300000),
    ('service_manager', 'Service manager', 6200000),
    ('head', 'Head of practice and national roles', 7500000);
