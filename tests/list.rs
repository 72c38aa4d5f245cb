//! End to end: `/list` sends the current list as a document in chat.

mod common;

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use common::{user, Bot, User, ADMIN};
use touchpoints::db;
use touchpoints::db::functions::NewFunction;
use touchpoints::db::touchpoints::Provenance;
use touchpoints::domain::*;
use touchpoints::tr;

const HEAD: User = user(200, "Ирина");
const STRANGER: User = user(900, "Гость");

async fn world() -> Bot {
    let bot = Bot::start(&[ADMIN]).await;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    let (d, _) = db::divisions::get_or_create(&mut tx, "Отдел по работе с обращениями", ADMIN)
        .await
        .unwrap();
    db::people::assign(
        &mut tx,
        HEAD.id,
        "Ирина",
        Role::Head,
        Some(d.id),
        Lang::Ru,
        Some(ADMIN),
    )
    .await
    .unwrap();
    for (i, dir) in Direction::ALL.iter().enumerate() {
        let f = db::functions::add(
            &mut tx,
            NewFunction {
                code: Some(&format!("Ф-{i}")),
                name: &format!("Функция {i}"),
                is_service: false,
                direction: *dir,
                division_id: d.id,
                in_registry: true,
            },
            ADMIN,
        )
        .await
        .unwrap();
        let data = TouchpointData {
            direction: *dir,
            function_id: f,
            kind: Kind::Website,
            channel: Channel::Digital,
            point: format!("=HYPERLINK(\"lenobl.ru/{i}\")"),
            needs: [Need::Information].into_iter().collect(),
            other_need: None,
            features: None,
            clients: Clients::External,
            little_used: false,
        };
        let who = Provenance {
            origin: touchpoints::domain::record::Origin::Import("test".into()),
            reported_by: Some(HEAD.id),
            accepted_by: Some(ADMIN),
        };
        db::touchpoints::insert(&mut tx, &data, d.id, who)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    bot
}

async fn document(bot: &Bot, c: usize, chat: i64) -> common::Call {
    bot.api
        .wait_for(c, "a document", |call| {
            call.method == "sendDocument" && call.chat_id() == Some(chat)
        })
        .await
}

#[tokio::test]
async fn list_sends_the_whole_list_as_xlsx_by_default() {
    let bot = world().await;
    let c = bot.send(HEAD, "/list");
    let r = bot.reply(c, HEAD).await;
    assert!(r.text().contains("Выберите формат"), "{}", r.text());
    let c = bot.api.cursor();
    let a = bot.click(HEAD, "Весь перечень").await;
    assert_eq!(a.params["text"], tr!(bot.i18n, Lang::Ru, "list-making"));
    let doc = document(&bot, c, HEAD.id).await;
    let (_, name, bytes) = &doc.files[0];
    // The administration's day (the default offset, +03:00).
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap())
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        name.as_deref(),
        Some(format!("Перечень_точек_взаимодействия_{today}.xlsx").as_str())
    );
    assert!(doc.text().contains("3 точки"), "{}", doc.text());
    let mut book = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet.cells().map(|(_, _, v)| v.to_string()).collect();
    assert!(cells
        .iter()
        .any(|c| c == "Перечень точек взаимодействия с внешним и внутренним клиентами"));
    assert!(
        cells
            .iter()
            .any(|c| c.contains("=HYPERLINK(\"lenobl.ru/2\")")),
        "the formula stays text"
    );
    bot.finish().await;
}

#[tokio::test]
async fn list_by_direction_as_csv_and_docx() {
    let bot = world().await;
    let c = bot.send(HEAD, "/list csv");
    bot.reply(c, HEAD).await;
    assert!(bot.card_buttons(HEAD.id).contains(&"● CSV".to_string()));
    let c = bot.api.cursor();
    bot.click(HEAD, "Организация отношений с внутренним клиентом")
        .await;
    let doc = document(&bot, c, HEAD.id).await;
    let (_, name, bytes) = &doc.files[0];
    assert!(name.as_deref().unwrap().ends_with(".csv"));
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with BOM");
    let text = String::from_utf8_lossy(bytes);
    assert!(
        text.contains("lenobl.ru/2") && !text.contains("lenobl.ru/0"),
        "{text}"
    );
    assert!(doc.text().contains("1 точка"), "{}", doc.text());

    // Switch the format on the card, then pick the division.
    let c = bot.send(HEAD, "/list");
    bot.reply(c, HEAD).await;
    bot.click(HEAD, "DOCX").await;
    assert!(bot.card_buttons(HEAD.id).contains(&"● DOCX".to_string()));
    let c = bot.api.cursor();
    bot.click(HEAD, "Подразделение: Отдел").await;
    let doc = document(&bot, c, HEAD.id).await;
    assert!(doc.files[0].1.as_deref().unwrap().ends_with(".docx"));
    assert!(doc.files[0].2.starts_with(b"PK"), "a zip container");
    bot.finish().await;
}

