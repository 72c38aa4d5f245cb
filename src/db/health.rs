//! The database as an operator sees it, for the command line's `check` and `backup`:
//! opening a file as it is, its soundness, its migrations, what it holds, and a copy.
//! Whole operations returning plain values; `ops` formats them and does the file work.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;

/// Opens an existing database file as it is: never creates it, never migrates it.
pub async fn open_existing(path: &Path) -> Result<SqlitePool, sqlx::Error> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(10));
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
}

/// The file itself: soundness, journal mode, migrations.
#[derive(Debug, Clone, PartialEq)]
pub struct FileHealth {
    /// The first line of `PRAGMA quick_check`: `ok` when sound.
    pub quick_check: String,
    pub journal_mode: String,
    pub migrations: Migrations,
}

/// The migrations this program knows against those the file has.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Migrations {
    /// How many this program knows.
    pub known: usize,
    /// How many of those the file has applied successfully.
    pub applied: usize,
    /// The newest applied successfully: (version, description).
    pub latest: Option<(i64, String)>,
    /// Applied in the file, unknown to this program (the file is newer): (version, description).
    pub unknown: Vec<(i64, String)>,
    /// Applied in the file with another checksum than this program's.
    pub differing: Vec<(i64, String)>,
    /// Started in the file and not finished.
    pub failed: Vec<(i64, String)>,
}

/// What the file holds; read only when at least one migration is applied.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contents {
    /// Rows that break a foreign key (`pragma_foreign_key_check`).
    pub foreign_key_violations: usize,
    /// (status, count), by status.
    pub touchpoints: Vec<(String, i64)>,
    /// (status, count), by status.
    pub change_requests: Vec<(String, i64)>,
    /// (role, count), by role.
    pub people: Vec<(String, i64)>,
    pub divisions: i64,
    pub functions: i64,
    pub dialogues: i64,
    /// Authorized persons named in the database (the settings may name more).
    pub admins: i64,
}

/// The file's soundness (`quick_check`), journal mode and migrations.
pub async fn file_health(pool: &SqlitePool) -> Result<FileHealth, sqlx::Error> {
    let quick_check: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(pool)
        .await?;
    let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await?;
    let has_table: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(pool)
    .await?;
    let applied: Vec<(i64, String, bool, Vec<u8>)> = if has_table == 1 {
        sqlx::query_as(
            "SELECT version, description, success, checksum FROM _sqlx_migrations ORDER BY version",
        )
        .fetch_all(pool)
        .await?
    } else {
        vec![]
    };
    Ok(FileHealth {
        quick_check,
        journal_mode,
        migrations: compare_migrations(&applied),
    })
}

fn compare_migrations(applied: &[(i64, String, bool, Vec<u8>)]) -> Migrations {
    let known: Vec<_> = super::MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .collect();
    let mut out = Migrations {
        known: known.len(),
        applied: known
            .iter()
            .filter(|m| applied.iter().any(|a| a.0 == m.version && a.2))
            .count(),
        latest: applied
            .iter()
            .rev()
            .find(|a| a.2)
            .map(|a| (a.0, a.1.clone())),
        ..Default::default()
    };
    for a in applied {
        let named = (a.0, a.1.clone());
        match known.iter().find(|m| m.version == a.0) {
            None => out.unknown.push(named),
            Some(m) if *m.checksum != a.3[..] => out.differing.push(named),
            Some(_) if !a.2 => out.failed.push(named),
            Some(_) => {}
        }
    }
    out
}

/// What the file holds: foreign keys, rows by status, people by role, and counts.
pub async fn contents(pool: &SqlitePool) -> Result<Contents, sqlx::Error> {
    let foreign_key_violations: Vec<(String,)> =
        sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
            .fetch_all(pool)
            .await?;
    let grouped = |sql: &'static str| async move {
        sqlx::query_as::<_, (String, i64)>(sql)
            .fetch_all(pool)
            .await
    };
    let n =
        |sql: &'static str| async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await };
    Ok(Contents {
        foreign_key_violations: foreign_key_violations.len(),
        touchpoints: grouped(
            "SELECT status, count(*) FROM touchpoints GROUP BY status ORDER BY status",
        )
        .await?,
        change_requests: grouped(
            "SELECT status, count(*) FROM change_requests GROUP BY status ORDER BY status",
        )
        .await?,
        people: grouped("SELECT role, count(*) FROM people GROUP BY role ORDER BY role").await?,
        divisions: n("SELECT count(*) FROM divisions").await?,
        functions: n("SELECT count(*) FROM functions").await?,
        dialogues: n("SELECT count(*) FROM dialogues").await?,
        admins: n("SELECT count(*) FROM people WHERE role = 'admin'").await?,
    })
}

/// The whole `PRAGMA integrity_check`: `ok` when sound, else the problems found, one a
/// line.
pub async fn integrity_check(pool: &SqlitePool) -> Result<String, sqlx::Error> {
    let lines: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(pool)
        .await?;
    Ok(lines.join("\n"))
}

/// Writes a compact, consistent copy of the database to `path` (`VACUUM INTO`: one read
/// transaction, so writers may go on). The file must not exist or be empty; an empty file
/// made beforehand keeps its permissions.
pub async fn vacuum_into(pool: &SqlitePool, path: &Path) -> Result<(), sqlx::Error> {
    sqlx::query("VACUUM INTO ?")
        .bind(path.to_string_lossy().as_ref())
        .execute(pool)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db;

    #[tokio::test]
    async fn a_fresh_database_is_sound_migrated_and_empty() {
        let (pool, dir) = db::testing::db().await;
        db::people::remember_name(&pool, 100, "A").await.unwrap();
        let h = file_health(&pool).await.unwrap();
        assert_eq!(h.quick_check, "ok");
        assert_eq!(h.journal_mode, "wal");
        let n = db::MIGRATOR.iter().count();
        assert_eq!((h.migrations.known, h.migrations.applied), (n, n));
        assert!(h.migrations.latest.is_some());
        assert!(h.migrations.unknown.is_empty() && h.migrations.differing.is_empty());
        let c = contents(&pool).await.unwrap();
        assert_eq!(c.foreign_key_violations, 0);
        assert!(c.touchpoints.is_empty());
        assert_eq!(c.divisions, 0);
        assert_eq!(integrity_check(&pool).await.unwrap(), "ok");

        // A migration the program does not know, one changed, one that failed.
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (99990101000000, 'from the future', 1, x'00', 0)",
        )
        .execute(&pool)
        .await
        .unwrap();
        let first = db::MIGRATOR.iter().next().unwrap().version;
        sqlx::query("UPDATE _sqlx_migrations SET checksum = x'00' WHERE version = ?")
            .bind(first)
            .execute(&pool)
            .await
            .unwrap();
        let m = file_health(&pool).await.unwrap().migrations;
        assert_eq!(m.unknown, vec![(99990101000000, "from the future".into())]);
        assert_eq!(m.differing.len(), 1);
        assert_eq!(m.differing[0].0, first);
        assert_eq!(m.latest.unwrap().0, 99990101000000);
        pool.close().await;

        // Opening a file that is not there creates nothing.
        let missing = dir.path().join("missing.db");
        assert!(open_existing(&missing).await.is_err());
        assert!(!missing.exists());
    }
}
