//! End to end: a report returned for correction («На доработку») comes back to its author
//! with the note and `Исправить`; sent again it makes a new report whose card links the
//! previous one and shows what changed; the chain in `/my`; a return refused when the
//! author can no longer report; a version of a row restored through review.

mod common;

use common::{user, Bot, User, ADMIN, ADMIN2, HEAD};
use touchpoints::db;
use touchpoints::db::touchpoints::Provenance;
use touchpoints::domain::record::Origin;
use touchpoints::domain::*;
use touchpoints::tr;

const ANNA: User = user(ADMIN, "Анна");
const BORIS: User = user(ADMIN2, "Борис");

async fn world() -> (Bot, i64, i64) {
    let bot = Bot::start(&[ADMIN, ADMIN2]).await;
    let (d, f) = bot.seed("Отдел по работе с обращениями").await;
    (bot, d, f)
}

/// Waits for a review card with buttons in both authorized persons' chats after `c`;
/// returns Anna's text.
async fn cards_after(bot: &Bot, c: usize) -> String {
    let mut text = String::new();
    for admin in [ADMIN, ADMIN2] {
        let call = bot
            .api
            .wait_for(c, "a review card", |call| {
                call.method == "sendMessage"
                    && call.chat_id() == Some(admin)
                    && !call.buttons().is_empty()
            })
            .await;
        if admin == ADMIN {
            text = call.text().to_string();
        }
    }
    text
}

/// The head reports the portal `point` under Ф-012; returns once both cards arrived.
async fn report(bot: &Bot, point: &str) {
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
    let c = bot.api.cursor();
    bot.click(HEAD, "Отправить").await;
    cards_after(bot, c).await;
}

/// `admin` returns the newest card's report with `note`; returns the message the head got.
async fn send_back(bot: &Bot, admin: User, note: &str) -> common::Call {
    let a = bot.click(admin, "На доработку").await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "review-give-note")
    );
    let c = bot.send(admin, note);
    bot.reply(c, admin).await;
    bot.next_card(c, HEAD).await
}

