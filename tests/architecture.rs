//! What is deliberately absent from the code (ARCHITECTURE.md, "Deliberately absent"),
//! checked by reading the sources: a violation names the file and the line.

use std::path::{Path, PathBuf};

fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out = vec![];
    let mut stack = vec![root];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else if p.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&p).unwrap();
            out.push((p, text));
        }
    }
    assert!(!out.is_empty(), "no sources under {dir}");
    out.sort();
    out
}

/// The code of a file without its comments (so that prose may name what code may not use).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(n, line)| {
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        (!code.trim().is_empty()).then_some((n + 1, code))
    })
}

fn relative(p: &Path) -> String {
    p.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(p)
        .display()
        .to_string()
}

/// Every line of `dir`'s code that contains one of `needles`.
fn find(dir: &str, needles: &[&str], skip: impl Fn(&Path) -> bool) -> Vec<String> {
    let mut found = vec![];
    for (path, text) in sources(dir) {
        if skip(&path) {
            continue;
        }
        for (n, code) in code_lines(&text) {
            for needle in needles {
                if code.contains(needle) {
                    found.push(format!("{}:{n}: {}", relative(&path), code.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn no_sql_and_no_transaction_under_bot() {
    let found = find(
        "src/bot",
        &[
            "sqlx::query",
            "query_as",
            "query_scalar",
            "begin_write",
            ".begin()",
            "Transaction<",
            "db::Tx",
            "SELECT ",
            "INSERT ",
            "UPDATE ",
            "DELETE ",
        ],
        |_| false,
    );
    assert!(found.is_empty(), "SQL in bot/: {found:#?}");
}

#[test]
fn no_teloxide_outside_bot() {
    let found = find("src", &["teloxide", "dptree"], |p| {
        p.starts_with(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/bot"))
    });
    assert!(found.is_empty(), "teloxide outside bot/: {found:#?}");
}

#[test]
fn the_domain_does_no_io() {
    let found = find(
        "src/domain",
        &[
            "sqlx",
            "tokio",
            "std::fs",
            "std::net",
            "std::io",
            "crate::db",
            "crate::bot",
            "crate::i18n",
            "reqwest",
        ],
        |_| false,
    );
    assert!(found.is_empty(), "IO in domain/: {found:#?}");
}

#[test]
fn storage_does_not_know_the_bot() {
    let found = find("src/db", &["crate::bot", "crate::i18n", "tr!("], |_| false);
    assert!(found.is_empty(), "db/ reaches up: {found:#?}");
}

/// The flows under `src/bot/flows`: a file `x.rs` or a folder `x/`.
fn flow_names() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/bot/flows");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let stem = p.file_stem()?.to_str()?.to_string();
            (stem != "mod").then_some(stem)
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn flows_do_not_import_each_other() {
    let names = flow_names();
    assert!(names.len() >= 10, "{names:?}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/bot/flows");
    let mut found = vec![];
    for (path, text) in sources("src/bot/flows") {
        let rel = path.strip_prefix(&root).unwrap();
        let own = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|s| s.trim_end_matches(".rs").to_string())
            .unwrap();
        if own == "mod" {
            continue;
        }
        // A flow's own files reach each other by `super::` inside its folder; a top-level
        // flow file's `super::` is the list of flows.
        let top_level = rel.components().count() == 1;
        for (n, code) in code_lines(&text) {
            for other in names.iter().filter(|o| **o != own) {
                let by_path = code.contains(&format!("flows::{other}"));
                let by_super = top_level
                    && (code.contains(&format!("super::{other}"))
                        || code.contains(&format!("super::{{{other}")));
                if by_path || by_super {
                    found.push(format!("{}:{n}: {}", relative(&path), code.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "flows importing flows: {found:#?}");
}

#[test]
fn flows_reach_the_app_through_bot_app_not_bot_mod() {
    // `crate::bot::{App, …}` works through a re-export, but flows import from `bot::app`
    // so that `bot/mod.rs` stays the composition and nothing else.
    let found = find(
        "src/bot/flows",
        &[
            "crate::bot::{",
            "crate::bot::App",
            "crate::bot::Actor",
            "crate::bot::TgBot",
        ],
        |_| false,
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn callbacks_are_routed_only_by_the_tree() {
    // No hand-written router: no match arm on `CallbackData` outside the codec itself;
    // the tree's `case!`s pick the press, a handler only sees its own buttons.
    let mut found = vec![];
    for (path, text) in sources("src/bot") {
        if path.ends_with("callback.rs") {
            continue;
        }
        for (n, code) in code_lines(&text) {
            let arm = code
                .split_once("=>")
                .is_some_and(|(pattern, _)| pattern.contains("CallbackData::"));
            if arm || code.contains("fn on_callback") || code.contains("fn route(") {
                found.push(format!("{}:{n}: {}", relative(&path), code.trim()));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}
