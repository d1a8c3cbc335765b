-- Whether a case is restricted is asked of every case a search or list considers; with the flag
-- first, the restricted cases are found from the index rather than by reading every flag.
CREATE INDEX case_flags_flag ON case_flags (flag, case_id);
