-- Hearth foundation: organisation, sign-in, audit and jobs.
-- Times are fixed-width RFC 3339 UTC text ('2026-01-31T09:30:00.000000Z') and dates ISO text, so that
-- both engines compare and sort them identically under one SQL text. Ids are UUIDv7 text.
-- Unique constraints are named indexes so the schema-parity test can compare them across engines.

CREATE TABLE installation (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE service_areas (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX service_areas_name ON service_areas (name);

CREATE TABLE offices (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    town TEXT NOT NULL,
    service_area_id TEXT NOT NULL REFERENCES service_areas (id),
    desks INTEGER NOT NULL CHECK (desks >= 0),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX offices_name ON offices (name);
CREATE INDEX offices_service_area ON offices (service_area_id);

CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    service_area_id TEXT NOT NULL REFERENCES service_areas (id),
    office_id TEXT REFERENCES offices (id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX teams_name ON teams (name);
CREATE INDEX teams_service_area ON teams (service_area_id);

CREATE TABLE staff (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    team_id TEXT REFERENCES teams (id),
    line_manager_id TEXT REFERENCES staff (id),
    fte_hundredths INTEGER NOT NULL CHECK (fte_hundredths BETWEEN 1 AND 100),
    contract TEXT NOT NULL CHECK (contract IN ('employed', 'bank', 'associate', 'agency')),
    start_date TEXT NOT NULL,
    qualified_date TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
    left_on TEXT,
    password_hash TEXT,
    totp_secret TEXT,
    totp_last_step INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX staff_email ON staff (email);
CREATE INDEX staff_team ON staff (team_id);
CREATE INDEX staff_line_manager ON staff (line_manager_id);
CREATE INDEX staff_name ON staff (name);

CREATE TABLE staff_roles (
    staff_id TEXT NOT NULL REFERENCES staff (id),
    role TEXT NOT NULL CHECK (role IN ('practitioner', 'team_manager', 'service_manager', 'business_support', 'hr', 'national_leadership', 'system_admin')),
    PRIMARY KEY (staff_id, role)
);
CREATE INDEX staff_roles_role ON staff_roles (role);

CREATE TABLE staff_skills (
    staff_id TEXT NOT NULL REFERENCES staff (id),
    skill TEXT NOT NULL CHECK (skill IN ('welsh_language', 'british_sign_language', 'domestic_abuse_practice', 'public_law_guardian', 'rule_16_4')),
    PRIMARY KEY (staff_id, skill)
);

CREATE TABLE courts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    town TEXT NOT NULL,
    service_area_id TEXT NOT NULL REFERENCES service_areas (id)
);
CREATE UNIQUE INDEX courts_name ON courts (name);

CREATE TABLE local_authorities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    service_area_id TEXT NOT NULL REFERENCES service_areas (id)
);
CREATE UNIQUE INDEX local_authorities_name ON local_authorities (name);

-- Sessions are keyed by the SHA-256 of the cookie value, so a copy of this table cannot sign anyone in.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    mfa_verified INTEGER NOT NULL DEFAULT 0, -- 0 or 1: the Any driver cannot read SQLite booleans
    pending_totp_secret TEXT,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_staff ON sessions (staff_id);

-- Keyed by a hash of the typed email, so attempts on accounts that do not exist hold no personal data.
CREATE TABLE sign_in_attempts (
    id TEXT PRIMARY KEY,
    account_key TEXT NOT NULL,
    succeeded INTEGER NOT NULL, -- 0 or 1, as above
    at TEXT NOT NULL
);
CREATE INDEX sign_in_attempts_account ON sign_in_attempts (account_key, at);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    token_hash TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_staff ON api_tokens (staff_id);

-- The audit trail. No foreign keys: events outlive what they describe.
CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    at TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    subject_type TEXT,
    subject_id TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
    request_id TEXT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE UNIQUE INDEX audit_events_id ON audit_events (id);
CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id, seq);
CREATE INDEX audit_events_actor ON audit_events (actor_id, at);
CREATE INDEX audit_events_at ON audit_events (at);

-- The chain's head: appending takes this row's lock, so events are sequenced one at a time.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The job queue (outbox): written in the same transaction as the change that causes it.
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    queue TEXT NOT NULL,
    payload TEXT NOT NULL,
    run_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    last_error TEXT,
    done_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX jobs_due ON jobs (queue, done_at, run_at);
