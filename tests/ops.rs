//! The command line as an operator runs it: `touchpoints backup` of the database of a
//! running bot, and `touchpoints check`.

mod common;

use std::process::{Command, Output};

use common::{user, Bot, User, ADMIN};

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

    let out = touchpoints(&copy, &["check"]);
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
