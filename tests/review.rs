//! End to end: a head's report reaches every authorized person as a card; one accepts or
//! rejects; the other's card updates, the head is told, the list changes once — also when
//! two presses race, and whatever a forged button says.

mod common;

use common::{user, Bot, User, ADMIN, ADMIN2, HEAD};
use touchpoints::db;
use touchpoints::domain::*;
use touchpoints::tr;

const ANNA: User = user(ADMIN, "Анна");
const BORIS: User = user(ADMIN2, "Борис");
const STRANGER: User = user(900, "Гость");

async fn world() -> Bot {
    let bot = Bot::start(&[ADMIN, ADMIN2]).await;
    bot.seed("Отдел по работе с обращениями").await;
    bot
}

/// `u` reports the portal `point` under Ф-012; returns once both cards have arrived.
async fn report(bot: &Bot, u: User, point: &str) {
    let c = bot.send(u, "/new");
    bot.next_card(c, u).await;
    if u.id == ADMIN || u.id == ADMIN2 {
        bot.click(u, "Отдел по работе").await;
    }
    bot.click(u, "Рассмотрение обращений и запросов").await;
    bot.click(u, "Ф-012").await;
    bot.click(u, "Официальные сайты").await;
    let c = bot.send(u, point);
    bot.next_card(c, u).await;
    bot.click(u, "Получение информации").await;
    bot.click(u, "Готово").await;
    bot.click(u, "Нет особенностей").await;
    bot.click(u, "внешние").await;
    let c = bot.api.cursor();
    bot.click(u, "Отправить").await;
    for admin in [ADMIN, ADMIN2] {
        bot.api
            .wait_for(c, "a review card", |call| {
                call.method == "sendMessage"
                    && call.chat_id() == Some(admin)
                    && !call.buttons().is_empty()
            })
            .await;
    }
}

fn card_of(bot: &Bot, admin: i64) -> i64 {
    bot.api.last_card(admin).expect("a review card").0
}

#[tokio::test]
async fn accept_by_one_updates_both_cards_tells_the_head_and_adds_the_row() {
    let bot = world().await;
    report(&bot, HEAD, "https://lenobl.ru/appeal").await;
    let anna_card = card_of(&bot, ADMIN);
    let boris_card = card_of(&bot, ADMIN2);
    let text = bot.card_text(ADMIN);
    assert!(text.contains("Отчёт №\u{a0}1 · новая точка"), "{text}");
    assert!(
        text.contains("От: Ирина («Отдел по работе с обращениями»)"),
        "{text}"
    );
    assert!(text.contains("4. Точка взаимодействия: Официальные сайты (порталы) — https://lenobl.ru/appeal (цифровая)"), "{text}");
    assert_eq!(
        bot.card_buttons(ADMIN2),
        vec!["Принять", "Отклонить", "На доработку"]
    );

    let c = bot.api.cursor();
    let a = bot.click(ANNA, "Принять").await;
    assert_eq!(a.params["text"], "Принято: отчёт №\u{a0}1");
    let told = bot.reply(c, HEAD).await;
    assert_eq!(
        told.text(),
        tr!(bot.i18n, Lang::Ru, "outcome-accepted", id = 1)
    );
    for (chat, card) in [(ADMIN, anna_card), (ADMIN2, boris_card)] {
        bot.api
            .wait_for(c, "the card's update", |call| {
                call.method == "editMessageText"
                    && call.chat_id() == Some(chat)
                    && call.params["message_id"] == card
            })
            .await;
        let m = bot.api.message(chat, card).unwrap();
        assert!(
            m["text"].as_str().unwrap().contains("✅ Принято: Анна,"),
            "{m}"
        );
        assert!(m.get("reply_markup").is_none(), "buttons removed: {m}");
    }
    let rows = db::touchpoints::list_active(&bot.pool, Default::default())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].data.point, "https://lenobl.ru/appeal");
    let r = db::requests::get(&bot.pool, 1).await.unwrap().unwrap();
    assert_eq!(
        (r.status, r.decided_by),
        (RequestStatus::Accepted, Some(ADMIN))
    );
    let h = db::versions::of_row(&bot.pool, rows[0].id).await.unwrap();
    assert_eq!(
        (h[0].reported_by, h[0].accepted_by),
        (Some(HEAD.id), Some(ADMIN)),
        "who reported, who accepted"
    );
    assert_eq!(
        h[0].origin,
        Some(touchpoints::domain::record::Origin::Report(1))
    );

    // A late press on the other card: already decided, nothing applied twice.
    let (c, q) = bot.press(BORIS, boris_card, "rv:a:1");
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

