//! A report in the making (`/new`, `/change`, `/exclude`): what the person chose or typed,
//! step by step, and the pure rules of the dialogue — which step comes next (the first
//! thing the draft still lacks), the row a complete draft describes, a draft filled from a
//! row. It is part of the persisted dialogue state (JSON in the `dialogues` table), so it
//! is a stored format: fields are added with `#[serde(default)]`, never renamed.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{Channel, Clients, Direction, Kind, Need, ReasonKind, Row, TouchpointData};

/// Which report the draft becomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    /// A new touchpoint (`/new`).
    #[default]
    New,
    /// A change of an existing row (`/change`).
    Change,
    /// An exclusion of a row (`/exclude`).
    Exclude,
}

/// Where the person is in the dialogue: the question on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// An authorized person chooses the division they report for.
    Division,
    #[default]
    Direction,
    Function,
    /// The function is missing from the Registry: its name is typed.
    FunctionName,
    Kind,
    Channel,
    Point,
    Needs,
    OtherNeed,
    Features,
    Clients,
    Summary,
    /// Which field to re-enter (from the summary).
    EditWhich,
    /// The point already stands under this function (3.7).
    Duplicate,
    /// Choosing a row: by direction, then function, then the row; or by typed text.
    PickDirection,
    PickFunction,
    PickRow,
    ExcludeReason,
    ExcludeReasonText,
}

/// A field of a report that can be re-entered from the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Function,
    Kind,
    Point,
    Needs,
    Features,
    Clients,
    /// An exclusion's reason (5.1).
    Reason,
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Field::Function,
        Field::Kind,
        Field::Point,
        Field::Needs,
        Field::Features,
        Field::Clients,
        Field::Reason,
    ];

    /// The columns of a row.
    const ROW: &'static [Field] = &[
        Field::Function,
        Field::Kind,
        Field::Point,
        Field::Needs,
        Field::Features,
        Field::Clients,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Field::Function => "fn",
            Field::Kind => "kind",
            Field::Point => "point",
            Field::Needs => "needs",
            Field::Features => "feat",
            Field::Clients => "cl",
            Field::Reason => "rs",
        }
    }

    pub fn from_code(s: &str) -> Option<Field> {
        Self::ALL.iter().copied().find(|f| f.code() == s)
    }

    /// The fields a draft of this mode may re-enter: a change keeps its function, an
    /// exclusion has only its reason.
    pub fn editable(mode: Mode) -> &'static [Field] {
        match mode {
            Mode::New => Field::ROW,
            Mode::Change => &Field::ROW[1..],
            Mode::Exclude => &[Field::Reason],
        }
    }
}

/// A report's draft: only what the person chose or typed, and ids.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    #[serde(default)]
    pub mode: Mode,
    #[serde(default)]
    pub step: Step,
    /// The bot's message whose buttons answer the current step; a press on any other
    /// message is stale.
    #[serde(default)]
    pub card: Option<i32>,
    /// A page of a long list of buttons.
    #[serde(default)]
    pub page: u16,
    #[serde(default)]
    pub division_id: Option<i64>,
    #[serde(default)]
    pub direction: Option<Direction>,
    #[serde(default)]
    pub function_id: Option<i64>,
    /// A function typed because it is missing from the Registry.
    #[serde(default)]
    pub function_name: Option<String>,
    #[serde(default)]
    pub kind: Option<Kind>,
    #[serde(default)]
    pub channel: Option<Channel>,
    #[serde(default)]
    pub point: Option<String>,
    #[serde(default)]
    pub needs: BTreeSet<Need>,
    #[serde(default)]
    pub other_need: Option<String>,
    /// `Some(None)`: "no features". Stored as absent (not answered), `null` (no features)
    /// or the text: plain `Option<Option<_>>` would read `null` back as "not answered".
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub features: Option<Option<String>>,
    #[serde(default)]
    pub clients: Option<Clients>,
    /// 3.5: the point is little used or has no records of contacts.
    #[serde(default)]
    pub little_used: bool,
    /// The row changed or excluded.
    #[serde(default)]
    pub row_id: Option<i64>,
    /// The row that holds the same point, when the step is `Duplicate`.
    #[serde(default)]
    pub duplicate_row: Option<i64>,
    /// The pending report of the same point, when the step is `Duplicate`.
    #[serde(default)]
    pub duplicate_request: Option<i64>,
    /// While choosing a row.
    #[serde(default)]
    pub pick_direction: Option<Direction>,
    #[serde(default)]
    pub pick_function: Option<i64>,
    #[serde(default)]
    pub search: Option<String>,
    #[serde(default)]
    pub reason_kind: Option<ReasonKind>,
    #[serde(default)]
    pub reason_text: Option<String>,
    /// The version of the row a change or an exclusion starts from: acceptance merges the
    /// report into the row as it will stand then, never undoing a change accepted since.
    #[serde(default)]
    pub base_version: Option<i64>,
    /// The report returned for correction that this draft corrects: sent, it becomes the
    /// next report of that chain.
    #[serde(default)]
    pub rework_of: Option<i64>,
    /// The version of the row this draft restores («Восстановить эту версию»). A draft of
    /// a new row with `row_id` brings that excluded row back.
    #[serde(default)]
    pub restore_version: Option<i64>,
}

