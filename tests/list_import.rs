//! Loading the existing list (issue 11, item 6): a file in the appendix form sent to the
//! bot (the real handler tree against the fake Bot API) and given to the CLI (the built
//! binary); the round trip export → import into an empty database with the same Registry
//! → export; the same file again adds nothing; bad rows are named by the row a spreadsheet
//! shows, and nothing is loaded.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::{user, Bot, User, ADMIN, HEAD};
use sqlx::SqlitePool;
use touchpoints::db::{self, divisions, functions, touchpoints as tp};
use touchpoints::domain::record::Origin;
use touchpoints::domain::{Channel, Clients, Direction, Kind, Lang, Need, TouchpointData};
use touchpoints::export::{self, Format, Meta};
use touchpoints::sheet;
use touchpoints::tr;

const ANNA: User = user(ADMIN, "Анна");

/// The Registry both databases hold: (code, name, is_service, direction, division).
const REGISTRY: [(&str, &str, bool, Direction, &str); 4] = [
    (
        "Ф-012",
        "Рассмотрение обращений граждан",
        false,
        Direction::Appeals,
        "Отдел обращений",
    ),
    (
        "С-3",
        "Портал открытых данных",
        true,
        Direction::Information,
        "Отдел информации",
    ),
    (
        "Ф-7",
        "Кадровый учёт",
        false,
        Direction::Internal,
        "Отдел кадров",
    ),
    (
        "Ф-8",
        "Приём (личный)",
        false,
        Direction::Appeals,
        "Отдел обращений",
    ),
];

/// Writes the Registry; the functions' ids in its order.
async fn registry(pool: &SqlitePool) -> Vec<i64> {
    let mut tx = pool.begin().await.unwrap();
    let mut ids = vec![];
    for (code, name, is_service, direction, division) in REGISTRY {
        let (d, _) = divisions::get_or_create(&mut tx, division, ADMIN)
            .await
            .unwrap();
        ids.push(
            functions::add(
                &mut tx,
                functions::NewFunction {
                    code: Some(code),
                    name,
                    is_service,
                    direction,
                    division_id: d.id,
                    in_registry: true,
                },
                ADMIN,
            )
            .await
            .unwrap(),
        );
    }
    tx.commit().await.unwrap();
    ids
}

fn row(
    direction: Direction,
    function_id: i64,
    kind: Kind,
    channel: Channel,
    point: &str,
) -> TouchpointData {
    TouchpointData {
        direction,
        function_id,
        kind,
        channel,
        point: point.into(),
        needs: BTreeSet::from([Need::Information]),
        other_need: None,
        features: None,
        clients: Clients::External,
        little_used: false,
    }
}

