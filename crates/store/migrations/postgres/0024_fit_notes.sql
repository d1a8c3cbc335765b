-- Fit notes: a doctor's note for sickness beyond self-certification, uploaded by the person, their
-- manager or HR, read by the line chain and HR. The bytes are kept like documents, under their
-- SHA-256.
CREATE TABLE fit_notes (
    id TEXT PRIMARY KEY,
    episode_id TEXT NOT NULL REFERENCES sickness_episodes (id),
    staff_id TEXT NOT NULL REFERENCES staff (id),
    file_type TEXT NOT NULL CHECK (file_type IN ('pdf', 'jpeg', 'png')),
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT REFERENCES staff (id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX fit_notes_episode ON fit_notes (episode_id, uploaded_at);
CREATE INDEX fit_notes_staff ON fit_notes (staff_id);
