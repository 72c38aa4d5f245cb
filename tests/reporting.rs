//! End to end: a division head reports new, changed and excluded touchpoints through the
//! dialogues, against a fake Bot API server; the database is checked afterwards.

mod common;

use common::{user, Bot, User, ADMIN, HEAD};
use touchpoints::db;
use touchpoints::db::functions::NewFunction;
use touchpoints::db::touchpoints::Provenance;
use touchpoints::domain::*;
use touchpoints::tr;

const HEAD2: User = user(201, "Олег");
const ADMIN_USER: User = user(ADMIN, "Анна");
const STRANGER: User = user(900, "Гость");

struct World {
    bot: Bot,
    division: i64,
    /// «Рассмотрение обращений граждан» (Ф-012), direction 3.5.1.
    appeals: i64,
}

/// A bot with one division, its head, an authorized person and two Registry functions.
async fn world() -> World {
    let bot = Bot::start(&[ADMIN]).await;
    let (division, appeals) = bot.seed("Отдел по работе с обращениями").await;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    let (d2, _) = db::divisions::get_or_create(&mut tx, "Пресс-служба", ADMIN)
        .await
        .unwrap();
    db::functions::add(
        &mut tx,
        NewFunction {
            code: Some("С-003"),
            name: "Приём запросов информации",
            is_service: true,
            direction: Direction::Appeals,
            division_id: division,
            in_registry: true,
        },
        ADMIN,
    )
    .await
    .unwrap();
    db::people::assign(
        &mut tx,
        HEAD2.id,
        "Олег",
        Role::Head,
        Some(d2.id),
        Lang::Ru,
        Some(ADMIN),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    World {
        bot,
        division,
        appeals,
    }
}

/// A row already in the list: the portal, with two needs.
async fn existing_row(w: &World) -> i64 {
    let data = TouchpointData {
        direction: Direction::Appeals,
        function_id: w.appeals,
        kind: Kind::Website,
        channel: Channel::Digital,
        point: "https://lenobl.ru/appeal".into(),
        needs: [Need::Information, Need::Application].into_iter().collect(),
        other_need: None,
        features: None,
        clients: Clients::External,
        little_used: false,
    };
    let mut tx = db::begin_write(&w.bot.pool).await.unwrap();
    let id = db::touchpoints::insert(
        &mut tx,
        &data,
        w.division,
        Provenance {
            origin: touchpoints::domain::record::Origin::Import("test".into()),
            reported_by: Some(HEAD.id),
            accepted_by: Some(ADMIN),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn pending(bot: &Bot) -> Vec<db::requests::Request> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM change_requests ORDER BY id")
        .fetch_all(&bot.pool)
        .await
        .unwrap();
    let mut out = vec![];
    for id in ids {
        out.push(db::requests::get(&bot.pool, id).await.unwrap().unwrap());
    }
    out
}

/// Presses `Отправить` and waits until the report is confirmed and its card has reached
/// the authorized person.
async fn submit(bot: &Bot, u: User) -> common::Call {
    let c = bot.api.cursor();
    let a = bot.click(u, "Отправить").await;
    bot.reply(c, u).await;
    bot.api
        .wait_for(c, "the review card", |call| {
            call.method == "sendMessage"
                && call.chat_id() == Some(ADMIN)
                && call.text().contains("Отчёт №")
        })
        .await;
    a
}

/// The steps after the point, with the simplest answers: information; no features;
/// external clients.
async fn rest_of_report(bot: &Bot, u: User) {
    bot.click(u, "Получение информации").await;
    bot.click(u, "Готово").await;
    bot.click(u, "Нет особенностей").await;
    bot.click(u, "внешние").await;
}

/// Sends text and waits for the next card with buttons (the next question).
async fn answer_text(bot: &Bot, u: User, text: &str) -> common::Call {
    let c = bot.send(u, text);
    bot.reply(c, u).await
}

/// Walks /new up to the point step for the portal under Ф-012.
async fn new_up_to_point(bot: &Bot, u: User) {
    let c = bot.send(u, "/new");
    let r = bot.reply(c, u).await;
    assert!(
        r.text().contains("Выберите направление деятельности"),
        "{}",
        r.text()
    );
    bot.click(u, "Рассмотрение обращений и запросов").await;
    bot.click(u, "Ф-012").await;
    bot.click(u, "Официальные сайты").await;
    assert!(
        bot.card_text(u.id).contains("Введите саму точку"),
        "{}",
        bot.card_text(u.id)
    );
}

#[tokio::test]
async fn a_head_reports_a_new_touchpoint_end_to_end() {
    let w = world().await;
    let bot = &w.bot;
    new_up_to_point(bot, HEAD).await;
    let r = answer_text(bot, HEAD, "https://lenobl.ru/appeal/new").await;
    assert!(
        r.text().contains("Отметьте цель взаимодействия с клиентом"),
        "{}",
        r.text()
    );
    // The checklist toggles on the same message, by editing it.
    let card = bot.api.last_card(HEAD.id).unwrap().0;
    bot.click(HEAD, "Получение информации").await;
    bot.click(HEAD, "Представление заявления").await;
    bot.click(HEAD, "Получение информации").await; // unmark
    bot.click(HEAD, "Получение информации").await; // mark again
    assert_eq!(
        bot.api.last_card(HEAD.id).unwrap().0,
        card,
        "toggles edit the card in place"
    );
    assert!(bot
        .card_buttons(HEAD.id)
        .contains(&"✅ Получение информации".to_string()));
    assert!(bot.card_text(HEAD.id).contains("Отмечено: 2"));
    bot.click(HEAD, "Готово").await;
    bot.click(HEAD, "Нет особенностей").await;
    bot.click(HEAD, "внешние").await;
    let summary = bot.card_text(HEAD.id);
    assert!(
        summary.contains("Новая точка взаимодействия — проверьте перед отправкой"),
        "{summary}"
    );
    assert!(
        summary.contains("2. Направление деятельности: Рассмотрение обращений и запросов"),
        "{summary}"
    );
    assert!(
        summary.contains("3. Функция (сервис): Рассмотрение обращений граждан (Ф-012)"),
        "{summary}"
    );
    assert!(
        summary.contains("4. Точка взаимодействия: Официальные сайты (порталы) — https://lenobl.ru/appeal/new (цифровая)"),
        "{summary}"
    );
    assert!(
        summary.contains("5. Цель взаимодействия с клиентом: Получение информации; Представление заявления, обращения, запроса, документов"),
        "{summary}"
    );
    assert!(
        summary.contains("6. Особенности взаимодействия с клиентом: нет"),
        "{summary}"
    );
    assert!(summary.contains("Клиенты: внешние"), "{summary}");

    let c = bot.api.cursor();
    let a = submit(bot, HEAD).await;
    assert_eq!(a.params["text"], "Отправлено: отчёт №\u{a0}1");
    let told = bot.reply(c, HEAD).await;
    assert_eq!(told.text(), tr!(bot.i18n, Lang::Ru, "sent", id = 1));

    let reqs = pending(bot).await;
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(
        (r.action, r.status, r.reporter_id),
        (Action::Add, RequestStatus::Pending, HEAD.id)
    );
    let p = r.payload.as_ref().unwrap();
    assert_eq!(p.function_id, w.appeals);
    assert_eq!(p.kind, Kind::Website);
    assert_eq!(p.channel, Channel::Digital);
    assert_eq!(p.point, "https://lenobl.ru/appeal/new");
    assert_eq!(
        p.needs,
        [Need::Information, Need::Application].into_iter().collect()
    );
    assert_eq!((p.features.clone(), p.clients), (None, Clients::External));
    assert_eq!(db::dialogues::get(&bot.pool, HEAD.id).await.unwrap(), None);
    let audits: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'request.create' AND actor_id = ?",
    )
    .bind(HEAD.id)
    .fetch_one(&bot.pool)
    .await
    .unwrap();
    assert_eq!(audits, 1);
    // Nothing is in the list until the authorized person accepts.
    assert!(db::touchpoints::list_active(&bot.pool, Default::default())
        .await
        .unwrap()
        .is_empty());
    w.bot.finish().await;
}

/// A screen's press is answered as its card is redrawn. When the card cannot be redrawn,
/// the press has its (silent) answer already: the person is told in the chat instead, and
/// the draft stays as the card shows it.
#[tokio::test]
async fn a_press_whose_card_cannot_be_redrawn_is_told_in_the_chat_and_the_draft_kept() {
    let w = world().await;
    let bot = &w.bot;
    new_up_to_point(bot, HEAD).await;
    answer_text(bot, HEAD, "https://lenobl.ru/appeal/failed-edit").await;
    bot.api.fail(
        "editMessageText",
        common::Fault::BadRequest("Bad Request: message is too long"),
    );
    let cursor = bot.api.cursor();
    let answer = bot.click(HEAD, "Получение информации").await;
    assert_eq!(answer.params.get("text"), None, "{}", answer.params);
    let sorry = bot.t(Lang::Ru, "error-generic", &[]);
    bot.api
        .wait_for(cursor, "the failure told in the chat", |c| {
            c.method == "sendMessage" && c.chat_id() == Some(HEAD.id) && c.text() == sorry
        })
        .await;
    assert!(!bot
        .card_buttons(HEAD.id)
        .contains(&"✅ Получение информации".to_string()));
    // The draft was not saved with the need: the same press now marks it (once).
    bot.click(HEAD, "Получение информации").await;
    assert!(bot
        .card_buttons(HEAD.id)
        .contains(&"✅ Получение информации".to_string()));
    assert!(bot.card_text(HEAD.id).contains("Отмечено: 1"));
    w.bot.finish().await;
}

#[tokio::test]
async fn a_typed_function_a_phone_line_other_needs_and_an_edit_from_the_summary() {
    let w = world().await;
    let bot = &w.bot;
    let c = bot.send(HEAD, "/new");
    bot.reply(c, HEAD).await;
    bot.click(HEAD, "Рассмотрение обращений и запросов").await;
    bot.click(HEAD, "Нет в списке").await;
    answer_text(bot, HEAD, "Приём граждан по личным вопросам").await;
    bot.click(HEAD, "Телефонная связь").await;
    // 4.2.5 is asked digital or offline.
    assert!(
        bot.card_text(HEAD.id).contains("цифровая точка"),
        "{}",
        bot.card_text(HEAD.id)
    );
    bot.click(HEAD, "офлайн").await;
    answer_text(bot, HEAD, "+7 (812) 539-40-60").await;
    bot.click(HEAD, "Получение консультации").await;
    bot.click(HEAD, "Другие удовлетворяемые").await;
    bot.click(HEAD, "Готово").await;
    let r = answer_text(bot, HEAD, "Запись на приём к <губернатору> & заместителям").await;
    assert!(r.text().contains("особенности"), "{}", r.text());
    answer_text(bot, HEAD, "Только в рабочие часы").await;
    bot.click(HEAD, "внешние и внутренние").await;
    let summary = bot.card_text(HEAD.id);
    assert!(
        summary.contains("Приём граждан по личным вопросам — нет в Реестре"),
        "{summary}"
    );
    assert!(
        summary.contains("Телефонная связь, колл-центры — +7 (812) 539-40-60 (офлайн)"),
        "{summary}"
    );
    assert!(
        summary.contains("Другие удовлетворяемые потребности клиента: Запись на приём к <губернатору> & заместителям"),
        "{summary}"
    );
    assert!(
        summary.contains("6. Особенности взаимодействия с клиентом: Только в рабочие часы"),
        "{summary}"
    );

    // Edit one field from the summary: only that field is asked again.
    bot.click(HEAD, "Изменить").await;
    bot.click(HEAD, "Точка (адрес").await;
    let r = answer_text(bot, HEAD, "+7 (812) 539-40-61").await;
    assert!(
        r.text().contains("проверьте перед отправкой"),
        "back to the summary: {}",
        r.text()
    );
    assert!(r.text().contains("539-40-61"));
    submit(bot, HEAD).await;

    let reqs = pending(bot).await;
    let p = reqs[0].payload.as_ref().unwrap();
    assert_eq!((p.kind, p.channel), (Kind::Phone, Channel::Offline));
    assert_eq!(
        p.other_need.as_deref(),
        Some("Запись на приём к <губернатору> & заместителям")
    );
    assert_eq!(p.features.as_deref(), Some("Только в рабочие часы"));
    assert_eq!(p.clients, Clients::Both);
    // The typed function travels with the report: it enters the Registry only when the
    // report is accepted, so no picker offers it meanwhile.
    assert_eq!(
        reqs[0].typed_function.as_deref(),
        Some("Приём граждан по личным вопросам")
    );
    let offered = db::functions::for_division(&bot.pool, w.division, Direction::Appeals)
        .await
        .unwrap();
    assert!(
        offered
            .iter()
            .all(|f| f.name != "Приём граждан по личным вопросам"),
        "{offered:?}"
    );
    w.bot.finish().await;
}

#[tokio::test]
async fn the_same_point_again_is_offered_as_a_change_of_its_needs() {
    let w = world().await;
    let bot = &w.bot;
    let row = existing_row(&w).await;
    new_up_to_point(bot, HEAD).await;
    // Written differently, it is the same point (3.7).
    let r = answer_text(bot, HEAD, "HTTP://WWW.lenobl.ru/appeal/").await;
    assert!(
        r.text().contains("Такая точка уже есть в перечне"),
        "{}",
        r.text()
    );
    assert!(
        r.text().contains("https://lenobl.ru/appeal"),
        "the existing row is shown: {}",
        r.text()
    );
    bot.click(HEAD, "Изменить цель взаимодействия").await;
    // The checklist shows the row's current needs.
    let buttons = bot.card_buttons(HEAD.id);
    assert!(
        buttons.contains(&"✅ Получение информации".to_string()),
        "{buttons:?}"
    );
    bot.click(HEAD, "Получение консультации").await;
    bot.click(HEAD, "Готово").await;
    let summary = bot.card_text(HEAD.id);
    assert!(
        summary.contains("Изменение точки взаимодействия"),
        "{summary}"
    );
    assert!(summary.contains("→"), "old → new: {summary}");
    submit(bot, HEAD).await;
    let reqs = pending(bot).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        (reqs[0].action, reqs[0].touchpoint_id),
        (Action::Change, Some(row))
    );
    assert_eq!(reqs[0].reason_kind, ReasonKind::NeedsChanged);
    assert!(reqs[0]
        .payload
        .as_ref()
        .unwrap()
        .needs
        .contains(&Need::Consultation));
    w.bot.finish().await;
}

#[tokio::test]
async fn a_point_already_reported_and_pending_is_refused_with_its_number() {
    let w = world().await;
    let bot = &w.bot;
    new_up_to_point(bot, HEAD).await;
    answer_text(bot, HEAD, "lenobl.ru/new").await;
    rest_of_report(bot, HEAD).await;
    submit(bot, HEAD).await;
    // The authorized person reports the same point for the same division.
    let c = bot.send(ADMIN_USER, "/new");
    bot.reply(c, ADMIN_USER).await;
    bot.click(ADMIN_USER, "Отдел по работе с обращениями").await;
    bot.click(ADMIN_USER, "Рассмотрение обращений и запросов")
        .await;
    bot.click(ADMIN_USER, "Ф-012").await;
    bot.click(ADMIN_USER, "Официальные сайты").await;
    let r = answer_text(bot, ADMIN_USER, "https://lenobl.ru/new/").await;
    assert_eq!(
        r.text(),
        tr!(bot.i18n, Lang::Ru, "duplicate-pending", id = 1)
    );
    bot.click(ADMIN_USER, "Указать другую точку").await;
    assert!(bot.card_text(ADMIN).contains("Введите саму точку"));
    w.bot.finish().await;
}

#[tokio::test]
async fn bad_input_gets_a_clear_message_and_the_same_step_again() {
    let w = world().await;
    let bot = &w.bot;
    new_up_to_point(bot, HEAD).await;
    let old_card = bot.api.last_card(HEAD.id).unwrap().0;

    // A sticker where text is expected.
    let c = bot.send_sticker(HEAD);
    let r = bot.reply(c, HEAD).await;
    bot.next_card(c, HEAD).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "expected-text"));
    assert!(
        bot.card_text(HEAD.id).contains("Введите саму точку"),
        "asked again"
    );
    // Empty and over-long text.
    let r = bot.refused(HEAD, "   ").await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "text-empty"));
    let r = bot.refused(HEAD, &"я".repeat(501)).await;
    assert_eq!(
        r.text(),
        tr!(bot.i18n, Lang::Ru, "text-too-long", max = 500)
    );
    // Telegram's own limit is never reached even by a 4096-character message.
    let r = bot.refused(HEAD, &"x".repeat(4096)).await;
    assert_eq!(
        r.text(),
        tr!(bot.i18n, Lang::Ru, "text-too-long", max = 500)
    );
    // A press on the old card (the question asked before) is stale.
    let (c, q) = bot.press(HEAD, old_card, "x");
    let a = bot.answer(c, &q).await;
    assert_eq!(a.params["text"], tr!(bot.i18n, Lang::Ru, "button-stale"));
    assert!(
        db::dialogues::get(&bot.pool, HEAD.id)
            .await
            .unwrap()
            .is_some(),
        "the dialogue lives on"
    );
    answer_text(bot, HEAD, "lenobl.ru/x").await;

    // Text at a step answered with buttons.
    let r = bot.refused(HEAD, "получение информации").await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "use-buttons"));
    // "Done" with nothing marked.
    let a = bot.click(HEAD, "Готово").await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "need-at-least-one")
    );
    assert_eq!(a.params["show_alert"], true);
    // Forged callbacks: unknown, a row of another division, a function of another step.
    let card = bot.api.last_card(HEAD.id).unwrap().0;
    for data in ["r:99999", "f:1", "dv:1", "s", "zzz", "k:99"] {
        let (c, q) = bot.press(HEAD, card, data);
        let a = bot.answer(c, &q).await;
        assert_eq!(
            a.params["text"],
            tr!(bot.i18n, Lang::Ru, "button-stale"),
            "{data}"
        );
    }
    // Another person forging a report's button on a message of their own: their dialogue
    // is idle, so it is stale.
    let c = bot.send(HEAD2, "/lang");
    bot.reply(c, HEAD2).await;
    let theirs = bot.api.last_card(HEAD2.id).unwrap().0;
    let (c, q) = bot.press(HEAD2, theirs, "n:0");
    let a = bot.answer(c, &q).await;
    assert_eq!(a.params["text"], tr!(bot.i18n, Lang::Ru, "button-stale"));
    // Nothing typed is lost: the point is still there.
    rest_of_report(bot, HEAD).await;
    assert!(bot.card_text(HEAD.id).contains("lenobl.ru/x"));
    w.bot.finish().await;
}

