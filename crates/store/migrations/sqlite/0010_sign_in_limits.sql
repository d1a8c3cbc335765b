-- Sign-in limits count password and MFA failures apart, and passwords by account and source
-- together (see domain::auth::SignInLimit); only failures are kept, since a success clears them.
-- Attempts matter for a day at most, so the table is
-- made again rather than altered.
DROP TABLE sign_in_attempts;
CREATE TABLE sign_in_attempts (
    id TEXT PRIMARY KEY,
    -- A hash of the typed email, so attempts on accounts that do not exist hold no personal data.
    account_key TEXT NOT NULL,
    -- A hash of the address the attempt came from, or of a device that completed MFA for the
    -- account before: never the address itself.
    source_key TEXT NOT NULL,
    step TEXT NOT NULL CHECK (step IN ('password', 'mfa')),
    at TEXT NOT NULL
);
CREATE INDEX sign_in_attempts_account ON sign_in_attempts (account_key, step, at);
CREATE INDEX sign_in_attempts_source ON sign_in_attempts (source_key, at);
CREATE INDEX sign_in_attempts_at ON sign_in_attempts (at);

-- Browsers that have completed MFA for an account: their password attempts are counted on
-- their own, so nobody else's guessing locks the person out of their own device.
CREATE TABLE known_devices (
    token_hash TEXT PRIMARY KEY,
    staff_id TEXT NOT NULL REFERENCES staff (id),
    created_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL
);
CREATE INDEX known_devices_staff ON known_devices (staff_id);
