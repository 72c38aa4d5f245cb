//! Roles of the people who use the bot.

use serde::{Deserialize, Serialize};

/// What a person may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    /// The authorized person (2.4, 3.3): keeps the list, decides on reports.
    Admin,
    /// A division head (3.4, 5.2): reports the division's touchpoints.
    Head,
    /// May only get the file.
    Viewer,
    /// Anyone else: no access.
    Stranger,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Head => "head",
            Role::Viewer => "viewer",
            Role::Stranger => "none",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [Role::Admin, Role::Head, Role::Viewer, Role::Stranger]
            .into_iter()
            .find(|r| r.code() == s)
    }
}

/// The interface language of a person. Russian is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Ru,
    En,
}

impl Lang {
    pub const ALL: &'static [Lang] = &[Lang::Ru, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|l| l.code() == s)
    }

    /// The language for a person we know nothing about, from Telegram's `language_code`:
    /// English for an English-speaking client, Russian otherwise.
    pub fn guess(language_code: Option<&str>) -> Self {
        match language_code {
            Some(c) if c == "en" || c.starts_with("en-") => Lang::En,
            _ => Lang::Ru,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_langs_round_trip() {
        for r in [Role::Admin, Role::Head, Role::Viewer, Role::Stranger] {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        for l in Lang::ALL {
            assert_eq!(Lang::from_code(l.code()), Some(*l));
        }
    }

    #[test]
    fn language_guess_defaults_to_russian() {
        assert_eq!(Lang::guess(None), Lang::Ru);
        assert_eq!(Lang::guess(Some("ru")), Lang::Ru);
        assert_eq!(Lang::guess(Some("de")), Lang::Ru);
        assert_eq!(Lang::guess(Some("en")), Lang::En);
        assert_eq!(Lang::guess(Some("en-GB")), Lang::En);
    }
}
