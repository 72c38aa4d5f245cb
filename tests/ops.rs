//! The command line as an operator runs it: `touchpoints backup` of the database of a
//! running bot, `touchpoints check` (settings, the Bot API's answer, the database), and
//! the global settings given before or after any subcommand, or in the environment.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{user, Bot, FakeApi, Fault, User, ADMIN};

const TOKEN: &str = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Q";
const STRANGER: User = user(900, "Гость");

fn touchpoints(db: &std::path::Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_touchpoints"));
    for var in [
        "TELOXIDE_TOKEN",
        "TELOXIDE_API_URL",
        "TOUCHPOINTS_DB",
        "TOUCHPOINTS_ADMINS",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("TELOXIDE_TOKEN", TOKEN)
        .env("TOUCHPOINTS_ADMINS", ADMIN.to_string())
        .env("RUST_LOG", "debug")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_of_a_running_bots_database_then_check_of_the_copy() {
    let bot = Bot::start(&[ADMIN]).await;
    // The bot writes (a person's language) while the copy is made.
    let c = bot.send(STRANGER, "/start");
    bot.reply(c, STRANGER).await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    let out = touchpoints(&bot.db_path(), &["backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("copy.db"), "{}", text(&out));

    let out = touchpoints(&copy, &["check", "--api-url", &bot.api.url()]);
    let report = text(&out);
    assert!(out.status.success(), "{report}");
    let n = touchpoints::db::MIGRATOR.iter().count();
    assert!(
        report.contains(&format!("migrations: {n} of {n} applied")),
        "{report}"
    );
    assert!(report.contains("integrity: ok"), "{report}");
    assert!(report.contains("token: present"), "{report}");
    assert!(
        report.contains("the bot: @touchpoints_test_bot"),
        "{report}"
    );
    assert!(
        !report.contains("AAHdqTcv"),
        "the token is printed: {report}"
    );
    assert!(report.contains("0 problem(s)"), "{report}");

    // Again to the same name: refused, the copy kept.
    let out = touchpoints(&bot.db_path(), &["backup", copy.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out).contains("exists already"), "{}", text(&out));
    bot.finish().await;
}

#[test]
fn check_fails_without_a_token_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_touchpoints"))
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("TOUCHPOINTS_ADMINS")
        .arg("--db")
        .arg(dir.path().join("none.db"))
        .arg("check")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let report = text(&out);
    assert!(report.contains("TELOXIDE_TOKEN is not set"), "{report}");
    assert!(report.contains("does not exist yet"), "{report}");
    assert!(
        !dir.path().join("none.db").exists(),
        "check creates nothing"
    );
}

/// `touchpoints ARGS` in an empty working directory (where a default `touchpoints.db`
/// would appear), with only the given settings in the environment.
fn run_in(cwd: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_touchpoints"));
    for (var, _) in std::env::vars() {
        if var.starts_with("TOUCHPOINTS_") || var.starts_with("TELOXIDE_") {
            cmd.env_remove(var);
        }
    }
    cmd.current_dir(cwd)
        .env("RUST_LOG", "debug")
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("the binary runs")
}

/// What `check` says to the Bot API's answer, with the whole output (debug logs
/// included) searched for the token.
fn check_against(api_url: &str, token: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &[
            ("TELOXIDE_TOKEN", token),
            ("TELOXIDE_API_URL", api_url),
            ("TOUCHPOINTS_ADMINS", "100"),
        ],
        &["check"],
    );
    let report = text(&out);
    let secret = token.split_once(':').unwrap().1;
    assert!(!report.contains(secret), "the token is shown: {report}");
    (out.status.success(), report)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_asks_the_bot_api_who_the_bot_is_and_never_shows_the_token() {
    let api = FakeApi::start().await;
    // Accepted: the bot's name, and no problem (the missing database is only a warning).
    let (ok, report) = check_against(&api.url(), TOKEN);
    assert!(ok, "{report}");
    assert!(
        report.contains(
            "the bot: @touchpoints_test_bot (Touchpoints): the Bot API accepts the token"
        ),
        "{report}"
    );
    assert!(api.calls().iter().any(|c| c.method == "getMe"));

    // Refused (a revoked token): named, and the check fails.
    api.fail("getMe", Fault::Unauthorized);
    let (ok, report) = check_against(&api.url(), TOKEN);
    assert!(!ok, "{report}");
    assert!(
        report.contains("refused the token (Unauthorized)"),
        "{report}"
    );
    assert!(report.contains("1 problem(s)"), "{report}");
    assert_eq!(
        api.faulted(),
        vec![("getMe".to_string(), Fault::Unauthorized)]
    );

    // Unreachable: a port nobody listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    for token in [TOKEN, "42:short-secret-x"] {
        let (ok, report) = check_against(&format!("http://{closed}/"), token);
        assert!(!ok, "{report}");
        assert!(
            report.contains(&format!("cannot reach the Bot API at http://{closed}/")),
            "{report}"
        );
    }
}

/// A server that answers every request with its own request line (which holds the
/// token) in the body: as an error description, or as something that is not JSON at all.
async fn echoing_server(as_json: bool) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            let mut buf = vec![0u8; 4096];
            let n = conn.read(&mut buf).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]);
            let line = head.lines().next().unwrap_or("").to_string();
            let (status, body) = if as_json {
                let body = serde_json::json!({
                    "ok": false, "error_code": 400,
                    "description": format!("Bad Request: no route for {line}"),
                });
                ("400 Bad Request", body.to_string())
            } else {
                ("200 OK", format!("<html>{line}</html>"))
            };
            let reply = format!(
                "HTTP/1.1 {status}\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = conn.write_all(reply.as_bytes()).await;
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_repeats_the_token_does_not_get_it_printed() {
    for as_json in [true, false] {
        let url = echoing_server(as_json).await;
        for token in [TOKEN, "42:short-secret-x"] {
            let (ok, report) = check_against(&url, token);
            assert!(!ok, "{report}");
            assert!(report.contains("getMe"), "{report}");
        }
    }
}

#[test]
fn check_offline_does_not_ask_the_bot_api() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &[
            ("TELOXIDE_TOKEN", TOKEN),
            // Nobody listens there: an attempt would be a problem.
            ("TELOXIDE_API_URL", "http://127.0.0.1:9/"),
            ("TOUCHPOINTS_ADMINS", "100"),
        ],
        &["check", "--offline"],
    );
    let report = text(&out);
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains("the bot: not asked (--offline)"),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_settings_go_before_or_after_the_subcommand_and_beat_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path().join("cwd");
    std::fs::create_dir(&cwd).unwrap();
    let db = dir.path().join("chosen.db");
    touchpoints::db::connect(&db).await.unwrap().close().await;
    let db = db.to_str().unwrap();
    // Named by the environment only; never to be opened when the flag is given.
    let other = dir.path().join("from-env.db");
    let other = other.to_str().unwrap();
    let registry = dir.path().join("registry.csv");
    std::fs::write(
        &registry,
        "Код;Наименование;Вид;Направление;Подразделение\nФ-1;Приём граждан;функция;3.5.1;Отдел\n",
    )
    .unwrap();
    let registry = registry.to_str().unwrap();
    let copies = dir.path().join("copies");
    std::fs::create_dir(&copies).unwrap();
    let copies = copies.to_str().unwrap();
    let xlsx = |n: usize| {
        dir.path()
            .join(format!("list-{n}.xlsx"))
            .to_string_lossy()
            .into_owned()
    };

    let mut n = 0;
    for (name, sub) in [
        ("check", vec!["check".to_string(), "--offline".into()]),
        ("backup", vec!["backup".to_string()]),
        ("export", vec!["export".to_string(), "-o".into()]),
        (
            "registry import",
            vec!["registry".to_string(), "import".into(), registry.into()],
        ),
    ] {
        // The flag after the subcommand, before it, and only in the environment; with a
        // different file in the environment as well, the flag wins.
        for (env_db, flag_first, flag) in [
            (None, false, true),
            (None, true, true),
            (Some(db), false, false),
            (Some(other), false, true),
            (Some(other), true, true),
        ] {
            n += 1;
            let mut sub = sub.clone();
            match name {
                "export" => sub.push(xlsx(n)),
                "backup" => sub.push(format!("{copies}/copy-{n}.db")),
                _ => {}
            }
            let mut args: Vec<String> = vec![];
            if flag && flag_first {
                args.extend(["--db".to_string(), db.into()]);
            }
            args.extend(sub);
            if flag && !flag_first {
                args.extend(["--db".to_string(), db.into()]);
            }
            let mut env = vec![("TOUCHPOINTS_ADMINS", "100"), ("TELOXIDE_TOKEN", TOKEN)];
            if let Some(e) = env_db {
                env.push(("TOUCHPOINTS_DB", e));
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = run_in(&cwd, &env, &args);
            let what = format!("{name}: {args:?} with TOUCHPOINTS_DB={env_db:?}");
            assert!(out.status.success(), "{what}: {}", text(&out));
            if name == "check" {
                assert!(
                    text(&out).contains(&format!("database {db}")),
                    "{what}: {}",
                    text(&out)
                );
            }
            assert!(
                !Path::new(other).exists(),
                "{what}: the environment's file was used"
            );
            assert_eq!(
                std::fs::read_dir(&cwd).unwrap().count(),
                0,
                "{what}: the default touchpoints.db was used"
            );
        }
    }
    // Every backup is there (the environment's file does not exist: a copy of it fails).
    assert_eq!(std::fs::read_dir(copies).unwrap().count(), 5);
    // Another global setting after a nested subcommand.
    let out = run_in(
        &cwd,
        &[],
        &[
            "registry",
            "import",
            registry,
            "--db",
            db,
            "--invite-days",
            "0",
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("--invite-days"), "{}", text(&out));
}

#[test]
fn the_bot_does_not_start_with_a_malformed_webhook_secret() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(
        dir.path(),
        &[
            ("TELOXIDE_TOKEN", TOKEN),
            ("TELOXIDE_API_URL", "http://127.0.0.1:9/"),
            (
                "TOUCHPOINTS_WEBHOOK_URL",
                "https://bot.example.org/telegram",
            ),
            ("TOUCHPOINTS_WEBHOOK_SECRET", "not a secret"),
        ],
        &[],
    );
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("--webhook-secret"), "{said}");
    assert!(!said.contains("not a secret"), "{said}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing is created"
    );
}