/// A list that uses every part of the form: each kind of column 4 text, both channels of a
/// phone and a letter, the «other» need with a `;` in its text, features over two lines
/// and one starting with a formula character, the little-used note, a name with brackets.
async fn fill(pool: &SqlitePool, f: &[i64]) {
    use Direction::*;
    let mut rows = vec![
        TouchpointData {
            needs: BTreeSet::from([Need::Consultation, Need::Application]),
            features: Some("По предварительной записи".into()),
            ..row(
                Appeals,
                f[0],
                Kind::InPerson,
                Channel::Offline,
                "Суворовский пр., 67, каб. 12",
            )
        },
        TouchpointData {
            little_used: true,
            ..row(
                Appeals,
                f[0],
                Kind::Phone,
                Channel::Digital,
                "+7 (812) 539-00-00",
            )
        },
        TouchpointData {
            needs: BTreeSet::from([Need::Application, Need::Other]),
            other_need: Some("Жалоба; повторная".into()),
            features: Some("Ответ в 30 дней\nбесплатно".into()),
            ..row(
                Appeals,
                f[0],
                Kind::Written,
                Channel::Offline,
                "Письмо по почте",
            )
        },
        TouchpointData {
            needs: BTreeSet::from([Need::Information, Need::Forms]),
            features: Some("-круглосуточно".into()),
            ..row(
                Information,
                f[1],
                Kind::Website,
                Channel::Digital,
                "https://lenobl.ru/opendata",
            )
        },
        TouchpointData {
            needs: BTreeSet::from([Need::Consultation]),
            clients: Clients::Internal,
            ..row(
                Internal,
                f[2],
                Kind::Written,
                Channel::Digital,
                "hr@lenobl.ru",
            )
        },
        TouchpointData {
            needs: BTreeSet::from([Need::Feedback, Need::FeedbackResult]),
            ..row(Appeals, f[3], Kind::InPerson, Channel::Offline, "каб. 1")
        },
    ];
    rows.extend((0..4).map(|n| {
        row(
            Appeals,
            f[3],
            Kind::ChatBot,
            Channel::Digital,
            &format!("@bot{n}"),
        )
    }));
    let mut tx = db::begin_write(pool).await.unwrap();
    for data in rows {
        let division: i64 = sqlx::query_scalar("SELECT division_id FROM functions WHERE id = ?")
            .bind(data.function_id)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        tp::insert(
            &mut tx,
            &data,
            division,
            tp::Provenance {
                origin: Origin::Import("seed".into()),
                reported_by: Some(HEAD.id),
                accepted_by: Some(ADMIN),
            },
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn export(pool: &SqlitePool, format: Format) -> Vec<u8> {
    let rows = tp::list_active(pool, Default::default()).await.unwrap();
    let made_on = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    export::render(
        format,
        &rows,
        &Meta {
            made_on,
            scope: None,
            as_of: None,
        },
    )
    .unwrap()
}

/// Every row of a file as read back, cells trimmed.
fn cells(bytes: &[u8]) -> Vec<Vec<String>> {
    sheet::read(bytes, &sheet::Limits::DEFAULT)
        .unwrap()
        .rows
        .into_iter()
        .map(|r| r.cells.iter().map(|c| c.trim().to_string()).collect())
        .collect()
}

async fn count(pool: &SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

fn cli(db: &Path, args: &[&str], file: &Path) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_touchpoints"))
        .arg("--db")
        .arg(db)
        .args(args)
        .arg(file)
        .env_remove("TELOXIDE_TOKEN")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Export, import into an empty database with the same Registry, export again: the six
/// columns of every row come out the same — for the XLSX and the CSV, through the CLI.
#[tokio::test]
async fn the_round_trip_holds_through_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let first = db::connect(&dir.path().join("first.db")).await.unwrap();
    let f = registry(&first).await;
    fill(&first, &f).await;
    for format in [Format::Xlsx, Format::Csv] {
        let file = dir.path().join(format!("перечень.{}", format.extension()));
        let original = export(&first, format).await;
        std::fs::write(&file, &original).unwrap();
        let second_path = dir.path().join(format!("second-{}.db", format.extension()));
        let second = db::connect(&second_path).await.unwrap();
        registry(&second).await;

        // Without --yes: the preview, nothing written.
        let (ok, out, err) = cli(&second_path, &["list", "import"], &file);
        assert!(ok, "{err}");
        assert!(out.contains("Перечень из файла «перечень."), "{out}");
        assert!(out.contains("Добавятся (10)"), "{out}");
        assert!(
            out.contains("3.5.1 Рассмотрение обращений и запросов: 8"),
            "{out}"
        );
        assert!(out.contains("для них берётся «внешние»"), "{out}");
        assert!(out.contains("--yes"), "{out}");
        assert_eq!(count(&second, "SELECT count(*) FROM touchpoints").await, 0);

        let (ok, out, err) = cli(&second_path, &["list", "import", "--yes"], &file);
        assert!(ok, "{err}");
        assert!(out.contains("добавлено 10 строк"), "{out}");
        let again = export(&second, format).await;
        let (a, b) = (cells(&original), cells(&again));
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x, y);
        }
        assert!(a
            .iter()
            .any(|r| r.iter().any(|c| c.contains("Жалоба; повторная"))));

        // Every row has its first version, from the import of this file, and an audit record.
        let rows = tp::list_active(&second, Default::default()).await.unwrap();
        for r in &rows {
            let v = db::versions::of_row(&second, r.id).await.unwrap();
            assert_eq!(v.len(), 1);
            assert_eq!(v[0].row, *r, "a version rebuilds the row alone");
            let name = format!("перечень.{}", format.extension());
            assert_eq!(v[0].origin, Some(Origin::Import(name.clone())));
            // Its audit record says what `touchpoints::insert` would.
            let d: String = sqlx::query_scalar(
                "SELECT details FROM audit_log WHERE action = 'touchpoint.add' AND entity_id = ?",
            )
            .bind(r.id)
            .fetch_one(&second)
            .await
            .unwrap();
            let d: serde_json::Value = serde_json::from_str(&d).unwrap();
            assert_eq!(d["origin"], serde_json::json!({ "Import": name }));
            let data: TouchpointData = serde_json::from_value(d["data"].clone()).unwrap();
            assert_eq!(data, r.data);
        }
        assert_eq!(
            count(
                &second,
                "SELECT count(*) FROM audit_log WHERE action = 'touchpoint.add'"
            )
            .await,
            10
        );

        // The same file again adds nothing.
        let (ok, out, err) = cli(&second_path, &["list", "import", "--yes"], &file);
        assert!(ok, "{err}");
        assert!(
            out.contains("Уже есть в перечне, пропускаются (10)"),
            "{out}"
        );
        assert!(out.contains("добавлять нечего"), "{out}");
        assert_eq!(count(&second, "SELECT count(*) FROM touchpoints").await, 10);
        second.close().await;
    }
}

/// Bad rows on the command line: named by line, exit status 1, nothing loaded.
#[tokio::test]
async fn the_command_line_names_bad_rows_and_loads_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let pool = db::connect(&path).await.unwrap();
    registry(&pool).await;
    let file = dir.path().join("перечень.csv");
    std::fs::write(
        &file,
        "Направление деятельности;Направление функции (сервиса);Точка взаимодействия;\
         Цель взаимодействия с клиентом;Особенности взаимодействия с клиентом\r\n\
         3.5.1;Рассмотрение обращений граждан;Личный приём: каб. 2;Получение информации;нет\r\n\
         3.5.1;Нет такой функции;Личный приём: каб. 3;Получение информации;нет\r\n\
         \r\n\
         3.5.1;Рассмотрение обращений граждан;Личный приём: каб. 4;Жалоба;нет\r\n",
    )
    .unwrap();
    let (ok, _, err) = cli(&path, &["list", "import", "--yes"], &file);
    assert!(!ok);
    assert!(
        err.contains("Строка 5: «Жалоба» — не потребность клиента"),
        "{err}"
    );
    assert!(!err.contains("Строка 2"), "{err}");
    assert_eq!(count(&pool, "SELECT count(*) FROM touchpoints").await, 0);
    // The row with an unknown function is found once the needs are right.
    std::fs::write(
        &file,
        std::fs::read_to_string(&file)
            .unwrap()
            .replace("Жалоба", "3.7.8"),
    )
    .unwrap();
    let (ok, _, err) = cli(&path, &["list", "import", "--yes"], &file);
    assert!(!ok);
    assert!(
        err.contains("Строка 3: функции (сервиса) «Нет такой функции» нет в Реестре"),
        "{err}"
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM touchpoints").await, 0);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM list_uploads WHERE status = 'pending'"
        )
        .await,
        0
    );
}