/// Reads a field that is present (even as `null`) as `Some`.
fn present<'de, D>(d: D) -> Result<Option<Option<String>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Option::<String>::deserialize(d).map(Some)
}

impl Draft {
    /// The first column the draft still lacks, or the summary when it has them all.
    pub fn field_step(&self) -> Step {
        if self.direction.is_none() {
            Step::Direction
        } else if self.function_id.is_none() && self.function_name.is_none() {
            Step::Function
        } else if self.kind.is_none() {
            Step::Kind
        } else if self.channel.is_none() {
            Step::Channel
        } else if self.point.is_none() {
            Step::Point
        } else if self.needs.is_empty() {
            Step::Needs
        } else if self.needs.contains(&Need::Other) && self.other_need.is_none() {
            Step::OtherNeed
        } else if self.features.is_none() {
            Step::Features
        } else if self.clients.is_none() {
            Step::Clients
        } else {
            Step::Summary
        }
    }

    /// The first thing the draft still lacks.
    pub fn next_step(&self) -> Step {
        if self.division_id.is_none() {
            return Step::Division;
        }
        match self.mode {
            Mode::New => self.field_step(),
            Mode::Change | Mode::Exclude if self.row_id.is_none() => Step::PickDirection,
            Mode::Change => self.field_step(),
            Mode::Exclude => match (self.reason_kind, &self.reason_text) {
                (None, _) => Step::ExcludeReason,
                (Some(ReasonKind::Other), None) => Step::ExcludeReasonText,
                _ => Step::Summary,
            },
        }
    }

    /// The complete row the draft describes, under this function, once every column is
    /// there. The other need's text goes with that need only.
    pub fn data(&self, function_id: i64) -> Option<TouchpointData> {
        Some(TouchpointData {
            direction: self.direction?,
            function_id,
            kind: self.kind?,
            channel: self.channel?,
            point: self.point.clone()?,
            needs: self.needs.clone(),
            other_need: if self.needs.contains(&Need::Other) {
                self.other_need.clone()
            } else {
                None
            },
            features: self.features.clone()?,
            clients: self.clients?,
            little_used: self.little_used,
        })
    }

    /// Fills the draft with a row's current content (for a change).
    pub fn prefill(&mut self, row: &Row) {
        self.division_id = Some(row.division_id);
        self.row_id = Some(row.id);
        self.base_version = Some(row.version);
        self.fill(&row.data);
    }

    /// Fills the columns with a row's content (a row, a version, a report's proposal).
    pub fn fill(&mut self, r: &TouchpointData) {
        self.direction = Some(r.direction);
        self.function_id = Some(r.function_id);
        self.function_name = None;
        self.kind = Some(r.kind);
        self.channel = Some(r.channel);
        self.point = Some(r.point.clone());
        self.needs = r.needs.clone();
        self.other_need = r.other_need.clone();
        self.features = Some(r.features.clone());
        self.clients = Some(r.clients);
        self.little_used = r.little_used;
    }

