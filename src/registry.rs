//! The Registry of processes (3.1) as a file: reading a CSV or XLSX into entries, checking
//! every row, and comparing the entries with the Registry the database holds. No teloxide,
//! no database, no IO: bytes in, entries and a plan out (applied by `db::registry`).
//!
//! The file's first row names the columns `Код`, `Наименование`, `Вид`, `Направление`,
//! `Подразделение`, in any order, matched without regard to case and spaces; other columns
//! are ignored. CSV is UTF-8 with or without a BOM, separated by `;` or `,`; XLSX is read
//! from its first sheet.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Cursor;

use serde::{Deserialize, Serialize};

use crate::db::divisions::name_key;
use crate::domain::touchpoint::{MAX_DIVISION_NAME, MAX_FUNCTION_NAME};
use crate::domain::{Direction, Lang};
use crate::i18n::I18n;
use crate::tr;

/// The longest code accepted.
pub const MAX_CODE: usize = 50;
/// The most rows a file may hold.
pub const MAX_ROWS: usize = 20_000;
/// The largest file accepted, in bytes.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// The columns of the file, in the order the SPEC lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Column {
    Code,
    Name,
    Kind,
    Direction,
    Division,
}

impl Column {
    pub const ALL: [Column; 5] = [
        Column::Code,
        Column::Name,
        Column::Kind,
        Column::Direction,
        Column::Division,
    ];

    /// The header as the SPEC writes it.
    pub fn header(self) -> &'static str {
        match self {
            Column::Code => "Код",
            Column::Name => "Наименование",
            Column::Kind => "Вид",
            Column::Direction => "Направление",
            Column::Division => "Подразделение",
        }
    }

    fn from_header(h: &str) -> Option<Column> {
        let key = header_key(h);
        Self::ALL
            .into_iter()
            .find(|c| header_key(c.header()) == key)
    }
}

/// A header without case and spaces (and without a BOM a spreadsheet may leave).
fn header_key(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// One process of the Registry, as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The line of the file (1 is the header).
    pub line: usize,
    pub code: String,
    pub name: String,
    pub is_service: bool,
    pub direction: Direction,
    pub division: String,
}

/// What is wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Empty(Column),
    TooLong(Column, usize),
    /// `Вид` is neither `функция` nor `сервис`.
    BadKind(String),
    /// `Направление` is neither a code 3.5.x nor a direction's wording.
    BadDirection(String),
    /// The code stands on an earlier line too.
    DuplicateCode {
        code: String,
        first_line: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub problem: Problem,
}

/// Why a file cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// Neither a readable XLSX nor UTF-8 text.
    Unreadable(String),
    TooLarge,
    TooManyRows,
    /// No rows besides the header (or no header at all).
    Empty,
    /// The header lacks these columns.
    MissingColumns(Vec<Column>),
    /// A column is named twice.
    DuplicateColumn(Column),
    /// Rows with problems: nothing is imported.
    Rows(Vec<RowError>),
}

/// Reads a Registry file. XLSX is recognised by its content (a ZIP), whatever its name.
pub fn parse(bytes: &[u8]) -> Result<Vec<Entry>, FileError> {
    if bytes.len() > MAX_BYTES {
        return Err(FileError::TooLarge);
    }
    let table = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else {
        read_csv(bytes)?
    };
    entries(table)
}

/// Rows of cells with their line numbers, the header first.
type Table = Vec<(usize, Vec<String>)>;

fn read_xlsx(bytes: &[u8]) -> Result<Table, FileError> {
    use calamine::{Data, Reader, Xlsx};
    let mut book =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| FileError::Unreadable(format!("XLSX: {e}")))?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        Some(Err(e)) => return Err(FileError::Unreadable(format!("XLSX: {e}"))),
        None => return Err(FileError::Empty),
    };
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut table = vec![];
    for (i, row) in range.rows().enumerate() {
        if table.len() > MAX_ROWS {
            return Err(FileError::TooManyRows);
        }
        let cells = row
            .iter()
            .map(|c| match c {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                Data::Float(f) => f.to_string(),
                Data::Int(n) => n.to_string(),
                other => other.to_string(),
            })
            .collect();
        table.push((first_row + i + 1, cells));
    }
    Ok(table)
}

