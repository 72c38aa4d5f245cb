-- The existing list loaded from a file (issue 11, item 6): a checked file waits here for
-- `Применить`, and is applied all or nothing.
CREATE TABLE list_uploads (
    id          INTEGER PRIMARY KEY,
    -- Who sent it; NULL from the command line.
    admin_id    INTEGER,
    file_name   TEXT    NOT NULL,
    -- JSON of the rows as read (listfile::ListRow), matched to the Registry again on apply;
    -- emptied ('[]') once the upload is decided.
    rows        TEXT    NOT NULL,
    -- What rows whose file does not say their clients take.
    clients     TEXT    NOT NULL DEFAULT 'external'
                        CHECK (clients IN ('external', 'internal', 'both')),
    status      TEXT    NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'applied', 'discarded', 'stale')),
    created_at  TEXT    NOT NULL,
    decided_at  TEXT,
    decided_by  INTEGER
);
