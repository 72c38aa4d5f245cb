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
}

#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    /// The bot's token from @BotFather (required to run the bot; never logged).
    #[arg(
        long = "token",
        env = "TELOXIDE_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,

    /// Bot API server to talk to (a self-hosted or test server); Telegram's by default.
    #[arg(long = "api-url", env = "TELOXIDE_API_URL", value_name = "URL")]
    pub api_url: Option<Url>,

    /// The SQLite database file; created and migrated on first start.
    #[arg(
        long = "db",
        env = "TOUCHPOINTS_DB",
        default_value = "touchpoints.db",
        value_name = "FILE"
    )]
    pub db: PathBuf,

    /// Telegram user ids of the authorized persons, comma-separated.
    #[arg(
        long = "admins",
        env = "TOUCHPOINTS_ADMINS",
        value_name = "IDS",
        value_delimiter = ',',
        value_parser = parse_user_id
    )]
    pub admins: Vec<i64>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Run the bot (long polling). The default when no command is given.
    Run,
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
    },
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
        };
        assert!(s.require_token().unwrap_err().contains("TELOXIDE_TOKEN"));
        let s = Settings {
            token: Some("  ".into()),
            ..s
        };
        assert!(s.require_token().is_err());
    }
}