fn read_csv(bytes: &[u8]) -> Result<Table, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        FileError::Unreadable(format!(
            "not UTF-8 text (byte {}): save the CSV as UTF-8",
            e.valid_up_to() + 1
        ))
    })?;
    // The separator is the one that finds more of the columns in the header line.
    let header_line = text.lines().next().unwrap_or("");
    let found = |sep: char| {
        header_line
            .split(sep)
            .filter(|h| Column::from_header(h.trim_matches('"')).is_some())
            .count()
    };
    let sep = if found(',') > found(';') { b',' } else { b';' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = vec![];
    for record in reader.records() {
        if table.len() > MAX_ROWS {
            return Err(FileError::TooManyRows);
        }
        let record = record.map_err(|e| FileError::Unreadable(format!("CSV: {e}")))?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        table.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(table)
}

/// Spaces folded, ends trimmed.
fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A direction by its code (`3.5.1`) or its wording (case, spaces and a final full stop
/// aside).
fn direction_of(s: &str) -> Option<Direction> {
    let s = fold(s);
    if let Some(d) = Direction::from_code(&s) {
        return Some(d);
    }
    let key = name_key(s.trim_end_matches('.'));
    Direction::ALL
        .iter()
        .copied()
        .find(|d| name_key(d.full()) == key || name_key(d.short()) == key)
}

fn entries(table: Table) -> Result<Vec<Entry>, FileError> {
    let mut rows = table
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let Some((_, header)) = rows.next() else {
        return Err(FileError::Empty);
    };
    let mut at: BTreeMap<Column, usize> = BTreeMap::new();
    for (i, h) in header.iter().enumerate() {
        if let Some(c) = Column::from_header(h) {
            if at.insert(c, i).is_some() {
                return Err(FileError::DuplicateColumn(c));
            }
        }
    }
    let missing: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|c| !at.contains_key(c))
        .collect();
    if !missing.is_empty() {
        return Err(FileError::MissingColumns(missing));
    }
    let mut out = vec![];
    let mut errors = vec![];
    let mut codes: HashMap<String, usize> = HashMap::new();
    for (line, cells) in rows {
        let cell = |c: Column| fold(cells.get(at[&c]).map(String::as_str).unwrap_or(""));
        let mut problems = vec![];
        let mut text = |c: Column, max: usize| {
            let v = cell(c);
            if v.is_empty() {
                problems.push(Problem::Empty(c));
            } else if v.chars().count() > max {
                problems.push(Problem::TooLong(c, max));
            }
            v
        };
        let code = text(Column::Code, MAX_CODE);
        let name = text(Column::Name, MAX_FUNCTION_NAME);
        let division = text(Column::Division, MAX_DIVISION_NAME);
        let kind = cell(Column::Kind);
        let is_service = match kind.to_lowercase().as_str() {
            "функция" => Some(false),
            "сервис" => Some(true),
            "" => {
                problems.push(Problem::Empty(Column::Kind));
                None
            }
            _ => {
                problems.push(Problem::BadKind(kind.clone()));
                None
            }
        };
        let dir = cell(Column::Direction);
        let direction = if dir.is_empty() {
            problems.push(Problem::Empty(Column::Direction));
            None
        } else {
            let d = direction_of(&dir);
            if d.is_none() {
                problems.push(Problem::BadDirection(dir));
            }
            d
        };
        if !code.is_empty() {
            if let Some(first) = codes.get(&code) {
                problems.push(Problem::DuplicateCode {
                    code: code.clone(),
                    first_line: *first,
                });
            } else {
                codes.insert(code.clone(), line);
            }
        }
        match (problems.is_empty(), is_service, direction) {
            (true, Some(is_service), Some(direction)) => out.push(Entry {
                line,
                code,
                name,
                is_service,
                direction,
                division,
            }),
            _ => errors.extend(
                problems
                    .into_iter()
                    .map(|problem| RowError { line, problem }),
            ),
        }
    }
    if !errors.is_empty() {
        return Err(FileError::Rows(errors));
    }
    if out.is_empty() {
        return Err(FileError::Empty);
    }
    Ok(out)
}

/// A process of the Registry as the database holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub function_id: i64,
    pub code: String,
    pub name: String,
    pub is_service: bool,
    pub direction: Direction,
    pub division_id: i64,
    pub division: String,
    /// Removed from the Registry by an earlier file.
    pub removed: bool,
    /// Active rows of the list under it.
    pub rows: i64,
}

