//! A list file read into rows: the header found among the form's lines, every row read
//! column by column, every bad row named by the row number a spreadsheet shows. Pure:
//! bytes in, rows out. Matching the rows to the Registry is `plan`'s.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

use super::{Column, FileError, FunctionRef, ListRow, Parsed, Problem, RowError, LIMITS};
use crate::domain::touchpoint::{MAX_DIVISION_NAME, MAX_FUNCTION_NAME};
use crate::domain::{Channel, Clients, Direction, Invalid, Kind, Need, TouchpointData};
use crate::export::form;
use crate::sheet::{self, Row};

/// How far down the header is looked for (caption, title, scope and date lines above it).
const HEADER_WITHIN: usize = 30;
/// How many of the required headings make a row the header.
const HEADER_MIN: usize = 3;

/// Reads a list file. XLSX is recognised by its content (a ZIP), whatever its name.
pub fn parse(bytes: &[u8]) -> Result<Parsed, FileError> {
    let table = sheet::read(bytes, &LIMITS).map_err(FileError::Sheet)?;
    rows(table.rows)
}

/// A text compared as a word: lower case, `ё` as `е`, runs of spaces folded, a final full
/// stop, comma or semicolon dropped.
pub(super) fn words(s: &str) -> String {
    let folded = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е");
    folded
        .trim_end_matches(['.', ',', ';'])
        .trim_end()
        .to_string()
}

/// A heading without case, spaces, the footnote's star and a BOM a spreadsheet may leave.
fn header_key(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{feff}' | '*' | '.' | ':'))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

fn column_of(h: &str) -> Option<Column> {
    let key = header_key(h);
    if key.is_empty() {
        return None;
    }
    Column::ALL
        .into_iter()
        .find(|c| header_key(c.header()) == key)
}

/// Spaces folded within each line, ends trimmed; lines kept.
fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A cell as our CSV wrote it: a leading `'` that kept a formula start as text removed.
fn cell_text(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => s,
    }
}

/// The header: the first row (among the first few) naming at least three of the form's
/// required columns. Its index among `rows` and where each column stands.
pub(super) fn header(rows: &[Row]) -> Option<(usize, Vec<(Column, usize)>)> {
    rows.iter()
        .take(HEADER_WITHIN)
        .enumerate()
        .find_map(|(i, r)| {
            let at: Vec<(Column, usize)> = r
                .cells
                .iter()
                .enumerate()
                .filter_map(|(j, h)| column_of(h).map(|c| (c, j)))
                .collect();
            let required = Column::REQUIRED
                .iter()
                .filter(|c| at.iter().any(|(a, _)| a == *c))
                .count();
            (required >= HEADER_MIN).then_some((i, at))
        })
}

/// A dictionary's entries by every way a file may write them (code, full wording, short
/// label), as [`words`]: made once, since every row asks.
struct Words<T: 'static> {
    by: HashMap<String, T>,
}

