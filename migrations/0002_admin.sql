-- Administration: Registry files awaiting confirmation (3.1).

-- A Registry file received and checked: its entries wait here for the authorized person's
-- confirmation. `base` is the fingerprint of the Registry the preview was made against: a
-- file is applied only to the Registry it was previewed against.
CREATE TABLE registry_uploads (
    id          INTEGER PRIMARY KEY,
    -- Who sent it; NULL from the command line.
    admin_id    INTEGER,
    file_name   TEXT    NOT NULL,
    -- JSON of the checked entries (registry::Entry).
    entries     TEXT    NOT NULL,
    base        TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'applied', 'discarded', 'stale')),
    created_at  TEXT    NOT NULL,
    decided_at  TEXT,
    decided_by  INTEGER
);

-- Reminders (5.2). A round is due at a time of the schedule; each head's reminder of a round
-- is claimed (inserted) before it is sent, so a restart never sends it twice. The next round
-- is scheduled in the same transaction that closes one.
CREATE TABLE reminder_rounds (
    id              INTEGER PRIMARY KEY,
    due_at          TEXT    NOT NULL UNIQUE,
    done_at         TEXT,
    -- When the authorized persons hear who has not confirmed.
    summary_due_at  TEXT    NOT NULL,
    summary_sent_at TEXT
);
-- At most one round is open (not done) at a time.
CREATE UNIQUE INDEX reminder_rounds_one_open ON reminder_rounds ((done_at IS NULL)) WHERE done_at IS NULL;

CREATE TABLE reminders (
    round_id    INTEGER NOT NULL REFERENCES reminder_rounds (id),
    person_id   INTEGER NOT NULL,
    division_id INTEGER NOT NULL REFERENCES divisions (id),
    sent_at     TEXT    NOT NULL,
    PRIMARY KEY (round_id, person_id)
);

-- `Всё актуально`: a head confirmed that their division's rows are current, on this date.
CREATE TABLE confirmations (
    id           INTEGER PRIMARY KEY,
    division_id  INTEGER NOT NULL REFERENCES divisions (id),
    person_id    INTEGER NOT NULL,
    round_id     INTEGER REFERENCES reminder_rounds (id),
    confirmed_at TEXT    NOT NULL
);
CREATE UNIQUE INDEX confirmations_once ON confirmations (round_id, person_id)
    WHERE round_id IS NOT NULL;
CREATE INDEX confirmations_division ON confirmations (division_id, confirmed_at);
