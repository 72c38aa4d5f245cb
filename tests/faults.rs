//! End to end under faults: the fake Bot API answers some calls with 429, 500, 409, a
//! broken connection or a delay, and the bot — the real handler tree, or the built binary —
//! must lose nothing, keep serving, and stop cleanly or clearly.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{fast_policy, user, Bot, Fault, Launch, User, ADMIN, HEAD};
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use touchpoints::bot::HandlerError;
use touchpoints::db;
use touchpoints::domain::*;
use touchpoints::tr;

const ANNA: User = user(ADMIN, "Анна");
const STRANGER: User = user(900, "Гость");

/// A token shaped like a real one, to check that it never reaches the logs.
const TOKEN: &str = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Q";

/// Calls of `method` to `chat` the server handled (faulted calls are not recorded).
fn handled(bot: &Bot, method: &str, chat: i64) -> usize {
    bot.api
        .calls()
        .iter()
        .filter(|c| c.method == method && c.chat_id() == Some(chat))
        .count()
}

#[tokio::test]
async fn a_429_is_waited_out_and_the_message_arrives_once() {
    let bot = Bot::start(&[ADMIN]).await;
    bot.api.fail("sendMessage", Fault::RetryAfter(1));
    let c = bot.send(STRANGER, "/start");
    let r = bot.reply(c, STRANGER).await;
    assert!(r.text().contains(&STRANGER.id.to_string()), "{}", r.text());
    assert_eq!(
        bot.api.faulted(),
        vec![("sendMessage".to_string(), Fault::RetryAfter(1))]
    );
    assert_eq!(handled(&bot, "sendMessage", STRANGER.id), 1);
    bot.finish().await;
}

#[tokio::test]
async fn edits_and_callback_answers_survive_429_and_broken_connections() {
    let bot = Bot::start(&[ADMIN]).await;
    let c = bot.send(ANNA, "/lang");
    bot.next_card(c, ANNA).await;
    bot.api.fail("editMessageText", Fault::RetryAfter(0));
    bot.api.fail("editMessageText", Fault::Drop);
    bot.api.fail("answerCallbackQuery", Fault::Drop);
    bot.api.fail("answerCallbackQuery", Fault::RetryAfter(0));
    let (c, q) = bot.press_label(ANNA, "English");
    let a = bot.answer(c, &q).await;
    assert_eq!(a.params["text"], tr!(bot.i18n, Lang::En, "lang-set"));
    bot.api
        .wait_for(c, "the card's edit", |call| {
            call.method == "editMessageText" && call.chat_id() == Some(ANNA.id)
        })
        .await;
    assert_eq!(bot.api.faulted().len(), 4);
    assert_eq!(handled(&bot, "editMessageText", ANNA.id), 1);
    bot.finish().await;
}

#[tokio::test]
async fn an_edit_with_nothing_to_change_or_of_a_deleted_message_is_not_an_error() {
    let bot = Bot::start(&[ADMIN]).await;
    for refusal in [
        "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
        "Bad Request: message to edit not found",
    ] {
        let c = bot.send(ANNA, "/lang");
        bot.next_card(c, ANNA).await;
        bot.api
            .fail("editMessageText", Fault::BadRequest(refusal));
        // The press is answered as usual, not with the error alert.
        let a = bot.click(ANNA, "English").await;
        assert_eq!(a.params["text"], tr!(bot.i18n, Lang::En, "lang-set"));
        assert!(a.params.get("show_alert").is_none(), "{}", a.params);
    }
    assert_eq!(bot.api.faulted().len(), 2);
    bot.finish().await;
}

#[tokio::test]
async fn a_server_error_is_retried() {
    // teloxide itself pauses 10 s after any 5xx answer: this test takes that long.
    let bot = Bot::start(&[ADMIN]).await;
    bot.api.fail("sendMessage", Fault::ServerError);
    let c = bot.send(STRANGER, "/help");
    bot.api.wait_for_faults(1).await;
    bot.api
        .wait_for_up_to(Duration::from_secs(30), c, "the message", |call| {
            call.method == "sendMessage" && call.chat_id() == Some(STRANGER.id)
        })
        .await;
    assert_eq!(handled(&bot, "sendMessage", STRANGER.id), 1);
    bot.finish().await;
}

