-- A one-time link for a new member of staff's first sign-in: with it they choose their password,
-- then set up their authenticator app as everyone does the first time. Only the token's hash
-- is kept; a new link for the same person ends the old one.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    token_hash TEXT NOT NULL,
    created_by TEXT REFERENCES staff (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE UNIQUE INDEX invitations_token_hash ON invitations (token_hash);
CREATE INDEX invitations_staff ON invitations (staff_id);