#[tokio::test]
async fn a_returned_report_comes_back_corrected_and_its_card_links_the_previous() {
    let (bot, _, _) = world().await;
    report(&bot, "https://lenobl.ru/appeal").await;
    assert_eq!(
        bot.card_buttons(ADMIN),
        vec!["Принять", "Отклонить", "На доработку"]
    );

    // Round 1: returned with a note; the head is told, with `Исправить`.
    let anna_card = bot.api.last_card(ADMIN).unwrap().0;
    let told = send_back(&bot, ANNA, "Уточните адрес <страницы> & раздел").await;
    assert_eq!(
        told.text(),
        tr!(
            bot.i18n,
            Lang::Ru,
            "outcome-returned",
            id = 1,
            note = "Уточните адрес &lt;страницы&gt; &amp; раздел"
        )
    );
    assert_eq!(told.buttons()[0][0].0, "Исправить");
    let r = db::requests::get(&bot.pool, 1).await.unwrap().unwrap();
    assert_eq!(r.status, RequestStatus::Returned);
    assert_eq!(
        r.decision_note.as_deref(),
        Some("Уточните адрес <страницы> & раздел")
    );
    // Not in /pending; every card shows the return and loses its buttons.
    assert!(db::review::pending(&bot.pool).await.unwrap().is_empty());
    let c = bot.send(ANNA, "/pending");
    let p = bot.reply(c, ANNA).await;
    assert!(p.text().contains(": 0"), "{}", p.text());
    let m = bot.api.message(ADMIN, anna_card).unwrap();
    assert!(
        m["text"]
            .as_str()
            .unwrap()
            .contains("↩️ Возвращён на доработку: Анна,"),
        "{m}"
    );
    assert!(m.get("reply_markup").is_none(), "{m}");
    let audit: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'request.return'")
            .fetch_one(&bot.pool)
            .await
            .unwrap();
    assert_eq!(audit, 1);

    // A draft under way is not dropped silently: the head is asked first.
    let c = bot.send(HEAD, "/new");
    bot.next_card(c, HEAD).await;
    bot.click(HEAD, "Рассмотрение обращений и запросов").await;
    let c = bot.api.cursor();
    let (press_c, q) = bot.press(HEAD, note_of(&bot, 1), "rw:1");
    bot.answer(press_c, &q).await;
    let ask = bot.next_card(c, HEAD).await;
    assert_eq!(ask.text(), tr!(bot.i18n, Lang::Ru, "draft-open-ask"));
    let c = bot.api.cursor();
    bot.click(HEAD, "Продолжить незаконченный").await;
    let again = bot.next_card(c, HEAD).await;
    assert!(again.text().contains("функцию"), "{}", again.text());
    let c = bot.api.cursor();
    let (press_c, q) = bot.press(HEAD, note_of(&bot, 1), "rw:1");
    bot.answer(press_c, &q).await;
    bot.next_card(c, HEAD).await;
    let c = bot.api.cursor();
    bot.click(HEAD, "Удалить незаконченный").await;
    let summary = bot.next_card(c, HEAD).await;
    assert!(
        summary.text().contains("Исправление отчёта №\u{a0}1"),
        "{}",
        summary.text()
    );
    assert!(
        summary.text().contains("https://lenobl.ru/appeal"),
        "{}",
        summary.text()
    );

    // `Отправить` with nothing changed sends it again: a new report linking the first.
    let c = bot.api.cursor();
    bot.click(HEAD, "Отправить").await;
    let card = cards_after(&bot, c).await;
    assert!(card.contains("Отчёт №\u{a0}2"), "{card}");
    assert!(
        card.contains("Повторно, после доработки отчёта №\u{a0}1"),
        "{card}"
    );
    assert!(card.contains("Уточните адрес &lt;страницы&gt;"), "{card}");
    assert!(
        card.contains(&tr!(bot.i18n, Lang::Ru, "review-resent-same")),
        "{card}"
    );
    let r2 = db::requests::get(&bot.pool, 2).await.unwrap().unwrap();
    assert_eq!(
        (r2.status, r2.previous_id),
        (RequestStatus::Pending, Some(1))
    );
    assert_eq!(
        db::requests::get(&bot.pool, 1)
            .await
            .unwrap()
            .unwrap()
            .resent_as,
        Some(2)
    );
    // `Исправить` again on the first note: already sent again.
    let (press_c, q) = bot.press(HEAD, note_of(&bot, 1), "rw:1");
    let a = bot.answer(press_c, &q).await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "rework-resent", id = 1, next = 2)
    );

    // Round 2: returned again by Boris; this time the point is corrected.
    let told = send_back(&bot, BORIS, "Нужна ссылка на раздел").await;
    assert!(told.text().contains("№\u{a0}2"), "{}", told.text());
    let c = bot.api.cursor();
    bot.click(HEAD, "Исправить").await;
    bot.next_card(c, HEAD).await;
    bot.click(HEAD, "Изменить").await;
    bot.click(HEAD, "Точка").await;
    let c = bot.send(HEAD, "https://lenobl.ru/appeal/form");
    bot.next_card(c, HEAD).await;
    let c = bot.api.cursor();
    bot.click(HEAD, "Отправить").await;
    let card = cards_after(&bot, c).await;
    assert!(
        card.contains("Повторно, после доработки отчёта №\u{a0}2"),
        "{card}"
    );
    assert!(card.contains("Изменено после доработки"), "{card}");
    assert!(
        card.contains("<s>Официальные сайты (порталы) — https://lenobl.ru/appeal (цифровая)</s>"),
        "{card}"
    );

    // /my shows the chain.
    let c = bot.send(HEAD, "/my");
    let my = bot.reply(c, HEAD).await;
    assert!(
        my.text().contains("№\u{a0}1 → №\u{a0}2 → №\u{a0}3"),
        "{}",
        my.text()
    );
    assert!(
        my.text().contains("возвращён на доработку"),
        "{}",
        my.text()
    );

    // Accepted, the corrected point enters the list once.
    let c = bot.api.cursor();
    bot.click(ANNA, "Принять").await;
    bot.reply(c, HEAD).await;
    let rows = db::touchpoints::list_active(&bot.pool, Default::default())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].data.point, "https://lenobl.ru/appeal/form");
    bot.finish().await;
}

