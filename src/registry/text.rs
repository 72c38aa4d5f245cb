//! Texts: what applying a file changes, and why a file was refused — the same for the bot
//! (HTML, `esc` escapes) and the command line (`esc` copies, then [`plain`]).

use super::{Column, FileError, Plan, Problem, Update};
use crate::domain::Lang;
use crate::i18n::I18n;
use crate::sheet;
use crate::tr;

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
        FileError::Sheet(refusal) => sheet::describe(i, lang, refusal, esc),
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

/// A message's HTML as plain text: tags dropped, entities read back.
pub(crate) fn plain(s: &str) -> String {
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
    use super::super::fixtures::{entry, existing};
    use super::super::{plan, Entry, Existing};
    use super::*;

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
}
