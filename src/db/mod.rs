//! Storage: one SQLite file, one pool, migrations applied at start. One file per aggregate;
//! functions take the pool (or a transaction) and return domain types. No teloxide here.

pub mod audit;
pub mod dialogues;
pub mod divisions;
pub mod functions;
pub mod health;
pub mod inline;
pub mod invites;
pub mod list_import;
pub mod notices;
pub mod people;
pub mod registry;
pub mod reminders;
pub mod requests;
pub mod review;
pub mod stats;
pub mod touchpoints;
pub mod versions;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub type Tx<'a> = Transaction<'a, Sqlite>;

/// Opens (creating when missing) the database file and applies the migrations.
/// WAL lets the file be read while it is written; foreign keys are enforced; a writer waits
/// up to the busy timeout for the lock instead of failing at once. `synchronous = FULL`:
/// every commit is on disk before it returns (with NORMAL in WAL mode, a decision both
/// people were already told about could vanish on a power loss); the cost, one fsync of the
/// WAL per commit, is measured in BENCHMARKS.md.
pub async fn connect(path: &Path) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // Each connection keeps its own cache of the file's pages (2 MiB by default), the
        // same pages in each; the kernel caches the file once for all of them. 512 KiB a
        // connection keeps the hot pages (people, dialogues, the Registry) without up to
        // 10 MiB of copies as the file grows (BENCHMARKS.md).
        .pragma("cache_size", "-512");
    let pool = SqlitePoolOptions::new()
        // Each connection is a thread of sqlx's with its own page cache; SQLite writes one
        // at a time, and the update's own read does not use the pool (`inline`): four
        // serve two cores.
        .max_connections(4)
        // A connection to a local file does not go stale the way a network one does, and
        // a failing one reports it on its next statement: no ping before every statement.
        .test_before_acquire(false)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    // Invitation codes made before they were hashed (migration 0004): SQLite cannot hash.
    let hashed = invites::hash_clear_codes(&pool).await?;
    if hashed > 0 {
        log::info!("{hashed} invitation codes stored in clear are now stored hashed");
    }
    Ok(pool)
}

/// A second, small pool on the same file whose commits do not wait for the disk
/// (`synchronous = NORMAL`), for dialogue steps only ([`dialogues::Steps`], when a step
/// cannot be saved on the calling thread): a step is saved in one statement, without the
/// fsync every other commit makes. One connection, opened
/// lazily: steps saved at the same moment wait their turn in the pool's queue instead of
/// in SQLite's busy handler, which sleeps (1, 2, 5, 10 … ms) between its tries.
pub fn lenient(pool: &SqlitePool) -> SqlitePool {
    let options = (*pool.connect_options())
        .clone()
        .synchronous(SqliteSynchronous::Normal);
    SqlitePoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .connect_lazy_with(options)
}

/// Starts a write transaction that takes the write lock at once (`BEGIN IMMEDIATE`), so
/// that a read-then-write inside it waits for other writers instead of failing with
/// SQLITE_BUSY half-way.
pub async fn begin_write(pool: &SqlitePool) -> Result<Tx<'static>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