#[tokio::test]
async fn cancel_by_button_and_by_command_leaves_nothing_half_saved() {
    let w = world().await;
    let bot = &w.bot;
    new_up_to_point(bot, HEAD).await;
    let a = bot.click(HEAD, "Отмена").await;
    assert_eq!(a.params["text"], tr!(bot.i18n, Lang::Ru, "cancel-done"));
    assert_eq!(db::dialogues::get(&bot.pool, HEAD.id).await.unwrap(), None);
    new_up_to_point(bot, HEAD).await;
    let r = answer_text(bot, HEAD, "/cancel").await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "cancel-done"));
    assert_eq!(db::dialogues::get(&bot.pool, HEAD.id).await.unwrap(), None);
    // A command in the middle of a dialogue does what it says and drops the draft.
    new_up_to_point(bot, HEAD).await;
    let r = answer_text(bot, HEAD, "/my").await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "my-none"));
    assert_eq!(db::dialogues::get(&bot.pool, HEAD.id).await.unwrap(), None);
    assert!(pending(bot).await.is_empty());
    w.bot.finish().await;
}

#[tokio::test]
async fn a_restart_in_the_middle_of_new_continues_the_same_dialogue() {
    let mut w = world().await;
    new_up_to_point(&w.bot, HEAD).await;
    answer_text(&w.bot, HEAD, "https://lenobl.ru/restart").await;
    w.bot.click(HEAD, "Получение информации").await;
    w.bot.restart().await;
    // The next answer continues where the head was, on the same card.
    w.bot.click(HEAD, "Получение консультации").await;
    w.bot.click(HEAD, "Готово").await;
    w.bot.click(HEAD, "Нет особенностей").await;
    w.bot.click(HEAD, "внешние").await;
    submit(&w.bot, HEAD).await;
    let reqs = pending(&w.bot).await;
    let p = reqs[0].payload.as_ref().unwrap();
    assert_eq!(p.point, "https://lenobl.ru/restart");
    assert_eq!(
        p.needs,
        [Need::Information, Need::Consultation]
            .into_iter()
            .collect()
    );
    assert_eq!(p.features, None);
    w.bot.finish().await;
}

