//! Operations from the command line: `touchpoints backup FILE` (a consistent copy of the
//! live database) and `touchpoints check` (the settings and the database, as found).
//! No teloxide here; `main` prints what these return.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::SqlitePool;

use crate::config::Settings;
use crate::db;

/// Opens an existing database file as it is: never creates it, never migrates it.
async fn open_existing(path: &Path) -> Result<SqlitePool, String> {
    if !path.is_file() {
        return Err(format!("database {}: no such file", path.display()));
    }
    let options = SqliteConnectOptions::from_str("sqlite:")
        .map_err(|e| e.to_string())?
        .filename(path)
        .create_if_missing(false)
        .busy_timeout(std::time::Duration::from_secs(10));
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|e| format!("database {}: {e}", path.display()))
}

/// A finished backup.
#[derive(Debug)]
pub struct Backup {
    pub path: PathBuf,
    pub bytes: u64,
}

/// Copies the database at `db_path` to `output` with `VACUUM INTO`: one read transaction,
/// so the copy is consistent even while the bot writes, and compact. The copy is written
/// under a temporary name, checked (`PRAGMA integrity_check`) and then renamed, so a file
/// with the final name is always a complete backup. An existing directory as `output`
/// receives `touchpoints-YYYYMMDD-HHMMSS.db`; an existing file is not overwritten.
pub async fn backup(db_path: &Path, output: &Path) -> Result<Backup, String> {
    let target = if output.is_dir() {
        output.join(format!(
            "touchpoints-{}.db",
            chrono::Local::now().format("%Y%m%d-%H%M%S")
        ))
    } else {
        output.to_path_buf()
    };
    if target.exists() {
        return Err(format!(
            "{} exists already: give a new file name",
            target.display()
        ));
    }
    let partial = {
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(".partial");
        target.with_file_name(name)
    };
    let _ = std::fs::remove_file(&partial);
    let pool = open_existing(db_path).await?;
    let copy = async {
        sqlx::query("VACUUM INTO ?")
            .bind(partial.to_string_lossy().as_ref())
            .execute(&pool)
            .await
            .map_err(|e| format!("copying to {}: {e}", partial.display()))?;
        verify(&partial).await
    }
    .await;
    pool.close().await;
    if let Err(e) = copy {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, &target).map_err(|e| {
        format!(
            "renaming {} to {}: {e}",
            partial.display(),
            target.display()
        )
    })?;
    let bytes = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
    log::info!("backup written: {} ({bytes} bytes)", target.display());
    Ok(Backup {
        path: target,
        bytes,
    })
}

/// The period of the running bot's own backups.
pub const BACKUP_PERIOD: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// Starts the running bot's own backups: a copy into `dir` now (awaited, before the bot
/// serves) and every [`BACKUP_PERIOD`] after, keeping the newest `keep`. The directory is
/// created if missing; a directory that cannot be made is an error, a failed copy is logged.
pub async fn spawn_daily_backups(
    db_path: PathBuf,
    dir: PathBuf,
    keep: u32,
) -> Result<tokio::task::JoinHandle<()>, String> {
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("backup directory {}: {e}", dir.display()))?;
    log::info!(
        "backups: into {} at start and every 24 hours, keeping {keep}",
        dir.display()
    );
    let round = move |db_path: PathBuf, dir: PathBuf| async move {
        if let Err(e) = backup_round(&db_path, &dir, keep).await {
            log::error!("backup: {e}");
        }
    };
    round(db_path.clone(), dir.clone()).await;
    Ok(tokio::spawn(async move {
        let start = tokio::time::Instant::now() + BACKUP_PERIOD;
        let mut every = tokio::time::interval_at(start, BACKUP_PERIOD);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            round(db_path.clone(), dir.clone()).await;
        }
    }))
}