impl<T: Copy> Words<T> {
    fn new(all: &[T], names: impl Fn(T) -> [&'static str; 3]) -> Words<T> {
        let mut by = HashMap::new();
        for v in all {
            for n in names(*v) {
                by.entry(words(n)).or_insert(*v);
            }
        }
        Words { by }
    }

    fn get(&self, s: &str) -> Option<T> {
        self.by.get(&words(s)).copied()
    }
}

static DIRECTIONS: LazyLock<Words<Direction>> =
    LazyLock::new(|| Words::new(Direction::ALL, |d| [d.code(), d.full(), d.short()]));
static KINDS: LazyLock<Words<Kind>> =
    LazyLock::new(|| Words::new(Kind::ALL, |k| [k.code(), k.full(), k.short()]));
static NEEDS: LazyLock<Words<Need>> =
    LazyLock::new(|| Words::new(Need::ALL, |n| [n.code(), n.full(), n.short()]));
/// The «other» need's wording, the little-used note and «нет», as [`words`].
static OTHER_NEED: LazyLock<String> = LazyLock::new(|| words(Need::Other.full()));
static LITTLE_USED: LazyLock<String> = LazyLock::new(|| words(form::LITTLE_USED));
static NO_FEATURES: LazyLock<String> = LazyLock::new(|| words(form::NO_FEATURES));

/// A direction by its code (`3.5.1`) or its wording.
pub(super) fn direction_of(s: &str) -> Option<Direction> {
    DIRECTIONS.get(s)
}

fn kind_of(s: &str) -> Option<Kind> {
    KINDS.get(s)
}

fn need_of(s: &str) -> Option<Need> {
    NEEDS.get(s)
}

/// Whether `s`, as [`words`], begins with `prefix` (already as [`words`]).
fn starts_with_words(s: &str, prefix: &str) -> bool {
    // Only as much of `s` as could hold the prefix is normalised.
    let head: String = s.chars().take(prefix.chars().count() * 2 + 8).collect();
    words(&head).starts_with(prefix)
}

fn clients_of(s: &str) -> Option<Clients> {
    match words(s).as_str() {
        "внешние" | "внешний" | "external" => Some(Clients::External),
        "внутренние" | "внутренний" | "internal" => Some(Clients::Internal),
        "внешние и внутренние" | "внутренние и внешние" | "both" | "external and internal" => {
            Some(Clients::Both)
        }
        _ => None,
    }
}

/// Whether a line standing alone in a row is one of the form's own lines (a section, the
/// footnote, the date, the scope, the empty list's line); a section gives its direction.
enum FormLine {
    Section(Direction),
    Other,
}

fn form_line(text: &str) -> Option<FormLine> {
    if let Some(d) = direction_of(text) {
        return Some(FormLine::Section(d));
    }
    let w = words(text);
    let starts = |p: &str| w.starts_with(&words(p));
    (text.trim_start().starts_with('*')
        || starts(form::MADE_ON_PREFIX)
        || w == words(form::EMPTY)
        || w == words(form::TITLE)
        || w.starts_with("по состоянию на")
        || starts(&format!("{}:", form::SCOPE_DIRECTION))
        || starts(&format!("{}:", form::SCOPE_DIVISION)))
    .then_some(FormLine::Other)
}

/// The numbering row under the headings: `1`, `2`, … in their columns.
fn is_numbering(cells: &[String]) -> bool {
    let filled: Vec<&str> = cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    filled.len() >= Column::REQUIRED.len()
        && filled
            .iter()
            .enumerate()
            .all(|(i, c)| *c == (i + 1).to_string())
}

fn rows(rows: Vec<Row>) -> Result<Parsed, FileError> {
    let Some((at, columns)) = header(&rows) else {
        return Err(FileError::NoHeader);
    };
    let mut map: BTreeMap<Column, usize> = BTreeMap::new();
    for (c, j) in columns {
        if map.insert(c, j).is_some() {
            return Err(FileError::DuplicateColumn(c));
        }
    }
    let missing: Vec<Column> = Column::REQUIRED
        .into_iter()
        .filter(|c| !map.contains_key(c))
        .collect();
    if !missing.is_empty() {
        return Err(FileError::MissingColumns(missing));
    }
    let has_clients = map.contains_key(&Column::Clients);
    let mut out = vec![];
    let mut errors = vec![];
    let mut section: Option<Direction> = None;
    for (i, row) in rows.into_iter().enumerate().skip(at + 1) {
        if i == at + 1 && is_numbering(&row.cells) {
            continue;
        }
        let filled: Vec<&String> = row.cells.iter().filter(|c| !c.trim().is_empty()).collect();
        if let [only] = filled.as_slice() {
            match form_line(cell_text(only)) {
                Some(FormLine::Section(d)) => {
                    section = Some(d);
                    continue;
                }
                Some(FormLine::Other) => continue,
                None => {}
            }
        }
        match read_row(&row, &map, section) {
            Ok(r) => out.push(r),
            Err(problems) => errors.extend(problems.into_iter().map(|problem| RowError {
                line: row.number,
                problem,
            })),
        }
    }
    if !errors.is_empty() {
        return Err(FileError::Rows(errors));
    }
    if out.is_empty() {
        return Err(FileError::Empty);
    }
    Ok(Parsed {
        rows: out,
        has_clients,
    })
}

/// Column 3: the name, a code in brackets, or the mark of a function not in the Registry.
fn function_ref(text: &str) -> FunctionRef {
    let text = fold(text);
    let lower = text.to_lowercase();
    let mark = form::NOT_IN_REGISTRY.to_lowercase();
    if let Some(stem) = lower.strip_suffix(&mark) {
        // Byte offsets agree: lower-casing Cyrillic and ASCII keeps each letter's length.
        if stem.len() <= text.len() && text.is_char_boundary(stem.len()) {
            let name = text[..stem.len()]
                .trim_end()
                .trim_end_matches(['—', '–', '-', ',', '('])
                .trim();
            if !name.is_empty() && name.len() < stem.len() {
                return FunctionRef::Typed {
                    name: name.to_string(),
                };
            }
        }
    }
    if let Some(open) = text.strip_suffix(')').and_then(|t| t.rfind(" (")) {
        let name = text[..open].trim();
        let code = text[open + 2..text.len() - 1].trim();
        if !name.is_empty() && !code.is_empty() {
            return FunctionRef::Registry {
                name: name.to_string(),
                code: Some(code.to_string()),
            };
        }
    }
    FunctionRef::Registry {
        name: text,
        code: None,
    }
}

/// Column 4: `Вид: точка (цифровая)`.
fn touchpoint(text: &str, problems: &mut Vec<Problem>) -> Option<(Kind, Option<Channel>, String)> {
    let text = text.trim();
    let Some((kind_text, rest)) = text.split_once(':') else {
        if kind_of(text).is_some() {
            problems.push(Problem::NoPoint);
        } else {
            problems.push(Problem::BadKind(fold(text)));
        }
        return None;
    };
    let Some(kind) = kind_of(kind_text) else {
        problems.push(Problem::BadKind(fold(kind_text)));
        return None;
    };
    let mut point = rest.trim();
    let mut channel = None;
    for (c, word) in [
        (Channel::Digital, form::CHANNEL_DIGITAL),
        (Channel::Offline, form::CHANNEL_OFFLINE),
    ] {
        let suffix = format!("({word})");
        let lower = point.to_lowercase();
        if lower.ends_with(&suffix) {
            let cut = point.len() - suffix.len();
            if point.is_char_boundary(cut) {
                point = point[..cut].trim_end();
                channel = Some(c);
                break;
            }
        }
    }
    if point.is_empty() {
        problems.push(Problem::NoPoint);
        return None;
    }
    Some((kind, channel, point.to_string()))
}

/// The channel a point without one in brackets has: the kind's own, or for a phone or a
/// letter, digital when the point is an address on the net.
fn default_channel(kind: Kind, point: &str) -> Channel {
    kind.fixed_channel().unwrap_or_else(|| {
        let p = point.to_lowercase();
        if p.contains('@') || p.contains("://") || p.contains("www.") || p.contains("кабинет")
        {
            Channel::Digital
        } else {
            Channel::Offline
        }
    })
}

/// Column 5: the needs by their wording, one per line or separated by `;`; the «other»
/// need's text is everything after its wording (it comes last, as the file writes it).
fn needs(text: &str, problems: &mut Vec<Problem>) -> (BTreeSet<Need>, Option<String>) {
    let mut set = BTreeSet::new();
    let mut other: Option<String> = None;
    for line in form::lines(text) {
        if let Some(o) = other.as_mut() {
            if !line.trim().is_empty() {
                o.push('\n');
                o.push_str(line.trim());
            }
            continue;
        }
        // The parts of the line; the «other» need's text runs from its wording to the end.
        let mut rest = line.trim();
        while !rest.is_empty() {
            if starts_with_words(rest, &OTHER_NEED) {
                let text = rest.split_once(':').map(|(_, r)| r.trim()).unwrap_or("");
                set.insert(Need::Other);
                other = Some(text.to_string());
                break;
            }
            let (part, after) = rest.split_once(';').unwrap_or((rest, ""));
            rest = after.trim_start();
            if part.trim().is_empty() {
                continue;
            }
            match need_of(part) {
                Some(n) => {
                    set.insert(n);
                }
                None => problems.push(Problem::BadNeed(fold(part))),
            }
        }
    }
    let other = other
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty());
    (set, other)
}