#[tokio::test]
async fn reject_asks_for_a_reason_and_tells_the_head() {
    let bot = world().await;
    report(&bot, HEAD, "https://lenobl.ru/x").await;
    let a = bot.click(BORIS, "Отклонить").await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "review-give-reason")
    );
    // Nothing is decided before the reason is given.
    assert_eq!(db::review::pending(&bot.pool).await.unwrap().len(), 1);
    let c = bot.send(BORIS, "   ");
    let r = bot.reply(c, BORIS).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "text-empty"));
    let c = bot.send(BORIS, "Адрес <указан> неверно & неполно");
    let done = bot.reply(c, BORIS).await;
    assert_eq!(
        done.text(),
        tr!(bot.i18n, Lang::Ru, "review-done-rejected", id = 1)
    );
    let told = bot.reply(c, HEAD).await;
    assert_eq!(
        told.text(),
        tr!(
            bot.i18n,
            Lang::Ru,
            "outcome-rejected",
            id = 1,
            reason = "Адрес &lt;указан&gt; неверно &amp; неполно"
        )
    );
    let r = db::requests::get(&bot.pool, 1).await.unwrap().unwrap();
    assert_eq!(r.status, RequestStatus::Rejected);
    assert_eq!(
        r.decision_note.as_deref(),
        Some("Адрес <указан> неверно & неполно")
    );
    bot.api
        .wait_for(c, "Anna's card updated", |call| {
            call.method == "editMessageText" && call.chat_id() == Some(ADMIN)
        })
        .await;
    assert!(db::touchpoints::list_active(&bot.pool, Default::default())
        .await
        .unwrap()
        .is_empty());
    // The head sees it in /my with the reason.
    let c = bot.send(HEAD, "/my");
    let r = bot.reply(c, HEAD).await;
    assert!(
        r.text().contains("отклонён") && r.text().contains("неверно"),
        "{}",
        r.text()
    );
    bot.finish().await;
}

#[tokio::test]
async fn two_admins_pressing_at_the_same_moment_make_one_decision() {
    let bot = world().await;
    for round in 0..3 {
        report(&bot, HEAD, &format!("https://lenobl.ru/race{round}")).await;
        let id = round + 1;
        let (anna, boris) = (card_of(&bot, ADMIN), card_of(&bot, ADMIN2));
        // Both presses are queued before the bot fetches either: different chats are
        // handled concurrently, so they really race for the database.
        let (c, qa) = bot.press(ANNA, anna, &format!("rv:a:{id}"));
        let (_, qb) = bot.press(BORIS, boris, &format!("rv:a:{id}"));
        let a = bot.answer(c, &qa).await;
        let b = bot.answer(c, &qb).await;
        let texts = [
            a.params["text"].as_str().unwrap(),
            b.params["text"].as_str().unwrap(),
        ];
        let accepted = texts.iter().filter(|t| t.starts_with("Принято")).count();
        let refused = texts
            .iter()
            .filter(|t| t.contains("уже принято решение"))
            .count();
        assert_eq!((accepted, refused), (1, 1), "{texts:?}");
    }
    assert_eq!(
        db::touchpoints::list_active(&bot.pool, Default::default())
            .await
            .unwrap()
            .len(),
        3
    );
    let audits: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'request.accept'")
            .fetch_one(&bot.pool)
            .await
            .unwrap();
    assert_eq!(audits, 3);
    bot.finish().await;
}