/// A process whose entry changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub old: Existing,
    pub new: Entry,
}

impl Update {
    pub fn renamed(&self) -> bool {
        self.old.name != self.new.name
    }
    pub fn kind_changed(&self) -> bool {
        self.old.is_service != self.new.is_service
    }
    pub fn direction_changed(&self) -> bool {
        self.old.direction != self.new.direction
    }
    pub fn division_changed(&self) -> bool {
        name_key(&self.old.division) != name_key(&self.new.division)
    }
}

/// What applying a file changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// New codes.
    pub added: Vec<Entry>,
    /// Codes removed earlier that are back (the same process: its rows stay its own).
    pub returned: Vec<Update>,
    /// Codes whose name, kind, direction or division changed.
    pub updated: Vec<Update>,
    /// Codes missing from the file: they left the Registry (5.1.1).
    pub removed: Vec<Existing>,
    /// Divisions named in the file that do not exist yet (created on apply).
    pub new_divisions: Vec<String>,
    /// Entries that change nothing.
    pub unchanged: usize,
}

impl Plan {
    /// Whether applying changes anything.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.returned.is_empty()
            && self.updated.is_empty()
            && self.removed.is_empty()
            && self.new_divisions.is_empty()
    }
}

/// Compares the file's entries with the Registry held (`existing`: every process with a
/// code, removed ones included) and the names of the divisions that exist (in use or
/// retired: a retired one named again is brought back, not duplicated).
pub fn plan(entries: &[Entry], existing: &[Existing], divisions: &[String]) -> Plan {
    let by_code: HashMap<&str, &Existing> = existing.iter().map(|e| (e.code.as_str(), e)).collect();
    let mut known_divisions: HashSet<String> = divisions.iter().map(|d| name_key(d)).collect();
    let mut p = Plan::default();
    for e in entries {
        match by_code.get(e.code.as_str()) {
            None => p.added.push(e.clone()),
            Some(old) => {
                let u = Update {
                    old: (*old).clone(),
                    new: e.clone(),
                };
                if old.removed {
                    p.returned.push(u);
                } else if u.renamed()
                    || u.kind_changed()
                    || u.direction_changed()
                    || u.division_changed()
                {
                    p.updated.push(u);
                } else {
                    p.unchanged += 1;
                }
            }
        }
        if known_divisions.insert(name_key(&e.division)) {
            p.new_divisions.push(e.division.clone());
        }
    }
    let in_file: HashSet<&str> = entries.iter().map(|e| e.code.as_str()).collect();
    p.removed = existing
        .iter()
        .filter(|e| !e.removed && !in_file.contains(e.code.as_str()))
        .cloned()
        .collect();
    p
}

// ---------------------------------------------------------------------------------------
// Texts: the same for the bot (HTML, `esc` escapes) and the command line (`esc` copies).

/// Most items listed per section of a preview.
const SHOWN: usize = 15;
/// Most row errors listed.
const SHOWN_ERRORS: usize = 25;

fn kind_label(i: &I18n, lang: Lang, is_service: bool) -> String {
    if is_service {
        tr!(i, lang, "registry-kind-service")
    } else {
        tr!(i, lang, "registry-kind-function")
    }
}

