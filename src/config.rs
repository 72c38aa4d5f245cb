//! Settings, from the environment or the command line (flags win). Parsed once in `main`
//! and passed down; there are no globals.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use url::Url;

/// A Telegram bot that keeps the list of touchpoints with external and internal clients.
#[derive(Debug, Clone, Parser)]
#[command(name = "touchpoints", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub backups: Backups,
    #[command(flatten)]
    pub webhook: Webhook,
}

/// Webhook mode: Telegram posts each update to the bot's public HTTPS address, instead of
/// the bot asking for updates (long polling, the default).
#[derive(Debug, Clone, clap::Args)]
pub struct Webhook {
    /// The public HTTPS address Telegram posts updates to, e.g.
    /// `https://bot.example.org/telegram`; long polling when not given.
    #[arg(
        global = true,
        long = "webhook-url",
        env = "TOUCHPOINTS_WEBHOOK_URL",
        value_name = "URL"
    )]
    pub url: Option<Url>,

    /// The address this process listens on for those posts (a TLS proxy in front forwards
    /// them here; the path is the URL's).
    #[arg(
        global = true,
        long = "listen",
        env = "TOUCHPOINTS_LISTEN",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR"
    )]
    pub listen: std::net::SocketAddr,

    /// The secret Telegram sends with every post (header X-Telegram-Bot-Api-Secret-Token;
    /// 1–256 of A–Z a–z 0–9 _ -); posts without it are refused. A random one for each
    /// start when not given.
    #[arg(
        global = true,
        long = "webhook-secret",
        env = "TOUCHPOINTS_WEBHOOK_SECRET",
        hide_env_values = true,
        value_name = "SECRET"
    )]
    pub secret: Option<String>,
}

/// Telegram's ports for webhooks (a local Bot API server allows any).
pub const WEBHOOK_PORTS: [u16; 4] = [443, 80, 88, 8443];

impl Webhook {
    /// The secret's form, as Telegram requires it: 1–256 of `A–Z a–z 0–9 _ -`. Checked at
    /// start and by `check` (not while parsing, so that `check` can report it with the
    /// rest). The message never shows the secret.
    pub fn check_secret(&self) -> Result<(), String> {
        match &self.secret {
            Some(s) if !is_secret(s) => Err(
                "TOUCHPOINTS_WEBHOOK_SECRET (--webhook-secret) must be 1 to 256 characters \
                 of A-Z, a-z, 0-9, _ and - (as Telegram requires)"
                    .into(),
            ),
            _ => Ok(()),
        }
    }

    /// What is wrong with the webhook URL's form: Telegram takes only https, a host, no
    /// user name or password, no fragment, and one of [`WEBHOOK_PORTS`]; a path of its own
    /// (not `/`) is what a TLS proxy routes on. Empty when not in webhook mode.
    pub fn url_findings(&self) -> Vec<UrlFinding> {
        let Some(u) = &self.url else {
            return vec![];
        };
        let mut out = vec![];
        let mut found = |refused: bool, local_ok: bool, text: String| {
            out.push(UrlFinding {
                refused,
                local_ok,
                text,
            })
        };
        if u.scheme() != "https" {
            found(
                true,
                u.scheme() == "http",
                format!("the webhook URL is {}, not https", u.scheme()),
            );
        }
        if u.host_str().is_none_or(str::is_empty) {
            found(true, false, "the webhook URL names no host".into());
        }
        if !u.username().is_empty() || u.password().is_some() {
            found(
                true,
                false,
                "the webhook URL carries a user name or password".into(),
            );
        }
        if let Some(port) = u.port_or_known_default() {
            if !WEBHOOK_PORTS.contains(&port) {
                found(
                    true,
                    true,
                    format!(
                        "the webhook URL's port {port} is not one Telegram posts to \
                         (443, 80, 88, 8443)"
                    ),
                );
            }
        }
        if u.fragment().is_some() {
            found(true, false, "the webhook URL has a #fragment".into());
        }
        if u.path() == "/" || u.path().is_empty() {
            found(
                false,
                false,
                "the webhook URL has no path (e.g. /telegram): the proxy must forward the \
                 whole site to the bot"
                    .into(),
            );
        }
        out
    }
}

/// A finding about the webhook URL's form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlFinding {
    /// Telegram refuses such a URL (`setWebhook` fails); otherwise it only deserves a look.
    pub refused: bool,
    /// A local Bot API server (`--local`) takes it nevertheless (http, any port).
    pub local_ok: bool,
    pub text: String,
}