/// The head's message that carries `Исправить` for this report.
fn note_of(bot: &Bot, request: i64) -> i64 {
    let data = format!("rw:{request}");
    (1000..=5000)
        .rev()
        .find(|id| {
            bot.api.message(HEAD.id, *id).is_some_and(|m| {
                m.pointer("/reply_markup/inline_keyboard/0/0/callback_data")
                    .and_then(|d| d.as_str())
                    == Some(&*data)
            })
        })
        .expect("the note's message")
}

#[tokio::test]
async fn a_returned_row_is_taken_until_sent_again_or_withdrawn_which_ends_the_chain() {
    let (bot, d, f) = world().await;
    let row = existing_row(&bot, d, f, "https://lenobl.ru/appeal").await;
    // A change of the row, returned.
    let c = bot.send(HEAD, "/change");
    bot.reply(c, HEAD).await;
    bot.click(HEAD, "Рассмотрение обращений и запросов").await;
    bot.click(HEAD, "Рассмотрение обращений граждан").await;
    bot.click(HEAD, "lenobl.ru/appeal").await;
    bot.click(HEAD, "Клиенты").await;
    bot.click(HEAD, "внутренние").await;
    let c = bot.api.cursor();
    bot.click(HEAD, "Отправить").await;
    cards_after(&bot, c).await;
    send_back(&bot, ANNA, "Проверьте клиентов").await;
    // Another report on the row is refused, naming the returned one.
    let c = bot.send(HEAD, "/exclude");
    bot.reply(c, HEAD).await;
    bot.click(HEAD, "Рассмотрение обращений и запросов").await;
    bot.click(HEAD, "Рассмотрение обращений граждан").await;
    let a = bot.click(HEAD, "lenobl.ru/appeal").await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "row-busy", id = 1)
    );
    assert_eq!(
        db::requests::pending_on_row(&bot.pool, row, None)
            .await
            .unwrap(),
        Some(1)
    );
    let c = bot.send(HEAD, "/cancel");
    bot.reply(c, HEAD).await;
    // Withdrawn from /my: the chain ends, the row is free, `Исправить` is stale.
    let c = bot.send(HEAD, "/my");
    let my = bot.next_card(c, HEAD).await;
    let labels: Vec<String> = my.buttons().concat().into_iter().map(|b| b.0).collect();
    assert!(
        labels.contains(&"Исправить отчёт №\u{a0}1".to_string()),
        "{labels:?}"
    );
    bot.click(HEAD, "Отозвать отчёт").await;
    let r = db::requests::get(&bot.pool, 1).await.unwrap().unwrap();
    assert_eq!(r.status, RequestStatus::Withdrawn);
    assert_eq!(
        db::requests::pending_on_row(&bot.pool, row, None)
            .await
            .unwrap(),
        None
    );
    let (c, q) = bot.press(HEAD, bot.api.newest(HEAD.id).unwrap().0, "rw:1");
    let a = bot.answer(c, &q).await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "rework-closed", id = 1)
    );
    bot.finish().await;
}