fn section<T>(
    i: &I18n,
    lang: Lang,
    out: &mut Vec<String>,
    title: String,
    items: &[T],
    line: impl Fn(&T) -> String,
) {
    if items.is_empty() {
        return;
    }
    out.push(String::new());
    out.push(title);
    out.extend(items.iter().take(SHOWN).map(line));
    if items.len() > SHOWN {
        out.push(tr!(i, lang, "registry-more", count = items.len() - SHOWN));
    }
}

/// What applying a file changes, section by section.
pub fn describe_plan(
    i: &I18n,
    lang: Lang,
    file: &str,
    entries: usize,
    p: &Plan,
    esc: &dyn Fn(&str) -> String,
) -> String {
    let mut out = vec![tr!(
        i,
        lang,
        "registry-preview-title",
        file = esc(file),
        entries = entries
    )];
    let item = |code: &str, name: &str, division: &str| {
        tr!(
            i,
            lang,
            "registry-item",
            code = esc(code),
            name = esc(name),
            division = esc(division)
        )
    };
    let changes = |u: &Update| {
        let mut c = vec![];
        if u.renamed() {
            c.push(tr!(
                i,
                lang,
                "registry-change-name",
                old = esc(&u.old.name),
                new = esc(&u.new.name)
            ));
        }
        if u.kind_changed() {
            c.push(tr!(
                i,
                lang,
                "registry-change-kind",
                old = kind_label(i, lang, u.old.is_service),
                new = kind_label(i, lang, u.new.is_service)
            ));
        }
        if u.direction_changed() {
            c.push(tr!(
                i,
                lang,
                "registry-change-direction",
                old = u.old.direction.code(),
                new = u.new.direction.code()
            ));
        }
        if u.division_changed() {
            c.push(tr!(
                i,
                lang,
                "registry-change-division",
                old = esc(&u.old.division),
                new = esc(&u.new.division),
                rows = u.old.rows
            ));
        }
        tr!(
            i,
            lang,
            "registry-update-item",
            code = esc(&u.new.code),
            name = esc(&u.new.name),
            changes = c.join("; ")
        )
    };
    section(
        i,
        lang,
        &mut out,
        tr!(i, lang, "registry-added", count = p.added.len()),
        &p.added,
        |e| item(&e.code, &e.name, &e.division),
    );
    section(
        i,
        lang,
        &mut out,
        tr!(i, lang, "registry-returned", count = p.returned.len()),
        &p.returned,
        |u| item(&u.new.code, &u.new.name, &u.new.division),
    );
    section(
        i,
        lang,
        &mut out,
        tr!(i, lang, "registry-updated", count = p.updated.len()),
        &p.updated,
        changes,
    );
    section(
        i,
        lang,
        &mut out,
        tr!(i, lang, "registry-removed", count = p.removed.len()),
        &p.removed,
        |e| {
            let base = item(&e.code, &e.name, &e.division);
            if e.rows > 0 {
                format!(
                    "{base} {}",
                    tr!(i, lang, "registry-removed-rows", rows = e.rows)
                )
            } else {
                base
            }
        },
    );
    section(
        i,
        lang,
        &mut out,
        tr!(
            i,
            lang,
            "registry-new-divisions",
            count = p.new_divisions.len()
        ),
        &p.new_divisions,
        |d| format!("• {}", esc(d)),
    );
    let footer = if p.is_empty() {
        tr!(i, lang, "registry-nothing", count = p.unchanged)
    } else {
        tr!(i, lang, "registry-unchanged", count = p.unchanged)
    };
    // The question under the preview must survive Telegram's 4096: whole lines of the
    // body are dropped from its end instead (each line is complete HTML).
    const ROOM: usize = 3900;
    let room = ROOM.saturating_sub(footer.chars().count() + 2);
    let mut body = String::new();
    for line in &out {
        if body.chars().count() + line.chars().count() + 1 > room {
            body.push_str("…\n");
            break;
        }
        body.push_str(line);
        body.push('\n');
    }
    format!("{body}\n{footer}")
}

