//! The Order's appendix form, independent of the file format: its fixed texts (the one
//! place they live) and the list laid out as lines — title, headings, the numbering row,
//! one section per direction (3.5) with its rows, the footnote and the date. Each writer
//! (`xlsx`, `docx`, `csv`) only decides how these lines look.
//!
//! The fixed texts are Russian on purpose: the file is the Order's official document, so
//! they are the Order's words (or, for the few lines the Order does not word, ours in the
//! same language), not user-interface texts for `locales/`.

use chrono::NaiveDate;

use crate::domain::{Channel, Direction, Moment, Row};

/// The appendix caption of the form, right-aligned above the title, in the Order's own
/// lines.
pub const CAPTION: [&str; 9] = [
    "Приложение к Порядку ведения",
    "Администрацией Губернатора",
    "и Правительства Ленинградской области",
    "перечня точек взаимодействия",
    "с внешним и внутренним клиентами,",
    "утвержденному приказом",
    "Администрации Губернатора",
    "и Правительства Ленинградской области",
    "от 11.03.2024 № 01-02/01",
];

/// The title of the appendix form.
pub const TITLE: &str = "Перечень точек взаимодействия с внешним и внутренним клиентами";

/// The six column headings, letter for letter as in the appendix.
pub const HEADINGS: [&str; 6] = [
    "№",
    "Направление деятельности",
    "Направление функции (сервиса)",
    "Точка взаимодействия",
    "Цель взаимодействия с клиентом*",
    "Особенности взаимодействия с клиентом",
];

/// The numbering row under the headings.
pub const NUMBERING: [&str; 6] = ["1", "2", "3", "4", "5", "6"];

/// The footnote to column 5.
pub const FOOTNOTE: &str = "* В соответствии с пунктом 3.7 Порядка";

/// Put before the date the file was made: `Сформировано: 28.11.2026`.
pub const MADE_ON_PREFIX: &str = "Сформировано: ";

/// How that date is written.
pub const DATE_FORMAT: &str = "%d.%m.%Y";

/// The line shown instead of sections when there are no rows.
pub const EMPTY: &str = "Перечень не содержит точек взаимодействия";

/// The line under the title of a list as it stood at a moment:
/// `по состоянию на 01.12.2026 14:30`.
pub const AS_OF_PREFIX: &str = "по состоянию на ";

/// The same line for the end of a day: `по состоянию на конец дня 01.12.2026`.
pub const AS_OF_END_OF_DAY: &str = "по состоянию на конец дня ";

/// How a minute is written in that line (local time).
pub const MOMENT_FORMAT: &str = "%d.%m.%Y %H:%M";

/// The line shown instead of sections when the moment asked for is before the list's
/// first record.
pub const EMPTY_BEFORE_FIRST: &str =
    "На этот момент перечень ещё не вёлся: его первая запись сделана позже";

/// Column 6 when a row has no features (the Order allows «нет»).
pub const NO_FEATURES: &str = "нет";

/// Added to column 6, on its own line, for a point that is little used or has no records
/// (3.5 lists such points too).
pub const LITTLE_USED: &str = "Мало востребована / учёт обращений не ведётся";

/// Added to column 3 when the function or service is not in the Registry (typed by a head).
pub const NOT_IN_REGISTRY: &str = "нет в Реестре";

/// The channel (4.1), in brackets after the concrete point in column 4.
pub const CHANNEL_DIGITAL: &str = "цифровая";
pub const CHANNEL_OFFLINE: &str = "офлайн";

/// Names the scope under the title: `Направление деятельности: …`.
pub const SCOPE_DIRECTION: &str = "Направление деятельности";
/// Names the scope under the title: `Структурное подразделение: …`.
pub const SCOPE_DIVISION: &str = "Структурное подразделение";

/// The worksheet's name in the XLSX file (at most 31 characters, no `[]:*?/\`).
pub const SHEET_NAME: &str = "Перечень";

/// The stem of the file name; the date and the extension follow.
pub const FILE_STEM: &str = "Перечень_точек_взаимодействия";

/// Column 1 of the first data row.
pub const FIRST_NUMBER: usize = 1;