#[tokio::test]
async fn sending_twice_makes_one_report() {
    let w = world().await;
    let bot = &w.bot;
    new_up_to_point(bot, HEAD).await;
    answer_text(bot, HEAD, "lenobl.ru/twice").await;
    rest_of_report(bot, HEAD).await;
    // Two presses of the same button (a double tap, or Telegram delivering the update
    // again after a crash) arrive before either is handled.
    let (c1, q1) = bot.press_label(HEAD, "Отправить");
    let (_, q2) = bot.press_label(HEAD, "Отправить");
    let a1 = bot.answer(c1, &q1).await;
    let a2 = bot.answer(c1, &q2).await;
    assert_eq!(a1.params["text"], "Отправлено: отчёт №\u{a0}1");
    assert_eq!(a2.params["text"], "Отправлено: отчёт №\u{a0}1");
    assert_eq!(pending(bot).await.len(), 1);
    w.bot.finish().await;
}

#[tokio::test]
async fn change_a_row_found_by_typing_part_of_it() {
    let w = world().await;
    let bot = &w.bot;
    let row = existing_row(&w).await;
    let c = bot.send(HEAD, "/change");
    let r = bot.reply(c, HEAD).await;
    assert!(
        r.text().contains("Изменение точки взаимодействия"),
        "{}",
        r.text()
    );
    let r = answer_text(bot, HEAD, "LENOBL").await;
    assert!(
        r.text().contains("Найдено по запросу «LENOBL»"),
        "{}",
        r.text()
    );
    bot.click(HEAD, "lenobl.ru/appeal").await;
    assert!(bot.card_text(HEAD.id).contains("Что изменилось?"));
    assert!(!bot
        .card_buttons(HEAD.id)
        .contains(&"Направление и функция".to_string()));
    bot.click(HEAD, "Вид точки").await;
    bot.click(HEAD, "Чат-боты").await;
    let summary = bot.card_text(HEAD.id);
    assert!(
        summary.contains(
            "Официальные сайты (порталы) — https://lenobl.ru/appeal (цифровая) → Чат-боты"
        ),
        "{summary}"
    );
    submit(bot, HEAD).await;
    let reqs = pending(bot).await;
    assert_eq!(
        (reqs[0].action, reqs[0].touchpoint_id),
        (Action::Change, Some(row))
    );
    assert_eq!(reqs[0].reason_kind, ReasonKind::KindChanged);
    assert_eq!(reqs[0].payload.as_ref().unwrap().kind, Kind::ChatBot);

    // A search that finds nothing says so.
    let c = bot.send(HEAD, "/change");
    bot.reply(c, HEAD).await;
    let r = answer_text(bot, HEAD, "<нет такого>").await;
    assert!(r.text().contains("ничего не найдено"), "{}", r.text());
    w.bot.finish().await;
}

