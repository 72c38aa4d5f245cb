//! Typed callback data. What a button carries is untrusted input: anyone can send any
//! callback data, so it is decoded into this enum (anything else is `Stale`) and every
//! handler checks it against who pressed, the dialogue's current step and card, and what
//! is still true in the database. Encoded compactly; Telegram allows at most 64 bytes.
//! The encoding is a stored format too (buttons stay in chats): keep old encodings
//! decoding to the same thing.

use crate::domain::draft::Field;
use crate::domain::{Channel, Clients, Direction, Kind, Lang, Moment, Need, ReasonKind, Role};
use crate::export::Format;

/// Which part of the list a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListScope {
    All,
    Direction(Direction),
    Division(i64),
}

/// Telegram's limit on callback data, in bytes.
pub const MAX_LEN: usize = 64;

/// Buttons of the administration (`/divisions`, `/people`, `/invites`). Every press is
/// checked against the presser's role now and the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminCb {
    /// A page of `/divisions`.
    Divisions(u16),
    DivisionAdd,
    /// One division's card.
    Division(i64),
    DivisionRename(i64),
    DivisionRetire(i64),
    DivisionRestore(i64),
    /// A page of `/people`.
    People(u16),
    /// One person's card.
    Person(i64),
    /// Make the person an authorized person or a viewer (a head is made by
    /// `PersonDivision`).
    PersonRole(i64, Role),
    /// Choose the division of the person as its head.
    PersonHead(i64),
    /// Make the person the head of this division.
    PersonDivision(i64, i64),
    /// Ask to confirm revoking the person's access.
    PersonRevoke(i64),
    PersonRevokeYes(i64),
    /// Invite someone into this role (authorized person or viewer).
    Invite(Role),
    /// Revoke the open invitation with this handle (`db::invites::handle`).
    InviteRevoke(u64),
    /// Close a card without doing anything.
    Close,
}

impl AdminCb {
    fn encode(&self) -> String {
        use AdminCb::*;
        match self {
            Divisions(p) => format!("ad:l:{p}"),
            DivisionAdd => "ad:a".into(),
            Division(id) => format!("ad:o:{id}"),
            DivisionRename(id) => format!("ad:n:{id}"),
            DivisionRetire(id) => format!("ad:x:{id}"),
            DivisionRestore(id) => format!("ad:u:{id}"),
            People(p) => format!("ap:l:{p}"),
            Person(id) => format!("ap:o:{id}"),
            PersonRole(id, r) => format!("ap:r:{id}:{}", r.code()),
            PersonHead(id) => format!("ap:h:{id}"),
            PersonDivision(id, d) => format!("ap:d:{id}:{d}"),
            PersonRevoke(id) => format!("ap:x:{id}"),
            PersonRevokeYes(id) => format!("ap:y:{id}"),
            Invite(r) => format!("ai:n:{}", r.code()),
            InviteRevoke(h) => format!("ai:x:{h:016x}"),
            Close => "ac".into(),
        }
    }

    /// `tag` is `ad`, `ap`, `ai` or `ac`; `arg` what follows its colon.
    fn decode(tag: &str, arg: Option<&str>) -> Option<AdminCb> {
        use AdminCb::*;
        let positive = |s: &str| s.parse::<i64>().ok().filter(|n| *n > 0);
        // Roles a button may give: not `none` (that is revoking, with its confirmation).
        let role = |s: &str| Role::from_code(s).filter(|r| *r != Role::Stranger);
        if tag == "ac" {
            return arg.is_none().then_some(Close);
        }
        let (what, rest) = match arg?.split_once(':') {
            Some((w, r)) => (w, Some(r)),
            None => (arg?, None),
        };
        Some(match (tag, what, rest) {
            ("ad", "l", Some(p)) => Divisions(p.parse().ok()?),
            ("ad", "a", None) => DivisionAdd,
            ("ad", "o", Some(id)) => Division(positive(id)?),
            ("ad", "n", Some(id)) => DivisionRename(positive(id)?),
            ("ad", "x", Some(id)) => DivisionRetire(positive(id)?),
            ("ad", "u", Some(id)) => DivisionRestore(positive(id)?),
            ("ap", "l", Some(p)) => People(p.parse().ok()?),
            ("ap", "o", Some(id)) => Person(positive(id)?),
            ("ap", "r", Some(a)) => {
                let (id, r) = a.split_once(':')?;
                let r = role(r).filter(|r| *r != Role::Head)?;
                PersonRole(positive(id)?, r)
            }
            ("ap", "h", Some(id)) => PersonHead(positive(id)?),
            ("ap", "d", Some(a)) => {
                let (id, d) = a.split_once(':')?;
                PersonDivision(positive(id)?, positive(d)?)
            }
            ("ap", "x", Some(id)) => PersonRevoke(positive(id)?),
            ("ap", "y", Some(id)) => PersonRevokeYes(positive(id)?),
            ("ai", "n", Some(r)) => Invite(role(r).filter(|r| *r != Role::Head)?),
            ("ai", "x", Some(h)) if h.len() == 16 && !h.starts_with('+') => {
                InviteRevoke(u64::from_str_radix(h, 16).ok()?)
            }
            _ => return None,
        })
    }
}

