//! The list as a record: where a version of a row came from, what kind of change it was,
//! and the three-way merge that keeps two reports on one row from undoing each other.

use serde::{Deserialize, Serialize};

use super::TouchpointData;

/// Where a version of a row came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// An accepted report (its number).
    Report(i64),
    /// The existing list loaded from a file (its name).
    Import(String),
    /// A Registry import moved or renamed the row's function (the upload's number).
    Registry(i64),
}

impl Origin {
    /// How it is stored (`touchpoint_versions.origin`, `origin_detail`).
    pub fn code(&self) -> &'static str {
        match self {
            Origin::Report(_) => "report",
            Origin::Import(_) => "import",
            Origin::Registry(_) => "registry",
        }
    }

    pub fn detail(&self) -> String {
        match self {
            Origin::Report(id) | Origin::Registry(id) => id.to_string(),
            Origin::Import(file) => file.clone(),
        }
    }

    /// Reads a stored origin back; an unknown one is `None`.
    pub fn from_parts(code: &str, detail: Option<&str>, request_id: Option<i64>) -> Option<Self> {
        let number = || detail.and_then(|d| d.parse().ok());
        Some(match code {
            "report" => Origin::Report(request_id.or_else(number)?),
            "import" => Origin::Import(detail.unwrap_or_default().to_string()),
            "registry" => Origin::Registry(number()?),
            _ => return None,
        })
    }

    /// The report it came from, if any.
    pub fn request_id(&self) -> Option<i64> {
        match self {
            Origin::Report(id) => Some(*id),
            _ => None,
        }
    }
}

/// What a version did to its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// The row entered the list (its first version, or its return after an exclusion).
    Added,
    Changed,
    Excluded,
}

/// A part of a row that a change report may change on its own: the unit of the merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// Column 2.
    Direction,
    /// Column 3.
    Function,
    /// Column 4: the kind and the channel.
    Kind,
    /// Column 4: the point itself.
    Point,
    /// Column 5, with the text of the "other" need.
    Needs,
    /// Column 6.
    Features,
    Clients,
    /// The little-used note (3.5).
    LittleUsed,
}

impl Part {
    pub const ALL: &'static [Part] = &[
        Part::Direction,
        Part::Function,
        Part::Kind,
        Part::Point,
        Part::Needs,
        Part::Features,
        Part::Clients,
        Part::LittleUsed,
    ];

    /// A stable name, for locale keys (`part-<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Part::Direction => "direction",
            Part::Function => "function",
            Part::Kind => "kind",
            Part::Point => "point",
            Part::Needs => "needs",
            Part::Features => "features",
            Part::Clients => "clients",
            Part::LittleUsed => "little-used",
        }
    }
}

/// The parts in which two rows differ.
pub fn differing(a: &TouchpointData, b: &TouchpointData) -> Vec<Part> {
    Part::ALL
        .iter()
        .copied()
        .filter(|p| !same(*p, a, b))
        .collect()
}

fn same(p: Part, a: &TouchpointData, b: &TouchpointData) -> bool {
    match p {
        Part::Direction => a.direction == b.direction,
        Part::Function => a.function_id == b.function_id,
        Part::Kind => (a.kind, a.channel) == (b.kind, b.channel),
        Part::Point => a.point == b.point,
        Part::Needs => (&a.needs, &a.other_need) == (&b.needs, &b.other_need),
        Part::Features => a.features == b.features,
        Part::Clients => a.clients == b.clients,
        Part::LittleUsed => a.little_used == b.little_used,
    }
}

fn take(p: Part, into: &mut TouchpointData, from: &TouchpointData) {
    match p {
        Part::Direction => into.direction = from.direction,
        Part::Function => into.function_id = from.function_id,
        Part::Kind => {
            into.kind = from.kind;
            into.channel = from.channel;
        }
        Part::Point => into.point = from.point.clone(),
        Part::Needs => {
            into.needs = from.needs.clone();
            into.other_need = from.other_need.clone();
        }
        Part::Features => into.features = from.features.clone(),
        Part::Clients => into.clients = from.clients,
        Part::LittleUsed => into.little_used = from.little_used,
    }
}

/// A change report made against `base` (`mine`), applied to the row as it stands now
/// (`theirs`, after other changes since `base`): each part the report changed is taken from
/// it, each part it left alone keeps what happened since. When both changed a part
/// differently, nothing is merged: the parts in conflict are returned.
pub fn merge(
    base: &TouchpointData,
    mine: &TouchpointData,
    theirs: &TouchpointData,
) -> Result<TouchpointData, Vec<Part>> {
    let mut out = theirs.clone();
    let mut conflicts = vec![];
    for p in Part::ALL.iter().copied() {
        let mine_changed = !same(p, base, mine);
        let theirs_changed = !same(p, base, theirs);
        match (mine_changed, theirs_changed) {
            (false, _) => {}
            (true, false) => take(p, &mut out, mine),
            (true, true) if same(p, mine, theirs) => {}
            (true, true) => conflicts.push(p),
        }
    }
    if conflicts.is_empty() {
        Ok(out)
    } else {
        Err(conflicts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Channel, Clients, Direction, Kind, Need};

    fn row() -> TouchpointData {
        TouchpointData {
            direction: Direction::Appeals,
            function_id: 1,
            kind: Kind::Website,
            channel: Channel::Digital,
            point: "lenobl.ru".into(),
            needs: [Need::Information].into_iter().collect(),
            other_need: None,
            features: None,
            clients: Clients::External,
            little_used: false,
        }
    }

    #[test]
    fn two_reports_on_different_parts_both_hold() {
        // A adds a need and is accepted; B, made against the same base, edits the features.
        let base = row();
        let mut a = row();
        a.needs.insert(Need::Consultation);
        let mut b = row();
        b.features = Some("Круглосуточно".into());
        let merged = merge(&base, &b, &a).unwrap();
        assert!(
            merged.needs.contains(&Need::Consultation),
            "A's need is kept"
        );
        assert_eq!(merged.features.as_deref(), Some("Круглосуточно"));
        assert_eq!(differing(&a, &merged), vec![Part::Features]);
    }

    #[test]
    fn the_same_part_changed_twice_differently_is_a_conflict() {
        let base = row();
        let mut a = row();
        a.features = Some("По записи".into());
        a.clients = Clients::Both;
        let mut b = row();
        b.features = Some("Круглосуточно".into());
        assert_eq!(merge(&base, &b, &a), Err(vec![Part::Features]));
        // The same change made twice is no conflict.
        let mut c = row();
        c.features = Some("По записи".into());
        assert_eq!(merge(&base, &c, &a), Ok(a.clone()));
    }

    #[test]
    fn a_registry_move_of_the_direction_is_kept() {
        let base = row();
        let mut moved = row();
        moved.direction = Direction::Internal;
        let mut mine = row();
        mine.point = "new.lenobl.ru".into();
        let merged = merge(&base, &mine, &moved).unwrap();
        assert_eq!(merged.direction, Direction::Internal);
        assert_eq!(merged.point, "new.lenobl.ru");
    }

    #[test]
    fn origins_round_trip_as_stored() {
        for o in [
            Origin::Report(7),
            Origin::Import("перечень.xlsx".into()),
            Origin::Registry(3),
        ] {
            let back = Origin::from_parts(o.code(), Some(&o.detail()), o.request_id());
            assert_eq!(back, Some(o));
        }
        assert_eq!(
            Origin::from_parts("report", None, Some(9)),
            Some(Origin::Report(9))
        );
        assert_eq!(Origin::from_parts("other", None, None), None);
    }
}
