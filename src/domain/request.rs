//! A change request: what a division head reports and the authorized person decides (5.1).

use serde::{Deserialize, Serialize};

use super::touchpoint::TouchpointData;

/// What the request does to the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Add,
    Change,
    Exclude,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Change => "change",
            Action::Exclude => "exclude",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [Action::Add, Action::Change, Action::Exclude]
            .into_iter()
            .find(|a| a.code() == s)
    }
}

/// Why the list changes (5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReasonKind {
    /// 5.1.1: a function or service added to or removed from the Registry.
    Registry,
    /// 5.1.2: the touchpoint's kind changed.
    KindChanged,
    /// 5.1.3: the needs met at the touchpoint changed.
    NeedsChanged,
    /// Anything else (a new point found by analysis, 3.6; a corrected address …).
    Other,
}

impl ReasonKind {
    pub const ALL: &'static [ReasonKind] = &[
        ReasonKind::Registry,
        ReasonKind::KindChanged,
        ReasonKind::NeedsChanged,
        ReasonKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReasonKind::Registry => "5.1.1",
            ReasonKind::KindChanged => "5.1.2",
            ReasonKind::NeedsChanged => "5.1.3",
            ReasonKind::Other => "other",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.code() == s)
    }

    /// The reason a change implies, from what differs between the old and the new row.
    pub fn of_change(old: &TouchpointData, new: &TouchpointData) -> ReasonKind {
        if old.kind != new.kind {
            ReasonKind::KindChanged
        } else if old.needs != new.needs || old.other_need != new.other_need {
            ReasonKind::NeedsChanged
        } else {
            ReasonKind::Other
        }
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestStatus {
    Pending,
    Accepted,
    Rejected,
    Withdrawn,
    /// Returned to its author for correction (with a note): not waiting for a decision, but
    /// its row stays taken until it is sent again (as a new report) or withdrawn.
    Returned,
}

impl RequestStatus {
    pub fn code(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Accepted => "accepted",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Withdrawn => "withdrawn",
            RequestStatus::Returned => "returned",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [
            RequestStatus::Pending,
            RequestStatus::Accepted,
            RequestStatus::Rejected,
            RequestStatus::Withdrawn,
            RequestStatus::Returned,
        ]
        .into_iter()
        .find(|r| r.code() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dict::*;

    fn base() -> TouchpointData {
        TouchpointData {
            direction: Direction::Appeals,
            function_id: 1,
            kind: Kind::Phone,
            channel: Channel::Offline,
            point: "+7 812 000-00-00".into(),
            needs: [Need::Consultation].into_iter().collect(),
            other_need: None,
            features: None,
            clients: Clients::Both,
            little_used: false,
        }
    }

    #[test]
    fn codes_round_trip() {
        for a in [Action::Add, Action::Change, Action::Exclude] {
            assert_eq!(Action::from_code(a.code()), Some(a));
        }
        for r in ReasonKind::ALL {
            assert_eq!(ReasonKind::from_code(r.code()), Some(*r));
        }
        for s in ["pending", "accepted", "rejected", "withdrawn", "returned"] {
            assert_eq!(RequestStatus::from_code(s).unwrap().code(), s);
        }
        assert_eq!(RequestStatus::from_code("x"), None);
    }

    #[test]
    fn reason_of_a_change_follows_5_1() {
        let old = base();
        let mut new = base();
        assert_eq!(ReasonKind::of_change(&old, &new), ReasonKind::Other);
        new.needs.insert(Need::Information);
        assert_eq!(ReasonKind::of_change(&old, &new), ReasonKind::NeedsChanged);
        new.kind = Kind::Written;
        assert_eq!(ReasonKind::of_change(&old, &new), ReasonKind::KindChanged);
    }
}