/// The buttons of a report under way (`/new`, `/change`, `/exclude`): they count only on
/// the draft's current card and step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportCb {
    Division(i64),
    Direction(Direction),
    Function(i64),
    /// Show another page of a long list of buttons.
    Page(u16),
    /// The function is missing from the Registry: type it.
    TypeFunction,
    Kind(Kind),
    Channel(Channel),
    ToggleNeed(Need),
    NeedsDone,
    NoFeatures,
    Clients(Clients),
    /// Mark or unmark the point as little used (3.5), on the summary.
    LittleUsed,
    Send,
    /// Re-enter a field (from the summary): shows the list of fields.
    Edit,
    EditField(Field),
    /// Back to the summary.
    Back,
    Row(i64),
    /// The point is a duplicate: change the needs of that row instead.
    ChangeNeedsOf(i64),
    /// The point is a duplicate: enter another point.
    OtherPoint,
    ExcludeReason(ReasonKind),
}

/// What a draft is opened from (outside `/new`, `/change`, `/exclude`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftCb {
    /// «Исправить»: the report returned for correction, to correct and send again.
    Rework(i64),
    /// «Восстановить эту версию»: a row and one of its versions, as a report of a change
    /// (or of the excluded row's return).
    Restore(i64, i64),
}

/// The buttons under a Registry file's preview (`registry_uploads.id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryCb {
    Apply(i64),
    Discard(i64),
}

/// The buttons under a list file's preview (`list_uploads.id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListImportCb {
    Apply(i64),
    Discard(i64),
    /// Rows whose file does not say their clients take these.
    Clients(i64, Clients),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackData {
    /// Switch the interface language.
    SetLang(Lang),
    /// Leave the dialogue (a report's draft, or a question such as a rejection's reason).
    Cancel,
    /// A step of a report under way.
    Report(ReportCb),
    /// Withdraw one's pending report.
    Withdraw(i64),
    /// A page of `/my`.
    MyPage(u16),
    /// The authorized person's decision on a report.
    Accept(i64),
    Reject(i64),
    /// Reject with the prepared reason: the row changed since the report, in the same
    /// parts (offered when accepting would undo an accepted change).
    RejectChanged(i64),
    /// «На доработку»: return the report to its author for correction (asks for a note).
    Return(i64),
    /// Open a draft from a report or a version; `true`: the person agreed to drop the
    /// draft they had under way.
    OpenDraft(DraftCb, bool),
    /// Keep the draft under way (the answer to «replace it?»).
    KeepDraft,
    /// Show a row's history.
    History(i64),
    /// `/list`: choose the format, or turn the page of divisions; with a moment for the
    /// list as it stood then (`/list 01.12.2026 14:30`).
    ListFormat(Format, u16, Option<Moment>),
    /// `/list`: make the file (of the list as it stood at the moment, when one is given).
    List(Format, ListScope, Option<Moment>),
    /// The administration's buttons.
    Admin(AdminCb),
    /// A Registry file's preview.
    Registry(RegistryCb),
    /// A list file's preview.
    ListImport(ListImportCb),
    /// A reminder (5.2): `Всё актуально` for this round.
    Current(i64),
    /// A reminder: `Сообщить об изменениях`.
    ReportChanges,
    /// Data no button of this bot carries now: an old button, or forged.
    Stale,
}

impl From<ReportCb> for CallbackData {
    fn from(b: ReportCb) -> Self {
        CallbackData::Report(b)
    }
}

