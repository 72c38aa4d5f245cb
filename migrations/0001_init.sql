-- The list of touchpoints and everything around it. Timestamps are UTC, RFC 3339 text.

CREATE TABLE divisions (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    -- The name lower-cased with runs of spaces folded (in Rust: SQLite's NOCASE folds
    -- only ASCII, and division names are Cyrillic).
    name_key    TEXT    NOT NULL UNIQUE,
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at  TEXT    NOT NULL
);

CREATE TABLE people (
    telegram_id INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'head', 'viewer', 'none')),
    division_id INTEGER REFERENCES divisions (id),
    language    TEXT    NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en')),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    CHECK (role <> 'head' OR division_id IS NOT NULL)
);

-- Functions and services of the Registry (3.1). A function typed by a head because it is
-- missing from the Registry has in_registry = 0 and no code.
CREATE TABLE functions (
    id          INTEGER PRIMARY KEY,
    code        TEXT    UNIQUE,
    name        TEXT    NOT NULL,
    is_service  INTEGER NOT NULL DEFAULT 0 CHECK (is_service IN (0, 1)),
    direction   TEXT    NOT NULL CHECK (direction IN ('3.5.1', '3.5.2', '3.5.3')),
    division_id INTEGER NOT NULL REFERENCES divisions (id),
    in_registry INTEGER NOT NULL DEFAULT 1 CHECK (in_registry IN (0, 1)),
    removed_at  TEXT,
    created_at  TEXT    NOT NULL
);
CREATE INDEX functions_division ON functions (division_id, direction);

CREATE TABLE touchpoints (
    id          INTEGER PRIMARY KEY,
    function_id INTEGER NOT NULL REFERENCES functions (id),
    division_id INTEGER NOT NULL REFERENCES divisions (id),
    direction   TEXT    NOT NULL CHECK (direction IN ('3.5.1', '3.5.2', '3.5.3')),
    kind        TEXT    NOT NULL CHECK (kind IN ('4.2.1', '4.2.2', '4.2.3', '4.2.4', '4.2.5', '4.2.6', '4.2.7')),
    channel     TEXT    NOT NULL CHECK (channel IN ('digital', 'offline')),
    point       TEXT    NOT NULL CHECK (length(trim(point)) > 0),
    point_key   TEXT    NOT NULL,
    other_need  TEXT,
    features    TEXT,
    clients     TEXT    NOT NULL CHECK (clients IN ('external', 'internal', 'both')),
    little_used INTEGER NOT NULL DEFAULT 0 CHECK (little_used IN (0, 1)),
    status      TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'excluded')),
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
-- 3.7: one touchpoint per process. An excluded row does not block the point's return.
CREATE UNIQUE INDEX touchpoints_one_per_process
    ON touchpoints (function_id, point_key) WHERE status = 'active';
CREATE INDEX touchpoints_division ON touchpoints (division_id, status);

CREATE TABLE touchpoint_needs (
    touchpoint_id INTEGER NOT NULL REFERENCES touchpoints (id) ON DELETE CASCADE,
    need          TEXT    NOT NULL CHECK (need IN ('3.7.1', '3.7.2', '3.7.3', '3.7.4', '3.7.5',
                                                   '3.7.6', '3.7.7', '3.7.8', '3.7.9', '3.7.10')),
    PRIMARY KEY (touchpoint_id, need)
);

-- Every earlier version of a row, with who reported and who accepted it.
CREATE TABLE touchpoint_versions (
    touchpoint_id INTEGER NOT NULL REFERENCES touchpoints (id),
    version       INTEGER NOT NULL,
    data          TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    request_id    INTEGER REFERENCES change_requests (id),
    reported_by   INTEGER,
    accepted_by   INTEGER,
    at            TEXT    NOT NULL,
    PRIMARY KEY (touchpoint_id, version)
);

CREATE TABLE change_requests (
    id            INTEGER PRIMARY KEY,
    action        TEXT    NOT NULL CHECK (action IN ('add', 'change', 'exclude')),
    touchpoint_id INTEGER REFERENCES touchpoints (id),
    division_id   INTEGER NOT NULL REFERENCES divisions (id),
    reporter_id   INTEGER NOT NULL,
    -- The proposed row (JSON of domain::TouchpointData); NULL for an exclusion.
    payload       TEXT,
    reason_kind   TEXT    NOT NULL CHECK (reason_kind IN ('5.1.1', '5.1.2', '5.1.3', 'other')),
    reason_text   TEXT,
    status        TEXT    NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'accepted', 'rejected', 'withdrawn')),
    created_at    TEXT    NOT NULL,
    decided_by    INTEGER,
    decided_at    TEXT,
    decision_note TEXT,
    -- For the one-point-per-process check against pending reports (3.7).
    function_id   INTEGER REFERENCES functions (id),
    point_key     TEXT,
    -- Makes sending idempotent: the same update delivered twice finds its request here.
    idempotency_key TEXT  UNIQUE,
    -- An add request gets its row's id once accepted.
    CHECK (action = 'add' OR touchpoint_id IS NOT NULL),
    CHECK ((action = 'exclude') = (payload IS NULL))
);
CREATE INDEX change_requests_status ON change_requests (status, id);
CREATE INDEX change_requests_reporter ON change_requests (reporter_id, id);
CREATE INDEX change_requests_point ON change_requests (function_id, point_key) WHERE status = 'pending';

-- Append-only: triggers below refuse any update or delete.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    actor_id  INTEGER,
    action    TEXT    NOT NULL,
    entity    TEXT    NOT NULL,
    entity_id INTEGER,
    details   TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE invites (
    code        TEXT    PRIMARY KEY,
    division_id INTEGER REFERENCES divisions (id),
    role        TEXT    NOT NULL CHECK (role IN ('admin', 'head', 'viewer')),
    created_by  INTEGER NOT NULL,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used_by     INTEGER,
    used_at     TEXT,
    revoked_at  TEXT,
    CHECK (role <> 'head' OR division_id IS NOT NULL)
);

-- Every copy of a report's card sent to an authorized person, so that all copies show the
-- decision once one is taken.
CREATE TABLE review_cards (
    request_id INTEGER NOT NULL REFERENCES change_requests (id),
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    -- The card as sent (HTML), so the decision is appended to what the person saw.
    text       TEXT    NOT NULL,
    PRIMARY KEY (request_id, chat_id, message_id)
);

-- The persisted dialogue of each chat (JSON of bot::state::State).
CREATE TABLE dialogues (
    chat_id    INTEGER PRIMARY KEY,
    state      TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
