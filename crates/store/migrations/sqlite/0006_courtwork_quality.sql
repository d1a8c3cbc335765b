-- Court work and its quality assurance.

-- The sections of each work type, versioned nationally. A piece of work keeps the version it was
-- started on, so publishing a new one never reshapes a draft under its author.
CREATE TABLE work_templates (
    id TEXT PRIMARY KEY,
    work_type TEXT NOT NULL CHECK (work_type IN ('safeguarding_letter', 'section_7_report', 'section_16a_risk_assessment', 'rule_16_4_guardians_report', 'initial_case_analysis', 'final_analysis', 'case_closure')),
    version INTEGER NOT NULL,
    sections TEXT NOT NULL,
    published_by TEXT REFERENCES staff (id),
    published_at TEXT NOT NULL
);
CREATE UNIQUE INDEX work_templates_type_version ON work_templates (work_type, version);

-- A piece of court work on a case, from draft to filed. `sections` holds the text now (JSON:
-- section key to text); every save is also kept in work_revisions.
CREATE TABLE work (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    work_type TEXT NOT NULL CHECK (work_type IN ('safeguarding_letter', 'section_7_report', 'section_16a_risk_assessment', 'rule_16_4_guardians_report', 'initial_case_analysis', 'final_analysis', 'case_closure')),
    template_id TEXT NOT NULL REFERENCES work_templates (id),
    author_id TEXT NOT NULL REFERENCES staff (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'approved', 'filed')),
    sections TEXT NOT NULL,
    word_count INTEGER NOT NULL,
    due_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    approved_by TEXT REFERENCES staff (id),
    approved_at TEXT,
    grade TEXT CHECK (grade IN ('outstanding', 'good', 'requires_improvement', 'inadequate')),
    filed_at TEXT,
    filed_by TEXT REFERENCES staff (id),
    filing_method TEXT CHECK (filing_method IN ('court_portal', 'secure_email', 'by_hand', 'post')),
    filing_route TEXT CHECK (filing_route IN ('after_sign_off', 'own_authority')),
    document_id TEXT REFERENCES documents (id),
    withheld_from TEXT REFERENCES people (id),
    version INTEGER NOT NULL
);
CREATE INDEX work_case ON work (case_id, created_at);
CREATE INDEX work_author ON work (author_id, status);
CREATE INDEX work_author_filed ON work (author_id, filed_at);

-- Every save of a draft, in order: its history.
CREATE TABLE work_revisions (
    work_id TEXT NOT NULL REFERENCES work (id),
    revision INTEGER NOT NULL,
    sections TEXT NOT NULL,
    word_count INTEGER NOT NULL,
    saved_by TEXT REFERENCES staff (id),
    saved_at TEXT NOT NULL,
    PRIMARY KEY (work_id, revision)
);

-- A manager's comment on one section, made when returning the work. `round` counts the returns.
CREATE TABLE work_comments (
    id TEXT PRIMARY KEY,
    work_id TEXT NOT NULL REFERENCES work (id),
    round INTEGER NOT NULL,
    section_key TEXT NOT NULL,
    body TEXT NOT NULL,
    author_id TEXT REFERENCES staff (id),
    written_at TEXT NOT NULL
);
CREATE INDEX work_comments_work ON work_comments (work_id, round);

-- Each worker's standing in each work type, kept in step with autonomy_events in the same
-- transaction. Filing locks the row (an UPDATE that re-reads it), so a revocation that lands first
-- is always seen.
CREATE TABLE autonomy (
    staff_id TEXT NOT NULL REFERENCES staff (id),
    work_type TEXT NOT NULL CHECK (work_type IN ('safeguarding_letter', 'section_7_report', 'section_16a_risk_assessment', 'rule_16_4_guardians_report', 'initial_case_analysis', 'final_analysis', 'case_closure')),
    authorised INTEGER NOT NULL,
    streak INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (staff_id, work_type)
);

-- What moved a worker's standing: a grade (at sign-off or in a dip sample), a revocation or a
-- reset, and the change in authority it made, with its reason.
CREATE TABLE autonomy_events (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    work_type TEXT NOT NULL CHECK (work_type IN ('safeguarding_letter', 'section_7_report', 'section_16a_risk_assessment', 'rule_16_4_guardians_report', 'initial_case_analysis', 'final_analysis', 'case_closure')),
    event TEXT NOT NULL CHECK (event IN ('graded', 'revoked', 'reset')),
    grade TEXT CHECK (grade IN ('outstanding', 'good', 'requires_improvement', 'inadequate')),
    change TEXT CHECK (change IN ('granted', 'lost', 'revoked', 'reset')),
    reason TEXT,
    work_id TEXT REFERENCES work (id),
    sample_id TEXT,
    by_id TEXT REFERENCES staff (id),
    at TEXT NOT NULL,
    authorised_after INTEGER NOT NULL,
    streak_after INTEGER NOT NULL
);
CREATE INDEX autonomy_events_staff ON autonomy_events (staff_id, at);
CREATE INDEX autonomy_events_at ON autonomy_events (at);

-- A manager's dip sample of one filed piece: proposed by Hearth, perhaps swapped with a reason, then
-- audited. Each piece is sampled at most once.
CREATE TABLE samples (
    id TEXT PRIMARY KEY,
    manager_id TEXT NOT NULL REFERENCES staff (id),
    worker_id TEXT NOT NULL REFERENCES staff (id),
    period TEXT NOT NULL,
    due_on TEXT NOT NULL,
    work_id TEXT NOT NULL REFERENCES work (id),
    basis TEXT NOT NULL CHECK (basis IN ('random', 'newly_autonomous', 'domestic_abuse', 'long_open', 'late_filing', 'chosen')),
    swapped_from TEXT REFERENCES work (id),
    swap_reason TEXT,
    grade TEXT CHECK (grade IN ('outstanding', 'good', 'requires_improvement', 'inadequate')),
    outcomes TEXT,
    strengths TEXT,
    areas_to_develop TEXT,
    audited_by TEXT REFERENCES staff (id),
    audited_at TEXT,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX samples_work ON samples (work_id);
CREATE INDEX samples_worker_period ON samples (worker_id, period);
CREATE INDEX samples_manager ON samples (manager_id, audited_at);

CREATE TABLE sample_actions (
    id TEXT PRIMARY KEY,
    sample_id TEXT NOT NULL REFERENCES samples (id),
    action TEXT NOT NULL,
    due_on TEXT NOT NULL
);
CREATE INDEX sample_actions_sample ON sample_actions (sample_id);

-- A second manager's view of a sampled grade: agreed, or not and what they would give.
CREATE TABLE sample_moderations (
    id TEXT PRIMARY KEY,
    sample_id TEXT NOT NULL REFERENCES samples (id),
    moderator_id TEXT NOT NULL REFERENCES staff (id),
    agrees INTEGER NOT NULL,
    grade TEXT CHECK (grade IN ('outstanding', 'good', 'requires_improvement', 'inadequate')),
    comment TEXT NOT NULL,
    moderated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX sample_moderations_sample ON sample_moderations (sample_id);