/// In chat: the file told apart from a Registry file, previewed with the clients' button,
/// applied; the same file again adds nothing; bad rows named by line; a Registry file
/// still goes to the Registry.
#[tokio::test]
async fn a_list_file_sent_in_chat_loads_once() {
    let bot = Bot::start(&[ADMIN]).await;
    let f = registry(&bot.pool).await;
    let dir = tempfile::tempdir().unwrap();
    let source = db::connect(&dir.path().join("source.db")).await.unwrap();
    registry(&source).await;
    fill(&source, &f).await;
    let file = export(&source, Format::Xlsx).await;

    let c = bot.send_document(ANNA, "перечень.xlsx", file.clone());
    let preview = bot.next_card(c, ANNA).await;
    let t = preview.text().to_string();
    assert!(
        t.starts_with("<b>Перечень из файла «перечень.xlsx»</b>: 10 строк."),
        "{t}"
    );
    assert!(
        t.contains("3.5.2 Обеспечение доступа к информации о деятельности Администрации: 1"),
        "{t}"
    );
    assert!(t.contains("для них берётся «внешние»"), "{t}");
    assert_eq!(
        bot.card_buttons(ADMIN),
        vec!["Применить", "Клиенты: внешние", "Отменить"]
    );
    // The clients for the whole file: внешние → внутренние.
    bot.click(ANNA, "Клиенты").await;
    let redrawn = bot
        .api
        .wait_for(c, "the preview redrawn", |c| {
            c.method == "editMessageText" && c.text().contains("«внутренние»")
        })
        .await;
    assert!(redrawn.text().contains("Загрузить эти строки в перечень?"));
    assert_eq!(
        bot.card_buttons(ADMIN),
        vec!["Применить", "Клиенты: внутренние", "Отменить"]
    );
    let c = bot.api.cursor();
    bot.click(ANNA, "Применить").await;
    let done = bot.reply(c, ANNA).await;
    assert!(
        done.text()
            .starts_with("Перечень загружен из файла «перечень.xlsx»: добавлено 10 строк"),
        "{}",
        done.text()
    );
    let rows = tp::list_active(&bot.pool, Default::default())
        .await
        .unwrap();
    assert_eq!(rows.len(), 10);
    assert!(rows.iter().all(|r| r.data.clients == Clients::Internal));
    let v = db::versions::of_row(&bot.pool, rows[0].id).await.unwrap();
    assert_eq!(v[0].origin, Some(Origin::Import("перечень.xlsx".into())));
    assert_eq!(v[0].accepted_by, Some(ADMIN));
    assert_eq!(
        count(
            &bot.pool,
            "SELECT count(*) FROM audit_log WHERE action = 'list.import'"
        )
        .await,
        1
    );

    // The same file again: nothing to add, no buttons.
    let c = bot.send_document(ANNA, "перечень.xlsx", file);
    let t = bot.reply(c, ANNA).await;
    assert!(
        t.text()
            .contains("Уже есть в перечне, пропускаются</b> (10)"),
        "{}",
        t.text()
    );
    assert!(t
        .text()
        .ends_with(&tr!(bot.i18n, Lang::Ru, "list-import-nothing")));
    assert!(t.params.get("reply_markup").is_none());
    assert_eq!(
        count(&bot.pool, "SELECT count(*) FROM touchpoints").await,
        10
    );

    // Bad rows, by the row an XLSX shows them on: nothing staged.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in touchpoints::export::form::HEADINGS.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    let good = [
        "1",
        "3.5.1",
        "Рассмотрение обращений граждан (Ф-012)",
        "Личный приём: каб. 99",
        "Получение информации",
        "нет",
    ];
    let bad = [
        "2",
        "3.5.1",
        "Рассмотрение обращений граждан",
        "Сайт: x.ru",
        "Получение информации",
        "нет",
    ];
    for (c, v) in good.iter().enumerate() {
        sheet.write_string(3, c as u16, *v).unwrap();
    }
    for (c, v) in bad.iter().enumerate() {
        sheet.write_string(7, c as u16, *v).unwrap();
    }
    let c = bot.send_document(ANNA, "плохой.xlsx", book.save_to_buffer().unwrap());
    let t = bot.reply(c, ANNA).await;
    assert!(
        t.text()
            .starts_with("В файле 1 ошибка, ничего не загружено."),
        "{}",
        t.text()
    );
    assert!(
        t.text().contains("Строка 8: «Сайт» — не вид точки"),
        "{}",
        t.text()
    );
    assert_eq!(
        count(&bot.pool, "SELECT count(*) FROM list_uploads").await,
        2
    );

    // A Registry file is still a Registry file.
    let c = bot.send_document(
        ANNA,
        "реестр.csv",
        "Код;Наименование;Вид;Направление;Подразделение\nФ-99;Новая;функция;3.5.1;Отдел обращений\n"
            .as_bytes()
            .to_vec(),
    );
    let card = bot.next_card(c, ANNA).await;
    assert!(
        card.text()
            .starts_with("<b>Реестр из файла «реестр.csv»</b>"),
        "{}",
        card.text()
    );
    bot.click(ANNA, "Отменить").await;

    // /help tells an authorized person which files to send.
    let c = bot.send(ANNA, "/help");
    let t = bot.reply(c, ANNA).await;
    assert!(
        t.text()
            .contains("существующий перечень в форме приложения"),
        "{}",
        t.text()
    );
    bot.finish().await;
}

