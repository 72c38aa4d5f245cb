-- Return for correction (issue 15): a report can be returned to its author with a note
-- («возвращён на доработку»), corrected and sent again as a new report that names the one
-- it corrects; a report can restore an earlier version of a row.

-- The status gains 'returned'. SQLite cannot change a CHECK in place, and rebuilding the
-- table would need foreign keys off (they are on in the migration's transaction), so the
-- column is replaced: the indexes on it go, a new column with the wider CHECK takes the
-- values, the old one is dropped, the indexes come back. Every other column is kept as it is.
DROP INDEX change_requests_status;
DROP INDEX change_requests_point;
DROP INDEX change_requests_typed_point;
ALTER TABLE change_requests RENAME COLUMN status TO status_before_rework;
ALTER TABLE change_requests ADD COLUMN status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'accepted', 'rejected', 'withdrawn', 'returned'));
UPDATE change_requests SET status = status_before_rework;
ALTER TABLE change_requests DROP COLUMN status_before_rework;
CREATE INDEX change_requests_status ON change_requests (status, id);
CREATE INDEX change_requests_point ON change_requests (function_id, point_key)
    WHERE status IN ('pending', 'returned');
CREATE INDEX change_requests_typed_point ON change_requests (division_id, function_key, point_key)
    WHERE status IN ('pending', 'returned') AND function_key IS NOT NULL;

-- Whether a row is taken by a waiting report is asked at every pick and every sending;
-- returned reports stay 'returned' once sent again, so the status alone no longer narrows it.
CREATE INDEX change_requests_row ON change_requests (touchpoint_id, status);

-- A report sent again after correction names the report it corrects; a report is sent
-- again at most once (the chain has no branches).
ALTER TABLE change_requests ADD COLUMN previous_id INTEGER REFERENCES change_requests (id);
CREATE UNIQUE INDEX change_requests_previous ON change_requests (previous_id)
    WHERE previous_id IS NOT NULL;
-- A report made from an earlier version of its row («Восстановить эту версию»): that version.
ALTER TABLE change_requests ADD COLUMN restores_version INTEGER;

-- Telling both sides while a report waits: when its author was told it is still under
-- review (once per report), and the days whose digest for the authorized persons was
-- decided (sent, or nothing waited), so that a restart never sends one twice.
ALTER TABLE change_requests ADD COLUMN notice_sent_at TEXT;
CREATE TABLE review_digests (
    day        TEXT    PRIMARY KEY,
    decided_at TEXT    NOT NULL,
    waiting    INTEGER NOT NULL
);
