//! The words (issue 15): one term for each thing, the Order's, and texts a civil servant
//! reads on a phone. Checked on the locale sources, every variant of every message, so a
//! text added later is held to the same terms.

use fluent_syntax::ast::{Expression, InlineExpression, Pattern, PatternElement};

use super::{I18n, FILES};
use crate::domain::Lang;

/// Every message of a language as (key, text): placeables are written `{$name}` (a
/// variable) or `{…}`, and a selector's variants stand one after another, split by ` | `.
fn messages(lang: Lang) -> Vec<(String, String)> {
    let mut out = vec![];
    for (l, name, src) in FILES {
        if *l != lang {
            continue;
        }
        let res = fluent_syntax::parser::parse(*src).unwrap_or_else(|_| panic!("{name} parses"));
        for entry in res.body {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                if let Some(value) = &m.value {
                    out.push((m.id.name.to_string(), flat(value)));
                }
            }
        }
    }
    assert!(out.len() > 100, "too few messages in {lang:?}");
    out
}

fn flat(p: &Pattern<&str>) -> String {
    let mut s = String::new();
    for e in &p.elements {
        match e {
            PatternElement::TextElement { value } => s.push_str(value),
            PatternElement::Placeable { expression } => s.push_str(&flat_expr(expression)),
        }
    }
    s
}

fn flat_expr(e: &Expression<&str>) -> String {
    match e {
        Expression::Select { variants, .. } => variants
            .iter()
            .map(|v| flat(&v.value))
            .collect::<Vec<_>>()
            .join(" | "),
        Expression::Inline(InlineExpression::StringLiteral { value }) => value.to_string(),
        Expression::Inline(InlineExpression::VariableReference { id }) => {
            format!("{{${}}}", id.name)
        }
        Expression::Inline(InlineExpression::Placeable { expression }) => flat_expr(expression),
        Expression::Inline(_) => "{…}".to_string(),
    }
}

fn text(lang: Lang, key: &str) -> String {
    messages(lang)
        .into_iter()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("no {key} in {lang:?}"))
        .1
}

