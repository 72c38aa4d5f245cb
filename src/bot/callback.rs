//! Typed callback data. What a button carries is untrusted input: anyone can send any
//! callback data, so it is decoded into this enum (anything else is `None`) and every
//! handler checks it against who pressed and what is still true in the database.
//! Encoded compactly; Telegram allows at most 64 bytes.

use crate::domain::Lang;

/// Telegram's limit on callback data, in bytes.
pub const MAX_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackData {
    /// Switch the interface language.
    SetLang(Lang),
}

impl CallbackData {
    pub fn encode(&self) -> String {
        match self {
            CallbackData::SetLang(l) => format!("lang:{}", l.code()),
        }
    }

    pub fn decode(s: &str) -> Option<CallbackData> {
        if s.len() > MAX_LEN {
            return None;
        }
        let (tag, rest) = s.split_once(':')?;
        match tag {
            "lang" => Lang::from_code(rest).map(CallbackData::SetLang),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<CallbackData> {
        Lang::ALL
            .iter()
            .map(|l| CallbackData::SetLang(*l))
            .collect()
    }

    #[test]
    fn every_value_round_trips_within_64_bytes() {
        for c in all() {
            let s = c.encode();
            assert!(s.len() <= MAX_LEN, "{s}");
            assert_eq!(CallbackData::decode(&s), Some(c));
        }
    }

    #[test]
    fn garbage_decodes_to_nothing() {
        for s in [
            "",
            "lang",
            "lang:",
            "lang:de",
            "x:ru",
            ":",
            "lang:ru:extra",
            &"a".repeat(100),
        ] {
            assert_eq!(CallbackData::decode(s), None, "{s}");
        }
    }
}
