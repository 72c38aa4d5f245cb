//! End to end: /start by role, /help, /lang, invitations, the command menu, and input the
//! bot does not expect — the real handler tree against a fake Bot API server.

mod common;

use chrono::{Duration, Utc};
use common::{user, Bot, User, ADMIN};
use touchpoints::db;
use touchpoints::domain::{Lang, Role};
use touchpoints::tr;

const STRANGER: User = user(500, "Пётр");
const ADMIN_USER: User = user(ADMIN, "Анна");

async fn invite_link(bot: &Bot, division: &str) -> String {
    let c = bot.send(ADMIN_USER, &format!("/invite {division}"));
    let reply = bot.reply(c, ADMIN_USER).await;
    let text = reply.text().to_string();
    let start = text.find("https://t.me/").expect("a link in the reply");
    text[start..].split_whitespace().next().unwrap().to_string()
}

#[tokio::test]
async fn start_greets_each_role_in_russian() {
    let bot = Bot::start(&[ADMIN]).await;

    // A stranger: no access, and their numeric id to pass on.
    let c = bot.send(STRANGER, "/start");
    let r = bot.reply(c, STRANGER).await;
    assert_eq!(
        r.text(),
        tr!(
            bot.i18n,
            Lang::Ru,
            "greet-stranger",
            name = "Пётр",
            id = 500
        )
    );
    assert!(r.text().contains("<code>500</code>"));

    // The authorized person: the role, the pending count with its plural form, the menu.
    let c = bot.send(ADMIN_USER, "/start");
    let r = bot.reply(c, ADMIN_USER).await;
    assert!(r.text().contains("уполномоченное лицо"), "{}", r.text());
    assert!(
        r.text().contains("На рассмотрении: 0 отчётов."),
        "{}",
        r.text()
    );
    assert!(r.text().contains("/invite"), "{}", r.text());

    // A division head, made through an invitation.
    let link = invite_link(&bot, "Отдел кадров").await;
    let code = link.rsplit('=').next().unwrap();
    let c = bot.send(STRANGER, &format!("/start {code}"));
    let r = bot.reply(c, STRANGER).await;
    assert!(
        r.text().contains("руководитель подразделения"),
        "{}",
        r.text()
    );
    let c = bot.send(STRANGER, "/start");
    let r = bot.reply(c, STRANGER).await;
    assert!(
        r.text().starts_with(&tr!(
            bot.i18n,
            Lang::Ru,
            "greet-head",
            name = "Пётр",
            division = "Отдел кадров"
        )),
        "{}",
        r.text()
    );
    assert!(
        !r.text().contains("/invite"),
        "a head has no /invite: {}",
        r.text()
    );
    bot.finish().await;
}

#[tokio::test]
async fn lang_switches_to_english_by_command_and_by_button() {
    let bot = Bot::start(&[ADMIN]).await;
    let c = bot.send(STRANGER, "/lang en");
    let r = bot.reply(c, STRANGER).await;
    assert_eq!(r.text(), "Language: English.");
    let c = bot.send(STRANGER, "/start");
    let r = bot.reply(c, STRANGER).await;
    assert_eq!(
        r.text(),
        tr!(
            bot.i18n,
            Lang::En,
            "greet-stranger",
            name = "Пётр",
            id = 500
        )
    );
    assert!(r.text().contains("You have no access"));

    // The admin switches with the buttons.
    let c = bot.send(ADMIN_USER, "/lang");
    let r = bot.reply(c, ADMIN_USER).await;
    let buttons = r.buttons();
    let en = buttons[0]
        .iter()
        .find(|(label, _)| label == "English")
        .unwrap()
        .1
        .clone();
    let msg_id = bot
        .api
        .calls()
        .iter()
        .rev()
        .find(|c| c.method == "sendMessage" && c.chat_id() == Some(ADMIN))
        .map(|_| ())
        .and_then(|_| last_message_id(&bot, ADMIN))
        .unwrap();
    let (c, q) = bot.press(ADMIN_USER, msg_id, &en);
    let a = bot.answer(c, &q).await;
    assert_eq!(a.params["text"], "Language: English.");
    let c = bot.send(ADMIN_USER, "/start");
    let r = bot.reply(c, ADMIN_USER).await;
    assert!(r.text().contains("authorized person"), "{}", r.text());
    assert!(
        r.text().contains("Under review: 0 reports."),
        "{}",
        r.text()
    );
    let p = db::people::get(&bot.pool, ADMIN).await.unwrap().unwrap();
    assert_eq!(p.lang, Lang::En);
    bot.finish().await;
}

