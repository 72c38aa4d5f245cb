//! The bot's commands: parsed from a message's text, with who may use each. Their
//! descriptions live in the locales (`cmd-<name>`).

use crate::domain::Role;

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
    /// Any other `/word`.
    Unknown(String),
}

/// One entry of the command menu.
pub struct Entry {
    pub name: &'static str,
    /// Whether a person with this role may use it.
    pub for_role: fn(Role) -> bool,
}

fn anyone(_: Role) -> bool {
    true
}
fn admin(r: Role) -> bool {
    r == Role::Admin
}
fn member(r: Role) -> bool {
    r != Role::Stranger
}
fn reporter(r: Role) -> bool {
    matches!(r, Role::Admin | Role::Head)
}

/// The menu, in the order shown. The one table both `/help` and `setMyCommands` read.
pub const MENU: &[Entry] = &[
    Entry {
        name: "start",
        for_role: anyone,
    },
    Entry {
        name: "help",
        for_role: anyone,
    },
    Entry {
        name: "new",
        for_role: reporter,
    },
    Entry {
        name: "change",
        for_role: reporter,
    },
    Entry {
        name: "exclude",
        for_role: reporter,
    },
    Entry {
        name: "my",
        for_role: reporter,
    },
    Entry {
        name: "list",
        for_role: member,
    },
    Entry {
        name: "stats",
        for_role: member,
    },
    Entry {
        name: "pending",
        for_role: admin,
    },
    Entry {
        name: "history",
        for_role: admin,
    },
    Entry {
        name: "invite",
        for_role: admin,
    },
    Entry {
        name: "invites",
        for_role: admin,
    },
    Entry {
        name: "people",
        for_role: admin,
    },
    Entry {
        name: "divisions",
        for_role: admin,
    },
    Entry {
        name: "registry",
        for_role: admin,
    },
    Entry {
        name: "lang",
        for_role: anyone,
    },
    Entry {
        name: "cancel",
        for_role: anyone,
    },
];

/// The menu entries a role may use.
pub fn menu_for(role: Role) -> impl Iterator<Item = &'static Entry> {
    MENU.iter().filter(move |e| (e.for_role)(role))
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
        assert_eq!(p("hello"), None);
        assert_eq!(p(""), None);
        assert_eq!(p("/"), Some(Command::Unknown(String::new())));
    }

    #[test]
    fn the_menu_depends_on_the_role() {
        let names = |r| menu_for(r).map(|e| e.name).collect::<Vec<_>>();
        assert!(names(Role::Admin).contains(&"invite"));
        assert!(!names(Role::Head).contains(&"invite"));
        for admin_only in ["divisions", "people", "invites", "registry"] {
            assert!(names(Role::Admin).contains(&admin_only));
            assert!(!names(Role::Head).contains(&admin_only));
            assert!(!names(Role::Viewer).contains(&admin_only));
        }
        assert!(names(Role::Stranger).contains(&"start"));
        assert!(names(Role::Head).contains(&"new"));
        assert!(names(Role::Viewer).contains(&"stats"));
        assert!(!names(Role::Stranger).contains(&"stats"));
        assert!(!names(Role::Viewer).contains(&"new"));
        assert!(!names(Role::Stranger).contains(&"my"));
    }
}