#[tokio::test]
async fn after_the_last_retry_the_step_fails_and_the_bot_goes_on() {
    let bot = Bot::start(&[ADMIN]).await;
    let retries = fast_policy().retries as usize;
    bot.api.fail_n("sendMessage", retries + 1, Fault::Drop);
    bot.send(STRANGER, "/start");
    bot.api.wait_for_faults(retries + 1).await;
    // That answer is lost (logged); the next one arrives.
    let c = bot.send(STRANGER, "/start");
    bot.reply(c, STRANGER).await;
    assert_eq!(handled(&bot, "sendMessage", STRANGER.id), 1);
    bot.finish().await;
}

/// A bot with one division, its head, and one Registry function.
async fn world(launch: Launch) -> Bot {
    let bot = Bot::start_with(&[ADMIN], launch).await;
    bot.seed("Отдел по работе с обращениями").await;
    bot
}

/// The head walks /new to the summary, with a fault before each step's answer.
async fn report_under_faults(bot: &Bot, point: &str) {
    let faults = [
        ("sendMessage", Fault::RetryAfter(0)),
        ("answerCallbackQuery", Fault::Drop),
        ("editMessageText", Fault::Drop),
        ("sendMessage", Fault::Drop),
        ("answerCallbackQuery", Fault::RetryAfter(0)),
        ("sendMessage", Fault::Delay(Duration::from_millis(50))),
    ];
    for (m, f) in faults {
        bot.api.fail(m, f);
    }
    let c = bot.send(HEAD, "/new");
    bot.next_card(c, HEAD).await;
    bot.click(HEAD, "Рассмотрение обращений и запросов").await;
    bot.click(HEAD, "Ф-012").await;
    bot.click(HEAD, "Официальные сайты").await;
    let c = bot.send(HEAD, point);
    bot.next_card(c, HEAD).await;
    bot.click(HEAD, "Получение информации").await;
    bot.click(HEAD, "Готово").await;
    bot.click(HEAD, "Нет особенностей").await;
    bot.click(HEAD, "внешние").await;
}

#[tokio::test]
async fn a_report_and_its_acceptance_go_through_faults_on_every_kind_of_call() {
    let bot = world(Launch::default()).await;
    report_under_faults(&bot, "https://lenobl.ru/faults").await;
    // The review card to the authorized person meets a broken connection and a 429.
    bot.api.fail("sendMessage", Fault::Drop);
    bot.api.fail("sendMessage", Fault::Drop);
    bot.api.fail("sendMessage", Fault::RetryAfter(0));
    let c = bot.api.cursor();
    bot.click(HEAD, "Отправить").await;
    bot.api
        .wait_for(c, "the review card", |call| {
            call.method == "sendMessage"
                && call.chat_id() == Some(ADMIN)
                && !call.buttons().is_empty()
        })
        .await;
    // The decision meets faults on its answer, the card's edit and the head's message.
    bot.api.fail("answerCallbackQuery", Fault::Drop);
    bot.api.fail("editMessageText", Fault::RetryAfter(0));
    bot.api.fail("sendMessage", Fault::Drop);
    let c = bot.api.cursor();
    bot.click(ANNA, "Принять").await;
    let told = bot.reply(c, HEAD).await;
    assert_eq!(
        told.text(),
        tr!(bot.i18n, Lang::Ru, "outcome-accepted", id = 1)
    );
    assert!(bot.api.faulted().len() >= 12, "{:?}", bot.api.faulted());
    let rows = db::touchpoints::list_active(&bot.pool, Default::default())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].data.point, "https://lenobl.ru/faults");
    // Nothing was sent twice: one review card, one message to the head about the outcome.
    let cards = bot
        .api
        .calls()
        .iter()
        .filter(|c| {
            c.method == "sendMessage" && c.chat_id() == Some(ADMIN) && c.text().contains("№\u{a0}1")
        })
        .count();
    assert_eq!(cards, 1);
    bot.finish().await;
}

// ---------------------------------------------------------------------------------------
// Panics.

