//! The bot's commands, parsed from a message's text. Who may use each, and the menu, are
//! in `menu.rs`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `/start` or `/start <invite code>`.
    Start(Option<String>),
    Help,
    /// `/lang` or `/lang ru|en`.
    Lang(Option<String>),
    Cancel,
    New,
    Change,
    Exclude,
    My,
    Pending,
    /// `/list` or `/list xlsx|docx|csv`.
    List(Option<String>),
    /// `/history <row number or text>`.
    History(String),
    /// `/invite <division name>`.
    Invite(String),
    /// `/divisions`: the divisions, to add, rename, retire.
    Divisions,
    /// `/people`: who is who, to change a role or division or revoke access.
    People,
    /// `/invites`: the open invitations; invite a viewer or an authorized person.
    Invites,
    /// `/registry`: the Registry of processes and what it leaves outstanding.
    Registry,
    /// `/stats`: the list in figures and as a chart.
    Stats,
    /// `/changes [xlsx|csv] FROM [TO]`: the changes of a period as a file.
    Changes(String),
    /// Any other `/word`.
    Unknown(String),
}

impl Command {
    /// Parses `/name[@bot] args`. Text that is not a command gives `None`. A command
    /// addressed to another bot (`/start@other_bot`) is not ours: also `None`.
    pub fn parse(text: &str, bot_username: &str) -> Option<Command> {
        let text = text.trim_start();
        let rest = text.strip_prefix('/')?;
        let (head, args) = match rest.find(char::is_whitespace) {
            Some(i) => (&rest[..i], rest[i..].trim()),
            None => (rest, ""),
        };
        let name = match head.split_once('@') {
            Some((name, to)) if to.eq_ignore_ascii_case(bot_username) => name,
            Some(_) => return None,
            None => head,
        };
        let args = (!args.is_empty()).then(|| args.to_string());
        Some(match name.to_lowercase().as_str() {
            "start" => Command::Start(args),
            "help" => Command::Help,
            "lang" => Command::Lang(args),
            "cancel" => Command::Cancel,
            "new" => Command::New,
            "change" => Command::Change,
            "exclude" => Command::Exclude,
            "my" => Command::My,
            "pending" => Command::Pending,
            "list" => Command::List(args),
            "history" => Command::History(args.unwrap_or_default()),
            "invite" => Command::Invite(args.unwrap_or_default()),
            "divisions" => Command::Divisions,
            "people" => Command::People,
            "invites" => Command::Invites,
            "registry" => Command::Registry,
            "stats" => Command::Stats,
            "changes" => Command::Changes(args.unwrap_or_default()),
            other => Command::Unknown(other.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse() {
        let p = |t| Command::parse(t, "tp_bot");
        assert_eq!(p("/start"), Some(Command::Start(None)));
        assert_eq!(
            p("/start abc123"),
            Some(Command::Start(Some("abc123".into())))
        );
        assert_eq!(p("/START@tp_bot"), Some(Command::Start(None)));
        assert_eq!(p("/start@other_bot"), None);
        assert_eq!(p("/help"), Some(Command::Help));
        assert_eq!(p("/new"), Some(Command::New));
        assert_eq!(p("/change@tp_bot"), Some(Command::Change));
        assert_eq!(p("/exclude"), Some(Command::Exclude));
        assert_eq!(p("/my"), Some(Command::My));
        assert_eq!(p("/lang en"), Some(Command::Lang(Some("en".into()))));
        assert_eq!(
            p("/invite   Отдел кадров  "),
            Some(Command::Invite("Отдел кадров".into()))
        );
        assert_eq!(p("/invite"), Some(Command::Invite(String::new())));
        assert_eq!(p("/divisions"), Some(Command::Divisions));
        assert_eq!(p("/People@tp_bot"), Some(Command::People));
        assert_eq!(p("/invites"), Some(Command::Invites));
        assert_eq!(
            p("/frobnicate"),
            Some(Command::Unknown("frobnicate".into()))
        );
        assert_eq!(
            p("/changes csv 01.11.2026"),
            Some(Command::Changes("csv 01.11.2026".into()))
        );
        assert_eq!(p("/changes"), Some(Command::Changes(String::new())));
        assert_eq!(p("hello"), None);
        assert_eq!(p(""), None);
        assert_eq!(p("/"), Some(Command::Unknown(String::new())));
    }
}
