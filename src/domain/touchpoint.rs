//! A row of the list and the rules a row must satisfy (3.3.2, 3.7).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::dict::{Channel, Clients, Direction, Kind, Need};

/// Longest concrete point (an address, a link, a phone, a room), in characters.
pub const MAX_POINT: usize = 500;
/// Longest "features" text (column 6), in characters.
pub const MAX_FEATURES: usize = 1500;
/// Longest text of the "other" need (3.7.10), in characters.
pub const MAX_OTHER_NEED: usize = 500;
/// Longest name of a function or service, in characters.
pub const MAX_FUNCTION_NAME: usize = 300;
/// Longest free-text reason (a change, an exclusion, a rejection), in characters.
pub const MAX_REASON: usize = 1000;
/// Longest division name, in characters.
pub const MAX_DIVISION_NAME: usize = 200;

/// The content of a row as a division head reports it: columns 2–6 plus clients served.
/// Column 3 is the function (by id in the Registry, or typed when missing from it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TouchpointData {
    pub direction: Direction,
    pub function_id: i64,
    pub kind: Kind,
    pub channel: Channel,
    /// The concrete point: a site address, an app, a chat, a phone number, a room.
    pub point: String,
    pub needs: BTreeSet<Need>,
    /// The text of need 3.7.10, present exactly when that need is chosen.
    #[serde(default)]
    pub other_need: Option<String>,
    /// Column 6; `None` means "нет" (no features).
    #[serde(default)]
    pub features: Option<String>,
    pub clients: Clients,
    /// 3.5: points that are little used or have no records are listed too; this marks them.
    #[serde(default)]
    pub little_used: bool,
}

/// Status of a row in the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowStatus {
    Active,
    Excluded,
}

impl RowStatus {
    pub fn code(self) -> &'static str {
        match self {
            RowStatus::Active => "active",
            RowStatus::Excluded => "excluded",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "active" => Some(RowStatus::Active),
            "excluded" => Some(RowStatus::Excluded),
            _ => None,
        }
    }
}

/// A row of the list as stored, with what the file and the dialogues need to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: i64,
    pub data: TouchpointData,
    pub function_name: String,
    pub function_code: Option<String>,
    pub function_in_registry: bool,
    pub division_id: i64,
    pub division_name: String,
    pub status: RowStatus,
    /// The row's version now (1 when it entered the list, one more with each change).
    pub version: i64,
}

/// What is wrong with a row (completeness 3.3.2 and the limits we set).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("the concrete point is empty")]
    EmptyPoint,
    #[error("the concrete point is longer than {MAX_POINT} characters")]
    PointTooLong,
    #[error("no client need is chosen")]
    NoNeeds,
    #[error("the need «other» is chosen without its text")]
    OtherNeedWithoutText,
    #[error("a text for the need «other» is given but that need is not chosen")]
    OtherTextWithoutNeed,
    #[error("the text of the need «other» is longer than {MAX_OTHER_NEED} characters")]
    OtherNeedTooLong,
    #[error("the features are longer than {MAX_FEATURES} characters")]
    FeaturesTooLong,
    #[error("the features text is empty")]
    EmptyFeatures,
    #[error("the channel contradicts the touchpoint kind")]
    ChannelMismatch,
}

impl Invalid {
    /// A stable name, used for locale keys (`invalid-<name>`).
    pub fn name(&self) -> &'static str {
        match self {
            Invalid::EmptyPoint => "empty-point",
            Invalid::PointTooLong => "point-too-long",
            Invalid::NoNeeds => "no-needs",
            Invalid::OtherNeedWithoutText => "other-need-without-text",
            Invalid::OtherTextWithoutNeed => "other-text-without-need",
            Invalid::OtherNeedTooLong => "other-need-too-long",
            Invalid::FeaturesTooLong => "features-too-long",
            Invalid::EmptyFeatures => "empty-features",
            Invalid::ChannelMismatch => "channel-mismatch",
        }
    }
}

/// Checks a text a person typed for a field: trimmed, non-empty, not over `max` characters.
/// Returns the trimmed text.
pub fn clean_text(text: &str, max: usize) -> Result<String, TextProblem> {
    let t = text.trim();
    if t.is_empty() {
        Err(TextProblem::Empty)
    } else if t.chars().count() > max {
        Err(TextProblem::TooLong { max })
    } else {
        Ok(t.to_string())
    }
}