#[tokio::test]
async fn a_change_that_changes_nothing_cannot_be_sent() {
    let w = world().await;
    let bot = &w.bot;
    existing_row(&w).await;
    let c = bot.send(HEAD, "/change");
    bot.reply(c, HEAD).await;
    bot.click(HEAD, "Рассмотрение обращений и запросов").await;
    bot.click(HEAD, "Рассмотрение обращений граждан").await;
    bot.click(HEAD, "lenobl.ru/appeal").await;
    bot.click(HEAD, "Клиенты").await;
    bot.click(HEAD, "внешние").await; // the same as before
    assert!(bot.card_text(HEAD.id).contains("Пока ничего не изменено"));
    assert!(!bot.card_buttons(HEAD.id).contains(&"Отправить".to_string()));
    w.bot.finish().await;
}

#[tokio::test]
async fn exclude_a_row_because_its_function_left_the_registry() {
    let w = world().await;
    let bot = &w.bot;
    let row = existing_row(&w).await;
    let c = bot.send(HEAD, "/exclude");
    let r = bot.reply(c, HEAD).await;
    assert!(
        r.text().contains("Исключение точки взаимодействия"),
        "{}",
        r.text()
    );
    bot.click(HEAD, "Рассмотрение обращений и запросов (1)")
        .await;
    bot.click(HEAD, "Рассмотрение обращений граждан").await;
    bot.click(HEAD, "lenobl.ru/appeal").await;
    assert!(bot
        .card_text(HEAD.id)
        .contains("Почему точку нужно исключить?"));
    bot.click(HEAD, "исключена из Реестра").await;
    let summary = bot.card_text(HEAD.id);
    assert!(
        summary.contains("Причина: Функция (сервис) исключена из Реестра"),
        "{summary}"
    );
    submit(bot, HEAD).await;
    let reqs = pending(bot).await;
    assert_eq!(
        (reqs[0].action, reqs[0].touchpoint_id),
        (Action::Exclude, Some(row))
    );
    assert_eq!(reqs[0].reason_kind, ReasonKind::Registry);
    assert_eq!(reqs[0].payload, None);

    // A second report on the same row is refused while the first waits, naming it: two
    // reports on one row could undo each other.
    let c = bot.send(HEAD, "/exclude");
    bot.reply(c, HEAD).await;
    answer_text(bot, HEAD, "appeal").await;
    let a = bot.click(HEAD, "lenobl.ru/appeal").await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "row-busy", id = reqs[0].id)
    );
    assert_eq!(a.params["show_alert"], true);
    // Withdrawn, the row is free again; another reason, typed.
    assert!(db::requests::withdraw(&bot.pool, reqs[0].id, HEAD.id)
        .await
        .unwrap());
    bot.click(HEAD, "lenobl.ru/appeal").await;
    bot.click(HEAD, "Другая причина").await;
    answer_text(bot, HEAD, "Страница закрыта").await;
    submit(bot, HEAD).await;
    let reqs = pending(bot).await;
    assert_eq!(reqs[1].reason_kind, ReasonKind::Other);
    assert_eq!(reqs[1].reason_text.as_deref(), Some("Страница закрыта"));
    w.bot.finish().await;
}

