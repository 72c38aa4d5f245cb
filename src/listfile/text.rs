//! Texts: what loading a file adds, and why a file or its rows were refused — the same for
//! the bot (HTML, `esc` escapes) and the command line (`esc` copies, then `plain`).

use super::{Column, FileError, Plan, Problem, RowError};
use crate::domain::{Clients, Lang};
use crate::i18n::I18n;
use crate::sheet;
use crate::tr;

/// Most items listed per section of a preview.
const SHOWN: usize = 15;
/// Most row errors listed.
const SHOWN_ERRORS: usize = 25;
/// Room for a preview's body: the question under it must survive Telegram's 4096.
const ROOM: usize = 3900;

fn clients_name(i: &I18n, lang: Lang, c: Clients) -> String {
    i.label(lang, &format!("clients-{}", c.code()))
}

/// The name of a column in messages: the heading, and its number for the form's six.
fn column_name(c: Column) -> String {
    let n = match c {
        Column::Number => Some(1),
        Column::Direction => Some(2),
        Column::Function => Some(3),
        Column::Point => Some(4),
        Column::Needs => Some(5),
        Column::Features => Some(6),
        Column::Division | Column::Clients => None,
    };
    match n {
        Some(n) => format!("{n}. {}", c.header()),
        None => c.header().to_string(),
    }
}

