-- Sickness kept month by month, like the key figures' team months: each ended month's spells
-- started, working days lost and their cost, by the team people were in when it was measured
-- ('' for staff in no team). A month is measured again while late reports can still reach it,
-- then kept as it was, so a later pay change or a move between teams does not rewrite history.
CREATE TABLE sickness_months (
    month TEXT NOT NULL,
    team_key TEXT NOT NULL,
    started INTEGER NOT NULL,
    days_lost INTEGER NOT NULL,
    cost_pence INTEGER NOT NULL,
    measured_at TEXT NOT NULL,
    PRIMARY KEY (month, team_key)
);