#[tokio::test]
async fn a_head_of_another_division_sees_no_rows_to_change() {
    let w = world().await;
    existing_row(&w).await;
    let c = w.bot.send(HEAD2, "/change");
    let r = w.bot.reply(c, HEAD2).await;
    assert_eq!(r.text(), tr!(w.bot.i18n, Lang::Ru, "no-rows"));
    w.bot.finish().await;
}

#[tokio::test]
async fn my_lists_reports_and_a_pending_one_can_be_withdrawn() {
    let w = world().await;
    let bot = &w.bot;
    new_up_to_point(bot, HEAD).await;
    answer_text(bot, HEAD, "lenobl.ru/my").await;
    rest_of_report(bot, HEAD).await;
    submit(bot, HEAD).await;
    let r = answer_text(bot, HEAD, "/my").await;
    assert!(r.text().contains("№\u{a0}1"), "{}", r.text());
    assert!(r.text().contains("новая точка"), "{}", r.text());
    assert!(r.text().contains("на рассмотрении"), "{}", r.text());
    assert!(r.text().contains("lenobl.ru/my"), "{}", r.text());
    let a = bot.click(HEAD, "Отозвать отчёт №\u{a0}1").await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "withdrawn", id = 1)
    );
    assert_eq!(pending(bot).await[0].status, RequestStatus::Withdrawn);
    // The page is redrawn without the button; a forged second press is refused.
    let my_msg = bot
        .api
        .calls()
        .iter()
        .rev()
        .find(|c| c.method == "editMessageText" && c.chat_id() == Some(HEAD.id))
        .map(|c| c.params["message_id"].as_i64().unwrap())
        .unwrap();
    assert!(bot.api.message(HEAD.id, my_msg).unwrap()["text"]
        .as_str()
        .unwrap()
        .contains("отозван"));
    let (c, q) = bot.press(HEAD, my_msg, "w:1");
    let a = bot.answer(c, &q).await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "withdraw-refused")
    );
    // Nobody else can withdraw it either, even by forging the button on their own /my.
    let c = bot.send(HEAD2, "/my");
    bot.reply(c, HEAD2).await;
    let theirs = bot
        .api
        .calls()
        .iter()
        .filter(|c| c.method == "sendMessage" && c.chat_id() == Some(HEAD2.id))
        .count();
    assert_eq!(theirs, 1);
    let their_msg = (1000..1100)
        .rev()
        .find(|id| bot.api.message(HEAD2.id, *id).is_some())
        .unwrap();
    let (c, q) = bot.press(HEAD2, their_msg, "w:1");
    let a = bot.answer(c, &q).await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "withdraw-refused")
    );
    w.bot.finish().await;
}

