-- A module may end with a short quiz, written with it (one line each: ? a question, - a wrong
-- answer, * the right one) and versioned with it, and a pass mark. Finishing a module with a
-- quiz records it done only on a pass; every attempt is kept, with the version it answered.
ALTER TABLE courses ADD COLUMN quiz TEXT NOT NULL DEFAULT '';
ALTER TABLE courses ADD COLUMN pass_mark INTEGER CHECK (pass_mark BETWEEN 1 AND 100);

CREATE TABLE quiz_attempts (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    course_id TEXT NOT NULL REFERENCES courses (id),
    course_version INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    questions INTEGER NOT NULL,
    passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
    attempted_at TEXT NOT NULL
);
CREATE INDEX quiz_attempts_staff ON quiz_attempts (staff_id, course_id, attempted_at);
