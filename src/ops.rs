//! Operations from the command line: `touchpoints backup FILE` (a consistent copy of the
//! live database) and `touchpoints check` (the settings, the Bot API's word on the token,
//! and the database, as found). This module formats and does the file work: the SQL is in
//! `db::health`, the one call to the Bot API in `bot::probe`; `main` prints what these
//! return.

use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};

use sqlx::SqlitePool;

use crate::config::{Backups, Settings, Webhook};
use crate::db;
use crate::db::health::{Contents, FileHealth};

/// Opens an existing database file as it is: never creates it, never migrates it.
async fn open_existing(path: &Path) -> Result<SqlitePool, String> {
    if !path.is_file() {
        return Err(format!("database {}: no such file", path.display()));
    }
    db::health::open_existing(path)
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
/// under a temporary name into a file made beforehand readable by its owner only (0600),
/// checked (`PRAGMA integrity_check`), flushed to disk, renamed, and the rename flushed,
/// so a file with the final name is always a complete backup, and stays one after a power
/// loss. An existing directory as `output` receives `touchpoints-YYYYMMDD-HHMMSS.db`; an
/// existing file is not overwritten.
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
    let pool = open_existing(db_path).await?;
    let _ = std::fs::remove_file(&partial);
    let copy = async {
        let file =
            create_private(&partial).map_err(|e| format!("creating {}: {e}", partial.display()))?;
        db::health::vacuum_into(&pool, &partial)
            .await
            .map_err(|e| format!("copying to {}: {e}", partial.display()))?;
        verify(&partial).await?;
        file.sync_all()
            .map_err(|e| format!("writing {} to disk: {e}", partial.display()))
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
    sync_dir(&target)
        .map_err(|e| format!("writing the rename of {} to disk: {e}", target.display()))?;
    let bytes = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
    log::info!("backup written: {} ({bytes} bytes)", target.display());
    Ok(Backup {
        path: target,
        bytes,
    })
}

/// A new, empty file that only its owner may read and write (0600 on unix, whatever the
/// umask): SQLite writes the copy into it and keeps its permissions, so the copy is never
/// readable by others, not even for a moment.
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        // The umask may have taken more than the group's and others' bits.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// Flushes the directory holding `path`, so that a rename into it survives a power loss.
fn sync_dir(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
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
    create_private_dir(&dir).map_err(|e| format!("backup directory {}: {e}", dir.display()))?;
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
    let result = db::health::integrity_check(&pool).await;
    pool.close().await;
    match result {
        Ok(s) if s == "ok" => Ok(()),
        Ok(s) => Err(format!("the copy {} is not sound: {s}", path.display())),
        Err(e) => Err(format!("checking the copy {}: {e}", path.display())),
    }
}

/// Creates a directory and its parents; those it creates only their owner may enter
/// (0700 on unix). An existing one is left as it is.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
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

/// What `check` looks at: the settings of every kind, and whether to ask the Bot API.
#[derive(Debug, Clone, Copy)]
pub struct CheckOf<'a> {
    pub settings: &'a Settings,
    pub webhook: &'a Webhook,
    pub backups: &'a Backups,
    /// Ask the Bot API who the bot is (`getMe`) when there is a token.
    pub online: bool,
}

