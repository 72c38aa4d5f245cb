//! End to end: files sent to the bot and given to the command line that must not hurt it —
//! a 1 KB XLSX whose one far cell made calamine ask for 17 billion cells (the process
//! aborted), a zip bomb — and the row numbers a refusal names, as a spreadsheet shows them.

mod common;

use std::io::{Cursor, Read, Write};

use common::{user, Bot, User, ADMIN};
use touchpoints::domain::Lang;
use touchpoints::tr;

const ANNA: User = user(ADMIN, "Анна");

const HEADER: [&str; 5] = ["Код", "Наименование", "Вид", "Направление", "Подразделение"];

/// A Registry workbook: the header, one good row, and `extra` cells.
fn registry_xlsx(extra: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["Ф-1", "Учёт кадров", "функция", "3.5.3", "Отдел кадров"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *v).unwrap();
    }
    for (r, c, v) in extra {
        sheet.write_string(*r, *c, *v).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// The same workbook with its sheet's XML padded by `padding` bytes of spaces (legal XML
/// between elements): a few hundred KB that inflate past any table.
fn zip_bomb(padding: usize) -> Vec<u8> {
    let good = registry_xlsx(&[]);
    let mut src = zip::ZipArchive::new(Cursor::new(&good)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(vec![]));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for i in 0..src.len() {
        let mut part = src.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut data = vec![];
        part.read_to_end(&mut data).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let at = data.len() - "</worksheet>".len();
            data.splice(at..at, std::iter::repeat_n(b' ', padding));
        }
        out.start_file(name, deflated).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

const PADDING: usize = 65 * 1024 * 1024;

async fn staged(bot: &Bot) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM registry_uploads")
        .fetch_one(&bot.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_crafted_xlsx_gets_a_refusal_and_the_bot_stays_up() {
    let bot = Bot::start(&[ADMIN]).await;

    // One cell at XFD1048576: the file is 6 KB.
    let far = registry_xlsx(&[(1_048_575, 16_383, "x")]);
    assert!(far.len() < 10_000, "{}", far.len());
    let c = bot.send_document(ANNA, "реестр.xlsx", far);
    let t = bot.reply(c, ANNA).await.text().to_string();
    assert!(
        t.starts_with("В ячейке XFD1048576 есть данные, а таблица может занимать не больше 50 столбцов (до AX)."),
        "{t}"
    );

    // A zip bomb: under 1 MB sent, over 64 MB unpacked.
    let bomb = zip_bomb(PADDING);
    assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
    let c = bot.send_document(ANNA, "реестр.xlsx", bomb);
    let t = bot.reply(c, ANNA).await.text().to_string();
    assert!(
        t.starts_with("Файл XLSX в распакованном виде больше 64 МБ"),
        "{t}"
    );

    // The bot is up and answers.
    let c = bot.send(ANNA, "/help");
    let t = bot.reply(c, ANNA).await.text().to_string();
    assert!(t.contains(&tr!(bot.i18n, Lang::Ru, "help-title")), "{t}");
    assert_eq!(staged(&bot).await, 0, "nothing was staged");

    // And a good file still goes through to its preview.
    let c = bot.send_document(ANNA, "реестр.xlsx", registry_xlsx(&[]));
    let preview = bot.next_card(c, ANNA).await;
    assert!(
        preview
            .text()
            .starts_with("<b>Реестр из файла «реестр.xlsx»</b>: 1 запись."),
        "{}",
        preview.text()
    );
    bot.finish().await;
}

/// The file: saved with CRLF, the header on line 1, a bad row on line 3 (the bot
/// said «Строка 2»), then a blank line and a quoted cell over two lines.
#[tokio::test]
async fn bad_rows_are_named_by_the_row_a_spreadsheet_shows() {
    let bot = Bot::start(&[ADMIN]).await;
    let file = "\u{feff}Код;Наименование;Вид;Направление;Подразделение\r\n\
                Ф-1;Первая;функция;3.5.1;Отдел\r\n\
                Ф-2;Вторая;процесс;3.5.1;Отдел\r\n\
                \r\n\
                Ф-4;\"Четвёртая,\r\nв две строки\";функция;3.5.1;Отдел\r\n\
                Ф-5;Пятая;функция;3.5.1;\r\n";
    let c = bot.send_document(ANNA, "реестр.csv", file.as_bytes().to_vec());
    let t = bot.reply(c, ANNA).await.text().to_string();
    assert!(t.contains("Строка 3: «Вид» должен быть"), "{t}");
    assert!(
        t.contains("Строка 6: не заполнен столбец «Подразделение»"),
        "{t}"
    );
    assert!(!t.contains("Строка 2"), "{t}");

    // The same rows as an XLSX, with a gap: the sheet's own row numbers.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["Ф-2", "Вторая", "процесс", "3.5.1", "Отдел"]
        .iter()
        .enumerate()
    {
        sheet.write_string(6, c as u16, *v).unwrap();
    }
    let c = bot.send_document(ANNA, "реестр.xlsx", book.save_to_buffer().unwrap());
    let t = bot.reply(c, ANNA).await.text().to_string();
    assert!(t.contains("Строка 7: «Вид» должен быть"), "{t}");

    // A CSV as Excel saves it by default on a Russian Windows (Windows-1251).
    let c = bot.send_document(ANNA, "реестр.csv", b"\xca\xee\xe4;x\r\n".to_vec());
    let t = bot.reply(c, ANNA).await.text().to_string();
    assert!(
        t.starts_with("Файл CSV не в кодировке UTF-8 (строка 1)"),
        "{t}"
    );
    bot.finish().await;
}

/// The command line reads through the same reader: a refusal and an exit status, never an
/// abort.
#[test]
fn the_command_line_refuses_a_crafted_registry_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let file = dir.path().join("реестр.xlsx");
    for (bytes, says) in [
        (
            registry_xlsx(&[(1_048_575, 16_383, "x")]),
            "В ячейке XFD1048576 есть данные",
        ),
        (
            zip_bomb(PADDING),
            "Файл XLSX в распакованном виде больше 64 МБ",
        ),
    ] {
        std::fs::write(&file, bytes).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_touchpoints"))
            .arg("--db")
            .arg(&db)
            .args(["registry", "import", "--yes"])
            .arg(&file)
            .env_remove("TELOXIDE_TOKEN")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(says), "{err}");
    }
}