#[tokio::test]
async fn forged_presses_change_nothing_and_are_answered() {
    let bot = world().await;
    report(&bot, HEAD, "https://lenobl.ru/forged").await;
    // The head and a stranger forge the decision buttons on messages of their own.
    let c = bot.send(HEAD, "/lang");
    bot.reply(c, HEAD).await;
    let head_msg = bot.api.last_card(HEAD.id).unwrap().0;
    for data in ["rv:a:1", "rv:r:1"] {
        let (c, q) = bot.press(HEAD, head_msg, data);
        let a = bot.answer(c, &q).await;
        assert_eq!(a.params["text"], tr!(bot.i18n, Lang::Ru, "only-admin"));
    }
    let c = bot.send(STRANGER, "/lang");
    bot.reply(c, STRANGER).await;
    let s_msg = bot.api.last_card(STRANGER.id).unwrap().0;
    let (c, q) = bot.press(STRANGER, s_msg, "rv:a:1");
    let a = bot.answer(c, &q).await;
    assert_eq!(a.params["text"], tr!(bot.i18n, Lang::Ru, "only-admin"));
    // An authorized person pressing on a request that does not exist.
    let (c, q) = bot.press(ANNA, card_of(&bot, ADMIN), "rv:a:999");
    let a = bot.answer(c, &q).await;
    assert_eq!(a.params["text"], tr!(bot.i18n, Lang::Ru, "button-stale"));
    assert_eq!(db::review::pending(&bot.pool).await.unwrap().len(), 1);
    assert!(db::touchpoints::list_active(&bot.pool, Default::default())
        .await
        .unwrap()
        .is_empty());
    bot.finish().await;
}

#[tokio::test]
async fn a_withdrawn_report_cannot_be_accepted() {
    let bot = world().await;
    report(&bot, HEAD, "https://lenobl.ru/w").await;
    let c = bot.send(HEAD, "/my");
    bot.reply(c, HEAD).await;
    let anna_card = card_of(&bot, ADMIN);
    let c = bot.api.cursor();
    bot.click(HEAD, "Отозвать").await;
    // The authorized persons' cards say so and lose their buttons.
    bot.api
        .wait_for(c, "Anna's card updated", |call| {
            call.method == "editMessageText" && call.params["message_id"] == anna_card
        })
        .await;
    let m = bot.api.message(ADMIN, anna_card).unwrap();
    assert!(
        m["text"].as_str().unwrap().contains("Отозван автором"),
        "{m}"
    );
    assert!(m.get("reply_markup").is_none(), "{m}");
    // A press on it all the same (an old client, a forged one) is refused.
    let (c, q) = bot.press(ANNA, anna_card, "rv:a:1");
    let a = bot.answer(c, &q).await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "review-was-withdrawn", id = 1)
    );
    assert!(db::touchpoints::list_active(&bot.pool, Default::default())
        .await
        .unwrap()
        .is_empty());
    bot.finish().await;
}