impl ReportCb {
    fn encode(&self) -> String {
        use ReportCb::*;
        match self {
            Division(id) => format!("dv:{id}"),
            Direction(d) => format!("d:{}", d.index()),
            Function(id) => format!("f:{id}"),
            Page(p) => format!("pg:{p}"),
            TypeFunction => "ft".into(),
            Kind(k) => format!("k:{}", k.index()),
            Channel(c) => format!("ch:{}", c.code()),
            ToggleNeed(n) => format!("n:{}", n.index()),
            NeedsDone => "nd".into(),
            NoFeatures => "nf".into(),
            LittleUsed => "lu".into(),
            Clients(c) => format!("cl:{}", c.code()),
            Send => "s".into(),
            Edit => "e".into(),
            EditField(f) => format!("ef:{}", f.code()),
            Back => "b".into(),
            Row(id) => format!("r:{id}"),
            ChangeNeedsOf(id) => format!("dn:{id}"),
            OtherPoint => "op".into(),
            ExcludeReason(r) => format!("xr:{}", r.code()),
        }
    }

    fn decode(tag: &str, arg: Option<&str>) -> Option<ReportCb> {
        use ReportCb::*;
        let id = || arg.and_then(|a| a.parse::<i64>().ok()).filter(|n| *n > 0);
        let index = || arg.and_then(|a| a.parse::<usize>().ok());
        let page = || arg.and_then(|a| a.parse::<u16>().ok());
        Some(match (tag, arg) {
            ("dv", _) => Division(id()?),
            ("d", _) => Direction(crate::domain::Direction::from_index(index()?)?),
            ("f", _) => Function(id()?),
            ("pg", _) => Page(page()?),
            ("ft", None) => TypeFunction,
            ("k", _) => Kind(crate::domain::Kind::from_index(index()?)?),
            ("ch", Some(a)) => Channel(crate::domain::Channel::from_code(a)?),
            ("n", _) => ToggleNeed(Need::from_index(index()?)?),
            ("nd", None) => NeedsDone,
            ("nf", None) => NoFeatures,
            ("lu", None) => LittleUsed,
            ("cl", Some(a)) => Clients(crate::domain::Clients::from_code(a)?),
            ("s", None) => Send,
            ("e", None) => Edit,
            ("ef", Some(a)) => EditField(Field::from_code(a)?),
            ("b", None) => Back,
            ("r", _) => Row(id()?),
            ("dn", _) => ChangeNeedsOf(id()?),
            ("op", None) => OtherPoint,
            ("xr", Some(a)) => ExcludeReason(ReasonKind::from_code(a)?),
            _ => return None,
        })
    }
}

impl CallbackData {
    pub fn encode(&self) -> String {
        use CallbackData::*;
        match self {
            SetLang(l) => format!("lang:{}", l.code()),
            Cancel => "x".into(),
            Report(r) => r.encode(),
            Withdraw(id) => format!("w:{id}"),
            MyPage(p) => format!("my:{p}"),
            Accept(id) => format!("rv:a:{id}"),
            Reject(id) => format!("rv:r:{id}"),
            RejectChanged(id) => format!("rv:c:{id}"),
            Return(id) => format!("rv:b:{id}"),
            OpenDraft(target, replace) => {
                let yes = if *replace { ":y" } else { "" };
                match target {
                    DraftCb::Rework(id) => format!("rw:{id}{yes}"),
                    DraftCb::Restore(row, v) => format!("rs:{row}:{v}{yes}"),
                }
            }
            KeepDraft => "kd".into(),
            History(id) => format!("hi:{id}"),
            ListFormat(f, 0, None) => format!("lf:{}", f.extension()),
            ListFormat(f, page, None) => format!("lf:{}:{page}", f.extension()),
            ListFormat(f, page, Some(m)) => format!("lf:{}:{page}:{}", f.extension(), m.code()),
            List(f, scope, at) => {
                let scope = match scope {
                    ListScope::All => "a".to_string(),
                    ListScope::Direction(d) => format!("d{}", d.index()),
                    ListScope::Division(id) => format!("v{id}"),
                };
                match at {
                    None => format!("ls:{}:{scope}", f.extension()),
                    Some(m) => format!("ls:{}:{scope}:{}", f.extension(), m.code()),
                }
            }
            Admin(a) => a.encode(),
            Registry(RegistryCb::Apply(id)) => format!("ag:a:{id}"),
            Registry(RegistryCb::Discard(id)) => format!("ag:d:{id}"),
            ListImport(ListImportCb::Apply(id)) => format!("li:a:{id}"),
            ListImport(ListImportCb::Discard(id)) => format!("li:d:{id}"),
            ListImport(ListImportCb::Clients(id, c)) => format!("li:c:{id}:{}", c.code()),
            Current(round) => format!("ok:{round}"),
            ReportChanges => "chg".into(),
            // Never put on a button; decodes back to itself like any unknown data.
            Stale => "?".into(),
        }
    }

