-- Name search keys are kept per case and carry the case's team, so a team's search seeks straight
-- to its own matching names (team, key) instead of asking each of its thousands of cases in turn.
-- One row per key of each person in each case. Replaces person_name_keys.
CREATE TABLE case_name_keys (
    case_id TEXT NOT NULL REFERENCES cases (id),
    person_id TEXT NOT NULL REFERENCES people (id),
    key TEXT NOT NULL,
    team_id TEXT NOT NULL REFERENCES teams (id),
    PRIMARY KEY (case_id, person_id, key)
);
INSERT INTO case_name_keys (case_id, person_id, key, team_id)
    SELECT cp.case_id, cp.person_id, k.key, c.team_id
    FROM case_participants cp JOIN person_name_keys k ON k.person_id = cp.person_id JOIN cases c ON c.id = cp.case_id
    ORDER BY cp.case_id, cp.person_id, k.key;
CREATE INDEX case_name_keys_team ON case_name_keys (team_id, key, case_id, person_id);
DROP TABLE person_name_keys;

-- Cases reached through the people someone manages are looked up by who holds them; with the team
-- in the index, "held by one of these people, outside these teams" is answered from the index alone.
DROP INDEX cases_allocated;
CREATE INDEX cases_allocated ON cases (allocated_to, status, team_id);