/// Why a typed text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    Empty,
    TooLong { max: usize },
}

impl TouchpointData {
    /// Completeness (3.3.2): every column filled and valid. All problems, not only the first.
    pub fn validate(&self) -> Result<(), Vec<Invalid>> {
        let mut errs = Vec::new();
        let point = self.point.trim();
        if point.is_empty() {
            errs.push(Invalid::EmptyPoint);
        } else if point.chars().count() > MAX_POINT {
            errs.push(Invalid::PointTooLong);
        }
        if self.needs.is_empty() {
            errs.push(Invalid::NoNeeds);
        }
        let other_text = self.other_need.as_deref().map(str::trim);
        match (self.needs.contains(&Need::Other), other_text) {
            (true, None) | (true, Some("")) => errs.push(Invalid::OtherNeedWithoutText),
            (false, Some(_)) => errs.push(Invalid::OtherTextWithoutNeed),
            (true, Some(t)) if t.chars().count() > MAX_OTHER_NEED => {
                errs.push(Invalid::OtherNeedTooLong)
            }
            _ => {}
        }
        if let Some(f) = &self.features {
            let f = f.trim();
            if f.is_empty() {
                errs.push(Invalid::EmptyFeatures);
            } else if f.chars().count() > MAX_FEATURES {
                errs.push(Invalid::FeaturesTooLong);
            }
        }
        if let Some(fixed) = self.kind.fixed_channel() {
            if fixed != self.channel {
                errs.push(Invalid::ChannelMismatch);
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }

    /// The key under which this point is unique within its function (3.7).
    pub fn point_key(&self) -> String {
        point_key(self.kind, &self.point)
    }

    /// Column 5 in the Order's full wording, with the text of the "other" need.
    pub fn needs_full(&self) -> Vec<String> {
        self.needs
            .iter()
            .map(|n| match (n, &self.other_need) {
                (Need::Other, Some(t)) => format!("{}: {}", n.full(), t.trim()),
                _ => n.full().to_string(),
            })
            .collect()
    }
}

/// Normalises a concrete point so that the same point written differently is recognised as
/// one (3.7: one touchpoint per process): case, runs of spaces, `http(s)://`, `www.` and a
/// trailing slash do not make a second point, nor do the spaces, dashes and brackets of a
/// phone number. The kind is part of the key: the same address as a site and as a chat bot
/// are two points.
pub fn point_key(kind: Kind, point: &str) -> String {
    let lower = point.trim().to_lowercase();
    let collapsed = lower.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s = collapsed.as_str();
    for scheme in ["https://", "http://"] {
        if let Some(rest) = s.strip_prefix(scheme) {
            s = rest;
            break;
        }
    }
    if let Some(rest) = s.strip_prefix("www.") {
        s = rest;
    }
    let s = s.trim_end_matches('/');
    let phone_like = !s.is_empty()
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '(' | ')' | ' ' | '.'));
    let body = if phone_like {
        s.chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect()
    } else {
        s.to_string()
    };
    format!("{}|{}", kind.code(), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> TouchpointData {
        TouchpointData {
            direction: Direction::Appeals,
            function_id: 1,
            kind: Kind::Website,
            channel: Channel::Digital,
            point: "https://lenobl.ru/appeal".into(),
            needs: [Need::Information, Need::Application].into_iter().collect(),
            other_need: None,
            features: None,
            clients: Clients::External,
            little_used: false,
        }
    }

    #[test]
    fn a_complete_row_is_valid() {
        assert_eq!(data().validate(), Ok(()));
    }

    #[test]
    fn empty_point_and_no_needs_are_both_reported() {
        let mut d = data();
        d.point = "   ".into();
        d.needs.clear();
        assert_eq!(
            d.validate(),
            Err(vec![Invalid::EmptyPoint, Invalid::NoNeeds])
        );
    }

    #[test]
    fn point_length_limit_counts_characters_not_bytes() {
        let mut d = data();
        d.point = "я".repeat(MAX_POINT);
        assert_eq!(d.validate(), Ok(()));
        d.point.push('я');
        assert_eq!(d.validate(), Err(vec![Invalid::PointTooLong]));
    }

    #[test]
    fn other_need_requires_its_text() {
        let mut d = data();
        d.needs.insert(Need::Other);
        assert_eq!(d.validate(), Err(vec![Invalid::OtherNeedWithoutText]));
        d.other_need = Some("  ".into());
        assert_eq!(d.validate(), Err(vec![Invalid::OtherNeedWithoutText]));
        d.other_need = Some("Запись на приём".into());
        assert_eq!(d.validate(), Ok(()));
        d.other_need = Some("x".repeat(MAX_OTHER_NEED + 1));
        assert_eq!(d.validate(), Err(vec![Invalid::OtherNeedTooLong]));
    }

    #[test]
    fn other_text_without_the_need_is_refused() {
        let mut d = data();
        d.other_need = Some("что-то".into());
        assert_eq!(d.validate(), Err(vec![Invalid::OtherTextWithoutNeed]));
    }

    #[test]
    fn features_are_none_or_a_bounded_text() {
        let mut d = data();
        d.features = Some("Только по записи".into());
        assert_eq!(d.validate(), Ok(()));
        d.features = Some(" ".into());
        assert_eq!(d.validate(), Err(vec![Invalid::EmptyFeatures]));
        d.features = Some("x".repeat(MAX_FEATURES + 1));
        assert_eq!(d.validate(), Err(vec![Invalid::FeaturesTooLong]));
    }

    #[test]
    fn channel_must_match_a_fixed_kind() {
        let mut d = data();
        d.channel = Channel::Offline;
        assert_eq!(d.validate(), Err(vec![Invalid::ChannelMismatch]));
        d.kind = Kind::Written;
        assert_eq!(d.validate(), Ok(()));
        d.kind = Kind::InPerson;
        assert_eq!(d.validate(), Ok(()));
        d.channel = Channel::Digital;
        assert_eq!(d.validate(), Err(vec![Invalid::ChannelMismatch]));
    }

    #[test]
    fn point_key_ignores_case_scheme_www_spaces_and_trailing_slash() {
        let k = point_key(Kind::Website, "https://lenobl.ru/appeal");
        assert_eq!(k, point_key(Kind::Website, "HTTP://www.Lenobl.ru/appeal/"));
        assert_eq!(k, point_key(Kind::Website, "  lenobl.ru/appeal//  "));
        assert_eq!(k, point_key(Kind::Website, "www.lenobl.ru/appeal"));
        assert_ne!(k, point_key(Kind::Website, "lenobl.ru/appeals"));
    }

    #[test]
    fn point_key_collapses_inner_spaces() {
        assert_eq!(
            point_key(Kind::InPerson, "Кабинет   12,  Суворовский пр."),
            point_key(Kind::InPerson, "кабинет 12, суворовский пр.")
        );
    }

    #[test]
    fn point_key_reads_phone_numbers_by_their_digits() {
        assert_eq!(
            point_key(Kind::Phone, "+7 (812) 539-40-60"),
            point_key(Kind::Phone, "+78125394060")
        );
        // Not phone-like: digits inside words are kept as they are.
        assert_ne!(
            point_key(Kind::InPerson, "Окно 12"),
            point_key(Kind::InPerson, "Кабинет 12")
        );
    }

    #[test]
    fn the_kind_is_part_of_the_key() {
        assert_ne!(
            point_key(Kind::Website, "lenobl.ru"),
            point_key(Kind::ChatBot, "lenobl.ru")
        );
    }

    #[test]
    fn needs_full_writes_the_other_text() {
        let mut d = data();
        d.needs.insert(Need::Other);
        d.other_need = Some(" Запись ".into());
        assert_eq!(
            d.needs_full(),
            vec![
                "Получение информации".to_string(),
                "Представление заявления, обращения, запроса, документов".to_string(),
                "Другие удовлетворяемые потребности клиента: Запись".to_string(),
            ]
        );
    }

    #[test]
    fn clean_text_trims_and_bounds() {
        assert_eq!(clean_text("  a b ", 10), Ok("a b".to_string()));
        assert_eq!(clean_text(" \n ", 10), Err(TextProblem::Empty));
        assert_eq!(
            clean_text("abcdef", 5),
            Err(TextProblem::TooLong { max: 5 })
        );
    }

    #[test]
    fn data_survives_a_json_round_trip() {
        let mut d = data();
        d.needs.insert(Need::Other);
        d.other_need = Some("x".into());
        let s = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<TouchpointData>(&s).unwrap(), d);
    }
}