/// Column 6: the features or «нет», the little-used note on its own last line.
fn features(text: &str) -> (Option<String>, bool) {
    let mut lines: Vec<&str> = form::lines(text).map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let little = lines.last().is_some_and(|l| words(l) == *LITTLE_USED);
    if little {
        lines.pop();
    }
    let text = lines.join("\n").trim().to_string();
    if text.is_empty() || words(&text) == *NO_FEATURES {
        (None, little)
    } else {
        (Some(text), little)
    }
}

fn read_row(
    row: &Row,
    map: &BTreeMap<Column, usize>,
    section: Option<Direction>,
) -> Result<ListRow, Vec<Problem>> {
    let cell = |c: Column| -> &str {
        map.get(&c)
            .and_then(|j| row.cells.get(*j))
            .map(|s| cell_text(s).trim())
            .unwrap_or("")
    };
    let mut problems = vec![];
    let dir_text = cell(Column::Direction);
    let direction = if dir_text.is_empty() {
        if section.is_none() {
            problems.push(Problem::Empty(Column::Direction));
        }
        section
    } else {
        let d = direction_of(dir_text);
        if d.is_none() {
            problems.push(Problem::BadDirection(fold(dir_text)));
        }
        d
    };
    let function_text = cell(Column::Function);
    let function = if function_text.is_empty() {
        problems.push(Problem::Empty(Column::Function));
        None
    } else {
        let f = function_ref(function_text);
        if f.name().chars().count() > MAX_FUNCTION_NAME {
            problems.push(Problem::TooLong(Column::Function, MAX_FUNCTION_NAME));
        }
        Some(f)
    };
    let point_text = cell(Column::Point);
    let point = if point_text.is_empty() {
        problems.push(Problem::Empty(Column::Point));
        None
    } else {
        touchpoint(point_text, &mut problems)
    };
    let needs_text = cell(Column::Needs);
    let (needs, other_need) = if needs_text.is_empty() {
        problems.push(Problem::Empty(Column::Needs));
        (BTreeSet::new(), None)
    } else {
        needs(needs_text, &mut problems)
    };
    let (features, little_used) = features(cell(Column::Features));
    let division = Some(fold(cell(Column::Division))).filter(|d| !d.is_empty());
    if division
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DIVISION_NAME)
    {
        problems.push(Problem::TooLong(Column::Division, MAX_DIVISION_NAME));
    }
    let clients_text = cell(Column::Clients);
    let clients = if clients_text.is_empty() {
        None
    } else {
        let c = clients_of(clients_text);
        if c.is_none() {
            problems.push(Problem::BadClients(fold(clients_text)));
        }
        c
    };
    let (Some(direction), Some(function), Some((kind, channel, point))) =
        (direction, function, point)
    else {
        return Err(problems);
    };
    let channel = channel.unwrap_or_else(|| default_channel(kind, &point));
    let data = TouchpointData {
        direction,
        function_id: 0,
        kind,
        channel,
        point,
        needs,
        other_need,
        features,
        clients: clients.unwrap_or(super::DEFAULT_CLIENTS),
        little_used,
    };
    if let Err(invalid) = data.validate() {
        // An empty needs cell is told once, as an empty column.
        problems.extend(
            invalid
                .into_iter()
                .filter(|i| !(needs_text.is_empty() && *i == Invalid::NoNeeds))
                .map(Problem::Invalid),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ListRow {
        line: row.number,
        direction,
        function,
        division,
        kind,
        channel,
        point: data.point,
        needs: data.needs,
        other_need: data.other_need,
        features: data.features,
        little_used,
        clients,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "№;Направление деятельности;Направление функции (сервиса);Точка взаимодействия;Цель взаимодействия с клиентом*;Особенности взаимодействия с клиентом\n";

    fn one(body: &str) -> Result<ListRow, FileError> {
        parse(format!("{HEAD}{body}").as_bytes()).map(|p| p.rows.into_iter().next().unwrap())
    }

    #[test]
    fn a_row_is_read_column_by_column() {
        let r = one("1;Рассмотрение обращений и запросов;Рассмотрение обращений граждан (Ф-012);\
                     Личный приём: Суворовский пр., 67 (офлайн);\
                     \"Получение информации\nПолучение консультации; Другие удовлетворяемые потребности клиента: Запись\";\
                     \"По записи\nМало востребована / учёт обращений не ведётся\"\n")
        .unwrap();
        assert_eq!(r.line, 2);
        assert_eq!(r.direction, Direction::Appeals);
        assert_eq!(
            r.function,
            FunctionRef::Registry {
                name: "Рассмотрение обращений граждан".into(),
                code: Some("Ф-012".into())
            }
        );
        assert_eq!((r.kind, r.channel), (Kind::InPerson, Channel::Offline));
        assert_eq!(r.point, "Суворовский пр., 67");
        // `;` inside a line separates needs, but the «other» need's text runs to the end.
        assert_eq!(
            r.needs.iter().copied().collect::<Vec<_>>(),
            vec![Need::Information, Need::Consultation, Need::Other]
        );
        assert_eq!(r.other_need.as_deref(), Some("Запись"));
        assert_eq!(r.features.as_deref(), Some("По записи"));
        assert!(r.little_used);
        assert_eq!(r.clients, None);
    }

    #[test]
    fn needs_by_wording_short_label_or_code_and_the_other_need() {
        let r = one(";3.5.2;Портал;Официальные сайты (порталы): lenobl.ru;\"3.7.1; Получение форм документов.\n\
                     Другие удовлетворяемые потребности клиента: Запись; на приём\";нет\n")
        .unwrap();
        assert_eq!(r.direction, Direction::Information);
        assert_eq!(r.channel, Channel::Digital);
        assert_eq!(
            r.needs.iter().copied().collect::<Vec<_>>(),
            vec![Need::Information, Need::Forms, Need::Other]
        );
        assert_eq!(r.other_need.as_deref(), Some("Запись; на приём"));
        assert_eq!(r.features, None);
    }

    #[test]
    fn a_typed_function_is_read_back() {
        assert_eq!(
            function_ref("Приём  граждан — нет в Реестре"),
            FunctionRef::Typed {
                name: "Приём граждан".into()
            }
        );
        assert_eq!(
            function_ref("Приём граждан - НЕТ в реестре"),
            FunctionRef::Typed {
                name: "Приём граждан".into()
            }
        );
        assert_eq!(
            function_ref("Портал (сайт)"),
            FunctionRef::Registry {
                name: "Портал".into(),
                code: Some("сайт".into())
            }
        );
    }

    #[test]
    fn the_form_as_our_csv_writes_it_is_read() {
        let file = "\u{feff}Перечень точек взаимодействия с внешним и внутренним клиентами;;;;;\r\n\
                    Структурное подразделение: Отдел;;;;;\r\n\
                    по состоянию на 01.12.2026 14:30;;;;;\r\n"
            .to_string()
            + &HEAD.replace('\n', "\r\n")
            + "1;2;3;4;5;6\r\n\
               Рассмотрение обращений и запросов;;;;;\r\n\
               1;Рассмотрение обращений и запросов;Ф (1);Телефонная связь, колл-центры: +7 812 000-00-00;Получение консультации;'-по записи\r\n\
               Организация отношений с внутренним клиентом;;;;;\r\n\
               2;;Кадры;Письменное взаимодействие: hr@lenobl.ru;Получение консультации;нет\r\n\
               * В соответствии с пунктом 3.7 Порядка;;;;;\r\n\
               Сформировано: 28.11.2026;;;;;\r\n";
        let p = parse(file.as_bytes()).unwrap();
        assert_eq!(p.rows.len(), 2, "{p:?}");
        assert_eq!(p.rows[0].line, 7);
        assert_eq!(p.rows[0].point, "+7 812 000-00-00");
        assert_eq!(p.rows[0].channel, Channel::Offline);
        assert_eq!(p.rows[0].features.as_deref(), Some("-по записи"));
        // Column 2 empty: the section's direction.
        assert_eq!(p.rows[1].direction, Direction::Internal);
        assert_eq!(p.rows[1].channel, Channel::Digital);
        assert!(!p.has_clients);
    }

    #[test]
    fn bad_rows_are_named_by_line() {
        let file = format!(
            "{HEAD}1;3.5.1;Ф;Сайт: x;Получение информации;нет\n\
             \n\
             2;3.5.9;Ф;Личный приём: x (цифровая);Жалоба;нет\n\
             3;3.5.1;Ф;Личный приём:;;нет\n\
             4;3.5.1;Ф;Личный приём: каб. 1;Получение информации;нет\n\
             Что-то одно\n"
        );
        let Err(FileError::Rows(errs)) = parse(file.as_bytes()) else {
            panic!()
        };
        let got: Vec<(usize, Problem)> = errs.into_iter().map(|e| (e.line, e.problem)).collect();
        assert_eq!(
            got,
            vec![
                (2, Problem::BadKind("Сайт".into())),
                (4, Problem::BadDirection("3.5.9".into())),
                (4, Problem::BadNeed("Жалоба".into())),
                (5, Problem::NoPoint),
                (5, Problem::Empty(Column::Needs)),
                (7, Problem::Empty(Column::Direction)),
                (7, Problem::Empty(Column::Function)),
                (7, Problem::Empty(Column::Point)),
                (7, Problem::Empty(Column::Needs)),
            ]
        );
        // The channel contradicting the kind (4.1) is a bad row too.
        let e = one("1;3.5.1;Ф;Личный приём: x (цифровая);Получение информации;нет\n");
        assert_eq!(
            e,
            Err(FileError::Rows(vec![RowError {
                line: 2,
                problem: Problem::Invalid(Invalid::ChannelMismatch)
            }]))
        );
    }

    #[test]
    fn the_header_and_its_columns() {
        assert_eq!(parse(b"a;b\n1;2\n"), Err(FileError::NoHeader));
        assert_eq!(
            parse("Направление деятельности;Точка взаимодействия;Особенности взаимодействия с клиентом\n".as_bytes()),
            Err(FileError::MissingColumns(vec![Column::Function, Column::Needs]))
        );
        assert_eq!(parse(HEAD.as_bytes()), Err(FileError::Empty));
        let r = parse(
            "Клиенты;Подразделение;Точка взаимодействия;Цель взаимодействия с клиентом;\
             Направление функции (сервиса);Направление деятельности;Особенности взаимодействия с клиентом\n\
             внешние и внутренние;Отдел  кадров;Личный приём: каб. 1;Получение информации;Кадры — нет в Реестре;3.5.3;\n\
             ;;Личный приём: каб. 2;Получение информации;Кадры — нет в Реестре;3.5.3;\n\
             всякие;;Личный приём: каб. 3;Получение информации;Кадры — нет в Реестре;3.5.3;\n"
                .as_bytes(),
        );
        let Err(FileError::Rows(errs)) = r else {
            panic!("{r:?}")
        };
        assert_eq!(
            errs,
            vec![RowError {
                line: 4,
                problem: Problem::BadClients("всякие".into())
            }]
        );
        let p = parse(
            "Клиенты;Подразделение;Точка взаимодействия;Цель взаимодействия с клиентом;\
             Направление функции (сервиса);Направление деятельности;Особенности взаимодействия с клиентом\n\
             внешние и внутренние;Отдел  кадров;Личный приём: каб. 1;Получение информации;Кадры — нет в Реестре;3.5.3;\n"
                .as_bytes(),
        )
        .unwrap();
        assert!(p.has_clients);
        assert_eq!(p.rows[0].clients, Some(Clients::Both));
        assert_eq!(p.rows[0].division.as_deref(), Some("Отдел кадров"));
        assert_eq!(p.rows[0].features, None);
    }
}
