-- Every change of who holds a case (a worker, or nobody: the hub), so the key figures can say who
-- held it at any past month end, and when it was first allocated, however it has moved since.
-- `cases.allocated_on` is the current holder's day, and changes on every reallocation.
CREATE TABLE case_allocations (
    case_id TEXT NOT NULL REFERENCES cases (id),
    worker_id TEXT REFERENCES staff (id),
    at TEXT NOT NULL
);
CREATE INDEX case_allocations_case ON case_allocations (case_id, at);
CREATE INDEX case_allocations_at ON case_allocations (at);

-- What is known so far: each allocated case's current holder, from its day.
INSERT INTO case_allocations (case_id, worker_id, at)
SELECT id, allocated_to, allocated_on || 'T09:00:00Z' FROM cases WHERE allocated_to IS NOT NULL AND allocated_on IS NOT NULL;