/// The real tree, behind a branch that panics on `/boom` and on the button `boom`: a
/// defect stood in for, in the test only.
fn tree_with_a_defect() -> UpdateHandler<HandlerError> {
    async fn defect() -> touchpoints::bot::HandlerResult {
        panic!("a defect stood in for")
    }
    let boom_message = Update::filter_message()
        .filter(|m: Message| m.text() == Some("/boom"))
        .endpoint(defect);
    let boom_button = Update::filter_callback_query()
        .filter(|q: CallbackQuery| q.data.as_deref() == Some("boom"))
        .endpoint(defect);
    // A press answered first (as a screen's press is), then the defect.
    async fn defect_after_answer(
        press: touchpoints::bot::press::Press,
    ) -> touchpoints::bot::HandlerResult {
        press.ack().await;
        panic!("a defect after the answer")
    }
    let boom_after_answer = Update::filter_callback_query()
        .filter(|q: CallbackQuery| q.data.as_deref() == Some("boom-answered"))
        .endpoint(defect_after_answer);
    dptree::entry()
        .branch(boom_message)
        .branch(boom_button)
        .branch(boom_after_answer)
        .branch(touchpoints::bot::schema())
}

#[tokio::test]
async fn a_panic_in_a_handler_is_caught_told_and_the_bot_goes_on() {
    let bot = Bot::start_with(
        &[ADMIN],
        Launch {
            tree: tree_with_a_defect,
            ..Launch::default()
        },
    )
    .await;
    let sorry = tr!(bot.i18n, Lang::Ru, "error-panic");
    for _ in 0..2 {
        // Twice in the same chat: without the guard, the chat's worker dies on the first
        // and the dispatcher itself panics on the chat's next update.
        let c = bot.send(HEAD, "/boom");
        assert_eq!(bot.reply(c, HEAD).await.text(), sorry);
        let c = bot.send(HEAD, "/help");
        let r = bot.reply(c, HEAD).await;
        assert_ne!(r.text(), sorry);
    }
    // A button: the query is answered with the same words.
    let c = bot.send(ANNA, "/lang");
    let card = bot.next_card(c, ANNA).await;
    let id = bot
        .api
        .last_card(ANNA.id)
        .map(|(id, _)| id)
        .expect("the language card");
    assert_eq!(card.chat_id(), Some(ANNA.id));
    let (c, q) = bot.press(ANNA, id, "boom");
    let a = bot.answer(c, &q).await;
    assert_eq!(a.params["text"], sorry);
    assert_eq!(a.params["show_alert"], true);
    // A press the handler answered before it panicked: told in the chat instead.
    let (c, q) = bot.press(ANNA, id, "boom-answered");
    let a = bot.answer(c, &q).await;
    assert_eq!(a.params.get("text"), None);
    assert_eq!(bot.reply(c, ANNA).await.text(), sorry);
    // Other chats were served all along, and this one still is.
    let c = bot.send(STRANGER, "/start");
    bot.reply(c, STRANGER).await;
    bot.click(ANNA, "English").await;
    bot.finish().await;
}

// ---------------------------------------------------------------------------------------
// A second instance (409 Conflict).

#[tokio::test]
async fn a_409_conflict_that_persists_stops_the_bot_with_a_clear_error() {
    let mut bot = Bot::start_with(
        &[ADMIN],
        Launch {
            policy: touchpoints::bot::net::Policy {
                conflicts: 3,
                ..fast_policy()
            },
            ..Launch::default()
        },
    )
    .await;
    bot.api.fail_n("getUpdates", 3, Fault::Conflict);
    let err = bot.stopped().await.unwrap_err();
    assert!(err.contains("409 Conflict"), "{err}");
    assert!(err.contains("another process"), "{err}");
    bot.finish().await;
}

#[tokio::test]
async fn a_passing_conflict_is_survived() {
    let bot = Bot::start_with(
        &[ADMIN],
        Launch {
            policy: touchpoints::bot::net::Policy {
                conflicts: 3,
                ..fast_policy()
            },
            ..Launch::default()
        },
    )
    .await;
    bot.api.fail_n("getUpdates", 2, Fault::Conflict);
    bot.api.wait_for_faults(2).await;
    let c = bot.send(STRANGER, "/start");
    bot.reply(c, STRANGER).await;
    bot.finish().await;
}