#[tokio::test]
async fn my_pages_through_many_reports() {
    let w = world().await;
    let bot = &w.bot;
    for i in 0..7 {
        new_up_to_point(bot, HEAD).await;
        answer_text(bot, HEAD, &format!("lenobl.ru/{i}")).await;
        rest_of_report(bot, HEAD).await;
        submit(bot, HEAD).await;
    }
    let r = answer_text(bot, HEAD, "/my").await;
    assert!(r.text().contains("всего: 7"), "{}", r.text());
    assert!(
        r.text().contains("№\u{a0}7") && !r.text().contains("№\u{a0}2 "),
        "{}",
        r.text()
    );
    bot.click(HEAD, "Следующие").await;
    let (_, m) = bot.api.last_card(HEAD.id).unwrap();
    let text = m["text"].as_str().unwrap();
    assert!(
        text.contains("№\u{a0}2") && text.contains("№\u{a0}1") && !text.contains("№\u{a0}7"),
        "{text}"
    );
    w.bot.finish().await;
}

#[tokio::test]
async fn only_heads_and_the_authorized_person_report() {
    let w = world().await;
    let bot = &w.bot;
    for cmd in ["/new", "/change", "/exclude"] {
        let r = answer_text(bot, STRANGER, cmd).await;
        assert_eq!(
            r.text(),
            tr!(bot.i18n, Lang::Ru, "only-reporters", id = STRANGER.id)
        );
    }
    w.bot.finish().await;
}