    /// What a press carries, typed: data this bot does not make now (or none) is `Stale`.
    pub fn parse(data: Option<&str>) -> CallbackData {
        data.and_then(Self::decode).unwrap_or(CallbackData::Stale)
    }

    pub fn decode(s: &str) -> Option<CallbackData> {
        use CallbackData::*;
        if s.len() > MAX_LEN {
            return None;
        }
        let (tag, arg) = match s.split_once(':') {
            Some((t, a)) => (t, Some(a)),
            None => (s, None),
        };
        let id = || arg.and_then(|a| a.parse::<i64>().ok()).filter(|n| *n > 0);
        let page = || arg.and_then(|a| a.parse::<u16>().ok());
        let positive = |s: &str| s.parse::<i64>().ok().filter(|n| *n > 0);
        Some(match (tag, arg) {
            ("lang", Some(a)) => SetLang(Lang::from_code(a)?),
            ("x", None) => Cancel,
            ("w", _) => Withdraw(id()?),
            ("my", _) => MyPage(page()?),
            ("rv", Some(a)) => {
                let (what, n) = a.split_once(':')?;
                let n = positive(n)?;
                match what {
                    "a" => Accept(n),
                    "r" => Reject(n),
                    "c" => RejectChanged(n),
                    "b" => Return(n),
                    _ => return None,
                }
            }
            ("hi", _) => History(id()?),
            ("rw", Some(a)) => {
                let (n, replace) = match a.split_once(':') {
                    Some((n, "y")) => (n, true),
                    Some(_) => return None,
                    None => (a, false),
                };
                OpenDraft(DraftCb::Rework(positive(n)?), replace)
            }
            ("rs", Some(a)) => {
                let mut parts = a.split(':');
                let row = positive(parts.next()?)?;
                let version = positive(parts.next()?)?;
                let replace = match parts.next() {
                    None => false,
                    Some("y") => true,
                    Some(_) => return None,
                };
                if parts.next().is_some() {
                    return None;
                }
                OpenDraft(DraftCb::Restore(row, version), replace)
            }
            ("kd", None) => KeepDraft,
            ("lf", Some(a)) => {
                let mut parts = a.splitn(3, ':');
                let f = parts.next()?;
                let page = match parts.next() {
                    Some(p) => p.parse::<u16>().ok()?,
                    None => 0,
                };
                let at = match parts.next() {
                    Some(m) => Some(Moment::from_code(m)?),
                    None => None,
                };
                ListFormat(
                    Format::from_code(f).filter(|x| x.extension() == f)?,
                    page,
                    at,
                )
            }
            ("ls", Some(a)) => {
                let mut parts = a.splitn(3, ':');
                let f = parts.next()?;
                let scope = parts.next()?;
                let at = match parts.next() {
                    Some(m) => Some(Moment::from_code(m)?),
                    None => None,
                };
                let f = Format::from_code(f).filter(|x| x.extension() == f)?;
                let scope = if scope == "a" {
                    ListScope::All
                } else if let Some(i) = scope.strip_prefix('d') {
                    ListScope::Direction(crate::domain::Direction::from_index(i.parse().ok()?)?)
                } else if let Some(id) = scope.strip_prefix('v') {
                    ListScope::Division(positive(id)?)
                } else {
                    return None;
                };
                List(f, scope, at)
            }
            ("ok", _) => Current(id()?),
            ("chg", None) => ReportChanges,
            ("ag", Some(a)) => {
                let (what, n) = a.split_once(':')?;
                let n = positive(n)?;
                Registry(match what {
                    "a" => RegistryCb::Apply(n),
                    "d" => RegistryCb::Discard(n),
                    _ => return None,
                })
            }
            ("li", Some(a)) => {
                let (what, rest) = a.split_once(':')?;
                ListImport(match (what, rest.split_once(':')) {
                    ("a", None) => ListImportCb::Apply(positive(rest)?),
                    ("d", None) => ListImportCb::Discard(positive(rest)?),
                    ("c", Some((n, c))) => {
                        ListImportCb::Clients(positive(n)?, Clients::from_code(c)?)
                    }
                    _ => return None,
                })
            }
            ("ad" | "ap" | "ai" | "ac", _) => Admin(AdminCb::decode(tag, arg)?),
            _ => Report(ReportCb::decode(tag, arg)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<CallbackData> {
        use CallbackData::*;
        let mut v: Vec<CallbackData> = Lang::ALL.iter().map(|l| SetLang(*l)).collect();
        v.extend([Cancel, ReportChanges]);
        v.extend([Current(1), Current(i64::MAX), Withdraw(i64::MAX)]);
        v.extend([MyPage(0), MyPage(3)]);
        v.extend([
            Accept(i64::MAX),
            Reject(1),
            RejectChanged(7),
            Return(i64::MAX),
            History(i64::MAX),
            KeepDraft,
        ]);
        for replace in [false, true] {
            v.extend([
                OpenDraft(DraftCb::Rework(i64::MAX), replace),
                OpenDraft(DraftCb::Restore(i64::MAX, i64::MAX), replace),
                OpenDraft(DraftCb::Restore(1, 2), replace),
            ]);
        }
        v.extend([
            Registry(RegistryCb::Apply(i64::MAX)),
            Registry(RegistryCb::Discard(1)),
            ListImport(ListImportCb::Apply(i64::MAX)),
            ListImport(ListImportCb::Discard(1)),
        ]);
        v.extend(
            crate::domain::Clients::ALL
                .iter()
                .map(|c| ListImport(ListImportCb::Clients(i64::MAX, *c))),
        );
        let minute = Moment::parse("31.12.9999 23:59").ok();
        let day = Moment::parse("01.12.2026").ok();
        for f in Format::ALL {
            for at in [None, minute, day] {
                v.push(ListFormat(*f, 0, at));
                v.push(ListFormat(*f, u16::MAX, at));
                v.push(List(*f, ListScope::All, at));
                v.push(List(*f, ListScope::Division(i64::MAX), at));
                v.extend(
                    crate::domain::Direction::ALL
                        .iter()
                        .map(|d| List(*f, ListScope::Direction(*d), at)),
                );
            }
        }
        {
            use ReportCb::*;
            let mut r = vec![
                TypeFunction,
                NeedsDone,
                NoFeatures,
                Send,
                Edit,
                Back,
                OtherPoint,
                LittleUsed,
                Division(i64::MAX),
                Function(1),
                Row(i64::MAX),
                ChangeNeedsOf(7),
                Page(0),
                Page(u16::MAX),
            ];
            r.extend(crate::domain::Direction::ALL.iter().map(|d| Direction(*d)));
            r.extend(crate::domain::Kind::ALL.iter().map(|k| Kind(*k)));
            r.extend(Need::ALL.iter().map(|n| ToggleNeed(*n)));
            r.extend(crate::domain::Clients::ALL.iter().map(|c| Clients(*c)));
            r.extend([
                Channel(crate::domain::Channel::Digital),
                Channel(crate::domain::Channel::Offline),
            ]);
            r.extend(Field::ALL.iter().map(|f| EditField(*f)));
            r.extend(ReasonKind::ALL.iter().map(|x| ExcludeReason(*x)));
            v.extend(r.into_iter().map(Report));
        }
        {
            use AdminCb::*;
            let m = i64::MAX;
            v.extend(
                [
                    Divisions(0),
                    Divisions(u16::MAX),
                    DivisionAdd,
                    Division(m),
                    DivisionRename(1),
                    DivisionRetire(m),
                    DivisionRestore(m),
                    People(7),
                    Person(m),
                    PersonRole(m, Role::Admin),
                    PersonRole(m, Role::Viewer),
                    PersonHead(m),
                    PersonDivision(m, m),
                    PersonRevoke(m),
                    PersonRevokeYes(m),
                    Invite(Role::Admin),
                    Invite(Role::Viewer),
                    InviteRevoke(0),
                    InviteRevoke(u64::MAX),
                    InviteRevoke(0x0123_4567_89ab_cdef),
                    Close,
                ]
                .map(Admin),
            );
        }
        v
    }

    #[test]
    fn anything_else_is_stale() {
        assert_eq!(CallbackData::parse(None), CallbackData::Stale);
        assert_eq!(CallbackData::parse(Some("nope")), CallbackData::Stale);
        assert_eq!(
            CallbackData::parse(Some(&CallbackData::Stale.encode())),
            CallbackData::Stale
        );
        assert_eq!(
            CallbackData::parse(Some("s")),
            CallbackData::Report(ReportCb::Send)
        );
    }

    #[test]
    fn every_value_round_trips_within_64_bytes() {
        for c in all() {
            let s = c.encode();
            assert!(s.len() <= MAX_LEN, "{s}");
            assert_eq!(CallbackData::decode(&s), Some(c), "{s}");
        }
    }

    #[test]
    fn list_buttons_made_before_moments_read_as_before() {
        use CallbackData::*;
        assert_eq!(
            CallbackData::decode("ls:csv:d1"),
            Some(List(
                Format::Csv,
                ListScope::Direction(crate::domain::Direction::Information),
                None
            ))
        );
        assert_eq!(
            CallbackData::decode("lf:docx:2"),
            Some(ListFormat(Format::Docx, 2, None))
        );
        assert_eq!(
            CallbackData::decode("ls:xlsx:v7:m202612011430"),
            Some(List(
                Format::Xlsx,
                ListScope::Division(7),
                Moment::parse("01.12.2026 14:30").ok()
            ))
        );
    }

    #[test]
    fn garbage_decodes_to_nothing() {
        let long = "a".repeat(100);
        for s in [
            "",
            "lang",
            "lang:",
            "lang:de",
            "x:ru",
            ":",
            "lang:ru:extra",
            &long,
            "f:",
            "f:-1",
            "f:0",
            "f:abc",
            "d:3",
            "k:7",
            "n:10",
            "ch:x",
            "cl:none",
            "ef:zzz",
            "xr:9.9",
            "pg:-1",
            "pg:70000",
            "w:1e3",
            "s:1",
            "r:99999999999999999999",
            "rv:a",
            "rv:x:1",
            "rv:a:0",
            "rv:r:-5",
            "rv:a:1:2",
            "hi:",
            "lf:pdf",
            "lf:XLSX",
            "ls:xlsx",
            "ls:xlsx:d3",
            "ls:xlsx:v0",
            "ls:xlsx:q",
            "ls:pdf:a",
            "ls:xlsx:a:",
            "ls:xlsx:a:d20261301",
            "ls:xlsx:a:m2026120114",
            "ls:xlsx:a:d20261201:x",
            "lf:xlsx:0:",
            "lf:xlsx::d20261201",
            "lf:xlsx:0:q20261201",
            "ad",
            "ad:",
            "ad:l",
            "ad:l:-1",
            "ad:a:1",
            "ad:o:0",
            "ad:o:x",
            "ad:z:1",
            "ap:r:5:none",
            "ap:r:5:head",
            "ap:r:5",
            "ap:r:0:admin",
            "ap:d:5",
            "ap:d:5:0",
            "ap:d:5:6:7",
            "ap:y:-3",
            "ai:n:none",
            "ai:n:head",
            "ai:n:stranger",
            "ai:x:123",
            "ai:x:0123456789abcdefg",
            "ai:x:+123456789abcdef",
            "ai:x:0123456789abcdeg",
            "ac:1",
            "ok",
            "ok:0",
            "ok:x",
            "chg:1",
            "ag:a",
            "ag:a:0",
            "ag:x:1",
            "ag:d:-1",
            "li",
            "li:a",
            "li:a:0",
            "li:a:1:2",
            "li:d:-1",
            "li:x:1",
            "li:c:1",
            "li:c:1:none",
            "li:c:0:both",
            "li:c:1:both:2",
            "ac:",
            "rv:b:0",
            "rv:b",
            "rw",
            "rw:",
            "rw:0",
            "rw:5:n",
            "rw:5:y:y",
            "rs:5",
            "rs:5:0",
            "rs:0:1",
            "rs:5:1:x",
            "rs:5:1:y:y",
            "kd:1",
        ] {
            assert_eq!(CallbackData::decode(s), None, "{s}");
        }
    }
}