// ---------------------------------------------------------------------------------------
// The built binary: SIGTERM, and a crash (SIGKILL) in the middle of an acceptance.

/// Runs `touchpoints` against the fake server and the test's database; its log (at debug)
/// goes to a file.
fn spawn_binary(bot: &Bot, log: &std::path::Path, env: &[(&str, &std::path::Path)]) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_touchpoints"));
    for var in [
        "TELOXIDE_TOKEN",
        "TELOXIDE_API_URL",
        "TOUCHPOINTS_DB",
        "TOUCHPOINTS_ADMINS",
        "TOUCHPOINTS_BACKUP_DIR",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", bot.api.url())
        .env("TOUCHPOINTS_DB", bot.db_path())
        .env("TOUCHPOINTS_ADMINS", ADMIN.to_string())
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("the binary starts")
}

/// Waits (bounded, as a guard against a hang) for the process to exit.
async fn exit_of(child: &mut Child) -> std::process::ExitStatus {
    for _ in 0..500 {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().ok();
    panic!("the bot did not exit within 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_update_in_flight_then_exits_and_a_backup_was_made() {
    let mut bot = Bot::start(&[ADMIN]).await;
    bot.stop().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("bot.log");
    // The reply to /start is held up on its way: the update is in flight when the
    // signal comes.
    bot.api
        .fail("sendMessage", Fault::Delay(Duration::from_millis(700)));
    let backups = dir.path().join("backups");
    let mut child = spawn_binary(&bot, &log, &[("TOUCHPOINTS_BACKUP_DIR", &backups)]);
    let c = bot.send(STRANGER, "/start");
    bot.api.wait_for_faults(1).await;
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = exit_of(&mut child).await;
    assert!(status.success(), "{status}");
    // The update in flight was finished: its answer reached the server.
    let r = bot.reply(c, STRANGER).await;
    assert!(r.text().contains(&STRANGER.id.to_string()), "{}", r.text());
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.contains("stop signal received"), "{log}");
    // The copy made at start is there.
    let copies: Vec<_> = std::fs::read_dir(&backups).unwrap().collect();
    assert_eq!(copies.len(), 1, "{log}");
    assert!(!log.contains(TOKEN), "the token is in the log");
    assert!(
        !log.contains(TOKEN.split(':').nth(1).unwrap()),
        "the token's secret is in the log"
    );
    bot.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_in_the_middle_of_an_acceptance_loses_no_decision() {
    let mut bot = world(Launch::default()).await;
    report_under_faults(&bot, "https://lenobl.ru/crash").await;
    let c = bot.api.cursor();
    bot.click(HEAD, "Отправить").await;
    bot.api
        .wait_for(c, "the review card", |call| {
            call.method == "sendMessage"
                && call.chat_id() == Some(ADMIN)
                && !call.buttons().is_empty()
        })
        .await;
    bot.stop().await;

    // The binary takes over; the acceptance is written, and the process dies before it
    // answers the press.
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn_binary(&bot, &dir.path().join("bot.log"), &[]);
    let before = bot.api.faulted().len();
    bot.api
        .fail("answerCallbackQuery", Fault::Delay(Duration::from_secs(5)));
    let card = bot.api.last_card(ADMIN).unwrap().0;
    // Not counted among the presses the test checks are answered: this one never is.
    bot.press_untracked(ANNA, card, "rv:a:1");
    bot.api.wait_for_faults(before + 1).await;
    child.kill().unwrap();
    child.wait().unwrap();

    // After the crash: the decision and the row are there, once.
    let r = db::requests::get(&bot.pool, 1).await.unwrap().unwrap();
    assert_eq!(r.status, RequestStatus::Accepted);
    bot.restart().await;
    let rows = db::touchpoints::list_active(&bot.pool, Default::default())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    // Pressing again (the person saw no answer) says it is decided, and changes nothing.
    let (c, q) = bot.press(ANNA, card, "rv:a:1");
    let a = bot.answer(c, &q).await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "review-already", id = 1, name = "Анна")
    );
    assert_eq!(
        db::touchpoints::list_active(&bot.pool, Default::default())
            .await
            .unwrap()
            .len(),
        1
    );
    bot.finish().await;
}