/// A function not in the Registry, with the «Подразделение» column: created once, at
/// apply; the «Клиенты» column read; the preview cancelled first changes nothing; a
/// head's file is not taken as a list.
#[tokio::test]
async fn typed_functions_and_the_clients_column() {
    let bot = Bot::start(&[ADMIN]).await;
    bot.seed("Отдел обращений").await;
    let file = "Направление деятельности;Направление функции (сервиса);Подразделение;Клиенты;\
                Точка взаимодействия;Цель взаимодействия с клиентом;Особенности взаимодействия с клиентом\n\
                3.5.1;Выдача справок — нет в Реестре;Отдел обращений;внутренние;Личный приём: каб. 5;Получение информации;нет\n\
                3.5.1;Выдача справок — нет в Реестре;отдел  обращений;внешние и внутренние;Телефонная связь, колл-центры: 8 800;Получение информации;нет\n\
                3.5.1;Рассмотрение обращений граждан;Отдел обращений;внешние;Личный приём: каб. 6;Получение информации;нет\n";
    let c = bot.send_document(ANNA, "перечень.csv", file.as_bytes().to_vec());
    let t = bot.next_card(c, ANNA).await;
    assert!(
        t.text().contains("не из Реестра, которые появятся</b> (1)"),
        "{}",
        t.text()
    );
    assert!(
        t.text().contains("• Выдача справок («Отдел обращений»)"),
        "{}",
        t.text()
    );
    assert!(!t.text().contains("берётся"), "{}", t.text());
    assert_eq!(bot.card_buttons(ADMIN), vec!["Применить", "Отменить"]);
    let c = bot.api.cursor();
    bot.click(ANNA, "Отменить").await;
    assert!(bot
        .reply(c, ANNA)
        .await
        .text()
        .contains("перечень не изменился"));
    assert_eq!(
        count(
            &bot.pool,
            "SELECT count(*) FROM functions WHERE in_registry = 0"
        )
        .await,
        0
    );

    let c = bot.send_document(ANNA, "перечень.csv", file.as_bytes().to_vec());
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Применить").await;
    assert!(bot
        .reply(c, ANNA)
        .await
        .text()
        .contains("добавлены 3 строки"));
    assert_eq!(
        count(
            &bot.pool,
            "SELECT count(*) FROM functions WHERE in_registry = 0"
        )
        .await,
        1
    );
    let clients: Vec<String> = sqlx::query_scalar("SELECT clients FROM touchpoints ORDER BY id")
        .fetch_all(&bot.pool)
        .await
        .unwrap();
    assert_eq!(clients, ["internal", "both", "external"]);
    // The cancelled file's `Применить`, pressed late: decided already.
    let (id, _) = bot.api.newest(ADMIN).unwrap();
    let (c, q) = bot.press(ANNA, id, "li:a:1");
    let a = bot.answer(c, &q).await;
    assert!(
        a.params["text"]
            .as_str()
            .unwrap_or("")
            .contains("уже отменён"),
        "{:?}",
        a.params
    );

    // A list whose headings are not the form's is not told from a Registry file: the
    // refusal names both.
    let c = bot.send_document(
        ANNA,
        "мой список.csv",
        "Функция;Точка;Цель\nx;y;z\n".as_bytes().to_vec(),
    );
    let t = bot.reply(c, ANNA).await;
    assert!(
        t.text()
            .contains("Если это перечень точек взаимодействия, нужна строка заголовков формы"),
        "{}",
        t.text()
    );

    // A head sending a list file: not taken (only authorized persons load files).
    let c = bot.send_document(HEAD, "перечень.csv", file.as_bytes().to_vec());
    let t = bot.reply(c, HEAD).await;
    assert!(!t.text().contains("Перечень из файла"), "{}", t.text());
    assert_eq!(
        count(&bot.pool, "SELECT count(*) FROM touchpoints").await,
        3
    );
    bot.finish().await;
}
