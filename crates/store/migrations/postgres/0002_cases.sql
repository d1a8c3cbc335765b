-- The electronic case record: cases, the people in them, hearings and court-set filing dates,
-- safeguarding checks, the chronology and tasks. Flags such as `urgent` are BIGINT 0/1 on both
-- engines so one SQL text reads them.

-- One counter per year for readable case references (HRT-2026-000123).
CREATE TABLE case_numbers (
    year BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL,
    court_case_number TEXT NOT NULL,
    law_type TEXT NOT NULL CHECK (law_type IN ('private', 'public')),
    court_id TEXT NOT NULL REFERENCES courts (id),
    local_authority_id TEXT REFERENCES local_authorities (id),
    team_id TEXT NOT NULL REFERENCES teams (id),
    allocated_to TEXT REFERENCES staff (id),
    allocated_on TEXT,
    stage TEXT NOT NULL CHECK (stage IN ('intake_screening', 'work_to_first_hearing', 'safeguarding_letter', 'first_hearing', 'further_work', 'notified', 'guardian_allocated', 'initial_case_analysis', 'case_management_hearing', 'issues_resolution_hearing', 'final_hearing', 'closed')),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    urgent BIGINT NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    received_on TEXT NOT NULL,
    first_hearing_on TEXT,
    issued_on TEXT,
    closed_on TEXT,
    closure_reason TEXT CHECK (closure_reason IN ('final_order', 'work_completed', 'withdrawn', 'dismissed', 'no_further_work', 'transferred')),
    closure_outcome TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX cases_reference ON cases (reference);
CREATE INDEX cases_court_case_number ON cases (court_case_number);
CREATE INDEX cases_team_status ON cases (team_id, status, received_on);
CREATE INDEX cases_allocated ON cases (allocated_to, status);

CREATE TABLE case_applications (
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL CHECK (kind IN ('child_arrangements', 'prohibited_steps', 'specific_issue', 'care_order', 'supervision_order')),
    PRIMARY KEY (case_id, kind)
);

CREATE TABLE case_flags (
    case_id TEXT NOT NULL REFERENCES cases (id),
    flag TEXT NOT NULL CHECK (flag IN ('domestic_abuse', 'worker_risk', 'interpreter', 'welsh_language', 'restricted')),
    PRIMARY KEY (case_id, flag)
);

-- A person can appear in several cases; `merged_into` points a duplicate at the record it became.
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    full_name TEXT NOT NULL,
    date_of_birth TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('child', 'adult')),
    contact_channel TEXT CHECK (contact_channel IN ('email', 'text', 'letter')),
    no_texts BIGINT NOT NULL DEFAULT 0 CHECK (no_texts IN (0, 1)),
    interpreter_language TEXT,
    merged_into TEXT REFERENCES people (id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX people_name_dob ON people (full_name, date_of_birth);
CREATE INDEX people_date_of_birth ON people (date_of_birth);

CREATE TABLE addresses (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people (id),
    line TEXT NOT NULL,
    postcode TEXT NOT NULL,
    local_authority_id TEXT REFERENCES local_authorities (id),
    lived_from TEXT NOT NULL,
    lived_to TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX addresses_person ON addresses (person_id, lived_from);

CREATE TABLE case_participants (
    case_id TEXT NOT NULL REFERENCES cases (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    role TEXT NOT NULL CHECK (role IN ('subject_child', 'applicant', 'respondent', 'intervenor', 'other_adult')),
    relationship TEXT CHECK (relationship IN ('mother', 'father', 'step_parent', 'grandparent', 'aunt', 'uncle', 'sibling', 'foster_carer', 'special_guardian', 'partner_of_parent', 'local_authority', 'other')),
    address_withheld BIGINT NOT NULL DEFAULT 0 CHECK (address_withheld IN (0, 1)),
    added_at TEXT NOT NULL,
    PRIMARY KEY (case_id, person_id)
);
CREATE INDEX case_participants_person ON case_participants (person_id);

CREATE TABLE hearings (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL CHECK (kind IN ('fhdra', 'dispute_resolution', 'fact_finding', 'case_management', 'issues_resolution', 'final', 'other')),
    starts_at TEXT NOT NULL,
    court_id TEXT NOT NULL REFERENCES courts (id),
    outcome TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX hearings_case ON hearings (case_id, starts_at);

-- Orders and directions: what the court told the service to file, and by when. Authoritative.
CREATE TABLE filing_dates (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    direction TEXT NOT NULL,
    due_on TEXT NOT NULL,
    filed_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX filing_dates_case ON filing_dates (case_id, due_on);

CREATE TABLE checks (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL CHECK (kind IN ('police', 'local_authority')),
    local_authority_id TEXT REFERENCES local_authorities (id),
    status TEXT NOT NULL CHECK (status IN ('not_requested', 'requested', 'returned')),
    requested_on TEXT,
    returned_on TEXT,
    result_summary TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX checks_case ON checks (case_id);

-- The chronology is evidence: a note is edited only within its first day; after that an addendum
-- (`amends_id`) is written beside it and the original stays as it was.
CREATE TABLE chronology (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL CHECK (kind IN ('visit', 'phone_call', 'time_with_child', 'meeting', 'court_attendance', 'management_oversight', 'contact_log', 'addendum', 'case_opened', 'hearing', 'check', 'document', 'allocation', 'stage_change', 'closure')),
    occurred_on TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT,
    author_id TEXT REFERENCES staff (id),
    amends_id TEXT REFERENCES chronology (id),
    written_at TEXT NOT NULL,
    edited_at TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX chronology_case ON chronology (case_id, occurred_on, written_at);

CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    title TEXT NOT NULL,
    assigned_to TEXT REFERENCES staff (id),
    due_on TEXT,
    deadline_key TEXT,
    done_at TEXT,
    done_by TEXT REFERENCES staff (id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX tasks_assignee ON tasks (assigned_to, done_at, due_on);
CREATE INDEX tasks_case ON tasks (case_id, due_on);
CREATE UNIQUE INDEX tasks_case_deadline ON tasks (case_id, deadline_key);

-- Break-glass: a member of staff with no standing grant opens a case for a stated reason, for a
-- limited time. Every grant is audited and alerts the allocated worker's manager.
CREATE TABLE case_access_grants (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    reason TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX case_access_grants_lookup ON case_access_grants (case_id, staff_id, expires_at);

-- Alerts for a person, shown on their home page until they dismiss them.
CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    recipient_id TEXT NOT NULL REFERENCES staff (id),
    case_id TEXT REFERENCES cases (id),
    message TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX alerts_recipient ON alerts (recipient_id, read_at, created_at);

-- Search. Names are found by each word and its sound key (see domain `name_keys`).
CREATE TABLE person_name_keys (
    person_id TEXT NOT NULL REFERENCES people (id),
    key TEXT NOT NULL,
    PRIMARY KEY (person_id, key)
);
CREATE INDEX person_name_keys_key ON person_name_keys (key);

-- Words in notes: a tsvector column here, FTS5 in SQLite. The one deliberate schema difference
-- between the engines; tests/schema.rs knows it.
CREATE TABLE chronology_fts (
    entry_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    text TEXT NOT NULL,
    tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', text)) STORED
);
CREATE INDEX chronology_fts_tsv ON chronology_fts USING GIN (tsv);
CREATE INDEX chronology_fts_entry ON chronology_fts (entry_id);

-- Documents and photos. The bytes live in the object store under a content address
-- (documents/<sha256>); this row says what they are. A photo's stored bytes are already stripped
-- of metadata, so the SHA-256 is of what is kept.
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL CHECK (kind IN ('court_order', 'application', 'report', 'letter', 'photo', 'other')),
    title TEXT NOT NULL,
    file_type TEXT NOT NULL CHECK (file_type IN ('pdf', 'jpeg', 'png', 'docx', 'odt')),
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    thumbnail_key TEXT,
    withheld_from TEXT REFERENCES people (id),
    uploaded_by TEXT REFERENCES staff (id),
    uploaded_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX documents_case ON documents (case_id, uploaded_at);
