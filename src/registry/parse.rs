//! A Registry file read into checked entries: the header's columns found, every row checked,
//! every bad row named by the row number a spreadsheet shows. Pure: bytes in, entries out.

use std::collections::{BTreeMap, HashMap};

use super::{Column, Entry, FileError, Problem, RowError, LIMITS, MAX_CODE};
use crate::db::divisions::name_key;
use crate::domain::touchpoint::{MAX_DIVISION_NAME, MAX_FUNCTION_NAME};
use crate::domain::Direction;
use crate::sheet::{self, Row};

/// Reads a Registry file. XLSX is recognised by its content (a ZIP), whatever its name.
pub fn parse(bytes: &[u8]) -> Result<Vec<Entry>, FileError> {
    let table = sheet::read(bytes, &LIMITS).map_err(FileError::Sheet)?;
    entries(table.rows)
}

/// The column a header names.
fn column_of(h: &str) -> Option<Column> {
    let key = header_key(h);
    Column::ALL
        .into_iter()
        .find(|c| header_key(c.header()) == key)
}

/// A header without case and spaces (and without a BOM a spreadsheet may leave).
fn header_key(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
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

/// The header is the first row with content; the rows after it are entries.
fn entries(rows: Vec<Row>) -> Result<Vec<Entry>, FileError> {
    let mut rows = rows
        .into_iter()
        .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()));
    let Some(Row { cells: header, .. }) = rows.next() else {
        return Err(FileError::Empty);
    };
    let mut at: BTreeMap<Column, usize> = BTreeMap::new();
    for (i, h) in header.iter().enumerate() {
        if let Some(c) = column_of(h) {
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
    for Row {
        number: line,
        cells,
    } in rows
    {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::Refusal;

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
        assert_eq!(
            parse(b"\xca\xee\xe4;x\n"),
            Err(FileError::Sheet(Refusal::NotUtf8 { line: 1 }))
        );
        assert_eq!(
            parse("Код;код;Наименование;Вид;Направление;Подразделение\n".as_bytes()),
            Err(FileError::DuplicateColumn(Column::Code))
        );
        assert!(matches!(
            parse(b"PK\x03\x04garbage"),
            Err(FileError::Sheet(Refusal::Unreadable(_)))
        ));
    }

    /// The file: saved with CRLF, the header on line 1, bad rows on lines 3 and 5
    /// after a blank line 4 (the csv crate's own counter said 2 and 3).
    #[test]
    fn bad_rows_of_a_crlf_file_are_named_by_the_line_a_spreadsheet_shows() {
        let file = "\u{feff}Код;Наименование;Вид;Направление;Подразделение\r\n\
                    Ф-1;Первая;функция;3.5.1;Отдел\r\n\
                    Ф-2;Вторая;процесс;3.5.1;Отдел\r\n\
                    \r\n\
                    ;\"Пятая,\r\nв две строки\";функция;3.5.1;Отдел\r\n\
                    Ф-7;Седьмая;функция;3.5.1;\r\n";
        let r = parse(file.as_bytes());
        let Err(FileError::Rows(errs)) = r else {
            panic!("{r:?}")
        };
        let lines: Vec<usize> = errs.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 5, 6], "{errs:?}");
    }

    /// The 1 KB file that aborted the process: a cell at XFD1048576.
    #[test]
    fn a_registry_xlsx_with_a_far_cell_is_refused() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in Column::ALL.iter().enumerate() {
            sheet.write_string(0, c as u16, h.header()).unwrap();
        }
        sheet.write_string(1_048_575, 16_383, "x").unwrap();
        assert_eq!(
            parse(&book.save_to_buffer().unwrap()),
            Err(FileError::Sheet(Refusal::TooManyColumns {
                row: 1_048_576,
                column: 16_384,
                max: 50
            }))
        );
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
}