#[tokio::test]
async fn pending_shows_the_queue_and_start_counts_it() {
    let bot = world().await;
    report(&bot, HEAD, "https://lenobl.ru/1").await;
    report(&bot, HEAD, "https://lenobl.ru/2").await;
    let c = bot.send(ANNA, "/start");
    let r = bot.reply(c, ANNA).await;
    assert!(
        r.text().contains("На рассмотрении: 2 отчёта."),
        "{}",
        r.text()
    );
    let c = bot.send(ANNA, "/pending");
    let r = bot.reply(c, ANNA).await;
    assert_eq!(r.text(), "На рассмотрении: 2 отчёта.");
    let first = bot
        .api
        .wait_for(c, "the first card", |call| {
            call.method == "sendMessage" && call.text().contains("Отчёт №\u{a0}1")
        })
        .await;
    let second = bot
        .api
        .wait_for(c, "the second card", |call| {
            call.method == "sendMessage" && call.text().contains("Отчёт №\u{a0}2")
        })
        .await;
    assert_eq!(first.buttons()[0][0].1, "rv:a:1");
    assert_eq!(second.buttons()[0][1].1, "rv:r:2");
    // A card from /pending is also updated when the decision is taken elsewhere.
    let pending_card = card_of(&bot, ADMIN);
    let c = bot.api.cursor();
    let boris_card = bot
        .api
        .calls()
        .iter()
        .filter(|x| {
            x.method == "sendMessage"
                && x.chat_id() == Some(ADMIN2)
                && x.text().contains("Отчёт №\u{a0}2")
        })
        .count();
    assert_eq!(boris_card, 1);
    let boris_msg = (1000..1200)
        .rev()
        .find(|id| {
            bot.api
                .message(ADMIN2, *id)
                .is_some_and(|m| m["text"].as_str().unwrap_or("").contains("Отчёт №\u{a0}2"))
        })
        .unwrap();
    let (c2, q) = bot.press(BORIS, boris_msg, "rv:a:2");
    bot.answer(c2, &q).await;
    bot.reply(c2, HEAD).await; // the head is told
    bot.api
        .wait_for(c, "the /pending card updated", |call| {
            call.method == "editMessageText" && call.params["message_id"] == pending_card
        })
        .await;
    // Non-admins have no queue.
    let c = bot.send(HEAD, "/pending");
    let r = bot.reply(c, HEAD).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "only-admin"));
    bot.finish().await;
}

#[tokio::test]
async fn an_admin_reports_for_a_division_and_accepts_it_then_history_shows_the_versions() {
    let bot = world().await;
    report(&bot, ANNA, "https://lenobl.ru/own").await;
    let r = db::requests::get(&bot.pool, 1).await.unwrap().unwrap();
    assert_eq!(
        (r.reporter_id, r.status),
        (ADMIN, RequestStatus::Pending),
        "still goes through review"
    );
    bot.click(ANNA, "Принять").await;
    let row = db::touchpoints::list_active(&bot.pool, Default::default())
        .await
        .unwrap()[0]
        .id;

    // The head changes the needs; Boris accepts.
    let c = bot.send(HEAD, "/change");
    bot.reply(c, HEAD).await;
    let c = bot.send(HEAD, "own");
    bot.reply(c, HEAD).await;
    bot.click(HEAD, "lenobl.ru/own").await;
    bot.click(HEAD, "Цель взаимодействия").await;
    bot.click(HEAD, "Получение консультации").await;
    bot.click(HEAD, "Готово").await;
    let c = bot.api.cursor();
    bot.click(HEAD, "Отправить").await;
    bot.api
        .wait_for(c, "Boris's card", |call| {
            call.method == "sendMessage"
                && call.chat_id() == Some(ADMIN2)
                && call.text().contains("Отчёт №\u{a0}2")
        })
        .await;
    let text = bot.card_text(ADMIN2);
    assert!(text.contains("изменение"), "{text}");
    assert!(text.contains("→"), "old → new on the card: {text}");
    bot.click(BORIS, "Принять").await;
    let data = &db::touchpoints::get(&bot.pool, row)
        .await
        .unwrap()
        .unwrap()
        .data;
    assert!(data.needs.contains(&Need::Consultation));

    let c = bot.send(ANNA, &format!("/history {row}"));
    let h = bot.reply(c, ANNA).await;
    assert!(h.text().contains("Версия 1"), "{}", h.text());
    assert!(h.text().contains("Версия 2"), "{}", h.text());
    assert!(
        h.text()
            .contains("Отчёт №\u{a0}2 · автор: Ирина · кто принял: Борис"),
        "{}",
        h.text()
    );
    // By text, with a choice.
    let c = bot.send(ANNA, "/history lenobl");
    bot.reply(c, ANNA).await;
    let a = bot.click(ANNA, "lenobl.ru/own").await;
    assert!(a.params.get("text").is_none());
    let c = bot.send(HEAD, "/history 1");
    let r = bot.reply(c, HEAD).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "only-admin"));
    bot.finish().await;
}

/// An authorized person kept in the database (not in the settings), with a chat.
const VADIM: User = user(102, "Вадим");