/// Why a file was refused, with every bad row (up to a limit) by line and reason.
pub fn describe_error(i: &I18n, lang: Lang, e: &FileError, esc: &dyn Fn(&str) -> String) -> String {
    let columns = |cs: &[Column]| cs.iter().map(|c| c.header()).collect::<Vec<_>>().join(", ");
    match e {
        FileError::Unreadable(why) => tr!(i, lang, "registry-error-unreadable", why = esc(why)),
        FileError::TooLarge => tr!(
            i,
            lang,
            "registry-error-too-large",
            mb = MAX_BYTES / (1024 * 1024)
        ),
        FileError::TooManyRows => tr!(i, lang, "registry-error-too-many", max = MAX_ROWS),
        FileError::Empty => tr!(i, lang, "registry-error-empty"),
        FileError::MissingColumns(cs) => {
            tr!(i, lang, "registry-error-missing", columns = columns(cs))
        }
        FileError::DuplicateColumn(c) => {
            tr!(
                i,
                lang,
                "registry-error-duplicate-column",
                column = c.header()
            )
        }
        FileError::Rows(errors) => {
            let mut out = vec![tr!(i, lang, "registry-error-rows", count = errors.len())];
            for r in errors.iter().take(SHOWN_ERRORS) {
                let problem = match &r.problem {
                    Problem::Empty(c) => tr!(i, lang, "problem-empty", column = c.header()),
                    Problem::TooLong(c, max) => {
                        tr!(i, lang, "problem-too-long", column = c.header(), max = *max)
                    }
                    Problem::BadKind(v) => tr!(i, lang, "problem-bad-kind", value = esc(v)),
                    Problem::BadDirection(v) => {
                        tr!(i, lang, "problem-bad-direction", value = esc(v))
                    }
                    Problem::DuplicateCode { code, first_line } => tr!(
                        i,
                        lang,
                        "problem-duplicate-code",
                        code = esc(code),
                        first = *first_line
                    ),
                };
                out.push(tr!(
                    i,
                    lang,
                    "registry-row",
                    line = r.line,
                    problem = problem
                ));
            }
            if errors.len() > SHOWN_ERRORS {
                out.push(tr!(
                    i,
                    lang,
                    "registry-more",
                    count = errors.len() - SHOWN_ERRORS
                ));
            }
            out.join("\n")
        }
    }
}

/// The command line's `registry import FILE`: the same check and plan as in chat, applied
/// only with `apply` (else a dry run). Returns the text to print (Russian, without HTML),
/// or the reason the file was refused.
pub async fn import_file(
    i: &I18n,
    pool: &sqlx::SqlitePool,
    path: &std::path::Path,
    apply: bool,
) -> Result<String, String> {
    let lang = Lang::Ru;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let entries = parse(&bytes).map_err(|e| plain(&describe_error(i, lang, &e, &esc)))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let now = chrono::Utc::now();
    let err = |e: sqlx::Error| e.to_string();
    let staged = crate::db::registry::stage(pool, None, &name, &entries, now)
        .await
        .map_err(err)?;
    let mut out = plain(&describe_plan(
        i,
        lang,
        &name,
        entries.len(),
        &staged.plan,
        &esc,
    ));
    if staged.plan.is_empty() || !apply {
        crate::db::registry::discard(pool, staged.upload_id, None, now)
            .await
            .map_err(err)?;
        if !staged.plan.is_empty() {
            out.push_str("\n\n");
            out.push_str(&tr!(i, lang, "registry-cli-dry-run"));
        }
        return Ok(out);
    }
    match crate::db::registry::apply(pool, staged.upload_id, None, now)
        .await
        .map_err(err)?
    {
        Ok(a) => {
            let p = &a.plan;
            out.push_str("\n\n");
            out.push_str(&tr!(
                i,
                lang,
                "registry-cli-applied",
                added = p.added.len(),
                returned = p.returned.len(),
                updated = p.updated.len(),
                removed = p.removed.len(),
                divisions = p.new_divisions.len()
            ));
            Ok(out)
        }
        Err(_) => Err(tr!(i, lang, "registry-stale")),
    }
}