fn is_secret(s: &str) -> bool {
    (1..=256).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Copies of the database the running bot makes by itself.
#[derive(Debug, Clone, clap::Args)]
pub struct Backups {
    /// A directory for a copy of the database at start and every 24 hours
    /// (`touchpoints-YYYYMMDD-HHMMSS.db`); none when not given.
    #[arg(
        global = true,
        long = "backup-dir",
        env = "TOUCHPOINTS_BACKUP_DIR",
        value_name = "DIR"
    )]
    pub dir: Option<PathBuf>,

    /// How many of those copies to keep (the oldest beyond are deleted).
    #[arg(
        global = true,
        long = "backup-keep",
        env = "TOUCHPOINTS_BACKUP_KEEP",
        default_value_t = 14,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..=3650)
    )]
    pub keep: u32,
}

#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// The bot's token from @BotFather (required to run the bot; never logged).
    #[arg(
        global = true,
        long = "token",
        env = "TELOXIDE_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,

    /// Bot API server to talk to (a self-hosted or test server); Telegram's by default.
    #[arg(
        global = true,
        long = "api-url",
        env = "TELOXIDE_API_URL",
        value_name = "URL"
    )]
    pub api_url: Option<Url>,

    /// The SQLite database file; created and migrated on first start.
    #[arg(
        global = true,
        long = "db",
        env = "TOUCHPOINTS_DB",
        default_value = "touchpoints.db",
        value_name = "FILE"
    )]
    pub db: PathBuf,

    /// Telegram user ids of the authorized persons, comma-separated.
    #[arg(
        global = true,
        long = "admins",
        env = "TOUCHPOINTS_ADMINS",
        value_name = "IDS",
        value_delimiter = ',',
        value_parser = parse_user_id
    )]
    pub admins: Vec<i64>,

    /// How many days an invitation link stays valid.
    #[arg(
        global = true,
        long = "invite-days",
        env = "TOUCHPOINTS_INVITE_DAYS",
        default_value_t = crate::db::invites::DEFAULT_TTL_DAYS,
        value_name = "DAYS",
        value_parser = clap::value_parser!(i64).range(1..=365)
    )]
    pub invite_days: i64,

    /// When the division heads are reminded to check their rows (5.2).
    #[command(flatten)]
    pub reminders: ReminderSettings,

    /// At most this many messages sent per second over all chats (Telegram allows about
    /// 30); 0 turns pacing off (benchmarks of the bot's own speed).
    #[arg(
        global = true,
        long = "sends-per-second",
        env = "TOUCHPOINTS_SENDS_PER_SECOND",
        default_value_t = 30,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(0..=1000)
    )]
    pub sends_per_second: u32,
}

/// The reminders' schedule (5.2): monthly by default, in the administration's time zone,
/// never in the quiet hours.
#[derive(Debug, Clone, clap::Args)]
pub struct ReminderSettings {
    /// How often: month (the 1st), week (Mondays), a number of days such as 14d, or off.
    #[arg(
        global = true,
        long = "remind-every",
        env = "TOUCHPOINTS_REMIND_EVERY",
        default_value = "month",
        value_name = "PERIOD",
        value_parser = crate::domain::schedule::Every::parse
    )]
    pub every: crate::domain::schedule::Every,

    /// The local time of day reminders are due.
    #[arg(
        global = true,
        long = "remind-at",
        env = "TOUCHPOINTS_REMIND_AT",
        default_value = "10:00",
        value_name = "HH:MM",
        value_parser = crate::domain::schedule::parse_time
    )]
    pub at: chrono::NaiveTime,

    /// Local hours in which the bot writes to nobody on its own, such as 21-9, or off.
    #[arg(
        global = true,
        long = "quiet-hours",
        env = "TOUCHPOINTS_QUIET_HOURS",
        default_value = "21-9",
        value_name = "FROM-TO",
        value_parser = parse_quiet
    )]
    pub quiet: QuietHours,

    /// The administration's offset from UTC, for the two settings above.
    #[arg(
        global = true,
        long = "utc-offset",
        env = "TOUCHPOINTS_UTC_OFFSET",
        default_value = "+03:00",
        value_name = "OFFSET",
        value_parser = crate::domain::schedule::parse_offset
    )]
    pub offset: chrono::FixedOffset,

    /// After how many days the author of a report still under review is told so (once per
    /// report), such as 3d, or off. The authorized persons get a digest of what waits once
    /// a day at the reminders' time of day.
    #[arg(
        global = true,
        long = "review-notice",
        env = "TOUCHPOINTS_REVIEW_NOTICE",
        default_value = "3d",
        value_name = "DAYS",
        value_parser = crate::domain::notice::ReviewNotice::parse
    )]
    pub review_notice: crate::domain::notice::ReviewNotice,
}

