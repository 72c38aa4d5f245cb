//! End to end: `/changes` sends the accepted changes of a period as a file — a new row, a
//! change, an exclusion (all through reports and their acceptance in chat) and a Registry
//! rename — read back from the XLSX and the CSV; and `touchpoints changes` on the command
//! line.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{Duration, NaiveDate, Utc};
use common::{user, Bot, User, ADMIN, HEAD};
use touchpoints::db;
use touchpoints::domain::*;
use touchpoints::tr;

const ANNA: User = user(ADMIN, "Анна");
const VERA: User = user(300, "Вера");
const DIVISION: &str = "Отдел по работе с обращениями";

/// The local date now, at the default offset (+03:00).
fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(3)).date_naive()
}

fn dotted(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

async fn world() -> Bot {
    let bot = Bot::start(&[ADMIN]).await;
    bot.seed(DIVISION).await;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    db::people::assign(
        &mut tx,
        VERA.id,
        VERA.first_name,
        Role::Viewer,
        None,
        Lang::Ru,
        Some(ADMIN),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // Anna writes once, so that the bot knows her name.
    let c = bot.send(ANNA, "/start");
    bot.reply(c, ANNA).await;
    bot
}

/// Presses `Отправить` and waits for the report's card; Anna accepts it, the head hears.
async fn submit_and_accept(bot: &Bot) {
    let c = bot.api.cursor();
    bot.click(HEAD, "Отправить").await;
    bot.api
        .wait_for(c, "the review card", |call| {
            call.method == "sendMessage"
                && call.chat_id() == Some(ADMIN)
                && call.text().contains("Отчёт №")
        })
        .await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Принять").await;
    // The head is told: every answer of this report is out before the next one starts.
    bot.reply(c, HEAD).await;
}

/// The head reports the portal `point` under Ф-012, and Anna accepts it.
async fn add(bot: &Bot, point: &str) {
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
    submit_and_accept(bot).await;
}

/// Finds a row by text in `/change` or `/exclude` and picks it.
async fn pick(bot: &Bot, command: &str, search: &str, button: &str) {
    let c = bot.send(HEAD, command);
    bot.reply(c, HEAD).await;
    let c = bot.send(HEAD, search);
    bot.reply(c, HEAD).await;
    bot.click(HEAD, button).await;
}

/// A new row, another, a change of the first's kind, the second's exclusion, then the
/// Registry renames Ф-012.
async fn history(bot: &Bot) {
    add(bot, "https://lenobl.ru/appeal").await;
    add(bot, "https://lenobl.ru/old").await;
    pick(bot, "/change", "appeal", "lenobl.ru/appeal").await;
    bot.click(HEAD, "Вид точки").await;
    bot.click(HEAD, "Чат-боты").await;
    submit_and_accept(bot).await;
    pick(bot, "/exclude", "old", "lenobl.ru/old").await;
    bot.click(HEAD, "Другая причина").await;
    let c = bot.send(HEAD, "Страница закрыта");
    bot.reply(c, HEAD).await;
    submit_and_accept(bot).await;
    let registry = format!(
        "\u{feff}Код;Наименование;Вид;Направление;Подразделение\n\
         Ф-012;Рассмотрение обращений граждан и организаций;функция;3.5.1;{DIVISION}\n"
    );
    let c = bot.send_document(ANNA, "реестр.csv", registry.into_bytes());
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Применить").await;
    bot.reply(c, ANNA).await;
}

async fn document(bot: &Bot, c: usize, chat: i64) -> common::Call {
    bot.api
        .wait_for(c, "a document", |call| {
            call.method == "sendDocument" && call.chat_id() == Some(chat)
        })
        .await
}

fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<Data>> {
    let mut book = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    sheet.rows().map(|r| r.to_vec()).collect()
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a BOM");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn texts(row: &[Data]) -> Vec<String> {
    row.iter().map(|d| d.to_string()).collect()
}

/// The columns of the file, by heading.
struct Columns(Vec<String>);

impl Columns {
    fn at(&self, heading: &str) -> usize {
        self.0
            .iter()
            .position(|h| h.starts_with(heading))
            .unwrap_or_else(|| panic!("no column {heading:?} in {:?}", self.0))
    }
}

/// Checks the five changes in rows of text (the headings at `rows[1]`).
fn check_changes(rows: &[Vec<String>]) {
    let cols = Columns(rows[1].clone());
    let lines = &rows[2..];
    assert_eq!(lines.len(), 5, "{lines:#?}");
    let col = |name: &str| -> Vec<&str> {
        let i = cols.at(name);
        lines.iter().map(|l| l[i].as_str()).collect()
    };
    assert_eq!(
        col("Изменение"),
        [
            "добавлена",
            "добавлена",
            "изменена",
            "исключена",
            "изменена"
        ]
    );
    assert_eq!(col("№\u{a0}строки"), ["1", "2", "1", "2", "1"]);
    assert_eq!(col("№\u{a0}отчёта"), ["1", "2", "3", "4", ""]);
    assert_eq!(col("Сообщил"), ["Ирина", "Ирина", "Ирина", "Ирина", ""]);
    assert_eq!(col("Решил"), ["Анна"; 5]);
    assert_eq!(col("Версия строки"), ["1", "1", "2", "2", "3"]);
    let origin = col("Источник");
    assert_eq!(&origin[..4], ["отчёт"; 4]);
    assert!(
        origin[4].starts_with("изменение Реестра процессов (загрузка №\u{a0}"),
        "{}",
        origin[4]
    );
    let reason = col("Основание");
    assert!(reason[2].starts_with("5.1.2"), "{reason:?}");
    assert_eq!(reason[3], "иная причина");
    assert_eq!(reason[4], "", "a Registry change is no report");
    // The six columns as they became.
    let point = col("Точка взаимодействия");
    assert!(point[0].ends_with(": https://lenobl.ru/appeal (цифровая)"));
    assert!(point[2].starts_with("Чат-боты"), "{}", point[2]);
    assert!(
        point[3].ends_with("lenobl.ru/old (цифровая)"),
        "the excluded row"
    );
    let function = col("Направление функции");
    assert_eq!(
        function[4],
        "Рассмотрение обращений граждан и организаций (Ф-012)"
    );
    assert_eq!(col("Подразделение"), [DIVISION; 5]);
    // What changed: before → after, only for a change.
    let diff = col("Что изменилось");
    assert_eq!((diff[0], diff[1], diff[3]), ("", "", ""));
    assert!(
        diff[2].starts_with("Точка взаимодействия: Официальные сайты")
            && diff[2].contains("(цифровая) → Чат-боты"),
        "{}",
        diff[2]
    );
    assert_eq!(
        diff[4],
        "Направление функции (сервиса): Рассмотрение обращений граждан (Ф-012) → \
         Рассмотрение обращений граждан и организаций (Ф-012)"
    );
    // Local time, today.
    let when = col("Когда (UTC+03:00)");
    assert!(
        when.iter().all(|w| w.starts_with(&dotted(today()))),
        "{when:?}"
    );
}

#[tokio::test]
async fn changes_of_a_period_come_as_xlsx_and_csv_with_every_kind_of_change() {
    let bot = world().await;
    history(&bot).await;
    let today = today();

    // XLSX by default, the end today by default.
    let c = bot.send(VERA, &format!("/changes {}", dotted(today)));
    let doc = document(&bot, c, VERA.id).await;
    let (_, name, bytes) = &doc.files[0];
    let iso = today.format("%Y-%m-%d");
    assert_eq!(
        name.as_deref(),
        Some(format!("Изменения_перечня_{iso}_{iso}.xlsx").as_str())
    );
    assert_eq!(
        doc.text(),
        format!(
            "Изменения перечня с {d} по {d}: 5 изменений.",
            d = dotted(today)
        )
    );
    let rows = xlsx_rows(bytes);
    assert_eq!(
        rows[0][0].to_string(),
        format!(
            "Изменения перечня точек взаимодействия с {d} по {d}",
            d = dotted(today)
        )
    );
    // The time is a date-time cell, numbers are numbers.
    assert!(matches!(rows[2][0], Data::DateTime(_)), "{:?}", rows[2][0]);
    assert_eq!(rows[2][3], Data::Float(1.0));
    let mut text: Vec<Vec<String>> = rows.iter().map(|r| texts(r)).collect();
    let when = Columns(text[1].clone()).at("Когда");
    for (row, cells) in rows.iter().zip(text.iter_mut()).skip(2) {
        // Excel's serial date-time back to the local time as the CSV writes it.
        let Data::DateTime(t) = &row[when] else {
            panic!("{row:?}")
        };
        let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let secs = (t.as_f64() * 86_400.0).round() as i64;
        cells[when] = (epoch + Duration::seconds(secs))
            .format("%d.%m.%Y %H:%M")
            .to_string();
    }
    check_changes(&text);

    // CSV, the same lines.
    let c = bot.send(
        VERA,
        &format!("/changes csv {} {}", dotted(today), dotted(today)),
    );
    let doc = document(&bot, c, VERA.id).await;
    let (_, name, bytes) = &doc.files[0];
    assert!(name.as_deref().unwrap().ends_with(".csv"));
    let csv = csv_rows(bytes);
    check_changes(&csv);
    assert_eq!(csv[1], text[1], "the same headings");
    for (a, b) in csv.iter().zip(&text).skip(2) {
        assert_eq!(a, b, "the same lines");
    }

    // An authorized person gets it too; the English headings in English.
    let c = bot.send(ANNA, "/lang en");
    bot.reply(c, ANNA).await;
    let c = bot.send(ANNA, &format!("/changes CSV {}", dotted(today)));
    let doc = document(&bot, c, ADMIN).await;
    let csv = csv_rows(&doc.files[0].2);
    assert!(csv[1].contains(&"What changed (before → after)".to_string()));
    assert_eq!(csv.len(), 7);
    assert!(doc.files[0]
        .1
        .as_deref()
        .unwrap()
        .starts_with("List_changes_"));
    bot.finish().await;
}

#[tokio::test]
async fn changes_refuse_heads_and_bad_periods_and_say_when_there_are_none() {
    let bot = world().await;
    add(&bot, "https://lenobl.ru/appeal").await;
    let say = |u: User, text: &str| {
        let c = bot.send(u, text);
        let bot = &bot;
        async move { bot.reply(c, u).await.text().to_string() }
    };
    assert_eq!(
        say(HEAD, "/changes 01.11.2026").await,
        tr!(bot.i18n, Lang::Ru, "only-overseers")
    );
    assert!(say(VERA, "/changes")
        .await
        .contains("/changes 01.11.2026 30.11.2026"));
    assert_eq!(
        say(VERA, "/changes 31.11.2026").await,
        "«31.11.2026» — не дата. Пишите даты так: 01.11.2026."
    );
    assert_eq!(
        say(VERA, "/changes 02.11.2026 01.11.2026").await,
        "Начало периода (02.11.2026) позже его конца (01.11.2026). Укажите сначала раннюю дату."
    );
    assert!(say(VERA, "/changes docx 01.11.2026")
        .await
        .contains("не в «docx»"));
    assert!(say(VERA, "/changes 01.11.2026 02.11.2026 03.11.2026")
        .await
        .starts_with("Укажите не больше двух дат"));
    let empty = say(VERA, "/changes 01.01.2020 31.01.2020").await;
    assert_eq!(
        empty,
        "С 01.01.2020 по 31.01.2020 принятых изменений перечня нет. Файл не сформирован."
    );
    // A period ending yesterday misses today's row.
    let yesterday = today() - Duration::days(1);
    let empty = say(
        VERA,
        &format!("/changes {} {}", dotted(yesterday), dotted(yesterday)),
    )
    .await;
    assert!(empty.contains("нет"), "{empty}");
    assert!(!bot.api.calls().iter().any(|c| c.method == "sendDocument"));
    // The help of a viewer lists it; a head's does not.
    assert!(say(VERA, "/help").await.contains("/changes"));
    assert!(!say(HEAD, "/help").await.contains("/changes"));
    bot.finish().await;
}

fn cli(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_touchpoints"))
        .arg("--db")
        .arg(db)
        .arg("changes")
        .args(args)
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("TOUCHPOINTS_UTC_OFFSET")
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_command_line_writes_the_changes_of_a_period() {
    let bot = world().await;
    history(&bot).await;
    let db = bot.db_path();
    let dir = tempfile::tempdir().unwrap();
    let iso = today().format("%Y-%m-%d").to_string();

    // Into a directory, under its own name: XLSX, the end today.
    let out = cli(&db, &["--from", &iso, "-o", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8(out.stdout).unwrap();
    let path = dir
        .path()
        .join(format!("Изменения_перечня_{iso}_{iso}.xlsx"));
    assert!(
        said.starts_with(&format!("{}: 5 изменений, ", path.display())),
        "{said}"
    );
    let rows = xlsx_rows(&std::fs::read(&path).unwrap());
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[6][1].to_string(), "изменена");

    // CSV into a named file.
    let file = dir.path().join("ноябрь.csv");
    let out = cli(
        &db,
        &[
            "--from",
            &iso,
            "--to",
            &iso,
            "--format",
            "csv",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let csv = csv_rows(&std::fs::read(&file).unwrap());
    assert_eq!(csv.len(), 7);
    assert_eq!(csv[5][1], "исключена");

    // No changes: said, no file.
    let none = dir.path().join("none.xlsx");
    let out = cli(
        &db,
        &[
            "--from",
            "2020-01-01",
            "--to",
            "31.01.2020",
            "-o",
            none.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "С 01.01.2020 по 31.01.2020 принятых изменений перечня нет; файл не записан."
    );
    assert!(!none.exists());

    // Bad values are named; nothing is written.
    let out = cli(
        &db,
        &["--from", "2026-11-02", "--to", "2026-11-01", "-o", "x.xlsx"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("Начало периода (02.11.2026) позже его конца (01.11.2026)"),
        "{err}"
    );
    for (flag, bad, rest) in [
        ("--from", "2026-13-01", ["--to", "2026-11-30"]),
        ("--format", "docx", ["--from", "2026-11-01"]),
    ] {
        let out = cli(&db, &[flag, bad, rest[0], rest[1], "-o", "x.xlsx"]);
        assert!(!out.status.success());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(flag) && err.contains(bad), "{err}");
    }
    assert!(!std::path::Path::new("x.xlsx").exists());
    bot.finish().await;
}
