-- +goose Up
-- The case board's summary (docs/PERFORMANCE.md, "Cases"): counts of the
-- open cases, maintained in the same transaction as every case write
-- (store/casefile_board.go), so that the board reads a few thousand rows
-- instead of every open case.
--
-- A case contributes one row per unit that sees it: its owner (viewer =
-- owner) and each unit it is shared with (viewer = that unit). Deadlines are
-- bucketed by the month of the case's next deadline (yyyymm, 0 when none
-- runs): months before today's are overdue; the current month and the
-- 7-day window are read from the cases themselves (a range of at most 38
-- days of deadlines).
CREATE TABLE case_tally (
    viewer_unit_id UUID NOT NULL REFERENCES units (id),
    owner_unit_id UUID NOT NULL REFERENCES units (id),
    stage TEXT NOT NULL,
    key_case BOOLEAN NOT NULL,
    due_month INTEGER NOT NULL,
    n INTEGER NOT NULL,
    -- In the order the board groups by (owner, stage, key): read without sorting.
    PRIMARY KEY (owner_unit_id, stage, key_case, viewer_unit_id, due_month)
);

-- The same per assigned investigator (workload), without stage and key.
CREATE TABLE case_officer_tally (
    viewer_unit_id UUID NOT NULL REFERENCES units (id),
    owner_unit_id UUID NOT NULL REFERENCES units (id),
    user_id UUID NOT NULL REFERENCES users (id),
    due_month INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (user_id, owner_unit_id, viewer_unit_id, due_month)
);

-- The board's window of deadlines (the current month up to 7 days ahead)
-- read without touching the table rows; it replaces the plain index on
-- next_due (a prefix of it).
CREATE INDEX cases_due_board ON cases (next_due, is_open, unit_id, stage, key_status, id);
DROP INDEX cases_next_due;

-- The board filtered by category, commune or period counts the open cases
-- of its units from the index alone.
CREATE INDEX cases_open_filter ON cases (is_open, unit_id, stage, next_due, key_status, category, commune_code, instituted_on, id);
DROP INDEX cases_open_unit;

-- Backfill (the same statements as store.RebuildCaseTally).
INSERT INTO case_tally (viewer_unit_id, owner_unit_id, stage, key_case, due_month, n)
SELECT v.viewer, i.unit_id, i.stage, i.key_status <> '', COALESCE(CAST(to_char(i.next_due, 'YYYYMM') AS INTEGER), 0), COUNT(*)
FROM cases i JOIN (SELECT id AS case_id, unit_id AS viewer FROM cases
                   UNION SELECT case_id, unit_id FROM case_shares) v ON v.case_id = i.id
WHERE i.is_open = TRUE
GROUP BY v.viewer, i.unit_id, i.stage, i.key_status <> '', COALESCE(CAST(to_char(i.next_due, 'YYYYMM') AS INTEGER), 0);

INSERT INTO case_officer_tally (viewer_unit_id, owner_unit_id, user_id, due_month, n)
SELECT v.viewer, i.unit_id, o.user_id, COALESCE(CAST(to_char(i.next_due, 'YYYYMM') AS INTEGER), 0), COUNT(*)
FROM cases i JOIN (SELECT id AS case_id, unit_id AS viewer FROM cases
                   UNION SELECT case_id, unit_id FROM case_shares) v ON v.case_id = i.id
JOIN case_officers o ON o.case_id = i.id
WHERE i.is_open = TRUE
GROUP BY v.viewer, i.unit_id, o.user_id, COALESCE(CAST(to_char(i.next_due, 'YYYYMM') AS INTEGER), 0);

-- +goose Down
CREATE INDEX cases_open_unit ON cases (is_open, unit_id, stage, next_due, key_status, id);
DROP INDEX cases_open_filter;
CREATE INDEX cases_next_due ON cases (next_due);
DROP INDEX cases_due_board;
DROP TABLE case_officer_tally;
DROP TABLE case_tally;