#[tokio::test]
async fn strangers_get_no_file_and_a_bad_format_is_named() {
    let bot = world().await;
    let c = bot.send(STRANGER, "/list");
    let r = bot.reply(c, STRANGER).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "help-stranger", id = 900));
    let c = bot.send(HEAD, "/list pdf");
    let r = bot.reply(c, HEAD).await;
    assert_eq!(
        r.text(),
        tr!(bot.i18n, Lang::Ru, "list-bad-format", format = "pdf")
    );
    // A forged file button from a stranger makes nothing.
    let c = bot.send(STRANGER, "/lang");
    bot.reply(c, STRANGER).await;
    let m = bot.api.last_card(STRANGER.id).unwrap().0;
    let (c, q) = bot.press(STRANGER, m, "ls:xlsx:a");
    let a = bot.answer(c, &q).await;
    assert_eq!(a.params["text"], tr!(bot.i18n, Lang::Ru, "button-stale"));
    assert!(!bot.api.calls().iter().any(|c| c.method == "sendDocument"));
    bot.finish().await;
}

#[tokio::test]
async fn many_divisions_are_paged_and_the_heads_own_comes_first() {
    let bot = world().await;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    for n in 0..20 {
        db::divisions::get_or_create(&mut tx, &format!("Комитет {n:02}"), ADMIN)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let c = bot.send(HEAD, "/list");
    bot.reply(c, HEAD).await;
    let first = bot.card_buttons(HEAD.id);
    let divisions = |b: &[String]| {
        b.iter()
            .filter(|l| l.starts_with("Подразделение:"))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(divisions(&first).len(), 12, "{first:?}");
    assert_eq!(
        divisions(&first)[0],
        "Подразделение: Отдел по работе с обращениями"
    );
    assert!(first.contains(&"1 из 2".to_string()), "{first:?}");
    bot.click(HEAD, "Следующие").await;
    let second = bot.card_buttons(HEAD.id);
    assert_eq!(divisions(&second).len(), 9, "{second:?}");
    assert!(
        second.contains(&"● XLSX".to_string()),
        "the format is kept: {second:?}"
    );
    // Pressing what is already shown — the chosen format, the current page — changes
    // nothing, so nothing is sent: Telegram would refuse the edit («message is not
    // modified»); `finish` fails on any refused request.
    let c = bot.api.cursor();
    bot.click(HEAD, "2 из 2").await;
    bot.click(HEAD, "● XLSX").await; // back to the first page: a change
    let c2 = bot.api.cursor();
    bot.click(HEAD, "● XLSX").await;
    assert!(c2 > c);
    assert!(
        bot.api
            .calls()
            .iter()
            .skip(c)
            .filter(|call| call.method.starts_with("edit"))
            .count()
            == 1,
        "one edit, for the one press that changes something"
    );
    bot.click(HEAD, "Следующие").await;
    let c = bot.api.cursor();
    bot.click(HEAD, "Комитет 19").await;
    let doc = document(&bot, c, HEAD.id).await;
    assert!(doc.text().contains("0 точек"), "{}", doc.text());
    bot.finish().await;
}

// ---- the list at a moment (issue 11) ----------------------------------------------------

/// Dates the rows' records: the first two on 10.11.2026 at 13:00 local (10:00 UTC), the
/// third on 20.11.2026.
async fn dated(bot: &Bot) {
    for (point, at) in [
        ("lenobl.ru/0", "2026-11-10T10:00:00Z"),
        ("lenobl.ru/1", "2026-11-10T10:00:00Z"),
        ("lenobl.ru/2", "2026-11-20T10:00:00Z"),
    ] {
        sqlx::query(
            "UPDATE touchpoint_versions SET at = ?
             WHERE touchpoint_id = (SELECT id FROM touchpoints WHERE point LIKE ?)",
        )
        .bind(at)
        .bind(format!("%{point}%"))
        .execute(&bot.pool)
        .await
        .unwrap();
    }
}

fn csv_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn list_at_a_minute_shows_the_list_as_it_stood_then() {
    let bot = world().await;
    dated(&bot).await;
    let c = bot.send(HEAD, "/list 20.11.2026 13:00");
    let r = bot.reply(c, HEAD).await;
    assert!(
        r.text().contains("по состоянию на 20.11.2026 13:00"),
        "{}",
        r.text()
    );
    // Switching the format keeps the moment.
    bot.click(HEAD, "CSV").await;
    assert!(bot.card_buttons(HEAD.id).contains(&"● CSV".to_string()));
    let c = bot.api.cursor();
    bot.click(HEAD, "Весь перечень").await;
    let doc = document(&bot, c, HEAD.id).await;
    let (_, name, bytes) = &doc.files[0];
    assert_eq!(
        name.as_deref(),
        Some("Перечень_точек_взаимодействия_2026-11-20.csv")
    );
    let text = csv_text(bytes);
    // 13:00 local is 10:00 UTC: the third row, recorded at that second, is not in yet.
    assert!(
        text.contains("по состоянию на 20.11.2026 13:00;;;;;"),
        "{text}"
    );
    assert!(
        text.contains("lenobl.ru/0") && text.contains("lenobl.ru/1"),
        "{text}"
    );
    assert!(!text.contains("lenobl.ru/2"), "{text}");
    // Under the title.
    let title = text
        .find("Перечень точек взаимодействия с внешним")
        .unwrap();
    let line = text.find("по состоянию на").unwrap();
    let headings = text.find("№;Направление деятельности").unwrap();
    assert!(title < line && line < headings, "{text}");
    assert!(
        doc.text()
            .contains("по состоянию на 20.11.2026 13:00: 2 точки"),
        "{}",
        doc.text()
    );

    // A minute later it is in; a division's part, as DOCX, keeps the moment too.
    let c = bot.send(HEAD, "/list docx 20.11.2026 13:01");
    bot.reply(c, HEAD).await;
    let c = bot.api.cursor();
    bot.click(HEAD, "Подразделение: Отдел по работе с обращениями")
        .await;
    let doc = document(&bot, c, HEAD.id).await;
    assert!(doc.text().contains("3 точки"), "{}", doc.text());
    bot.finish().await;
}

#[tokio::test]
async fn list_at_the_end_of_a_day_and_before_the_first_record() {
    let bot = world().await;
    dated(&bot).await;
    // The end of 10.11: the first two rows.
    let c = bot.send(HEAD, "/list csv 10.11.2026");
    let r = bot.reply(c, HEAD).await;
    assert!(
        r.text().contains("по состоянию на конец дня 10.11.2026"),
        "{}",
        r.text()
    );
    let c = bot.api.cursor();
    bot.click(HEAD, "Весь перечень").await;
    let doc = document(&bot, c, HEAD.id).await;
    let text = csv_text(&doc.files[0].2);
    assert!(
        text.contains("по состоянию на конец дня 10.11.2026"),
        "{text}"
    );
    assert!(text.contains("lenobl.ru/1") && !text.contains("lenobl.ru/2"));

    // Before the first record: an empty form that says so.
    let c = bot.send(HEAD, "/list 09.11.2026");
    bot.reply(c, HEAD).await;
    let c = bot.api.cursor();
    bot.click(HEAD, "Весь перечень").await;
    let doc = document(&bot, c, HEAD.id).await;
    assert_eq!(
        doc.text(),
        tr!(
            bot.i18n,
            Lang::Ru,
            "list-caption-before-first",
            moment = "конец дня 09.11.2026"
        )
    );
    let mut book = Xlsx::new(Cursor::new(doc.files[0].2.clone())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet.cells().map(|(_, _, v)| v.to_string()).collect();
    assert!(cells
        .iter()
        .any(|c| c == "по состоянию на конец дня 09.11.2026"));
    assert!(cells
        .iter()
        .any(|c| c == touchpoints::export::form::EMPTY_BEFORE_FIRST));
    assert!(!cells.iter().any(|c| c.contains("lenobl.ru")));
    bot.finish().await;
}

#[tokio::test]
async fn a_bad_or_future_moment_is_named_and_nothing_is_made() {
    let bot = world().await;
    for (sent, key, text) in [
        ("/list 31.02.2026", "list-no-such-date", "31.02.2026"),
        (
            "/list 01.12.2026 25:00",
            "list-no-such-date",
            "01.12.2026 25:00",
        ),
        ("/list 1.12", "list-bad-moment", "1.12"),
        ("/list csv 01-12-2026", "list-bad-moment", "01-12-2026"),
        (
            "/list 01.12.2026 <b>",
            "list-bad-moment",
            "01.12.2026 &lt;b&gt;",
        ),
    ] {
        let c = bot.send(HEAD, sent);
        let r = bot.reply(c, HEAD).await;
        let want = match key {
            "list-no-such-date" => tr!(bot.i18n, Lang::Ru, "list-no-such-date", text = text),
            _ => tr!(bot.i18n, Lang::Ru, "list-bad-moment", text = text),
        };
        assert_eq!(r.text(), want, "{sent}");
    }
    let c = bot.send(HEAD, "/list 01.12.2099 10:00");
    let r = bot.reply(c, HEAD).await;
    assert!(r.text().contains("01.12.2099 10:00") && r.text().contains("ещё не наступил"));
    // A button whose moment cannot be read (forged, or damaged) is stale.
    let c = bot.send(HEAD, "/list");
    bot.reply(c, HEAD).await;
    let m = bot.api.last_card(HEAD.id).unwrap().0;
    let (c, q) = bot.press(HEAD, m, "ls:xlsx:a:d20261301");
    let a = bot.answer(c, &q).await;
    assert_eq!(a.params["text"], tr!(bot.i18n, Lang::Ru, "button-stale"));
    assert!(!bot.api.calls().iter().any(|c| c.method == "sendDocument"));
    bot.finish().await;
}