/// One round of the running bot's backups: a dated copy into `dir`, then the oldest
/// copies beyond `keep` deleted. Returns the copy.
pub async fn backup_round(db_path: &Path, dir: &Path, keep: u32) -> Result<Backup, String> {
    let done = backup(db_path, dir).await?;
    let mut copies: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("reading {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_backup_name)
        })
        .collect();
    // The names hold the time, so they sort oldest first.
    copies.sort();
    let excess = copies.len().saturating_sub(keep as usize);
    for old in &copies[..excess] {
        match std::fs::remove_file(old) {
            Ok(()) => log::info!("backup: removed the old copy {}", old.display()),
            Err(e) => log::warn!("backup: removing {}: {e}", old.display()),
        }
    }
    Ok(done)
}

/// `touchpoints-YYYYMMDD-HHMMSS.db`, as [`backup`] names a copy in a directory.
fn is_backup_name(name: &str) -> bool {
    name.strip_prefix("touchpoints-")
        .and_then(|r| r.strip_suffix(".db"))
        .is_some_and(|stamp| {
            stamp.len() == 15
                && stamp.bytes().enumerate().all(|(i, b)| {
                    if i == 8 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                })
        })
}

/// A copy is good when SQLite finds it sound.
async fn verify(path: &Path) -> Result<(), String> {
    let pool = open_existing(path).await?;
    let result: Result<String, _> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await;
    pool.close().await;
    match result {
        Ok(s) if s == "ok" => Ok(()),
        Ok(s) => Err(format!("the copy {} is not sound: {s}", path.display())),
        Err(e) => Err(format!("checking the copy {}: {e}", path.display())),
    }
}

/// What `check` found: lines to print, and the problems among them.
#[derive(Debug, Default)]
pub struct Check {
    pub lines: Vec<String>,
    /// Things that stop the bot from running as configured.
    pub problems: Vec<String>,
    /// Things worth a look that do not stop it.
    pub warnings: Vec<String>,
}

impl Check {
    fn line(&mut self, s: impl Into<String>) {
        self.lines.push(s.into());
    }
    fn problem(&mut self, s: impl Into<String>) {
        let s = s.into();
        self.lines.push(format!("  PROBLEM: {s}"));
        self.problems.push(s);
    }
    fn warning(&mut self, s: impl Into<String>) {
        let s = s.into();
        self.lines.push(format!("  warning: {s}"));
        self.warnings.push(s);
    }

    /// The report as text, one finding a line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for l in &self.lines {
            let _ = writeln!(out, "{l}");
        }
        let _ = writeln!(
            out,
            "{} problem(s), {} warning(s)",
            self.problems.len(),
            self.warnings.len()
        );
        out
    }
}

/// Checks the settings and the database without changing anything: the file is opened as
/// it is (not created, not migrated), the token is reported present or not, never shown.
pub async fn check(settings: &Settings) -> Check {
    let mut c = Check::default();
    c.line("settings");
    match settings.require_token() {
        Ok(t) => {
            c.line(format!("  token: present ({} characters)", t.len()));
            if !looks_like_token(t) {
                c.warning("the token does not look like one from @BotFather (<digits>:<secret>)");
            }
        }
        Err(_) => c.problem("TELOXIDE_TOKEN is not set: the bot cannot run"),
    }
    match &settings.api_url {
        Some(u) => c.line(format!("  Bot API: {} (TELOXIDE_API_URL)", redact_url(u))),
        None => c.line("  Bot API: https://api.telegram.org (default)"),
    }
    if settings.admins.is_empty() {
        c.warning("no authorized persons in TOUCHPOINTS_ADMINS: nobody can accept reports unless the database names one");
    } else {
        let ids: Vec<String> = settings.admins.iter().map(i64::to_string).collect();
        c.line(format!(
            "  authorized persons (settings): {} ({})",
            ids.len(),
            ids.join(", ")
        ));
    }

    let path = &settings.db;
    c.line(format!("database {}", path.display()));
    if !path.exists() {
        c.warning("the file does not exist yet: it is created and migrated at first start");
        return c;
    }
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    c.line(format!("  size: {size} bytes"));
    let pool = match open_existing(path).await {
        Ok(p) => p,
        Err(e) => {
            c.problem(e);
            return c;
        }
    };
    if let Err(e) = check_database(&pool, &mut c, !settings.admins.is_empty()).await {
        c.problem(format!("reading the database: {e}"));
    }
    pool.close().await;
    c
}