    /// Forgets a field so that the dialogue asks for it again.
    pub fn clear(&mut self, f: Field) {
        match f {
            Field::Function => {
                self.direction = None;
                self.function_id = None;
                self.function_name = None;
            }
            Field::Kind => {
                self.kind = None;
                self.channel = None;
            }
            Field::Point => self.point = None,
            // The checklist shows the current needs; the other need's text is asked again
            // only when that need stays chosen.
            Field::Needs => self.other_need = None,
            Field::Features => self.features = None,
            Field::Clients => self.clients = None,
            Field::Reason => {
                self.reason_kind = None;
                self.reason_text = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_step_asks_for_what_is_missing_in_order() {
        let mut d = Draft {
            division_id: Some(1),
            ..Default::default()
        };
        assert_eq!(d.next_step(), Step::Direction);
        d.direction = Some(Direction::Appeals);
        assert_eq!(d.next_step(), Step::Function);
        d.function_name = Some("Новая функция".into());
        assert_eq!(d.next_step(), Step::Kind);
        d.kind = Some(Kind::Phone);
        assert_eq!(d.next_step(), Step::Channel);
        d.channel = Some(Channel::Offline);
        assert_eq!(d.next_step(), Step::Point);
        d.point = Some("+7 812 000-00-00".into());
        assert_eq!(d.next_step(), Step::Needs);
        d.needs.insert(Need::Other);
        assert_eq!(d.next_step(), Step::OtherNeed);
        d.other_need = Some("Запись".into());
        assert_eq!(d.next_step(), Step::Features);
        d.features = Some(None);
        assert_eq!(d.next_step(), Step::Clients);
        d.clients = Some(Clients::Both);
        assert_eq!(d.next_step(), Step::Summary);
        d.division_id = None;
        assert_eq!(d.next_step(), Step::Division);
    }

    #[test]
    fn change_and_exclude_start_by_choosing_a_row() {
        let mut d = Draft {
            mode: Mode::Exclude,
            division_id: Some(1),
            ..Default::default()
        };
        assert_eq!(d.next_step(), Step::PickDirection);
        d.row_id = Some(5);
        assert_eq!(d.next_step(), Step::ExcludeReason);
        d.reason_kind = Some(ReasonKind::Other);
        assert_eq!(d.next_step(), Step::ExcludeReasonText);
        d.reason_text = Some("Закрыт кабинет".into());
        assert_eq!(d.next_step(), Step::Summary);
        d.reason_kind = Some(ReasonKind::Registry);
        d.reason_text = None;
        assert_eq!(d.next_step(), Step::Summary);
        let d = Draft {
            mode: Mode::Change,
            division_id: Some(1),
            ..Default::default()
        };
        assert_eq!(d.next_step(), Step::PickDirection);
    }

    #[test]
    fn data_drops_the_other_text_when_other_is_not_chosen() {
        let mut d = Draft {
            direction: Some(Direction::Appeals),
            kind: Some(Kind::Website),
            channel: Some(Channel::Digital),
            point: Some("lenobl.ru".into()),
            other_need: Some("stale".into()),
            features: Some(None),
            clients: Some(Clients::External),
            ..Default::default()
        };
        assert_eq!(d.clone().data(3).map(|x| x.validate().is_err()), Some(true));
        d.needs.insert(Need::Information);
        let data = d.data(3).unwrap();
        assert_eq!(data.other_need, None);
        assert_eq!(data.validate(), Ok(()));
    }

    #[test]
    fn clearing_a_field_asks_for_it_again() {
        let mut d = Draft {
            division_id: Some(1),
            direction: Some(Direction::Appeals),
            function_id: Some(4),
            kind: Some(Kind::Phone),
            channel: Some(Channel::Offline),
            point: Some("+7".into()),
            needs: [Need::Information].into_iter().collect(),
            features: Some(None),
            clients: Some(Clients::Both),
            ..Default::default()
        };
        assert_eq!(d.next_step(), Step::Summary);
        d.clear(Field::Kind);
        assert_eq!(d.next_step(), Step::Kind);
        d.kind = Some(Kind::Phone);
        d.channel = Some(Channel::Offline);
        d.clear(Field::Function);
        assert_eq!(d.next_step(), Step::Direction);
        assert_eq!(Field::editable(Mode::Change).first(), Some(&Field::Kind));
        assert_eq!(Field::editable(Mode::New).len(), Field::ALL.len() - 1);
        assert_eq!(Field::editable(Mode::Exclude), &[Field::Reason]);
        let mut x = Draft {
            mode: Mode::Exclude,
            division_id: Some(1),
            row_id: Some(5),
            reason_kind: Some(ReasonKind::Other),
            reason_text: Some("Закрыт".into()),
            ..Default::default()
        };
        assert_eq!(x.next_step(), Step::Summary);
        x.clear(Field::Reason);
        assert_eq!(x.next_step(), Step::ExcludeReason);
    }

    #[test]
    fn a_draft_stored_by_an_older_version_without_new_fields_still_reads() {
        let old = r#"{"mode":"New","step":"Point","division_id":3}"#;
        let d: Draft = serde_json::from_str(old).unwrap();
        assert_eq!(
            (d.step, d.division_id, d.point.as_deref()),
            (Step::Point, Some(3), None)
        );
    }

    #[test]
    fn no_features_and_unanswered_features_round_trip_apart() {
        for features in [None, Some(None), Some(Some("Только по записи".to_string()))]
        {
            let d = Draft {
                features: features.clone(),
                ..Default::default()
            };
            let back: Draft = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
            assert_eq!(back.features, features);
        }
    }
}