/// A message's HTML as plain text: tags dropped, entities read back.
fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "Код;Наименование;Вид;Направление;Подразделение\n";

    fn csv(body: &str) -> Vec<u8> {
        format!("{HEADER}{body}").into_bytes()
    }

    #[test]
    fn a_good_csv_with_bom_and_semicolons_is_read() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(csv(
            "Ф-012;Рассмотрение обращений граждан;функция;3.5.1;Отдел обращений\n\
             С-1; Портал  открытых данных ;Сервис;Обеспечение доступа к информации о деятельности Администрации.;Отдел  информации\n\n",
        ));
        let e = parse(&bytes).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(
            e[0],
            Entry {
                line: 2,
                code: "Ф-012".into(),
                name: "Рассмотрение обращений граждан".into(),
                is_service: false,
                direction: Direction::Appeals,
                division: "Отдел обращений".into(),
            }
        );
        assert_eq!(e[1].line, 3);
        assert_eq!(e[1].name, "Портал открытых данных");
        assert!(e[1].is_service);
        assert_eq!(e[1].direction, Direction::Information);
        assert_eq!(e[1].division, "Отдел информации");
    }

    #[test]
    fn columns_in_any_order_with_commas_and_odd_headers() {
        let text = " подразделение ,КОД,Направ ление,вид,Наименование,Примечание\n\
                    \"Отдел, кадров\",Ф-1,3.5.3,функция,\"Учёт кадров\",что-то\n";
        let e = parse(text.as_bytes()).unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].division, "Отдел, кадров");
        assert_eq!(e[0].code, "Ф-1");
        assert_eq!(e[0].direction, Direction::Internal);
    }

    #[test]
    fn bad_rows_are_named_by_line_and_reason_and_nothing_is_returned() {
        let r = parse(&csv("Ф-1;Первая;функция;3.5.1;Отдел\n\
             ;Без кода;функция;3.5.1;Отдел\n\
             Ф-3;Третья;процесс;3.5.9;Отдел\n\
             Ф-1;Повтор;сервис;3.5.2;\n"));
        let Err(FileError::Rows(errs)) = r else {
            panic!("{r:?}")
        };
        assert_eq!(
            errs,
            vec![
                RowError {
                    line: 3,
                    problem: Problem::Empty(Column::Code)
                },
                RowError {
                    line: 4,
                    problem: Problem::BadKind("процесс".into())
                },
                RowError {
                    line: 4,
                    problem: Problem::BadDirection("3.5.9".into())
                },
                RowError {
                    line: 5,
                    problem: Problem::Empty(Column::Division)
                },
                RowError {
                    line: 5,
                    problem: Problem::DuplicateCode {
                        code: "Ф-1".into(),
                        first_line: 2
                    }
                },
            ]
        );
    }

    #[test]
    fn a_header_without_columns_or_a_non_utf8_file_is_refused() {
        assert_eq!(
            parse("Код;Название;Вид\nФ-1;x;функция\n".as_bytes()),
            Err(FileError::MissingColumns(vec![
                Column::Name,
                Column::Direction,
                Column::Division
            ]))
        );
        assert_eq!(parse(HEADER.as_bytes()), Err(FileError::Empty));
        assert_eq!(parse(b""), Err(FileError::Empty));
        assert!(matches!(
            parse(b"\xca\xee\xe4;x\n"),
            Err(FileError::Unreadable(_))
        ));
        assert_eq!(
            parse("Код;код;Наименование;Вид;Направление;Подразделение\n".as_bytes()),
            Err(FileError::DuplicateColumn(Column::Code))
        );
        assert!(matches!(
            parse(b"PK\x03\x04garbage"),
            Err(FileError::Unreadable(_))
        ));
    }

    #[test]
    fn an_xlsx_first_sheet_is_read() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["Наименование", "Код", "Вид", "Направление", "Подразделение"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "Учёт кадров").unwrap();
        sheet.write_number(1, 1, 12).unwrap();
        sheet.write_string(1, 2, "функция").unwrap();
        sheet.write_string(1, 3, "3.5.3").unwrap();
        sheet.write_string(1, 4, "Отдел кадров").unwrap();
        sheet.write_string(3, 0, "Без кода").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let r = parse(&bytes);
        let Err(FileError::Rows(errs)) = r else {
            panic!("{r:?}")
        };
        assert_eq!(errs[0].line, 4, "{errs:?}");
        assert_eq!(errs[0].problem, Problem::Empty(Column::Code));

        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in Column::ALL.iter().enumerate() {
            sheet.write_string(0, c as u16, h.header()).unwrap();
        }
        for (c, v) in ["Ф-1", "Учёт", "сервис", "3.5.2", "Отдел"]
            .iter()
            .enumerate()
        {
            sheet.write_string(1, c as u16, *v).unwrap();
        }
        let e = parse(&book.save_to_buffer().unwrap()).unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].line, e[0].is_service), (2, true));
    }

    fn existing(id: i64, code: &str, name: &str, division: &str, removed: bool) -> Existing {
        Existing {
            function_id: id,
            code: code.into(),
            name: name.into(),
            is_service: false,
            direction: Direction::Appeals,
            division_id: 1,
            division: division.into(),
            removed,
            rows: 0,
        }
    }

    fn entry(code: &str, name: &str, division: &str) -> Entry {
        Entry {
            line: 2,
            code: code.into(),
            name: name.into(),
            is_service: false,
            direction: Direction::Appeals,
            division: division.into(),
        }
    }

    #[test]
    fn a_long_preview_keeps_its_question_within_telegrams_limit() {
        let long = "Очень длинное наименование функции ".repeat(8);
        let have: Vec<Existing> = (0..15)
            .map(|n| existing(n, &format!("Ф-{n}"), &long, &long, false))
            .collect();
        let file: Vec<Entry> = (100..115)
            .map(|n| entry(&format!("Ф-{n}"), &long, &format!("{long}{n}")))
            .collect();
        let p = plan(&file, &have, &[]);
        let i = crate::i18n::I18n::load().unwrap();
        let text = describe_plan(&i, Lang::Ru, "реестр.csv", file.len(), &p, &|s| {
            s.to_string()
        });
        assert!(text.chars().count() <= 4096, "{}", text.chars().count());
        let question = tr!(i, Lang::Ru, "registry-unchanged", count = 0);
        assert!(text.ends_with(&question), "{text}");
        assert!(text.contains('…'));
    }

    #[test]
    fn the_plan_names_what_is_added_renamed_moved_returned_and_removed() {
        let have = vec![
            existing(1, "Ф-1", "Один", "Отдел", false),
            existing(2, "Ф-2", "Два", "Отдел", false),
            existing(3, "Ф-3", "Три", "Отдел", false),
            existing(4, "Ф-4", "Четыре", "Отдел", true),
            existing(5, "Ф-5", "Пять", "Отдел", false),
        ];
        let file = vec![
            entry("Ф-1", "Один", "отдел"),
            entry("Ф-2", "Два (новое имя)", "Отдел"),
            entry("Ф-4", "Четыре", "Отдел"),
            entry("Ф-5", "Пять", "Новый отдел"),
            entry("Ф-6", "Шесть", "Новый  отдел"),
        ];
        let p = plan(&file, &have, &["Отдел".into()]);
        assert_eq!(p.unchanged, 1);
        assert_eq!(
            p.added.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(),
            ["Ф-6"]
        );
        assert_eq!(p.returned.len(), 1);
        assert_eq!(p.returned[0].old.function_id, 4);
        assert_eq!(p.updated.len(), 2);
        assert!(p.updated[0].renamed() && !p.updated[0].division_changed());
        assert!(p.updated[1].division_changed() && !p.updated[1].renamed());
        assert_eq!(
            p.removed.iter().map(|e| e.function_id).collect::<Vec<_>>(),
            [3]
        );
        assert_eq!(p.new_divisions, ["Новый отдел"]);
        assert!(!p.is_empty());
        let same = plan(&file[..1], &have[..1], &["Отдел".into()]);
        assert!(same.is_empty());
    }
}