#[tokio::test]
async fn a_return_is_refused_when_the_author_can_no_longer_report() {
    let (bot, _, _) = world().await;
    report(&bot, "https://lenobl.ru/appeal").await;
    // The head now heads another division.
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    let (other, _) = db::divisions::get_or_create(&mut tx, "Другой отдел", ADMIN)
        .await
        .unwrap();
    db::people::assign(
        &mut tx,
        HEAD.id,
        HEAD.first_name,
        Role::Head,
        Some(other.id),
        Lang::Ru,
        Some(ADMIN),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let a = bot.click(ANNA, "На доработку").await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "return-refused-division")
    );
    assert_eq!(
        a.params["show_alert"], true,
        "the authorized person is told why"
    );
    // Nothing asked, nothing changed: it can still be accepted or rejected.
    let r = db::requests::get(&bot.pool, 1).await.unwrap().unwrap();
    assert_eq!(r.status, RequestStatus::Pending);
    assert_eq!(
        db::dialogues::get(&bot.pool, ADMIN).await.unwrap(),
        None,
        "no question asked"
    );
    // Access revoked while the note was being typed: refused at the note, still pending.
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    let d = db::divisions::get_or_create(&mut tx, "Отдел по работе с обращениями", ADMIN)
        .await
        .unwrap()
        .0;
    db::people::assign(
        &mut tx,
        HEAD.id,
        HEAD.first_name,
        Role::Head,
        Some(d.id),
        Lang::Ru,
        Some(ADMIN),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    bot.click(BORIS, "На доработку").await;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    db::people::assign(
        &mut tx,
        HEAD.id,
        HEAD.first_name,
        Role::Stranger,
        None,
        Lang::Ru,
        Some(ADMIN),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let c = bot.send(BORIS, "Уточните адрес");
    let r = bot.reply(c, BORIS).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "return-refused-access"));
    let r = db::requests::get(&bot.pool, 1).await.unwrap().unwrap();
    assert_eq!(r.status, RequestStatus::Pending);
    bot.finish().await;
}