/// The words of a text, placeables left out.
fn words(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Keys whose text an operator reads at a terminal, not a person in chat.
fn for_the_operator(key: &str) -> bool {
    key.contains("cli-")
}

/// Column 5 is «цель взаимодействия с клиентом» wherever the bot names the column or the
/// field; «потребности клиента» stays only where the Order itself says so (3.7, 5.1.3).
#[test]
fn column_5_has_one_name() {
    for key in ["col-5", "field-needs", "part-needs", "invalid-no-needs"] {
        let t = text(Lang::Ru, key).to_lowercase();
        assert!(t.contains("цель взаимодействия с клиентом"), "{key}: {t}");
    }
    for key in ["col-5", "field-needs", "part-needs", "invalid-no-needs"] {
        let t = text(Lang::En, key).to_lowercase();
        assert!(t.contains("purpose of interaction"), "{key}: {t}");
    }
    for lang in Lang::ALL {
        for (key, t) in messages(*lang) {
            let label = ["col-", "field-", "part-", "btn-"]
                .iter()
                .any(|p| key.starts_with(p));
            let t = t.to_lowercase();
            if label {
                assert!(!t.contains("потребност"), "{key}: {t}");
                assert!(!t.contains("need"), "{key}: {t}");
            }
        }
    }
}

/// A waiting report is «на рассмотрении» (under review), nothing else.
#[test]
fn a_waiting_report_has_one_name() {
    for (key, t) in messages(Lang::Ru) {
        let t = t.to_lowercase();
        for other in ["ждёт решения", "ожидающ", "ожидают решения"]
        {
            assert!(!t.contains(other), "{key}: {t}");
        }
    }
    for (key, t) in messages(Lang::En) {
        let t = t.to_lowercase();
        for other in ["awaiting", "waiting for a decision", "awaits"] {
            assert!(!t.contains(other), "{key}: {t}");
        }
    }
}

/// Heads report; the authorized person excludes (3.3.3, 5.2).
#[test]
fn heads_are_asked_to_report_not_to_exclude() {
    assert_eq!(
        text(Lang::Ru, "cmd-exclude"),
        "сообщить об исключении точки"
    );
    for key in [
        "cmd-exclude",
        "actual-removed-hint",
        "remind-row-flagged",
        "report-changes-how",
        "remind-ask",
    ] {
        let t = text(Lang::Ru, key).to_lowercase();
        assert!(!t.contains("исключите"), "{key}: {t}");
        assert!(!t.contains("исключить"), "{key}: {t}");
        let t = text(Lang::En, key);
        assert!(
            !t.starts_with("Exclude") && !t.contains(": exclude"),
            "{key}: {t}"
        );
    }
    assert_eq!(
        text(Lang::Ru, "btn-report-changes"),
        "Сообщить об изменениях"
    );
    for (key, t) in messages(Lang::Ru) {
        assert!(!t.contains("Сообщить изменения"), "{key}: {t}");
        assert!(!t.contains("ообщите изменения"), "{key}: {t}");
    }
}

/// No «принял(а)», «стал(а)»: the bot does not know whom it speaks of.
#[test]
fn russian_texts_have_no_gendered_brackets() {
    for (key, t) in messages(Lang::Ru) {
        for form in ["(а)", "(ла)", "(ась)"] {
            assert!(!t.contains(form), "{key}: {t}");
        }
    }
}

/// A Telegram name cannot be declined: it stands where the nominative does, never after
/// a preposition or a noun that governs a case («у Иван Петров», «доступ Иван Петров»).
#[test]
fn names_stand_in_the_nominative() {
    let governing = [
        "у",
        "от",
        "для",
        "к",
        "с",
        "о",
        "об",
        "по",
        "при",
        "доступ",
        "доступа",
        "отчёт",
    ];
    for (key, t) in messages(Lang::Ru) {
        for var in ["{$name}", "{$by}", "{$reporter}", "{$acceptor}"] {
            for (at, _) in t.match_indices(var) {
                // Only a word right before the name governs it («От: { $name }» is a label).
                let before = t[..at].trim_end_matches(' ');
                if before.len() == at || !before.ends_with(char::is_alphabetic) {
                    continue;
                }
                let last = words(before).last().map(|w| w.to_lowercase());
                assert!(
                    !last.is_some_and(|w| governing.contains(&w.as_str())),
                    "{key}: {t}"
                );
            }
        }
    }
}

/// Setting names and developer words stay out of what a person reads in chat.
#[test]
fn no_developer_words_in_user_texts() {
    for lang in Lang::ALL {
        for (key, t) in messages(*lang) {
            if for_the_operator(&key) {
                continue;
            }
            assert!(!t.contains("TOUCHPOINTS_"), "{key}: {t}");
            let lower = t.to_lowercase();
            for word in ["диалог", "разом", "dialogue"] {
                assert!(!lower.contains(word), "{key}: {t}");
            }
            // «ID», not «id».
            assert!(!words(&t).iter().any(|w| w == "id"), "{key}: {t}");
        }
    }
}

/// «№ 12» with a no-break space, so that a phone never leaves the sign alone at the end of
/// a line; the same for «No. 12».
#[test]
fn a_number_sign_keeps_its_number() {
    for (key, t) in messages(Lang::Ru) {
        for (at, m) in t.match_indices('№') {
            assert!(t[at + m.len()..].starts_with('\u{a0}'), "{key}: {t:?}");
        }
    }
    for (key, t) in messages(Lang::En) {
        for (at, m) in t.match_indices("No.") {
            assert!(t[at + m.len()..].starts_with('\u{a0}'), "{key}: {t:?}");
        }
    }
}

/// Role names go inside sentences («ваша роль — наблюдатель»); headings have their own keys.
#[test]
fn role_names_are_written_small() {
    for lang in Lang::ALL {
        for key in ["role-admin", "role-head", "role-viewer", "role-none"] {
            let t = text(*lang, key);
            assert!(t.starts_with(|c: char| c.is_lowercase()), "{key}: {t}");
        }
        for key in [
            "people-group-admin",
            "people-group-head",
            "people-group-viewer",
        ] {
            let t = text(*lang, key);
            assert!(t.starts_with(|c: char| c.is_uppercase()), "{key}: {t}");
        }
    }
}

/// A phone shows about 30 characters on a full-width button.
#[test]
fn buttons_fit_a_phone() {
    for lang in Lang::ALL {
        for (key, t) in messages(*lang) {
            let button = key.starts_with("btn-") || key.starts_with("field-");
            if !button || t.contains('{') {
                continue;
            }
            let n = t.chars().count();
            let max = if key.starts_with("btn-little-used") {
                30
            } else {
                36
            };
            assert!(n <= max, "{key}: {n} characters: {t}");
        }
    }
}

/// A prompt that names a button names it as the button reads.
#[test]
fn prompts_name_their_buttons() {
    let pairs = [
        ("ask-features", "btn-no-features"),
        ("ask-needs", "btn-done"),
        ("duplicate-row", "btn-change-needs"),
        ("summary-unchanged", "btn-edit"),
        ("remind-ask", "btn-all-current"),
        ("remind-ask", "btn-report-changes"),
        ("confirm-already", "btn-report-changes"),
    ];
    for (prompt, button) in pairs {
        let ru = format!("«{}»", text(Lang::Ru, button));
        assert!(text(Lang::Ru, prompt).contains(&ru), "{prompt}: {ru}");
        let en = format!("“{}”", text(Lang::En, button));
        assert!(text(Lang::En, prompt).contains(&en), "{prompt}: {en}");
    }
}

/// The number of reports carries its own noun: «на рассмотрении — 3 отчёта», not
/// «отчётов на рассмотрении — 3 отчёта».
#[test]
fn the_word_report_is_not_repeated() {
    let i = I18n::load().unwrap();
    let three = tr!(i, Lang::Ru, "reports-count", count = 3);
    let texts = [
        tr!(
            i,
            Lang::Ru,
            "stats-title",
            date = "01.12.2026",
            rows = "5 точек",
            pending = three.as_str()
        ),
        tr!(
            i,
            Lang::Ru,
            "chart-subtitle",
            rows = "5 точек",
            pending = three.as_str()
        ),
        tr!(i, Lang::Ru, "pending-title", count = three.as_str()),
        tr!(
            i,
            Lang::Ru,
            "person-card",
            line = "Анна",
            role = "наблюдатель",
            pending = three.as_str()
        ),
        tr!(
            i,
            Lang::Ru,
            "revoke-confirm",
            name = "Иван Петров",
            pending = three.as_str()
        ),
        tr!(
            i,
            Lang::Ru,
            "revoked",
            name = "Иван Петров",
            pending = three.as_str()
        ),
    ];
    for t in texts {
        assert_eq!(t.to_lowercase().matches("отчёт").count(), 1, "{t}");
    }
    let greet = tr!(i, Lang::Ru, "greet-admin", name = "Анна", pending = three);
    assert!(greet.ends_with("\nНа рассмотрении: 3 отчёта."), "{greet}");
}

/// Plural forms of the texts this issue rewrote.
#[test]
fn rewritten_texts_keep_russian_plurals() {
    let i = I18n::load().unwrap();
    let rows = |n: i64| tr!(i, Lang::Ru, "registry-removed-rows", rows = n);
    assert!(rows(1).starts_with("— в перечне 1 строка:"), "{}", rows(1));
    assert!(rows(3).starts_with("— в перечне 3 строки:"), "{}", rows(3));
    assert!(rows(5).starts_with("— в перечне 5 строк:"), "{}", rows(5));
    assert!(
        rows(21).starts_with("— в перечне 21 строка:"),
        "{}",
        rows(21)
    );
    let summary = |n: i64| {
        tr!(
            i,
            Lang::Ru,
            "remind-summary",
            date = "01.12.2026",
            count = n
        )
    };
    assert!(
        summary(1).ends_with("от 1 подразделения:"),
        "{}",
        summary(1)
    );
    assert!(
        summary(3).ends_with("от 3 подразделений:"),
        "{}",
        summary(3)
    );
    assert!(
        summary(11).ends_with("от 11 подразделений:"),
        "{}",
        summary(11)
    );
    let moved = |n: i64| {
        tr!(
            i,
            Lang::Ru,
            "registry-change-division",
            old = "А",
            new = "Б",
            rows = n
        )
    };
    assert_eq!(moved(0), "подразделение «А» → «Б»");
    assert!(
        moved(1).ends_with("перейдёт 1 строка перечня)"),
        "{}",
        moved(1)
    );
    assert!(
        moved(2).ends_with("перейдут 2 строки перечня)"),
        "{}",
        moved(2)
    );
    assert!(
        moved(7).ends_with("перейдут 7 строк перечня)"),
        "{}",
        moved(7)
    );
}