/// The date line under the footnote.
pub fn made_on_line(made_on: NaiveDate) -> String {
    format!("{MADE_ON_PREFIX}{}", made_on.format(DATE_FORMAT))
}

/// The line under the title of the list as it stood at `moment`.
pub fn as_of_line(moment: Moment) -> String {
    match moment {
        Moment::Minute(t) => format!("{AS_OF_PREFIX}{}", t.format(MOMENT_FORMAT)),
        Moment::EndOfDay(d) => format!("{AS_OF_END_OF_DAY}{}", d.format(DATE_FORMAT)),
    }
}

/// The channel's wording in column 4.
pub fn channel_text(channel: Channel) -> &'static str {
    match channel {
        Channel::Digital => CHANNEL_DIGITAL,
        Channel::Offline => CHANNEL_OFFLINE,
    }
}

/// Column 3: the function's name, its Registry code in brackets when it has one, and a
/// mark when it is not in the Registry.
pub fn function_cell(row: &Row) -> String {
    let mut s = row.function_name.trim().to_string();
    if let Some(code) = row.function_code.as_deref().map(str::trim) {
        if !code.is_empty() {
            s.push_str(" (");
            s.push_str(code);
            s.push(')');
        }
    }
    if !row.function_in_registry {
        s.push_str(" — ");
        s.push_str(NOT_IN_REGISTRY);
    }
    s
}

/// Column 4: the kind in the Order's wording, the concrete point, the channel.
pub fn touchpoint_cell(row: &Row) -> String {
    format!(
        "{}: {} ({})",
        row.data.kind.full(),
        row.data.point.trim(),
        channel_text(row.data.channel)
    )
}

/// Column 5: the needs in the Order's wording, one per line.
pub fn needs_cell(row: &Row) -> String {
    row.data.needs_full().join("\n")
}

/// Column 6: the features or «нет»; a little-used point says so on its own line.
pub fn features_cell(row: &Row) -> String {
    let mut s = match row.data.features.as_deref().map(str::trim) {
        Some(f) if !f.is_empty() => f.to_string(),
        _ => NO_FEATURES.to_string(),
    };
    if row.data.little_used {
        s.push('\n');
        s.push_str(LITTLE_USED);
    }
    s
}

/// The six cells of a data row, numbered `number`.
pub fn row_cells(number: usize, row: &Row) -> [String; 6] {
    [
        number.to_string(),
        row.data.direction.full().to_string(),
        function_cell(row),
        touchpoint_cell(row),
        needs_cell(row),
        features_cell(row),
    ]
}

/// The text shown under the title for a part of the list; `None` for the whole list.
pub fn scope_text(direction: Option<Direction>, division: Option<&str>) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(d) = direction {
        parts.push(format!("{SCOPE_DIRECTION}: {}", d.full()));
    }
    if let Some(name) = division.map(str::trim).filter(|n| !n.is_empty()) {
        parts.push(format!("{SCOPE_DIVISION}: {name}"));
    }
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("; "))
    }
}

/// One section of the list: a direction and its rows, already numbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub direction: Direction,
    pub rows: Vec<[String; 6]>,
}

/// The whole list laid out for a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The appendix caption, one line of the Order a line, right-aligned above the title.
    pub caption: &'static [&'static str],
    pub title: &'static str,
    pub scope: Option<String>,
    /// Sections in the Order's sequence 3.5.1, 3.5.2, 3.5.3; a direction without rows has
    /// none. Empty when the list is empty.
    pub sections: Vec<Section>,
    /// The line under the title (and scope) of a list as it stood at a moment.
    pub as_of: Option<String>,
    /// The line shown instead of sections when there are no rows.
    pub empty: &'static str,
    pub footnote: &'static str,
    pub made_on: String,
}