/// What loading a file adds, per direction, and which rows already stand in the list.
/// `clients` is what rows without their own take; `has_clients`: whether the file has the
/// «Клиенты» column.
pub fn describe_plan(
    i: &I18n,
    lang: Lang,
    file: &str,
    rows: usize,
    p: &Plan,
    clients: Clients,
    esc: &dyn Fn(&str) -> String,
) -> String {
    let mut out = vec![tr!(
        i,
        lang,
        "list-import-title",
        file = esc(file),
        rows = rows
    )];
    if !p.adds.is_empty() {
        out.push(String::new());
        out.push(tr!(i, lang, "list-import-adds", count = p.adds.len()));
        for (d, n) in p.per_direction() {
            if n > 0 {
                out.push(tr!(
                    i,
                    lang,
                    "list-import-direction",
                    code = d.code(),
                    direction = i.label(lang, &d.locale_key()),
                    count = n
                ));
            }
        }
    }
    if !p.new_functions.is_empty() {
        out.push(String::new());
        out.push(tr!(
            i,
            lang,
            "list-import-new-functions",
            count = p.new_functions.len()
        ));
        for (name, division) in p.new_functions.iter().take(SHOWN) {
            out.push(tr!(
                i,
                lang,
                "list-import-new-function",
                name = esc(name),
                division = esc(division)
            ));
        }
        if p.new_functions.len() > SHOWN {
            out.push(tr!(
                i,
                lang,
                "list-import-more",
                count = p.new_functions.len() - SHOWN
            ));
        }
    }
    if !p.skipped.is_empty() {
        out.push(String::new());
        out.push(tr!(i, lang, "list-import-skipped", count = p.skipped.len()));
        for s in p.skipped.iter().take(SHOWN) {
            out.push(tr!(
                i,
                lang,
                "list-import-skipped-item",
                line = s.line,
                function = esc(&s.function),
                point = esc(&s.point)
            ));
        }
        if p.skipped.len() > SHOWN {
            out.push(tr!(
                i,
                lang,
                "list-import-more",
                count = p.skipped.len() - SHOWN
            ));
        }
    }
    let footer = if p.adds.is_empty() {
        tr!(i, lang, "list-import-nothing")
    } else {
        let mut f = String::new();
        if p.defaulted > 0 {
            f.push_str(&tr!(
                i,
                lang,
                "list-import-clients",
                count = p.defaulted,
                clients = clients_name(i, lang, clients)
            ));
            f.push_str("\n\n");
        }
        f.push_str(&tr!(i, lang, "list-import-confirm"));
        f
    };
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

fn problem(i: &I18n, lang: Lang, p: &Problem, esc: &dyn Fn(&str) -> String) -> String {
    match p {
        Problem::Empty(c) => tr!(i, lang, "list-problem-empty", column = column_name(*c)),
        Problem::TooLong(c, max) => tr!(
            i,
            lang,
            "list-problem-too-long",
            column = column_name(*c),
            max = *max
        ),
        Problem::BadDirection(v) => tr!(i, lang, "list-problem-bad-direction", value = esc(v)),
        Problem::BadKind(v) => tr!(i, lang, "list-problem-bad-kind", value = esc(v)),
        Problem::NoPoint => tr!(i, lang, "list-problem-no-point"),
        Problem::BadNeed(v) => tr!(i, lang, "list-problem-bad-need", value = esc(v)),
        Problem::BadClients(v) => tr!(i, lang, "list-problem-bad-clients", value = esc(v)),
        Problem::Invalid(why) => i.label(lang, &format!("invalid-{}", why.name())),
        Problem::UnknownFunction(name) => {
            tr!(i, lang, "list-problem-unknown-function", name = esc(name))
        }
        Problem::WrongDirection {
            function,
            direction,
        } => tr!(
            i,
            lang,
            "list-problem-wrong-direction",
            name = esc(function),
            direction = direction.code()
        ),
        Problem::Ambiguous(name) => tr!(i, lang, "list-problem-ambiguous", name = esc(name)),
        Problem::DivisionDisagrees { file, registry } => tr!(
            i,
            lang,
            "list-problem-division-disagrees",
            file = esc(file),
            registry = esc(registry)
        ),
        Problem::TypedWithoutDivision => tr!(i, lang, "list-problem-typed-without-division"),
        Problem::UnknownDivision(name) => {
            tr!(i, lang, "list-problem-unknown-division", name = esc(name))
        }
        Problem::Repeats(first) => tr!(i, lang, "list-problem-repeats", first = *first),
    }
}

/// Bad rows, up to a limit, by line and reason, under `title`.
pub fn describe_rows(
    i: &I18n,
    lang: Lang,
    title: String,
    errors: &[RowError],
    esc: &dyn Fn(&str) -> String,
) -> String {
    let mut out = vec![title];
    for r in errors.iter().take(SHOWN_ERRORS) {
        out.push(tr!(
            i,
            lang,
            "list-import-row",
            line = r.line,
            problem = problem(i, lang, &r.problem, esc)
        ));
    }
    if errors.len() > SHOWN_ERRORS {
        out.push(tr!(
            i,
            lang,
            "list-import-more",
            count = errors.len() - SHOWN_ERRORS
        ));
    }
    out.join("\n")
}

/// Why a file was refused, with every bad row (up to a limit) by line and reason.
pub fn describe_error(i: &I18n, lang: Lang, e: &FileError, esc: &dyn Fn(&str) -> String) -> String {
    match e {
        FileError::Sheet(refusal) => sheet::describe(i, lang, refusal, esc),
        FileError::NoHeader => tr!(i, lang, "list-import-error-no-header"),
        FileError::Empty => tr!(i, lang, "list-import-error-empty"),
        FileError::MissingColumns(cs) => tr!(
            i,
            lang,
            "list-import-error-missing",
            columns = cs
                .iter()
                .map(|c| format!("«{}»", column_name(*c)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        FileError::DuplicateColumn(c) => tr!(
            i,
            lang,
            "list-import-error-duplicate-column",
            column = column_name(*c)
        ),
        FileError::Rows(errors) => {
            let title = tr!(i, lang, "list-import-error-rows", count = errors.len());
            describe_rows(i, lang, title, errors, esc)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::plan::Skip;
    use super::*;

    #[test]
    fn a_long_preview_keeps_its_question_within_telegrams_limit() {
        let i = I18n::load().unwrap();
        let long = "Очень длинное наименование функции ".repeat(8);
        let p = Plan {
            skipped: (0..40)
                .map(|n| Skip {
                    line: n,
                    row_id: n as i64,
                    function: long.clone(),
                    point: long.clone(),
                })
                .collect(),
            new_functions: (0..40)
                .map(|n| (format!("{long}{n}"), long.clone()))
                .collect(),
            ..Plan::default()
        };
        let text = describe_plan(&i, Lang::Ru, "f.csv", 80, &p, Clients::External, &|s| {
            s.to_string()
        });
        assert!(text.chars().count() <= 4096, "{}", text.chars().count());
        assert!(
            text.ends_with(&tr!(i, Lang::Ru, "list-import-nothing")),
            "{text}"
        );
    }

    #[test]
    fn every_problem_has_words() {
        let i = I18n::load().unwrap();
        let e = FileError::Rows(vec![
            RowError {
                line: 7,
                problem: Problem::Invalid(crate::domain::Invalid::ChannelMismatch),
            },
            RowError {
                line: 9,
                problem: Problem::Empty(Column::Needs),
            },
        ]);
        for lang in Lang::ALL {
            let t = describe_error(&i, *lang, &e, &|s| s.to_string());
            assert!(!t.contains("invalid-"), "{t}");
            assert!(t.contains('7') && t.contains('9'), "{t}");
        }
        let t = describe_error(&i, Lang::Ru, &e, &|s| s.to_string());
        assert!(
            t.contains("Строка 9: не заполнен столбец «5. Цель взаимодействия с клиентом*»"),
            "{t}"
        );
    }
}