/// The id of the last message the bot sent to a chat (from the fake server's replies).
fn last_message_id(bot: &Bot, chat: i64) -> Option<i64> {
    (1000..1000 + bot.api.calls().len() as i64 + 10)
        .rev()
        .find(|id| bot.api.message(chat, *id).is_some())
}

#[tokio::test]
async fn an_english_speaking_stranger_is_greeted_in_english() {
    let bot = Bot::start(&[ADMIN]).await;
    let u = User {
        id: 600,
        first_name: "John",
        language_code: "en",
    };
    let c = bot.send(u, "/start");
    let r = bot.reply(c, u).await;
    assert!(r.text().starts_with("Hello, John!"), "{}", r.text());
    bot.finish().await;
}

#[tokio::test]
async fn an_invitation_makes_a_head_once_and_tells_the_inviter() {
    let bot = Bot::start(&[ADMIN]).await;
    let c = bot.send(ADMIN_USER, "/invite Комитет по печати");
    let r = bot.reply(c, ADMIN_USER).await;
    assert!(
        r.text()
            .contains("Создано подразделение «Комитет по печати»"),
        "{}",
        r.text()
    );
    let link = {
        let t = r.text();
        t[t.find("https://t.me/").unwrap()..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    };
    assert!(
        link.starts_with("https://t.me/touchpoints_test_bot?start="),
        "{link}"
    );
    let code = link.rsplit('=').next().unwrap().to_string();
    assert!(code.len() * 4 >= 128);

    // The same division again is not created twice.
    let link2 = invite_link(&bot, "комитет  по печати").await;
    assert_ne!(link, link2, "every invitation is a new code");
    let divisions = db::divisions::list(&bot.pool).await.unwrap();
    assert_eq!(divisions.len(), 1);

    let c = bot.send(STRANGER, &format!("/start {code}"));
    let welcome = bot.reply(c, STRANGER).await;
    assert!(
        welcome.text().contains("Приглашение принято"),
        "{}",
        welcome.text()
    );
    let told = bot.reply(c, ADMIN_USER).await;
    assert_eq!(
        told.text(),
        tr!(
            bot.i18n,
            Lang::Ru,
            "invite-accepted",
            name = "Пётр",
            id = 500,
            division = "Комитет по печати"
        )
    );
    let p = db::people::get(&bot.pool, 500).await.unwrap().unwrap();
    assert_eq!(p.role, Role::Head);
    assert_eq!(p.division_name.as_deref(), Some("Комитет по печати"));

    // Used: a second person cannot take it.
    let other = user(501, "Олег");
    let c = bot.send(other, &format!("/start {code}"));
    let r = bot.reply(c, other).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "invite-used"));
    assert_eq!(db::people::get(&bot.pool, 501).await.unwrap(), None);

    // Unknown and malformed codes.
    let c = bot.send(other, "/start 0123456789abcdef0123456789abcdef01234567");
    let r = bot.reply(c, other).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "invite-unknown"));
    let c = bot.send(other, "/start <script>");
    let r = bot.reply(c, other).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "invite-unknown"));

    // An authorized person opening a link does not use it up.
    let c = bot.send(
        ADMIN_USER,
        &format!("/start {}", link2.rsplit('=').next().unwrap()),
    );
    let r = bot.reply(c, ADMIN_USER).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "invite-already-admin"));
    bot.finish().await;
}

#[tokio::test]
async fn an_expired_invitation_is_refused() {
    let bot = Bot::start(&[ADMIN]).await;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    let (d, _) = db::divisions::get_or_create(&mut tx, "Отдел", ADMIN)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let inv = db::invites::create(
        &bot.pool,
        Some(d.id),
        Role::Head,
        ADMIN,
        Utc::now() - Duration::days(8),
        Duration::days(7),
    )
    .await
    .unwrap();
    let c = bot.send(STRANGER, &format!("/start {}", inv.code));
    let r = bot.reply(c, STRANGER).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "invite-expired"));
    assert_eq!(db::people::get(&bot.pool, 500).await.unwrap(), None);
    bot.finish().await;
}

#[tokio::test]
async fn only_an_authorized_person_invites() {
    let bot = Bot::start(&[ADMIN]).await;
    let c = bot.send(STRANGER, "/invite Отдел");
    let r = bot.reply(c, STRANGER).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "only-admin"));
    let c = bot.send(ADMIN_USER, "/invite");
    let r = bot.reply(c, ADMIN_USER).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "invite-usage"));
    let c = bot.send(ADMIN_USER, &format!("/invite {}", "Я".repeat(201)));
    let r = bot.reply(c, ADMIN_USER).await;
    assert_eq!(
        r.text(),
        tr!(bot.i18n, Lang::Ru, "text-too-long", max = 200)
    );
    assert!(db::divisions::list(&bot.pool).await.unwrap().is_empty());
    bot.finish().await;
}