#[tokio::test]
async fn a_demoted_authorized_persons_cards_lose_their_buttons_and_are_not_updated() {
    let bot = world().await;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    db::people::assign(
        &mut tx,
        VADIM.id,
        "Вадим",
        Role::Admin,
        None,
        Lang::Ru,
        Some(ADMIN),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    report(&bot, HEAD, "https://lenobl.ru/d").await;
    bot.api
        .wait_for(0, "Vadim's card", |call| {
            call.method == "sendMessage"
                && call.chat_id() == Some(VADIM.id)
                && !call.buttons().is_empty()
        })
        .await;
    let vadim_card = bot.api.last_card(VADIM.id).expect("Vadim's card").0;
    let anna_card = card_of(&bot, ADMIN);

    // Anna makes Vadim a viewer: his card loses its buttons at once.
    let c = bot.send(ANNA, "/people");
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Вадим").await;
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Сделать наблюдателем").await;
    bot.api
        .wait_for(c, "Vadim's card without buttons", |call| {
            call.method == "editMessageReplyMarkup"
                && call.chat_id() == Some(VADIM.id)
                && call.params["message_id"] == vadim_card
        })
        .await;
    let m = bot.api.message(VADIM.id, vadim_card).unwrap();
    assert!(m.get("reply_markup").is_none(), "{m}");

    // The decision is not written into his copy.
    let (c, q) = bot.press(ANNA, anna_card, "rv:a:1");
    bot.answer(c, &q).await;
    bot.reply(c, HEAD).await;
    bot.api
        .wait_for(c, "Boris's card updated", |call| {
            call.method == "editMessageText" && call.chat_id() == Some(ADMIN2)
        })
        .await;
    assert!(
        !bot.api.calls()[c..]
            .iter()
            .any(|call| call.chat_id() == Some(VADIM.id) && call.method.starts_with("edit")),
        "Vadim's copy left alone"
    );
    let m = bot.api.message(VADIM.id, vadim_card).unwrap();
    assert!(!m["text"].as_str().unwrap().contains("Принято"), "{m}");
    bot.finish().await;
}

#[tokio::test]
async fn withdrawing_from_an_old_my_after_access_is_revoked_is_refused() {
    let bot = world().await;
    report(&bot, HEAD, "https://lenobl.ru/r").await;
    let c = bot.send(HEAD, "/my");
    bot.reply(c, HEAD).await;
    let my = bot
        .api
        .last_card(HEAD.id)
        .expect("/my with a withdraw button")
        .0;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    db::people::revoke(&mut tx, HEAD.id, ADMIN).await.unwrap();
    tx.commit().await.unwrap();
    let (c, q) = bot.press(HEAD, my, "w:1");
    let a = bot.answer(c, &q).await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "only-reporters", id = HEAD.id)
    );
    let r = db::requests::get(&bot.pool, 1).await.unwrap().unwrap();
    assert_eq!(
        r.status,
        RequestStatus::Pending,
        "the report stays for review"
    );
    bot.finish().await;
}

#[tokio::test]
async fn a_card_of_someone_dropped_from_the_settings_only_loses_its_buttons() {
    let mut bot = world().await;
    report(&bot, HEAD, "https://lenobl.ru/s").await;
    let anna_card = card_of(&bot, ADMIN);
    let boris_card = card_of(&bot, ADMIN2);
    // Boris is taken out of TOUCHPOINTS_ADMINS; the bot restarts.
    bot.restart_with_admins(&[ADMIN]).await;
    let (c, q) = bot.press(ANNA, anna_card, "rv:a:1");
    bot.answer(c, &q).await;
    bot.api
        .wait_for(c, "Boris's card without buttons", |call| {
            call.method == "editMessageReplyMarkup"
                && call.chat_id() == Some(ADMIN2)
                && call.params["message_id"] == boris_card
        })
        .await;
    let m = bot.api.message(ADMIN2, boris_card).unwrap();
    assert!(m.get("reply_markup").is_none(), "{m}");
    assert!(!m["text"].as_str().unwrap().contains("Принято"), "{m}");
    bot.finish().await;
}