/// Quiet hours, or none (`off`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours(pub Option<crate::domain::schedule::Quiet>);

fn parse_quiet(s: &str) -> Result<QuietHours, String> {
    crate::domain::schedule::Quiet::parse(s).map(QuietHours)
}

impl Default for ReminderSettings {
    fn default() -> Self {
        let s = crate::domain::schedule::Schedule::default();
        ReminderSettings {
            every: s.every,
            at: s.at,
            quiet: QuietHours(s.quiet),
            offset: s.offset,
            review_notice: Default::default(),
        }
    }
}

impl ReminderSettings {
    pub fn schedule(&self) -> crate::domain::schedule::Schedule {
        crate::domain::schedule::Schedule {
            every: self.every,
            at: self.at,
            offset: self.offset,
            quiet: self.quiet.0,
        }
    }
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Run the bot (long polling). The default when no command is given.
    Run,
    /// Copy the database, consistently, while the bot runs or not (no token needed).
    Backup {
        /// The copy to write (not overwritten if it exists), or a directory to put a dated
        /// `touchpoints-YYYYMMDD-HHMMSS.db` into.
        #[arg(value_name = "FILE")]
        output: PathBuf,
    },
    /// Check the settings and the database and print what was found; changes nothing.
    /// With a token, asks the Bot API who the bot is (getMe). Exits with an error when
    /// the bot could not run as configured.
    Check {
        /// Do not ask the Bot API: only the settings and the database.
        #[arg(long)]
        offline: bool,
    },
    /// Write the current list to a file in the Order's appendix form (no token needed).
    Export {
        /// The file format: xlsx, docx or csv.
        #[arg(long, default_value = "xlsx", value_parser = crate::export::parse_format)]
        format: crate::export::Format,
        /// Only this direction of activity: 3.5.1, 3.5.2 or 3.5.3.
        #[arg(long, value_parser = crate::export::parse_direction)]
        direction: Option<crate::domain::Direction>,
        /// Only this division (its name, in any case).
        #[arg(long)]
        division: Option<String>,
        /// The file to write (or an existing directory to write it into).
        #[arg(short = 'o', long, value_name = "FILE")]
        output: PathBuf,
        /// The list as it stood then, in local time (--utc-offset): 2026-12-01 for the end
        /// of that day, "2026-12-01 14:30" for the start of that minute.
        #[arg(
            id = "export_at",
            long = "at",
            value_name = "WHEN",
            value_parser = crate::export::parse_moment
        )]
        at: Option<crate::domain::Moment>,
    },
    /// Write the accepted changes of the list in a period to a file: one line per change
    /// (added, changed, excluded; before → after; the report, who reported and decided).
    /// Dates are the administration's local days (--utc-offset), both included.
    Changes {
        /// The first day: 2026-11-01 (or 01.11.2026).
        #[arg(long, value_name = "DATE", value_parser = parse_day)]
        from: chrono::NaiveDate,
        /// The last day; today when not given.
        #[arg(long, value_name = "DATE", value_parser = parse_day)]
        to: Option<chrono::NaiveDate>,
        /// The file format: xlsx or csv.
        #[arg(long, default_value = "xlsx", value_parser = crate::export::changes::parse_format)]
        format: crate::export::changes::ChangesFormat,
        /// The file to write (or an existing directory to write it into).
        #[arg(short = 'o', long, value_name = "FILE")]
        output: PathBuf,
    },
    /// The Registry of processes (3.1).
    Registry {
        #[command(subcommand)]
        action: RegistryCommand,
    },
    /// The list of touchpoints.
    List {
        #[command(subcommand)]
        action: ListCommand,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum ListCommand {
    /// Load the existing list from an XLSX or CSV in the Order's appendix form (as `/list`
    /// and `export` write it, or only its headings and rows): shows what it adds per
    /// direction and which rows are in the list already; with --yes loads it (all or
    /// nothing). Bad rows are listed by line and nothing is loaded.
    Import {
        /// The XLSX or CSV (UTF-8, `;` or `,`) file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Load the rows (without it, only shows them).
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum RegistryCommand {
    /// Load the Registry from a CSV or XLSX file: shows what changes; with --yes applies it
    /// (all or nothing). Bad rows are listed by line and nothing is loaded.
    Import {
        /// The CSV (UTF-8, `;` or `,`) or XLSX file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Apply the changes (without it, only shows them).
        #[arg(long)]
        yes: bool,
    },
}

fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    crate::export::changes::parse_date(s)
        .ok_or_else(|| format!("«{s}» is not a date such as 2026-11-01"))
}

fn parse_user_id(s: &str) -> Result<i64, String> {
    let s = s.trim();
    match s.parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(format!(
            "«{s}» is not a Telegram user id (a positive whole number)"
        )),
    }
}

impl Settings {
    /// The token, or a one-line explanation of how to give it.
    pub fn require_token(&self) -> Result<&str, String> {
        match self.token.as_deref().map(str::trim) {
            Some(t) if !t.is_empty() => Ok(t),
            _ => Err(
                "TELOXIDE_TOKEN is not set: give the bot's token from @BotFather \
                      in the environment or with --token"
                    .to_string(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("touchpoints").chain(args.iter().copied()))
    }

    #[test]
    fn flags_are_read() {
        let cli = parse(&[
            "--token",
            "123:abc",
            "--api-url",
            "http://127.0.0.1:8081",
            "--db",
            "/tmp/x.db",
            "--admins",
            "1, 22,333",
        ])
        .unwrap();
        let s = cli.settings;
        assert_eq!(s.require_token(), Ok("123:abc"));
        assert_eq!(s.api_url.unwrap().as_str(), "http://127.0.0.1:8081/");
        assert_eq!(s.db, PathBuf::from("/tmp/x.db"));
        assert_eq!(s.admins, vec![1, 22, 333]);
    }

    #[test]
    fn reminders_default_to_monthly_and_bad_values_are_named() {
        let r = parse(&[]).unwrap().settings.reminders;
        assert_eq!(r.schedule(), crate::domain::schedule::Schedule::default());
        let r = parse(&["--remind-every", "14d", "--quiet-hours", "off"])
            .unwrap()
            .settings
            .reminders;
        assert_eq!(r.every, crate::domain::schedule::Every::Days(14));
        assert_eq!(r.quiet, QuietHours(None));
        for (flag, bad) in [
            ("--remind-every", "yearly"),
            ("--remind-at", "25:00"),
            ("--quiet-hours", "21"),
            ("--utc-offset", "MSK"),
        ] {
            let err = parse(&[flag, bad]).unwrap_err().to_string();
            assert!(err.contains(flag) && err.contains(bad), "{err}");
        }
    }

    #[test]
    fn invitation_days_default_to_seven_and_are_bounded() {
        assert_eq!(parse(&[]).unwrap().settings.invite_days, 7);
        assert_eq!(
            parse(&["--invite-days", "30"])
                .unwrap()
                .settings
                .invite_days,
            30
        );
        for bad in ["0", "366", "-1", "week"] {
            let arg = format!("--invite-days={bad}");
            let err = parse(&[&arg]).unwrap_err().to_string();
            assert!(err.contains("--invite-days"), "{err}");
        }
    }

    #[test]
    fn backups_are_off_by_default_and_their_count_is_bounded() {
        let cli = parse(&[]).unwrap();
        assert_eq!((cli.backups.dir, cli.backups.keep), (None, 14));
        let cli = parse(&["--backup-dir", "/var/backups/tp", "--backup-keep", "30"]).unwrap();
        assert_eq!(cli.backups.dir, Some(PathBuf::from("/var/backups/tp")));
        assert_eq!(cli.backups.keep, 30);
        let err = parse(&["--backup-keep", "0"]).unwrap_err().to_string();
        assert!(err.contains("--backup-keep"), "{err}");
    }

    #[test]
    fn webhook_mode_is_off_by_default_and_its_secret_is_checked() {
        let cli = parse(&[]).unwrap();
        assert!(cli.webhook.url.is_none());
        assert_eq!(cli.webhook.listen.to_string(), "127.0.0.1:8080");
        let cli = parse(&[
            "--webhook-url",
            "https://bot.example.org/telegram",
            "--listen",
            "0.0.0.0:8443",
            "--webhook-secret",
            "abc_DEF-123",
        ])
        .unwrap();
        assert_eq!(cli.webhook.secret.as_deref(), Some("abc_DEF-123"));
        assert_eq!(cli.webhook.check_secret(), Ok(()));
        assert_eq!(cli.webhook.url_findings(), vec![]);
        assert_eq!(cli.webhook.url.unwrap().path(), "/telegram");
        let long = "x".repeat(257);
        for bad in ["with space", "ключ", "", "a.b", &long] {
            // Parsed as given, so that `check` can report it; refused by `check_secret`.
            let hook = parse(&["--webhook-secret", bad]).unwrap().webhook;
            let err = hook.check_secret().unwrap_err();
            assert!(err.contains("--webhook-secret"), "{err}");
            assert!(
                bad.is_empty() || !err.contains(bad),
                "the secret is shown: {err}"
            );
        }
        let ok = "y".repeat(256);
        let hook = parse(&["--webhook-secret", &ok]).unwrap().webhook;
        assert_eq!(hook.check_secret(), Ok(()));
    }

    #[test]
    fn the_webhook_urls_form_is_checked() {
        let findings = |url: &str| -> Vec<UrlFinding> {
            parse(&["--webhook-url", url])
                .unwrap()
                .webhook
                .url_findings()
        };
        let refused = |url: &str| findings(url).iter().filter(|f| f.refused).count();
        assert_eq!(findings("https://bot.example.org/telegram"), vec![]);
        assert_eq!(findings("https://bot.example.org:8443/tg/hook"), vec![]);
        let f = findings("http://bot.example.org/telegram");
        assert!(f.len() == 1 && f[0].refused && f[0].local_ok, "{f:?}");
        assert!(f[0].text.contains("not https"), "{f:?}");
        let f = findings("https://bot.example.org:8080/telegram");
        assert!(f.len() == 1 && f[0].refused && f[0].local_ok, "{f:?}");
        assert!(f[0].text.contains("8080"), "{f:?}");
        assert_eq!(refused("https://u:p@bot.example.org/telegram"), 1);
        assert_eq!(refused("https://bot.example.org/telegram#x"), 1);
        // No path of its own works, but is worth a word.
        let f = findings("https://bot.example.org");
        assert!(f.len() == 1 && !f[0].refused, "{f:?}");
        assert!(f[0].text.contains("no path"), "{f:?}");
        // Neither https nor a host; not even a local server takes it.
        let f = findings("unix:/run/bot.sock");
        assert_eq!(
            f.iter().filter(|f| f.refused && !f.local_ok).count(),
            2,
            "{f:?}"
        );
        assert_eq!(parse(&[]).unwrap().webhook.url_findings(), vec![]);
    }

    /// Every global setting with a good value, as a command line would give it.
    const GLOBALS: &[(&str, &str)] = &[
        ("--token", "123:abc"),
        ("--api-url", "http://127.0.0.1:8081/"),
        ("--db", "/srv/tp.db"),
        ("--admins", "5,6"),
        ("--invite-days", "3"),
        ("--remind-every", "week"),
        ("--remind-at", "09:30"),
        ("--quiet-hours", "off"),
        ("--utc-offset", "+05:00"),
        ("--sends-per-second", "10"),
        ("--backup-dir", "/srv/backups"),
        ("--backup-keep", "3"),
        ("--webhook-url", "https://bot.example.org/telegram"),
        ("--listen", "127.0.0.1:9000"),
        ("--webhook-secret", "s3cret"),
    ];

    fn assert_globals_taken(cli: &Cli, args: &[&str]) {
        let s = &cli.settings;
        let what = format!("{args:?} → {cli:?}");
        assert_eq!(s.token.as_deref(), Some("123:abc"), "{what}");
        assert_eq!(s.api_url.as_ref().unwrap().port(), Some(8081), "{what}");
        assert_eq!(s.db, PathBuf::from("/srv/tp.db"), "{what}");
        assert_eq!(s.admins, vec![5, 6], "{what}");
        assert_eq!(s.invite_days, 3, "{what}");
        assert_eq!(
            s.reminders.every,
            crate::domain::schedule::Every::Week,
            "{what}"
        );
        assert_eq!(s.reminders.at.to_string(), "09:30:00", "{what}");
        assert_eq!(s.reminders.quiet, QuietHours(None), "{what}");
        assert_eq!(s.reminders.offset.local_minus_utc(), 5 * 3600, "{what}");
        assert_eq!(s.sends_per_second, 10, "{what}");
        assert_eq!(
            cli.backups.dir,
            Some(PathBuf::from("/srv/backups")),
            "{what}"
        );
        assert_eq!(cli.backups.keep, 3, "{what}");
        assert_eq!(
            cli.webhook.url.as_ref().unwrap().path(),
            "/telegram",
            "{what}"
        );
        assert_eq!(cli.webhook.listen.port(), 9000, "{what}");
        assert_eq!(cli.webhook.secret.as_deref(), Some("s3cret"), "{what}");
    }

    #[test]
    fn global_settings_are_taken_before_and_after_every_subcommand() {
        let subcommands: &[&[&str]] = &[
            &[],
            &["run"],
            &["export", "-o", "out.xlsx"],
            &["backup", "copy.db"],
            &["check"],
            &["registry", "import", "registry.csv"],
            &["changes", "--from", "2026-11-01", "-o", "out.xlsx"],
            &["list", "import", "list.xlsx"],
        ];
        let globals: Vec<&str> = GLOBALS.iter().flat_map(|(f, v)| [*f, *v]).collect();
        for sub in subcommands {
            let before: Vec<&str> = globals.iter().chain(sub.iter()).copied().collect();
            let after: Vec<&str> = sub.iter().chain(globals.iter()).copied().collect();
            for args in [before, after] {
                let cli = parse(&args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
                assert_globals_taken(&cli, &args);
            }
        }
        // One by one after the subcommand, so a default cannot hide a lost value.
        let taken = |cli: Cli| format!("{:?} {:?} {:?}", cli.settings, cli.backups, cli.webhook);
        let defaults = taken(parse(&["check"]).unwrap());
        for (flag, value) in GLOBALS {
            let after = taken(parse(&["check", flag, value]).unwrap());
            let before = taken(parse(&[flag, value, "check"]).unwrap());
            assert_eq!(after, before, "{flag}");
            assert_ne!(after, defaults, "{flag} after the subcommand is lost");
        }
        // The subcommand's own arguments stay where they are.
        let cli = parse(&["export", "--db", "x.db", "--format", "csv", "-o", "out.csv"]).unwrap();
        assert_eq!(cli.settings.db, PathBuf::from("x.db"));
        assert!(matches!(cli.command, Some(Command::Export { .. })));
        let cli = parse(&["registry", "import", "--db", "x.db", "r.csv", "--yes"]).unwrap();
        assert_eq!(cli.settings.db, PathBuf::from("x.db"));
        match cli.command {
            Some(Command::Registry {
                action: RegistryCommand::Import { file, yes },
            }) => assert_eq!((file, yes), (PathBuf::from("r.csv"), true)),
            other => panic!("{other:?}"),
        }
        let cli = parse(&["list", "import", "l.xlsx", "--db", "x.db", "--yes"]).unwrap();
        assert_eq!(cli.settings.db, PathBuf::from("x.db"));
        match cli.command {
            Some(Command::List {
                action: ListCommand::Import { file, yes },
            }) => assert_eq!((file, yes), (PathBuf::from("l.xlsx"), true)),
            other => panic!("{other:?}"),
        }
        // A bad value after the subcommand is named as before it.
        let err = parse(&["check", "--invite-days", "0"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("--invite-days"), "{err}");
    }

    #[test]
    fn a_bad_admin_id_is_named() {
        let err = parse(&["--admins", "1,abc"]).unwrap_err().to_string();
        assert!(err.contains("abc"), "{err}");
        assert!(err.contains("--admins"), "{err}");
    }

    #[test]
    fn a_bad_url_is_named() {
        let err = parse(&["--api-url", "not a url"]).unwrap_err().to_string();
        assert!(err.contains("--api-url"), "{err}");
    }

    #[test]
    fn a_missing_token_is_a_clear_error() {
        let s = Settings {
            token: None,
            api_url: None,
            db: "x".into(),
            admins: vec![],
            invite_days: 7,
            reminders: Default::default(),
            sends_per_second: 30,
        };
        assert!(s.require_token().unwrap_err().contains("TELOXIDE_TOKEN"));
        let s = Settings {
            token: Some("  ".into()),
            ..s
        };
        assert!(s.require_token().is_err());
    }
}
