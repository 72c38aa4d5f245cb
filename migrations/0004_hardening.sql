-- Hardening (issue 12).

-- Reminders: a claim is not a delivery. A head's reminder of a round is claimed
-- ('sending') before it is sent, then recorded as delivered, as due for another try after a
-- transient failure ('retry', at `retry_at`), as unreachable (the head blocked the bot or
-- there is no such chat), or as failed (Telegram refused the request). Reminders recorded
-- before this migration were taken as delivered, and stay so.
ALTER TABLE reminders RENAME COLUMN sent_at TO claimed_at;
ALTER TABLE reminders ADD COLUMN state TEXT NOT NULL DEFAULT 'delivered'
    CHECK (state IN ('sending', 'delivered', 'retry', 'unreachable', 'failed'));
ALTER TABLE reminders ADD COLUMN delivered_at TEXT;
ALTER TABLE reminders ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reminders ADD COLUMN retry_at TEXT;
-- The last failure's description, for the operator.
ALTER TABLE reminders ADD COLUMN error TEXT;
UPDATE reminders SET delivered_at = claimed_at;
CREATE INDEX reminders_retry ON reminders (round_id, retry_at) WHERE state = 'retry';

-- Invitation codes are kept as their SHA-256 (64 lowercase hex digits), never in clear.
-- SQLite has no SHA-256 of its own: the codes made before this migration (40 hex digits)
-- are hashed in Rust at start (`db::invites::hash_clear_codes`, called by `db::connect`).
ALTER TABLE invites RENAME COLUMN code TO code_hash;
