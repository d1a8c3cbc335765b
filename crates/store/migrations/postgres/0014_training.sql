-- People: training and policy attestations. A course is written by a national administrator
-- (its module in Markdown) and is mandatory for the roles listed in course_roles, renewed every
-- renew_months (NULL: done once). A completion keeps the course's version it was done at.
-- A policy has numbered versions; each person in its roles attests each version once.
CREATE TABLE courses (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    renew_months INTEGER CHECK (renew_months BETWEEN 1 AND 120),
    version INTEGER NOT NULL,
    -- A course made mandatory today is not missing for people who started years ago: they
    -- have a new starter's time from this date.
    created_on TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT REFERENCES staff (id)
);

CREATE TABLE course_roles (
    course_id TEXT NOT NULL REFERENCES courses (id),
    role TEXT NOT NULL CHECK (role IN ('practitioner', 'team_manager', 'service_manager', 'business_support', 'hr', 'national_leadership', 'system_admin')),
    PRIMARY KEY (course_id, role)
);
-- Who must do what is read from the role: without this SQLite builds an index on every read.
CREATE INDEX course_roles_role ON course_roles (role, course_id);

CREATE TABLE training_completions (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    course_id TEXT NOT NULL REFERENCES courses (id),
    course_version INTEGER NOT NULL,
    completed_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES staff (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX training_completions_staff ON training_completions (staff_id, course_id, completed_on);

-- A reminder sent for one expiry date, so each is sent once.
CREATE TABLE training_reminders (
    staff_id TEXT NOT NULL REFERENCES staff (id),
    course_id TEXT NOT NULL REFERENCES courses (id),
    expires_on TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (staff_id, course_id, expires_on)
);

CREATE TABLE policies (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    title TEXT NOT NULL
);
CREATE UNIQUE INDEX policies_code ON policies (code);

CREATE TABLE policy_roles (
    policy_id TEXT NOT NULL REFERENCES policies (id),
    role TEXT NOT NULL CHECK (role IN ('practitioner', 'team_manager', 'service_manager', 'business_support', 'hr', 'national_leadership', 'system_admin')),
    PRIMARY KEY (policy_id, role)
);
CREATE INDEX policy_roles_role ON policy_roles (role, policy_id);

CREATE TABLE policy_versions (
    id TEXT PRIMARY KEY,
    policy_id TEXT NOT NULL REFERENCES policies (id),
    number INTEGER NOT NULL,
    changes TEXT NOT NULL,
    body TEXT NOT NULL,
    published_on TEXT NOT NULL,
    published_by TEXT REFERENCES staff (id)
);
CREATE UNIQUE INDEX policy_versions_number ON policy_versions (policy_id, number);

CREATE TABLE policy_attestations (
    staff_id TEXT NOT NULL REFERENCES staff (id),
    version_id TEXT NOT NULL REFERENCES policy_versions (id),
    attested_at TEXT NOT NULL,
    PRIMARY KEY (staff_id, version_id)
);
CREATE INDEX policy_attestations_version ON policy_attestations (version_id);

-- An alert that is not about a case (a training reminder) links to where to act on it.
ALTER TABLE alerts ADD COLUMN link TEXT;
