-- People: improvement plans (capability). One open plan per worker at a time (the store checks
-- it in the transaction that opens one). While a plan is open the worker is supervised on the
-- early cadence. Reviews are kept in order; closing records the outcome.
CREATE TABLE improvement_plans (
    id TEXT PRIMARY KEY,
    worker_id TEXT NOT NULL REFERENCES staff (id),
    opened_by TEXT NOT NULL REFERENCES staff (id),
    hr_partner_id TEXT NOT NULL REFERENCES staff (id),
    goals TEXT NOT NULL,
    support TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    next_review_on TEXT NOT NULL,
    closed_on TEXT,
    outcome TEXT CHECK (outcome IN ('met', 'not_met', 'withdrawn')),
    summary TEXT,
    version INTEGER NOT NULL
);
CREATE INDEX improvement_plans_worker ON improvement_plans (worker_id, closed_on);

CREATE TABLE improvement_reviews (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES improvement_plans (id),
    reviewed_on TEXT NOT NULL,
    progress TEXT NOT NULL,
    next_review_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES staff (id)
);
CREATE INDEX improvement_reviews_plan ON improvement_reviews (plan_id, reviewed_on);
