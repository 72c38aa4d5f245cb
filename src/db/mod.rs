//! Storage: one SQLite file, one pool, migrations applied at start. One file per aggregate;
//! functions take the pool (or a transaction) and return domain types. No teloxide here.

pub mod audit;
pub mod dialogues;
pub mod divisions;
pub mod functions;
pub mod health;
pub mod invites;
pub mod people;
pub mod registry;
pub mod reminders;
pub mod requests;
pub mod review;
pub mod stats;
pub mod touchpoints;

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
/// up to the busy timeout for the lock instead of failing at once.
pub async fn connect(path: &Path) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
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
}