async fn check_database(
    pool: &SqlitePool,
    c: &mut Check,
    admins_in_settings: bool,
) -> Result<(), sqlx::Error> {
    let integrity: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(pool)
        .await?;
    if integrity == "ok" {
        c.line("  integrity: ok");
    } else {
        c.problem(format!("integrity check failed: {integrity}"));
    }
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await?;
    c.line(format!("  journal mode: {journal}"));

    // Migrations: those this program knows against those the file has.
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
    let known: Vec<_> = db::MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .collect();
    let done = known
        .iter()
        .filter(|m| applied.iter().any(|a| a.0 == m.version && a.2))
        .count();
    c.line(format!(
        "  migrations: {done} of {} applied{}",
        known.len(),
        applied
            .iter()
            .rev()
            .find(|a| a.2)
            .map(|a| format!(" (latest: {} {})", a.0, a.1))
            .unwrap_or_default()
    ));
    for a in &applied {
        match known.iter().find(|m| m.version == a.0) {
            None => c.problem(format!(
                "migration {} ({}) is not known to this program: the database is newer than it",
                a.0, a.1
            )),
            Some(m) if *m.checksum != a.3[..] => c.problem(format!(
                "migration {} ({}) differs from this program's",
                a.0, a.1
            )),
            Some(_) if !a.2 => c.problem(format!("migration {} ({}) failed half-way", a.0, a.1)),
            Some(_) => {}
        }
    }
    if done < known.len() {
        c.warning(format!(
            "{} migration(s) not applied yet: they are applied at the next start",
            known.len() - done
        ));
    }
    if done == 0 {
        return Ok(());
    }

    let fk: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(pool)
        .await?;
    if fk.is_empty() {
        c.line("  foreign keys: ok");
    } else {
        c.problem(format!("{} row(s) break a foreign key", fk.len()));
    }

    let counts = |sql: &'static str| async move {
        sqlx::query_as::<_, (String, i64)>(sql)
            .fetch_all(pool)
            .await
            .map(|v| {
                if v.is_empty() {
                    "none".to_string()
                } else {
                    v.iter()
                        .map(|(k, n)| format!("{n} {k}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            })
    };
    c.line(format!(
        "  touchpoints: {}",
        counts("SELECT status, count(*) FROM touchpoints GROUP BY status ORDER BY status").await?
    ));
    c.line(format!(
        "  change requests: {}",
        counts("SELECT status, count(*) FROM change_requests GROUP BY status ORDER BY status")
            .await?
    ));
    c.line(format!(
        "  people: {}",
        counts("SELECT role, count(*) FROM people GROUP BY role ORDER BY role").await?
    ));
    let n =
        |sql: &'static str| async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await };
    c.line(format!(
        "  divisions: {}",
        n("SELECT count(*) FROM divisions").await?
    ));
    c.line(format!(
        "  functions and services: {}",
        n("SELECT count(*) FROM functions").await?
    ));
    c.line(format!(
        "  open dialogues: {}",
        n("SELECT count(*) FROM dialogues").await?
    ));
    let admins_in_db = n("SELECT count(*) FROM people WHERE role = 'admin'").await?;
    if admins_in_db == 0 && !admins_in_settings {
        c.problem("no authorized person, neither in the settings nor in the database");
    }
    Ok(())
}

/// `<digits>:<secret>`, as @BotFather gives.
fn looks_like_token(t: &str) -> bool {
    t.split_once(':').is_some_and(|(id, secret)| {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && secret.len() >= 30
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// A URL without user name and password.
fn redact_url(u: &url::Url) -> String {
    let mut u = u.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(db: PathBuf) -> Settings {
        use clap::Parser;
        let mut s = crate::config::Cli::try_parse_from(["touchpoints"])
            .unwrap()
            .settings;
        s.token = Some("7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Q".into());
        s.api_url = None;
        s.admins = vec![100];
        s.db = db;
        s
    }

    #[tokio::test]
    async fn backup_copies_a_live_database_and_refuses_to_overwrite() {
        let (pool, dir) = db::testing::db().await;
        let mut tx = db::begin_write(&pool).await.unwrap();
        db::divisions::get_or_create(&mut tx, "Пресс-служба", 100)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let src = dir.path().join("test.db");
        let out = dir.path().join("copy.db");
        // The pool stays open, as the running bot's would.
        let done = backup(&src, &out).await.unwrap();
        assert_eq!(done.path, out);
        assert!(done.bytes > 0);
        assert!(!dir.path().join("copy.db.partial").exists());
        let copy = db::connect(&out).await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM divisions")
            .fetch_one(&copy)
            .await
            .unwrap();
        assert_eq!(n, 1);
        let err = backup(&src, &out).await.unwrap_err();
        assert!(err.contains("exists already"), "{err}");
        // A directory receives a dated file.
        let into = dir.path().join("backups");
        std::fs::create_dir(&into).unwrap();
        let done = backup(&src, &into).await.unwrap();
        assert!(done.path.starts_with(&into));
        assert!(done
            .path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("touchpoints-"));
        // A missing database is named, and nothing is created.
        let err = backup(&dir.path().join("nope.db"), &dir.path().join("x.db"))
            .await
            .unwrap_err();
        assert!(err.contains("no such file"), "{err}");
        assert!(!dir.path().join("nope.db").exists());
    }

    #[tokio::test]
    async fn a_backup_round_keeps_the_newest_copies_only() {
        let (pool, dir) = db::testing::db().await;
        let src = dir.path().join("test.db");
        let into = dir.path().join("backups");
        std::fs::create_dir(&into).unwrap();
        for old in [
            "touchpoints-20200101-000000.db",
            "touchpoints-20200102-000000.db",
            "touchpoints-20200103-000000.db",
        ] {
            std::fs::write(into.join(old), b"old").unwrap();
        }
        std::fs::write(into.join("notes.txt"), b"not a backup").unwrap();
        let done = backup_round(&src, &into, 2).await.unwrap();
        let mut left: Vec<String> = std::fs::read_dir(&into)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let newest = done
            .path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert_eq!(
            left,
            vec![
                "notes.txt".to_string(),
                "touchpoints-20200103-000000.db".to_string(),
                newest
            ]
        );
        assert!(is_backup_name("touchpoints-20261128-191500.db"));
        assert!(!is_backup_name("touchpoints-20261128-191500.db.partial"));
        assert!(!is_backup_name("touchpoints-latest.db"));
        pool.close().await;
    }

    #[tokio::test]
    async fn check_reports_what_it_finds_without_the_token() {
        let (pool, dir) = db::testing::db().await;
        let s = settings(dir.path().join("test.db"));
        let c = check(&s).await;
        let text = c.render();
        assert!(c.problems.is_empty(), "{text}");
        assert!(text.contains("token: present (47 characters)"), "{text}");
        assert!(!text.contains("AAHdqTcv"), "{text}");
        let n = db::MIGRATOR.iter().count();
        assert!(
            text.contains(&format!("migrations: {n} of {n} applied")),
            "{text}"
        );
        assert!(text.contains("integrity: ok"), "{text}");
        assert!(
            text.contains("authorized persons (settings): 1 (100)"),
            "{text}"
        );
        assert!(text.contains("touchpoints: none"), "{text}");
        pool.close().await;

        // No token, no admins, no file: named; the file is not created.
        let mut s = settings(dir.path().join("missing.db"));
        s.token = None;
        s.admins = vec![];
        let c = check(&s).await;
        let text = c.render();
        assert_eq!(c.problems.len(), 1, "{text}");
        assert!(text.contains("TELOXIDE_TOKEN is not set"), "{text}");
        assert!(text.contains("does not exist yet"), "{text}");
        assert!(!dir.path().join("missing.db").exists());
    }

    #[test]
    fn tokens_and_urls() {
        assert!(looks_like_token(
            "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Q"
        ));
        assert!(!looks_like_token("123:abc"));
        let u: url::Url = "http://user:secret@127.0.0.1:8081/".parse().unwrap();
        assert_eq!(redact_url(&u), "http://127.0.0.1:8081/");
    }
}