/// A timestamp as stored: UTC, RFC 3339, seconds.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Reads a stored timestamp back; a malformed one reads as the epoch rather than failing.
pub fn parse_ts(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A fresh database in a temporary file (not `:memory:`: WAL and locking are real).
    pub async fn db() -> (SqlitePool, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let pool = connect(&dir.path().join("test.db")).await.expect("connect");
        (pool, dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn connect_creates_the_file_with_all_tables_and_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub.db");
        let pool = connect(&path).await.unwrap();
        assert!(path.exists());
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(&pool)
                .await
                .unwrap();
        for t in [
            "audit_log",
            "change_requests",
            "dialogues",
            "divisions",
            "functions",
            "invites",
            "people",
            "touchpoint_needs",
            "touchpoint_versions",
            "touchpoints",
        ] {
            assert!(
                tables.iter().any(|x| x == t),
                "missing table {t}: {tables:?}"
            );
        }
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(fk, 1);
        // Every connection of the pool commits durably: 2 is FULL.
        let mut conns = vec![];
        for _ in 0..3 {
            conns.push(pool.acquire().await.unwrap());
        }
        for c in &mut conns {
            let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut **c)
                .await
                .unwrap();
            assert_eq!(sync, 2, "synchronous = FULL");
            let cache: i64 = sqlx::query_scalar("PRAGMA cache_size")
                .fetch_one(&mut **c)
                .await
                .unwrap();
            assert_eq!(cache, -512, "512 KiB of pages a connection");
        }
        drop(conns);
        pool.close().await;
        // A second start on the same file finds the migrations applied and changes nothing.
        let pool = connect(&path).await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n as usize, MIGRATOR.iter().count());
    }

    #[test]
    fn timestamps_round_trip() {
        let t = DateTime::parse_from_rfc3339("2026-11-28T10:20:30Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(ts(t), "2026-11-28T10:20:30Z");
        assert_eq!(parse_ts(&ts(t)), t);
        assert_eq!(parse_ts("garbage").timestamp(), 0);
    }

    /// A database made before the record (issue 11): its versions are completed, and the
    /// typed functions that only rejected or withdrawn reports used are removed, the
    /// reports keeping the typed name.
    #[tokio::test]
    async fn the_record_migration_completes_old_versions_and_drops_rejected_typed_functions() {
        let dir = tempfile::tempdir().unwrap();
        let options = SqliteConnectOptions::from_str("sqlite:")
            .unwrap()
            .filename(dir.path().join("old.db"))
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        let before = sqlx::migrate::Migrator {
            migrations: std::borrow::Cow::Owned(MIGRATOR.iter().take(2).cloned().collect()),
            ignore_missing: false,
            locking: true,
            no_tx: false,
        };
        before.run(&pool).await.unwrap();
        let t = "2026-01-01T00:00:00Z";
        let data = |f: i64, point: &str| {
            format!(
                r#"{{"direction":"Appeals","function_id":{f},"kind":"Website","channel":"Digital","point":"{point}","needs":["Information"],"clients":"External"}}"#
            )
        };
        sqlx::raw_sql(&format!(
            "INSERT INTO divisions (id, name, name_key, created_at) VALUES (1, 'Отдел', 'отдел', '{t}');
             INSERT INTO functions (id, code, name, direction, division_id, in_registry, created_at) VALUES
                 (1, 'Ф-1', 'Реестровая', '3.5.1', 1, 1, '{t}'),
                 (2, NULL, 'Отклонённая', '3.5.1', 1, 0, '{t}'),
                 (3, NULL, 'Ожидающая', '3.5.1', 1, 0, '{t}'),
                 (4, NULL, 'Принятая', '3.5.1', 1, 0, '{t}');
             INSERT INTO touchpoints (id, function_id, division_id, direction, kind, channel, point, point_key, clients, version, created_at, updated_at)
                 VALUES (1, 4, 1, '3.5.1', '4.2.1', 'digital', 'a.ru', 'k', 'external', 2, '{t}', '{t}');
             INSERT INTO change_requests (id, action, division_id, reporter_id, payload, reason_kind, status, created_at, function_id, point_key) VALUES
                 (1, 'add', 1, 10, '{rej}', 'other', 'rejected', '{t}', 2, 'x'),
                 (2, 'add', 1, 10, '{pend}', 'other', 'pending', '{t}', 3, 'y'),
                 (3, 'add', 1, 10, '{acc}', 'other', 'accepted', '{t}', 4, 'k');
             INSERT INTO touchpoint_versions (touchpoint_id, version, data, status, request_id, reported_by, accepted_by, at) VALUES
                 (1, 1, '{acc}', 'active', 3, 10, 1, '2026-01-01T00:00:00Z'),
                 (1, 2, '{acc}', 'active', NULL, NULL, 1, '2026-02-01T00:00:00Z');",
            rej = data(2, "x.ru"),
            pend = data(3, "y.ru"),
            acc = data(4, "a.ru"),
        ))
        .execute(&pool)
        .await
        .unwrap();
        MIGRATOR.run(&pool).await.unwrap();

        let functions: Vec<i64> = sqlx::query_scalar("SELECT id FROM functions ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(
            functions,
            vec![1, 3, 4],
            "only the rejected report's function goes"
        );
        let rejected = requests::get(&pool, 1).await.unwrap().unwrap();
        assert_eq!(rejected.typed_function.as_deref(), Some("Отклонённая"));
        let v = versions::of_row(&pool, 1).await.unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].valid_to, Some(parse_ts("2026-02-01T00:00:00Z")));
        assert_eq!(v[1].valid_to, None);
        assert_eq!(v[0].row.function_name, "Принятая");
        assert!(!v[0].row.function_in_registry);
        assert_eq!(v[0].row.division_name, "Отдел");
        assert_eq!(v[0].origin, Some(crate::domain::record::Origin::Report(3)));
        assert!(matches!(
            v[1].origin,
            Some(crate::domain::record::Origin::Import(_))
        ));
    }

    /// Issue 15: the status gains «returned» in place — every report keeps its status and
    /// everything that points at it, in a database made before (foreign keys on).
    #[tokio::test]
    async fn the_rework_migration_keeps_every_report_and_what_points_at_it() {
        let dir = tempfile::tempdir().unwrap();
        let options = SqliteConnectOptions::from_str("sqlite:")
            .unwrap()
            .filename(dir.path().join("old.db"))
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        let before = sqlx::migrate::Migrator {
            migrations: std::borrow::Cow::Owned(
                MIGRATOR.iter().filter(|m| m.version < 6).cloned().collect(),
            ),
            ignore_missing: false,
            locking: true,
            no_tx: false,
        };
        before.run(&pool).await.unwrap();
        let t = "2026-01-01T00:00:00Z";
        let data = r#"{"direction":"Appeals","function_id":1,"kind":"Website","channel":"Digital","point":"a.ru","needs":["Information"],"clients":"External"}"#;
        sqlx::raw_sql(&format!(
            "INSERT INTO divisions (id, name, name_key, created_at) VALUES (1, 'Отдел', 'отдел', '{t}');
             INSERT INTO functions (id, code, name, direction, division_id, created_at) VALUES (1, 'Ф-1', 'Ф', '3.5.1', 1, '{t}');
             INSERT INTO touchpoints (id, function_id, division_id, direction, kind, channel, point, point_key, clients, created_at, updated_at)
                 VALUES (1, 1, 1, '3.5.1', '4.2.1', 'digital', 'a.ru', 'k', 'external', '{t}', '{t}');
             INSERT INTO change_requests (id, action, division_id, reporter_id, payload, reason_kind, status, created_at, function_id, point_key, idempotency_key) VALUES
                 (1, 'add', 1, 10, '{data}', 'other', 'accepted', '{t}', 1, 'k', 'a'),
                 (2, 'add', 1, 10, '{data}', 'other', 'rejected', '{t}', 1, 'k', 'b'),
                 (3, 'add', 1, 10, '{data}', 'other', 'withdrawn', '{t}', 1, 'k', 'c'),
                 (4, 'add', 1, 10, '{data}', 'other', 'pending', '{t}', 1, 'k', 'd');
             INSERT INTO touchpoint_versions (touchpoint_id, version, data, status, request_id, at) VALUES (1, 1, '{data}', 'active', 1, '{t}');
             INSERT INTO review_cards (request_id, chat_id, message_id, text) VALUES (4, 100, 7, 'карточка');"
        ))
        .execute(&pool)
        .await
        .unwrap();
        MIGRATOR.run(&pool).await.unwrap();
        let statuses: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, status FROM change_requests ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(
            statuses,
            vec![
                (1, "accepted".into()),
                (2, "rejected".into()),
                (3, "withdrawn".into()),
                (4, "pending".into())
            ]
        );
        let broken: Vec<(String, i64)> = sqlx::query_as("PRAGMA foreign_key_check")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert!(broken.is_empty(), "{broken:?}");
        assert_eq!(review::cards(&pool, 4).await.unwrap().len(), 1);
        assert_eq!(
            requests::get(&pool, 4).await.unwrap().unwrap().previous_id,
            None
        );
        sqlx::query("UPDATE change_requests SET status = 'returned' WHERE id = 4")
            .execute(&pool)
            .await
            .unwrap();
        assert!(
            sqlx::query("UPDATE change_requests SET status = 'lost' WHERE id = 4")
                .execute(&pool)
                .await
                .is_err()
        );
        // The migration ran once: a restart changes nothing.
        MIGRATOR.run(&pool).await.unwrap();
    }

    /// A database made before the hardening (issue 12): invitation codes in clear are
    /// hashed at start (they still work, and the file no longer holds them), and the
    /// reminders recorded as sent stay delivered.
    #[tokio::test]
    async fn the_hardening_migration_hashes_clear_codes_and_keeps_sent_reminders_delivered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let options = SqliteConnectOptions::from_str("sqlite:")
            .unwrap()
            .filename(&path)
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        let before = sqlx::migrate::Migrator {
            migrations: std::borrow::Cow::Owned(MIGRATOR.iter().take(3).cloned().collect()),
            ignore_missing: false,
            locking: true,
            no_tx: false,
        };
        before.run(&pool).await.unwrap();
        let open = invites::new_code();
        let used = invites::new_code();
        let t = "2026-12-01T07:00:00Z";
        sqlx::raw_sql(&format!(
            "INSERT INTO divisions (id, name, name_key, created_at) VALUES (1, 'Отдел', 'отдел', '{t}');
             INSERT INTO invites (code, division_id, role, created_by, created_at, expires_at)
                 VALUES ('{open}', NULL, 'viewer', 1, '{t}', '2999-01-01T00:00:00Z');
             INSERT INTO invites (code, division_id, role, created_by, created_at, expires_at, used_by, used_at)
                 VALUES ('{used}', NULL, 'viewer', 1, '{t}', '2999-01-01T00:00:00Z', 5, '{t}');
             INSERT INTO reminder_rounds (id, due_at, done_at, summary_due_at) VALUES (1, '{t}', '{t}', '{t}');
             INSERT INTO reminders (round_id, person_id, division_id, sent_at) VALUES (1, 10, 1, '{t}');
             INSERT INTO people (telegram_id, name, role, division_id, language, created_at, updated_at)
                 VALUES (10, 'Ира', 'head', 1, 'ru', '{t}', '{t}');"
        ))
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;

        let pool = connect(&path).await.unwrap();
        let stored: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM invites")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(stored.len(), 2);
        for code in [&open, &used] {
            assert!(stored.contains(&invites::hash(code)), "{stored:?}");
            assert!(!stored.iter().any(|s| s.contains(code.as_str())));
        }
        let now = Utc::now();
        let listed = invites::open(&pool, now).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].handle, invites::handle_of_code(&open));
        let r = invites::redeem(&pool, &open, 77, "Гость", crate::domain::Lang::Ru, now)
            .await
            .unwrap();
        assert!(r.is_ok(), "{r:?}");
        // A second start changes nothing.
        pool.close().await;
        let pool = connect(&path).await.unwrap();
        assert_eq!(invites::hash_clear_codes(&pool).await.unwrap(), 0);
        let u = reminders::unconfirmed(&pool, 1).await.unwrap();
        assert_eq!(u.len(), 1, "a reminder sent before stays delivered");
        assert!(reminders::undelivered(&pool, 1).await.unwrap().is_empty());
    }
}