/// Checks the settings, the Bot API's answer to the token and the database without
/// changing anything: the file is opened as it is (not created, not migrated), the token
/// is reported present or not, never shown.
pub async fn check(of: CheckOf<'_>) -> Check {
    let settings = of.settings;
    let mut c = Check::default();
    c.line("settings");
    let token = settings.require_token();
    match token {
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
    if token.is_ok() {
        if !of.online {
            c.line("  the bot: not asked (--offline)");
        } else {
            match crate::bot::probe::who_am_i(settings).await {
                Ok(me) => c.line(format!(
                    "  the bot: @{} ({}): the Bot API accepts the token",
                    me.username, me.name
                )),
                Err(e) => c.problem(e),
            }
        }
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
    check_webhook(&mut c, of.webhook, settings.api_url.is_some());
    check_backups(&mut c, of.backups);

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

/// Webhook mode: the URL's form (Telegram's rules; a local Bot API server is laxer), the
/// secret's form (never shown), and where the bot listens.
fn check_webhook(c: &mut Check, hook: &Webhook, own_server: bool) {
    let Some(url) = &hook.url else {
        c.line("updates: long polling (no TOUCHPOINTS_WEBHOOK_URL)");
        return;
    };
    c.line(format!(
        "updates: webhook at {}{}, listening on {}",
        url.origin().ascii_serialization(),
        url.path(),
        hook.listen
    ));
    for f in hook.url_findings() {
        match (f.refused, f.local_ok && own_server) {
            (true, false) => c.problem(f.text),
            (true, true) => c.warning(format!(
                "{}: only a local Bot API server (--local) takes it",
                f.text
            )),
            (false, _) => c.warning(f.text),
        }
    }
    match (&hook.secret, hook.check_secret()) {
        (None, _) => c.line("  secret: a random one at each start"),
        (Some(s), Ok(())) => c.line(format!("  secret: given ({} characters)", s.len())),
        (Some(_), Err(e)) => c.problem(e),
    }
    if !hook.listen.ip().is_loopback() {
        c.warning(format!(
            "listening on {}, not on a loopback address: the posts arrive there unencrypted; \
             a TLS proxy on this machine needs only 127.0.0.1",
            hook.listen
        ));
    }
}

/// The running bot's own backups: where, how many kept, what is there now.
fn check_backups(c: &mut Check, backups: &Backups) {
    let Some(dir) = &backups.dir else {
        c.line("backups: none made by the bot itself (no TOUCHPOINTS_BACKUP_DIR)");
        return;
    };
    c.line(format!(
        "backups: into {}, keeping {}",
        dir.display(),
        backups.keep
    ));
    if !dir.exists() {
        c.line("  the directory does not exist yet: it is made at start");
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            c.problem(format!("the backup directory {}: {e}", dir.display()));
            return;
        }
    };
    let mut copies: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| is_backup_name(n))
        .collect();
    copies.sort();
    match copies.last() {
        Some(newest) => c.line(format!("  copies: {}, the newest {newest}", copies.len())),
        None => c.line("  copies: none yet"),
    }
}

async fn check_database(
    pool: &SqlitePool,
    c: &mut Check,
    admins_in_settings: bool,
) -> Result<(), sqlx::Error> {
    let FileHealth {
        quick_check,
        journal_mode,
        migrations: m,
    } = db::health::file_health(pool).await?;
    if quick_check == "ok" {
        c.line("  integrity: ok");
    } else {
        c.problem(format!("integrity check failed: {quick_check}"));
    }
    c.line(format!("  journal mode: {journal_mode}"));
    c.line(format!(
        "  migrations: {} of {} applied{}",
        m.applied,
        m.known,
        m.latest
            .as_ref()
            .map(|(v, d)| format!(" (latest: {v} {d})"))
            .unwrap_or_default()
    ));
    for (v, d) in &m.unknown {
        c.problem(format!(
            "migration {v} ({d}) is not known to this program: the database is newer than it"
        ));
    }
    for (v, d) in &m.differing {
        c.problem(format!("migration {v} ({d}) differs from this program's"));
    }
    for (v, d) in &m.failed {
        c.problem(format!("migration {v} ({d}) failed half-way"));
    }
    if m.applied < m.known {
        c.warning(format!(
            "{} migration(s) not applied yet: they are applied at the next start",
            m.known - m.applied
        ));
    }
    if m.applied == 0 {
        return Ok(());
    }

    let found: Contents = db::health::contents(pool).await?;
    if found.foreign_key_violations == 0 {
        c.line("  foreign keys: ok");
    } else {
        c.problem(format!(
            "{} row(s) break a foreign key",
            found.foreign_key_violations
        ));
    }
    let counts = |v: &[(String, i64)]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    c.line(format!("  touchpoints: {}", counts(&found.touchpoints)));
    c.line(format!(
        "  change requests: {}",
        counts(&found.change_requests)
    ));
    c.line(format!("  people: {}", counts(&found.people)));
    c.line(format!("  divisions: {}", found.divisions));
    c.line(format!("  functions and services: {}", found.functions));
    c.line(format!("  open dialogues: {}", found.dialogues));
    if found.admins == 0 && !admins_in_settings {
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

    async fn check_offline(s: &Settings) -> Check {
        use clap::Parser;
        let cli = crate::config::Cli::try_parse_from(["touchpoints"]).unwrap();
        check(CheckOf {
            settings: s,
            webhook: &cli.webhook,
            backups: &cli.backups,
            online: false,
        })
        .await
    }

    #[tokio::test]
    async fn check_reports_what_it_finds_without_the_token() {
        let (pool, dir) = db::testing::db().await;
        let s = settings(dir.path().join("test.db"));
        let c = check_offline(&s).await;
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
        let c = check_offline(&s).await;
        let text = c.render();
        assert_eq!(c.problems.len(), 1, "{text}");
        assert!(text.contains("TELOXIDE_TOKEN is not set"), "{text}");
        assert!(text.contains("does not exist yet"), "{text}");
        assert!(!dir.path().join("missing.db").exists());
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn backups_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let (pool, dir) = db::testing::db().await;
        let src = dir.path().join("test.db");
        let done = backup(&src, &dir.path().join("copy.db")).await.unwrap();
        assert_eq!(mode(&done.path), 0o600);
        // The bot's own: into a directory it makes, only its owner may enter.
        let into = dir.path().join("state").join("backups");
        spawn_daily_backups(src.clone(), into.clone(), 3)
            .await
            .unwrap()
            .abort();
        assert_eq!(mode(&into), 0o700);
        let copies: Vec<PathBuf> = std::fs::read_dir(&into)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(copies.len(), 1, "{copies:?}");
        assert_eq!(mode(&copies[0]), 0o600);
        // A stale partial copy from an interrupted run is replaced, not trusted.
        let target = dir.path().join("again.db");
        std::fs::write(dir.path().join("again.db.partial"), b"half").unwrap();
        backup(&src, &target).await.unwrap();
        assert_eq!(mode(&target), 0o600);
        assert!(!dir.path().join("again.db.partial").exists());
        pool.close().await;
    }

    #[tokio::test]
    async fn check_reports_the_webhook_and_the_backups() {
        use clap::Parser;
        let (pool, dir) = db::testing::db().await;
        let db_path = dir.path().join("test.db");
        let run = |args: Vec<String>| async move {
            let cli = crate::config::Cli::try_parse_from(
                [
                    "touchpoints".to_string(),
                    "--token".into(),
                    "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Q".into(),
                    "--admins".into(),
                    "100".into(),
                ]
                .into_iter()
                .chain(args),
            )
            .unwrap();
            check(CheckOf {
                settings: &cli.settings,
                webhook: &cli.webhook,
                backups: &cli.backups,
                online: false,
            })
            .await
        };
        let db_arg = || vec!["--db".to_string(), db_path.to_string_lossy().into_owned()];

        let c = run(db_arg()).await;
        let text = c.render();
        assert!(c.problems.is_empty() && c.warnings.is_empty(), "{text}");
        assert!(text.contains("updates: long polling"), "{text}");
        assert!(
            text.contains("backups: none made by the bot itself"),
            "{text}"
        );
        assert!(text.contains("the bot: not asked (--offline)"), "{text}");

        // Webhook mode, well formed.
        let secret = "Secret_value-123";
        let mut args = db_arg();
        args.extend(
            [
                "--webhook-url",
                "https://bot.example.org/telegram",
                "--webhook-secret",
                secret,
            ]
            .map(String::from),
        );
        let c = run(args).await;
        let text = c.render();
        assert!(c.problems.is_empty() && c.warnings.is_empty(), "{text}");
        assert!(
            text.contains(
                "webhook at https://bot.example.org/telegram, listening on 127.0.0.1:8080"
            ),
            "{text}"
        );
        assert!(text.contains("secret: given (16 characters)"), "{text}");
        assert!(!text.contains(secret), "{text}");

        // Malformed: http to Telegram's server, a bad secret (not shown), a public listener.
        let mut args = db_arg();
        args.extend(
            [
                "--webhook-url",
                "http://bot.example.org/telegram",
                "--webhook-secret",
                "no spaces allowed",
                "--listen",
                "0.0.0.0:8080",
            ]
            .map(String::from),
        );
        let c = run(args.clone()).await;
        let text = c.render();
        assert_eq!(c.problems.len(), 2, "{text}");
        assert!(text.contains("not https"), "{text}");
        assert!(text.contains("--webhook-secret"), "{text}");
        assert!(!text.contains("no spaces allowed"), "{text}");
        assert_eq!(c.warnings.len(), 1, "{text}");
        assert!(text.contains("not on a loopback address"), "{text}");
        // A Bot API server of one's own may take http: a warning, not a problem.
        args.extend(["--api-url", "http://127.0.0.1:8081/"].map(String::from));
        let c = run(args).await;
        let text = c.render();
        assert_eq!(c.problems.len(), 1, "{text}");
        assert!(text.contains("only a local Bot API server"), "{text}");

        // Backups: not there yet, then counted; a file in the way is a problem.
        let into = dir.path().join("backups");
        let with_dir = |d: &Path| {
            let mut a = db_arg();
            a.extend([
                "--backup-dir".to_string(),
                d.to_string_lossy().into_owned(),
                "--backup-keep".into(),
                "5".into(),
            ]);
            a
        };
        let text = run(with_dir(&into)).await.render();
        assert!(text.contains("keeping 5"), "{text}");
        assert!(text.contains("does not exist yet"), "{text}");
        std::fs::create_dir(&into).unwrap();
        for name in [
            "touchpoints-20260101-000000.db",
            "touchpoints-20260102-000000.db",
            "notes.txt",
        ] {
            std::fs::write(into.join(name), b"").unwrap();
        }
        let text = run(with_dir(&into)).await.render();
        assert!(
            text.contains("copies: 2, the newest touchpoints-20260102-000000.db"),
            "{text}"
        );
        let c = run(with_dir(&into.join("notes.txt"))).await;
        assert_eq!(c.problems.len(), 1, "{}", c.render());
        pool.close().await;
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