impl Form {
    /// Lays the rows out: grouped by direction in the Order's sequence (keeping the given
    /// order within a direction), numbered 1..N across the sections.
    pub fn new(rows: &[Row], scope: Option<&str>, made_on: NaiveDate) -> Form {
        let mut number = FIRST_NUMBER;
        let mut sections = Vec::new();
        for &direction in Direction::ALL {
            let cells: Vec<[String; 6]> = rows
                .iter()
                .filter(|r| r.data.direction == direction)
                .map(|r| {
                    let c = row_cells(number, r);
                    number += 1;
                    c
                })
                .collect();
            if !cells.is_empty() {
                sections.push(Section {
                    direction,
                    rows: cells,
                });
            }
        }
        Form {
            caption: &CAPTION,
            title: TITLE,
            scope: scope
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            sections,
            as_of: None,
            empty: EMPTY,
            footnote: FOOTNOTE,
            made_on: made_on_line(made_on),
        }
    }

    /// The list as it stood at `moment`: the line saying so under the title, and, when
    /// nothing had been recorded by then (`before_first`), the empty form saying that.
    pub fn at(mut self, moment: Moment, before_first: bool) -> Form {
        self.as_of = Some(as_of_line(moment));
        if before_first {
            self.empty = EMPTY_BEFORE_FIRST;
        }
        self
    }

    /// Whether the list has no rows.
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// The number of data rows.
    pub fn row_count(&self) -> usize {
        self.sections.iter().map(|s| s.rows.len()).sum()
    }
}