#[tokio::test]
async fn the_command_menu_is_registered_per_language_and_role() {
    let bot = Bot::start(&[ADMIN]).await;
    let calls: Vec<_> = bot
        .api
        .calls()
        .into_iter()
        .filter(|c| c.method == "setMyCommands")
        .collect();
    let find = |lang: Option<&str>, admin: bool| {
        calls
            .iter()
            .find(|c| {
                c.params.get("language_code").and_then(|v| v.as_str()) == lang
                    && c.params.get("scope").is_some() == admin
            })
            .unwrap_or_else(|| panic!("no setMyCommands for {lang:?} admin={admin}: {calls:#?}"))
    };
    let names = |c: &common::Call| -> Vec<String> {
        c.params["commands"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["command"].as_str().unwrap().to_string())
            .collect()
    };
    let ru = find(None, false);
    assert!(names(ru).contains(&"start".to_string()));
    assert!(!names(ru).contains(&"invite".to_string()));
    assert_eq!(
        ru.params["commands"][0]["description"],
        "начало и ваша роль"
    );
    let en = find(Some("en"), false);
    assert_eq!(
        en.params["commands"][0]["description"],
        "start and your role"
    );
    let admin_ru = find(None, true);
    assert!(names(admin_ru).contains(&"invite".to_string()));
    assert_eq!(admin_ru.params["scope"]["chat_id"], ADMIN);
    find(Some("en"), true);
    bot.finish().await;
}

#[tokio::test]
async fn unexpected_input_gets_a_hint_never_silence() {
    let bot = Bot::start(&[ADMIN]).await;
    let c = bot.send(ADMIN_USER, "/frobnicate");
    let r = bot.reply(c, ADMIN_USER).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "unknown-command"));
    let c = bot.send(ADMIN_USER, "привет");
    let r = bot.reply(c, ADMIN_USER).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "not-understood"));
    let c = bot.send_sticker(ADMIN_USER);
    let r = bot.reply(c, ADMIN_USER).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "not-understood"));
    let c = bot.send(STRANGER, "что это?");
    let r = bot.reply(c, STRANGER).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "help-stranger", id = 500));
    let c = bot.send(ADMIN_USER, "/cancel");
    let r = bot.reply(c, ADMIN_USER).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "cancel-nothing"));
    bot.finish().await;
}

#[tokio::test]
async fn forged_and_stale_callbacks_are_answered() {
    let bot = Bot::start(&[ADMIN]).await;
    let c = bot.send(STRANGER, "/lang");
    bot.reply(c, STRANGER).await;
    let msg = last_message_id(&bot, STRANGER.id).unwrap();
    for data in ["lang:de", "garbage", "", "review:accept:1"] {
        let (c, q) = bot.press(STRANGER, msg, data);
        let a = bot.answer(c, &q).await;
        assert_eq!(a.params["text"], tr!(bot.i18n, Lang::Ru, "button-stale"));
    }
    bot.finish().await;
}

#[tokio::test]
async fn names_are_escaped_in_html() {
    let bot = Bot::start(&[ADMIN]).await;
    let evil = user(700, "<b>Злой</b> & Co");
    let c = bot.send(evil, "/start");
    let r = bot.reply(c, evil).await;
    assert!(
        r.text().contains("&lt;b&gt;Злой&lt;/b&gt; &amp; Co"),
        "{}",
        r.text()
    );
    bot.finish().await; // the fake server's HTML check also holds
}

#[tokio::test]
async fn a_broken_stored_dialogue_resets_with_a_message() {
    let bot = Bot::start(&[ADMIN]).await;
    db::dialogues::put(&bot.pool, ADMIN, "{\"FromAFutureVersion\":1}")
        .await
        .unwrap();
    let c = bot.send(ADMIN_USER, "привет");
    let r = bot.reply(c, ADMIN_USER).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "dialogue-lost"));
    assert_eq!(db::dialogues::get(&bot.pool, ADMIN).await.unwrap(), None);
    bot.finish().await;
}

#[tokio::test]
async fn the_database_file_appears_with_its_tables() {
    let bot = Bot::start(&[ADMIN]).await;
    assert!(bot.db_path().exists());
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN
         ('divisions','people','functions','touchpoints','touchpoint_needs','change_requests',
          'audit_log','invites','dialogues','touchpoint_versions')",
    )
    .fetch_one(&bot.pool)
    .await
    .unwrap();
    assert_eq!(n, 10);
    bot.finish().await;
}