/// A row in the list, as if loaded from a file: its id.
async fn existing_row(bot: &Bot, d: i64, f: i64, point: &str) -> i64 {
    let data = TouchpointData {
        direction: Direction::Appeals,
        function_id: f,
        kind: Kind::Website,
        channel: Channel::Digital,
        point: point.into(),
        needs: [Need::Information].into_iter().collect(),
        other_need: None,
        features: None,
        clients: Clients::External,
        little_used: false,
    };
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    let id = db::touchpoints::insert(
        &mut tx,
        &data,
        d,
        Provenance {
            origin: Origin::Import("перечень.xlsx".into()),
            reported_by: None,
            accepted_by: Some(ADMIN),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn a_version_is_restored_through_review_as_a_new_version() {
    let (bot, d, f) = world().await;
    let row = existing_row(&bot, d, f, "https://lenobl.ru/appeal").await;
    let v1 = db::touchpoints::get(&bot.pool, row)
        .await
        .unwrap()
        .unwrap()
        .data;
    // Version 2: the features changed (as an accepted change would).
    let mut changed = v1.clone();
    changed.features = Some("Только по записи".into());
    let who = || Provenance {
        origin: Origin::Import("перечень.xlsx".into()),
        reported_by: None,
        accepted_by: Some(ADMIN),
    };
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    db::touchpoints::update(&mut tx, row, &changed, who())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // The history offers the earlier version only; the head has no /history.
    let c = bot.send(ANNA, &format!("/history {row}"));
    let h = bot.next_card(c, ANNA).await;
    let labels: Vec<String> = h.buttons().concat().into_iter().map(|b| b.0).collect();
    assert_eq!(labels, vec!["Восстановить версию 1"]);
    let c = bot.api.cursor();
    bot.click(ANNA, "Восстановить версию 1").await;
    let summary = bot.next_card(c, ANNA).await;
    assert!(
        summary
            .text()
            .contains(&format!("Восстановление версии 1 строки №\u{a0}{row}")),
        "{}",
        summary.text()
    );
    assert!(
        summary.text().contains("<s>Только по записи</s>"),
        "{}",
        summary.text()
    );
    let c = bot.api.cursor();
    bot.click(ANNA, "Отправить").await;
    let card = cards_after(&bot, c).await;
    assert!(
        card.contains(&format!("Восстановление версии 1 строки №\u{a0}{row}")),
        "{card}"
    );
    // Nothing changes before the review.
    assert_eq!(
        db::touchpoints::get(&bot.pool, row)
            .await
            .unwrap()
            .unwrap()
            .data,
        changed
    );
    let r = db::requests::get(&bot.pool, 1).await.unwrap().unwrap();
    assert_eq!(
        (r.action, r.restores_version, r.base_version),
        (Action::Change, Some(1), Some(2))
    );
    bot.click(BORIS, "Принять").await;
    let now = db::touchpoints::get(&bot.pool, row).await.unwrap().unwrap();
    assert_eq!((now.version, &now.data), (3, &v1), "a new version, as v1");
    let history = db::versions::of_row(&bot.pool, row).await.unwrap();
    assert_eq!(history.len(), 3, "the past is kept");
    assert_eq!(history[1].row.data, changed);

    // Excluded, the row comes back the same way: a report to add it back.
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    db::touchpoints::exclude(&mut tx, row, who()).await.unwrap();
    tx.commit().await.unwrap();
    let c = bot.send(ANNA, &format!("/history {row}"));
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Восстановить версию 2").await;
    let summary = bot.next_card(c, ANNA).await;
    assert!(
        summary
            .text()
            .contains(&format!("Возврат исключённой строки №\u{a0}{row}")),
        "{}",
        summary.text()
    );
    let c = bot.api.cursor();
    bot.click(ANNA, "Отправить").await;
    let card = cards_after(&bot, c).await;
    assert!(
        card.contains(&format!(
            "Возврат в перечень исключённой строки №\u{a0}{row}"
        )),
        "{card}"
    );
    let r = db::requests::get(&bot.pool, 2).await.unwrap().unwrap();
    assert_eq!(
        (r.action, r.touchpoint_id, r.restores_version),
        (Action::Add, Some(row), Some(2))
    );
    let c = bot.api.cursor();
    bot.click(BORIS, "Принять").await;
    bot.api
        .wait_for(c, "the card's update", |call| {
            call.method == "editMessageText" && call.chat_id() == Some(ADMIN2)
        })
        .await;
    let now = db::touchpoints::get(&bot.pool, row).await.unwrap().unwrap();
    assert_eq!(
        (now.status, now.version, &now.data),
        (RowStatus::Active, 5, &changed),
        "the same row, back, as version 2 was"
    );
    let changes = db::versions::changes(
        &bot.pool,
        chrono::Utc::now() - chrono::Duration::hours(1),
        chrono::Utc::now() + chrono::Duration::hours(1),
    )
    .await
    .unwrap();
    assert_eq!(
        changes.last().unwrap().kind,
        touchpoints::domain::record::ChangeKind::Added
    );
    bot.finish().await;
}

#[tokio::test]
async fn a_waiting_report_brings_its_author_one_notice_and_the_authorized_persons_a_daily_digest() {
    use chrono::TimeZone;
    use touchpoints::bot::flows::notices::{tick, Noticed};
    let (bot, _, _) = world().await;
    report(&bot, "https://lenobl.ru/appeal").await;
    let (tg, app) = bot.handles().await;
    // Days after the report (the default: told after 3 days; digests at 10:00 Moscow time,
    // 07:00 UTC; quiet 21-9).
    let first = (chrono::Utc::now() + chrono::Duration::days(4)).date_naive();
    let at = |days: i64, h: u32, m: u32| {
        chrono::Utc.from_utc_datetime(
            &(first + chrono::Duration::days(days))
                .and_hms_opt(h, m, 0)
                .unwrap(),
        )
    };
    let none = Noticed::default();
    // 09:30 local: the author is told, once; no digest before 10:00.
    let c = bot.api.cursor();
    assert_eq!(
        tick(&tg, &app, at(0, 6, 30)).await.unwrap(),
        Noticed {
            notices: 1,
            digests: 0
        }
    );
    let told = bot.reply(c, HEAD).await;
    assert!(
        told.text().contains("№\u{a0}1") && told.text().contains("всё ещё на рассмотрении"),
        "{}",
        told.text()
    );
    assert_eq!(tick(&tg, &app, at(0, 6, 31)).await.unwrap(), none);
    // 10:00 local: one digest to each authorized person, once that day.
    let c = bot.api.cursor();
    assert_eq!(
        tick(&tg, &app, at(0, 7, 0)).await.unwrap(),
        Noticed {
            notices: 0,
            digests: 2
        }
    );
    let digest = bot.reply(c, ANNA).await;
    assert!(
        digest.text().contains("На рассмотрении 1 отчёт")
            && digest.text().contains("№\u{a0}1 · новая точка"),
        "{}",
        digest.text()
    );
    assert_eq!(tick(&tg, &app, at(0, 8, 0)).await.unwrap(), none);
    // A restart remembers the day.
    let (tg, app) = bot.handles().await;
    assert_eq!(tick(&tg, &app, at(0, 9, 0)).await.unwrap(), none);
    // The next day: not in the quiet hours (08:00 local), then at 10:00.
    assert_eq!(tick(&tg, &app, at(1, 5, 0)).await.unwrap(), none);
    assert_eq!(tick(&tg, &app, at(1, 7, 0)).await.unwrap().digests, 2);
    // Nothing waits: no digest.
    bot.click(ANNA, "Принять").await;
    assert_eq!(tick(&tg, &app, at(2, 7, 0)).await.unwrap(), none);
    bot.finish().await;
}

#[tokio::test]
async fn a_returned_exclusion_is_corrected_in_its_reason() {
    let (bot, d, f) = world().await;
    existing_row(&bot, d, f, "https://lenobl.ru/appeal").await;
    let c = bot.send(HEAD, "/exclude");
    bot.reply(c, HEAD).await;
    bot.click(HEAD, "Рассмотрение обращений и запросов").await;
    bot.click(HEAD, "Рассмотрение обращений граждан").await;
    bot.click(HEAD, "lenobl.ru/appeal").await;
    bot.click(HEAD, "исключена из Реестра").await;
    let c = bot.api.cursor();
    bot.click(HEAD, "Отправить").await;
    cards_after(&bot, c).await;
    send_back(&bot, ANNA, "Функция в Реестре есть; какая причина?").await;
    let c = bot.api.cursor();
    bot.click(HEAD, "Исправить").await;
    let summary = bot.next_card(c, HEAD).await;
    assert!(
        summary.text().contains("Исключение точки взаимодействия"),
        "{}",
        summary.text()
    );
    bot.click(HEAD, "Изменить").await;
    assert_eq!(
        bot.card_buttons(HEAD.id),
        vec!["Причина исключения", "Назад", "Отмена"]
    );
    bot.click(HEAD, "Причина исключения").await;
    bot.click(HEAD, "Другая причина").await;
    let c = bot.send(HEAD, "Кабинет закрыт");
    bot.next_card(c, HEAD).await;
    let c = bot.api.cursor();
    bot.click(HEAD, "Отправить").await;
    let card = cards_after(&bot, c).await;
    assert!(card.contains("Изменено после доработки"), "{card}");
    assert!(card.contains("→ <u>Кабинет закрыт</u>"), "{card}");
    let r = db::requests::get(&bot.pool, 2).await.unwrap().unwrap();
    assert_eq!(
        (r.action, r.previous_id, r.reason_text.as_deref()),
        (Action::Exclude, Some(1), Some("Кабинет закрыт"))
    );
    bot.finish().await;
}
