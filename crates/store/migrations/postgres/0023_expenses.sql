-- Expenses: claims of mileage and other costs, their lines, and the monthly payroll exports that
-- pay each approved claim once.

-- A finance role: expenses and the payroll export, nothing else.
ALTER TABLE staff_roles DROP CONSTRAINT staff_roles_role_check;
ALTER TABLE staff_roles ADD CONSTRAINT staff_roles_role_check CHECK (role IN ('practitioner', 'team_manager', 'service_manager', 'business_support', 'hr', 'finance', 'national_leadership', 'system_admin'));

-- Where a visit or a court attendance happened, for mileage.
ALTER TABLE chronology ADD COLUMN place TEXT;

CREATE TABLE expense_claims (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'refused', 'paid')),
    late_reason TEXT,
    total_pence INTEGER NOT NULL DEFAULT 0 CHECK (total_pence >= 0),
    -- 1 when the total is over the approval limit: a service manager decides.
    needs_service_manager INTEGER NOT NULL DEFAULT 0,
    submitted_at TEXT,
    decided_by TEXT REFERENCES staff (id),
    decided_at TEXT,
    refusal_reason TEXT,
    -- The payroll month (YYYY-MM) whose export paid it.
    payroll_month TEXT,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX expense_claims_staff ON expense_claims (staff_id, created_at);
CREATE INDEX expense_claims_status ON expense_claims (status, decided_at);
CREATE INDEX expense_claims_payroll ON expense_claims (payroll_month);
-- One claim in progress at a time.
CREATE UNIQUE INDEX expense_claims_draft ON expense_claims (staff_id) WHERE status = 'draft';

CREATE TABLE expense_lines (
    id TEXT PRIMARY KEY,
    claim_id TEXT NOT NULL REFERENCES expense_claims (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    kind TEXT NOT NULL CHECK (kind IN ('mileage', 'parking', 'fares', 'taxi', 'subsistence', 'other')),
    spent_on TEXT NOT NULL,
    description TEXT NOT NULL,
    -- A journey made for a visit recorded in a case's chronology, and the case's reference (never names).
    visit_id TEXT REFERENCES chronology (id),
    case_reference TEXT,
    from_place TEXT,
    to_place TEXT,
    -- Tenths of a mile; none until a journey's miles are known.
    miles_tenths INTEGER CHECK (miles_tenths > 0),
    estimated INTEGER NOT NULL DEFAULT 0,
    round_trip INTEGER NOT NULL DEFAULT 0,
    passengers INTEGER NOT NULL DEFAULT 0 CHECK (passengers >= 0),
    amount_pence INTEGER NOT NULL DEFAULT 0 CHECK (amount_pence >= 0),
    -- The receipt's bytes are in the file store under their SHA-256, like documents.
    receipt_sha256 TEXT,
    receipt_type TEXT CHECK (receipt_type IN ('pdf', 'jpeg', 'png')),
    receipt_size INTEGER,
    receipt_thumbnail TEXT,
    -- 1 while the line stands; a refused claim's lines are 0, which frees their visits.
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX expense_lines_claim ON expense_lines (claim_id, spent_on);
CREATE INDEX expense_lines_staff ON expense_lines (staff_id, spent_on);
-- A visit is claimed once.
CREATE UNIQUE INDEX expense_lines_visit ON expense_lines (visit_id) WHERE visit_id IS NOT NULL AND active = 1;

CREATE TABLE payroll_exports (
    month TEXT PRIMARY KEY,
    exported_by TEXT REFERENCES staff (id),
    exported_at TEXT NOT NULL,
    claims INTEGER NOT NULL,
    total_pence INTEGER NOT NULL
);