/// Drops the characters that XML 1.0 cannot carry (the C0 controls other than tab, line
/// feed and carriage return), for writers that do not escape them.
pub fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    if text.chars().any(bad) {
        std::borrow::Cow::Owned(text.chars().filter(|c| !bad(*c)).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Splits a cell's text into lines, whatever the line ends (`\n`, `\r\n`, `\r`).
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::{Clients, Kind, Need, RowStatus, TouchpointData};

    pub fn row(id: i64, direction: Direction, point: &str) -> Row {
        Row {
            id,
            data: TouchpointData {
                direction,
                function_id: 1,
                kind: Kind::Website,
                channel: Channel::Digital,
                point: point.into(),
                needs: [Need::Information, Need::Application].into_iter().collect(),
                other_need: None,
                features: None,
                clients: Clients::External,
                little_used: false,
            },
            version: 1,
            function_name: "Рассмотрение обращений граждан".into(),
            function_code: Some("Ф-012".into()),
            function_in_registry: true,
            division_id: 1,
            division_name: "Отдел".into(),
            status: RowStatus::Active,
        }
    }

    #[test]
    fn function_cell_shows_code_and_registry_mark() {
        let mut r = row(1, Direction::Appeals, "x");
        assert_eq!(function_cell(&r), "Рассмотрение обращений граждан (Ф-012)");
        r.function_code = None;
        r.function_in_registry = false;
        assert_eq!(
            function_cell(&r),
            "Рассмотрение обращений граждан — нет в Реестре"
        );
        r.function_code = Some("  ".into());
        assert_eq!(
            function_cell(&r),
            "Рассмотрение обращений граждан — нет в Реестре"
        );
    }

    #[test]
    fn touchpoint_cell_has_kind_point_and_channel() {
        let mut r = row(1, Direction::Appeals, " https://lenobl.ru/appeal ");
        assert_eq!(
            touchpoint_cell(&r),
            "Официальные сайты (порталы) Правительства Ленинградской области и Администрации: \
             https://lenobl.ru/appeal (цифровая)"
        );
        r.data.kind = Kind::InPerson;
        r.data.channel = Channel::Offline;
        r.data.point = "Суворовский пр., 67, каб. 12".into();
        assert!(touchpoint_cell(&r).ends_with(": Суворовский пр., 67, каб. 12 (офлайн)"));
    }

    #[test]
    fn needs_are_one_per_line_with_the_other_text() {
        let mut r = row(1, Direction::Appeals, "x");
        r.data.needs.insert(Need::Other);
        r.data.other_need = Some("Запись на приём".into());
        assert_eq!(
            needs_cell(&r),
            "Получение информации\n\
             Представление заявления, обращения, запроса, документов\n\
             Другие удовлетворяемые потребности клиента: Запись на приём"
        );
    }

    #[test]
    fn features_default_to_net_and_note_little_use() {
        let mut r = row(1, Direction::Appeals, "x");
        assert_eq!(features_cell(&r), "нет");
        r.data.little_used = true;
        assert_eq!(
            features_cell(&r),
            "нет\nМало востребована / учёт обращений не ведётся"
        );
        r.data.features = Some(" По записи ".into());
        r.data.little_used = false;
        assert_eq!(features_cell(&r), "По записи");
    }

    #[test]
    fn sections_follow_the_orders_sequence_and_numbers_run_across_them() {
        let rows = vec![
            row(1, Direction::Internal, "c"),
            row(2, Direction::Appeals, "a1"),
            row(3, Direction::Appeals, "a2"),
        ];
        let f = Form::new(&rows, None, NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
        let dirs: Vec<_> = f.sections.iter().map(|s| s.direction).collect();
        assert_eq!(dirs, vec![Direction::Appeals, Direction::Internal]);
        let numbers: Vec<_> = f
            .sections
            .iter()
            .flat_map(|s| s.rows.iter().map(|r| r[0].clone()))
            .collect();
        assert_eq!(numbers, vec!["1", "2", "3"]);
        assert!(f.sections[0].rows[0][3].contains("a1"));
        assert_eq!(f.sections[1].rows[0][1], Direction::Internal.full());
        assert_eq!(f.row_count(), 3);
        assert_eq!(f.made_on, "Сформировано: 28.11.2026");
        assert!(!f.is_empty());
    }

    #[test]
    fn an_empty_list_has_no_sections() {
        let f = Form::new(
            &[],
            Some("  "),
            NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
        );
        assert!(f.is_empty());
        assert_eq!(f.scope, None);
        assert_eq!(f.made_on, "Сформировано: 02.01.2026");
    }

    #[test]
    fn scope_names_direction_and_division() {
        assert_eq!(scope_text(None, None), None);
        assert_eq!(scope_text(None, Some(" ")), None);
        assert_eq!(
            scope_text(Some(Direction::Appeals), Some("Отдел кадров")),
            Some(
                "Направление деятельности: Рассмотрение обращений и запросов; \
                 Структурное подразделение: Отдел кадров"
                    .into()
            )
        );
    }

    #[test]
    fn xml_safe_drops_only_what_xml_cannot_carry() {
        assert_eq!(xml_safe("a\tb\nc\rd"), "a\tb\nc\rd");
        assert_eq!(xml_safe("a\u{1}b\u{1f}c\u{b}"), "abc");
        assert!(matches!(xml_safe("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn lines_split_on_any_line_end() {
        assert_eq!(lines("a\r\nb\nc").collect::<Vec<_>>(), vec!["a", "b", "c"]);
        assert_eq!(lines("one").collect::<Vec<_>>(), vec!["one"]);
        assert_eq!(lines("\ra\rb").collect::<Vec<_>>(), vec!["", "a", "b"]);
    }

    #[test]
    fn a_moment_is_said_under_the_title_and_an_empty_form_before_the_first_record() {
        let made = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let minute = Moment::parse("01.12.2026 14:30").unwrap();
        let f = Form::new(&[], None, made).at(minute, false);
        assert_eq!(f.as_of.as_deref(), Some("по состоянию на 01.12.2026 14:30"));
        assert_eq!(f.empty, EMPTY);
        let f = Form::new(&[], None, made).at(Moment::parse("01.12.2026").unwrap(), true);
        assert_eq!(
            f.as_of.as_deref(),
            Some("по состоянию на конец дня 01.12.2026")
        );
        assert_eq!(f.empty, EMPTY_BEFORE_FIRST);
        assert_eq!(Form::new(&[], None, made).as_of, None);
    }

    #[test]
    fn caption_is_the_orders_appendix_caption_line_for_line() {
        assert_eq!(CAPTION.len(), 9);
        assert_eq!(CAPTION[0], "Приложение к Порядку ведения");
        assert_eq!(CAPTION[8], "от 11.03.2024 № 01-02/01");
        let f = Form::new(&[], None, NaiveDate::from_ymd_opt(2026, 1, 2).unwrap());
        assert_eq!(f.caption, &CAPTION);
    }

    #[test]
    fn headings_are_the_appendix_ones() {
        assert_eq!(HEADINGS.len(), 6);
        assert_eq!(HEADINGS[4], "Цель взаимодействия с клиентом*");
        assert_eq!(NUMBERING.join(" "), "1 2 3 4 5 6");
    }
}