#[tokio::test]
async fn a_long_registry_list_is_paged() {
    let w = world().await;
    let bot = &w.bot;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    for n in 0..10 {
        db::functions::add(
            &mut tx,
            NewFunction {
                code: Some(&format!("Ф-1{n:02}")),
                name: &format!("Функция номер {n:02}"),
                is_service: false,
                direction: Direction::Appeals,
                division_id: w.division,
                in_registry: true,
            },
            ADMIN,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let c = bot.send(HEAD, "/new");
    bot.next_card(c, HEAD).await;
    bot.click(HEAD, "Рассмотрение обращений и запросов").await;
    let first = bot.card_buttons(HEAD.id);
    assert!(first.contains(&"1 из 2".to_string()), "{first:?}");
    assert!(first.contains(&"Следующие ▶".to_string()), "{first:?}");
    assert!(!first.contains(&"◀ Предыдущие".to_string()), "{first:?}");
    bot.click(HEAD, "Следующие").await;
    let second = bot.card_buttons(HEAD.id);
    assert!(second.contains(&"2 из 2".to_string()), "{second:?}");
    assert!(second.contains(&"◀ Предыдущие".to_string()), "{second:?}");
    // 12 functions: 8 on the first page, 4 on the second, each once.
    let functions = |b: &[String]| {
        b.iter()
            .filter(|l| l.contains("(Ф-") || l.contains("(С-"))
            .count()
    };
    assert_eq!((functions(&first), functions(&second)), (8, 4));
    // A function from the second page is chosen like any other.
    bot.click(HEAD, "Функция номер 09").await;
    assert!(
        bot.card_text(HEAD.id).contains("Выберите вид точки"),
        "{}",
        bot.card_text(HEAD.id)
    );
    w.bot.finish().await;
}

#[tokio::test]
async fn a_little_used_point_is_marked_on_the_summary() {
    let w = world().await;
    let bot = &w.bot;
    new_up_to_point(bot, HEAD).await;
    answer_text(bot, HEAD, "Окно приёма в здании на ул. Лесной").await;
    rest_of_report(bot, HEAD).await;
    assert!(!bot.card_text(HEAD.id).contains("Отметка"));
    bot.click(HEAD, "☐ Мало востребована").await;
    let summary = bot.card_text(HEAD.id);
    assert!(
        summary.contains("Отметка (п. 3.5): мало востребована или учёт обращений не ведётся"),
        "{summary}"
    );
    assert!(bot.card_buttons(HEAD.id).iter().any(|b| b.starts_with("☑")));
    submit(bot, HEAD).await;
    let reqs = pending(bot).await;
    assert!(reqs[0].payload.as_ref().unwrap().little_used);
    // The authorized person's card shows it too.
    assert!(
        bot.card_text(ADMIN).contains("мало востребована"),
        "{}",
        bot.card_text(ADMIN)
    );
    w.bot.finish().await;
}

#[tokio::test]
async fn a_typed_step_checks_again_that_the_person_may_report() {
    let mut bot = Bot::start(&[ADMIN, 101]).await;
    bot.seed("Отдел обращений").await;
    // Anna starts a report and comes to a step she types.
    let c = bot.send(ADMIN_USER, "/new");
    bot.next_card(c, ADMIN_USER).await;
    bot.click(ADMIN_USER, "Отдел обращений").await;
    bot.click(ADMIN_USER, "Рассмотрение обращений и запросов")
        .await;
    bot.click(ADMIN_USER, "Ф-012").await;
    bot.click(ADMIN_USER, "Официальные сайты").await;
    assert!(db::dialogues::get(&bot.pool, ADMIN)
        .await
        .unwrap()
        .is_some());
    // She is dropped from the settings' authorized persons; the bot restarts.
    bot.restart_with_admins(&[101]).await;
    let c = bot.send(ADMIN_USER, "https://lenobl.ru/x");
    let r = bot.reply(c, ADMIN_USER).await;
    assert_eq!(
        r.text(),
        tr!(bot.i18n, Lang::Ru, "only-reporters", id = ADMIN)
    );
    assert_eq!(db::dialogues::get(&bot.pool, ADMIN).await.unwrap(), None);
    assert!(db::requests::by_reporter(&bot.pool, ADMIN, 10, 0)
        .await
        .unwrap()
        .is_empty());
    bot.finish().await;
}
