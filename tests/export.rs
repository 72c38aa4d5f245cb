//! The list as a file (issue 5): rows written to a real database, rendered in each format
//! and read back — XLSX with calamine, DOCX by unzipping `word/document.xml`, CSV with the
//! csv crate — plus the CLI's `export` command end to end.

use std::collections::BTreeSet;
use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::NaiveDate;
use clap::Parser;
use sqlx::SqlitePool;
use touchpoints::config::{Cli, Command};
use touchpoints::db::{self, divisions, functions, touchpoints as tp};
use touchpoints::domain::{
    Channel, Clients, Direction, Kind, Need, Row, RowStatus, TouchpointData,
};
use touchpoints::export::{self, form, ExportError, FileExport, Format, Meta};

fn who() -> tp::Provenance {
    tp::Provenance {
        origin: touchpoints::domain::record::Origin::Import("test".into()),
        reported_by: Some(10),
        accepted_by: Some(1),
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).expect("a date")
}

fn meta() -> Meta {
    Meta {
        made_on: day(),
        scope: None,
        as_of: None,
    }
}

fn needs(list: &[Need]) -> BTreeSet<Need> {
    list.iter().copied().collect()
}

fn data(direction: Direction, function_id: i64, kind: Kind, point: &str) -> TouchpointData {
    TouchpointData {
        direction,
        function_id,
        kind,
        channel: kind.fixed_channel().unwrap_or(Channel::Digital),
        point: point.into(),
        needs: needs(&[Need::Information]),
        other_need: None,
        features: None,
        clients: Clients::External,
        little_used: false,
    }
}

struct Fixture {
    pool: SqlitePool,
    dir: tempfile::TempDir,
}

/// Three divisions, one function each (one per direction, one of them typed by a head
/// and missing from the Registry), and seven rows between them with texts that a
/// spreadsheet would take for formulas.
async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let pool = db::connect(&dir.path().join("t.db"))
        .await
        .expect("connect");
    let mut tx = pool.begin().await.expect("tx");
    let (appeals_div, _) = divisions::get_or_create(&mut tx, "Отдел обращений", 1)
        .await
        .expect("division");
    let (press, _) = divisions::get_or_create(&mut tx, "Пресс-служба", 1)
        .await
        .expect("division");
    let (hr, _) = divisions::get_or_create(&mut tx, "Отдел кадров", 1)
        .await
        .expect("division");
    let f_appeals = functions::add(
        &mut tx,
        functions::NewFunction {
            code: Some("Ф-012"),
            name: "Рассмотрение обращений граждан",
            is_service: false,
            direction: Direction::Appeals,
            division_id: appeals_div.id,
            in_registry: true,
        },
        1,
    )
    .await
    .expect("function");
    let f_info = functions::add(
        &mut tx,
        functions::NewFunction {
            code: Some("С-003"),
            name: "=HYPERLINK(\"http://evil\")",
            is_service: true,
            direction: Direction::Information,
            division_id: press.id,
            in_registry: true,
        },
        1,
    )
    .await
    .expect("function");
    let f_hr = functions::add(
        &mut tx,
        functions::NewFunction {
            code: None,
            name: "Выдача справок с места работы",
            is_service: true,
            direction: Direction::Internal,
            division_id: hr.id,
            in_registry: false,
        },
        1,
    )
    .await
    .expect("function");

    let rows = [
        // Appeals: features None ("нет"); the "other" need with its text.
        (
            TouchpointData {
                needs: needs(&[Need::Information, Need::Application]),
                ..data(
                    Direction::Appeals,
                    f_appeals,
                    Kind::Website,
                    "https://lenobl.ru/appeal",
                )
            },
            appeals_div.id,
        ),
        (
            TouchpointData {
                channel: Channel::Offline,
                needs: needs(&[Need::Consultation, Need::Other]),
                other_need: Some("Запись на личный приём".into()),
                features: Some("=1+2".into()),
                little_used: true,
                ..data(Direction::Appeals, f_appeals, Kind::Phone, "=1+2")
            },
            appeals_div.id,
        ),
        // Information: points and features that begin with - @ + and a tab.
        (
            TouchpointData {
                features: Some("-по будням".into()),
                ..data(
                    Direction::Information,
                    f_info,
                    Kind::SocialNetwork,
                    "-vk.com/lenobl",
                )
            },
            press.id,
        ),
        (
            TouchpointData {
                features: Some("@lenobl_press".into()),
                needs: needs(&[Need::Feedback, Need::FeedbackResult]),
                ..data(Direction::Information, f_info, Kind::ChatBot, "@lenobl_bot")
            },
            press.id,
        ),
        (
            TouchpointData {
                features: Some("+7 (812) 539-40-60, доб. 1".into()),
                ..data(Direction::Information, f_info, Kind::MobileApp, "+Ленобл")
            },
            press.id,
        ),
        // Internal: a typed function without a Registry code; a tab; XML-special text.
        (
            TouchpointData {
                channel: Channel::Digital,
                features: Some("\tA & B <c>".into()),
                needs: needs(&[Need::Application, Need::Result]),
                ..data(
                    Direction::Internal,
                    f_hr,
                    Kind::Written,
                    "\tkadry@lenreg.ru",
                )
            },
            hr.id,
        ),
        (
            TouchpointData {
                features: Some("Кабинет 12, по записи".into()),
                ..data(
                    Direction::Internal,
                    f_hr,
                    Kind::InPerson,
                    "Суворовский пр., 67",
                )
            },
            hr.id,
        ),
    ];
    for (d, division) in &rows {
        d.validate().expect("valid test row");
        tp::insert(&mut tx, d, *division, who())
            .await
            .expect("insert");
    }
    tx.commit().await.expect("commit");
    Fixture { pool, dir }
}

async fn all_rows(pool: &SqlitePool) -> Vec<Row> {
    tp::list_active(pool, tp::Filter::default())
        .await
        .expect("list")
}

// ---- reading the files back ------------------------------------------------------------

fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

/// The sheet as rows of six texts, from A1.
fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an XLSX");
    assert_eq!(wb.sheet_names(), vec![form::SHEET_NAME.to_string()]);
    let range = wb.worksheet_range(form::SHEET_NAME).expect("the sheet");
    assert_eq!(range.start(), Some((0, 0)));
    range
        .rows()
        .map(|r| {
            let mut v: Vec<String> = r.iter().map(cell_text).collect();
            v.resize(6, String::new());
            v
        })
        .collect()
}

fn zip_part(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip package");
    let mut part = z.by_name(name).expect("the part");
    let mut s = String::new();
    part.read_to_string(&mut s).expect("UTF-8 XML");
    s
}

/// The texts of `word/document.xml`, paragraph by paragraph (tags dropped, entities kept).
fn docx_paragraphs(xml: &str) -> Vec<String> {
    xml.split("</w:p>")
        .map(|p| {
            let mut text = String::new();
            let mut rest = p;
            while let Some(start) = rest.find("<w:t") {
                let after = &rest[start..];
                // `<w:t>` or `<w:t xml:space="preserve">`, not `<w:tbl…>`, `<w:tc…>`, `<w:tab/>`.
                let Some(gt) = after.find('>') else { break };
                let tag = &after[..gt];
                rest = &after[gt + 1..];
                if tag == "<w:t" || tag.starts_with("<w:t ") {
                    let end = rest.find("</w:t>").unwrap_or(rest.len());
                    text.push_str(&rest[..end]);
                    rest = &rest[end..];
                } else if tag.starts_with("<w:tab") {
                    text.push('\t');
                }
            }
            text
        })
        .filter(|t| !t.is_empty())
        .collect()
}

fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(&bytes[3..]);
    r.records()
        .map(|rec| {
            rec.expect("a CSV record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

fn headings() -> Vec<String> {
    [
        "№",
        "Направление деятельности",
        "Направление функции (сервиса)",
        "Точка взаимодействия",
        "Цель взаимодействия с клиентом*",
        "Особенности взаимодействия с клиентом",
    ]
    .map(String::from)
    .to_vec()
}

fn numbering() -> Vec<String> {
    (1..=6).map(|i| i.to_string()).collect()
}

/// The appendix caption's lines, as the first records of every file; the rest after them.
fn after_caption(records: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let n = form::CAPTION.len();
    assert!(records.len() > n, "{records:?}");
    for (i, text) in form::CAPTION.iter().enumerate() {
        assert_eq!(records[i], line(text), "caption line {i}");
    }
    assert_eq!(records[0][0], "Приложение к Порядку ведения");
    assert_eq!(records[n - 1][0], "от 11.03.2024 № 01-02/01");
    records[n..].to_vec()
}

/// The same for DOCX paragraphs.
fn paragraphs_after_caption(paras: Vec<String>) -> Vec<String> {
    let n = form::CAPTION.len();
    assert_eq!(paras[..n], form::CAPTION.map(String::from)[..]);
    paras[n..].to_vec()
}

fn line(text: &str) -> Vec<String> {
    let mut v = vec![text.to_string()];
    v.resize(6, String::new());
    v
}

const TITLE: &str = "Перечень точек взаимодействия с внешним и внутренним клиентами";
const FOOTNOTE: &str = "* В соответствии с пунктом 3.7 Порядка";
const MADE: &str = "Сформировано: 28.11.2026";

// ---- XLSX ------------------------------------------------------------------------------

#[tokio::test]
async fn xlsx_is_the_appendix_form_with_texts_kept_as_strings() {
    let fx = fixture().await;
    let rows = all_rows(&fx.pool).await;
    assert_eq!(rows.len(), 7);
    let bytes = export::render(Format::Xlsx, &rows, &meta()).expect("render");
    let sheet = after_caption(xlsx_rows(&bytes));

    assert_eq!(sheet[0][0], TITLE);
    assert_eq!(sheet[1], headings());
    assert_eq!(sheet[2], numbering());
    // Sections in the Order's sequence, each before its rows; numbers run 1..7 across them.
    assert_eq!(sheet[3], line(Direction::Appeals.full()));
    assert_eq!(sheet[4][0], "1");
    assert_eq!(sheet[5][0], "2");
    assert_eq!(sheet[6], line(Direction::Information.full()));
    assert_eq!(
        sheet[7..10]
            .iter()
            .map(|r| r[0].as_str())
            .collect::<Vec<_>>(),
        ["3", "4", "5"]
    );
    assert_eq!(sheet[10], line(Direction::Internal.full()));
    assert_eq!(sheet[11][0], "6");
    assert_eq!(sheet[12][0], "7");
    assert_eq!(sheet[13], line(FOOTNOTE));
    assert_eq!(sheet[14], line(MADE));
    assert_eq!(sheet.len(), 15);

    // Column 2 is the direction's wording on every row.
    for r in &sheet[4..6] {
        assert_eq!(r[1], Direction::Appeals.full());
    }
    // Row 1: the site, needs one per line, no features.
    let r1 = &sheet[4];
    assert_eq!(r1[2], "Рассмотрение обращений граждан (Ф-012)");
    assert_eq!(
        r1[3],
        "Официальные сайты (порталы) Правительства Ленинградской области и Администрации: \
         https://lenobl.ru/appeal (цифровая)"
    );
    assert_eq!(
        r1[4],
        "Получение информации\nПредставление заявления, обращения, запроса, документов"
    );
    assert_eq!(r1[5], "нет");
    // Row 2: the phone; the "other" need with its text; the little-used note.
    let r2 = &sheet[5];
    assert!(r2[3].starts_with(Kind::Phone.full()), "{}", r2[3]);
    assert!(r2[3].ends_with(": =1+2 (офлайн)"), "{}", r2[3]);
    assert_eq!(
        r2[4],
        "Получение консультации\n\
         Другие удовлетворяемые потребности клиента: Запись на личный приём"
    );
    assert_eq!(r2[5], "=1+2\nМало востребована / учёт обращений не ведётся");
    // A function missing from the Registry is marked.
    assert_eq!(
        sheet[11][2],
        "Выдача справок с места работы — нет в Реестре"
    );
    // Texts that look like formulas are the original strings, not formulas.
    assert_eq!(sheet[7][2], "=HYPERLINK(\"http://evil\") (С-003)");
    assert_eq!(sheet[7][5], "-по будням");
    assert_eq!(sheet[8][5], "@lenobl_press");
    assert_eq!(sheet[9][5], "+7 (812) 539-40-60, доб. 1");
    assert_eq!(sheet[11][5], "A & B <c>");

    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).expect("xlsx");
    let formulas = wb.worksheet_formula(form::SHEET_NAME).expect("formulas");
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "a formula in the sheet: {:?}",
        formulas.used_cells().collect::<Vec<_>>()
    );

    // Page set-up: landscape A4 fitted to the width; headings frozen, repeated, filtered.
    let sheet_xml = zip_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet_xml.contains(r#"paperSize="9""#), "{sheet_xml}");
    assert!(sheet_xml.contains(r#"orientation="landscape""#));
    assert!(sheet_xml.contains(r#"fitToHeight="0""#));
    assert!(sheet_xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#));
    assert!(
        sheet_xml.contains(r#"<autoFilter ref="A11:F22"/>"#),
        "{sheet_xml}"
    );
    assert!(
        sheet_xml.contains(r#"topLeftCell="A13""#),
        "frozen below the numbering row"
    );
    // The caption: a merged, right-aligned row a line; then the title, then a section.
    for r in 1..=10 {
        assert!(sheet_xml.contains(&format!(r#"<mergeCell ref="A{r}:F{r}"/>"#)));
    }
    assert!(sheet_xml.contains(r#"<mergeCell ref="A13:F13"/>"#));
    let styles = zip_part(&bytes, "xl/styles.xml");
    assert!(
        styles.contains(r#"<alignment horizontal="right"/>"#),
        "{styles}"
    );
    let book_xml = zip_part(&bytes, "xl/workbook.xml");
    assert!(
        book_xml.contains("_xlnm.Print_Titles") && book_xml.contains("$11:$12"),
        "{book_xml}"
    );
}

#[tokio::test]
async fn xlsx_shows_the_scope_under_the_title() {
    let fx = fixture().await;
    let rows = tp::list_active(
        &fx.pool,
        tp::Filter {
            direction: Some(Direction::Internal),
            division_id: None,
        },
    )
    .await
    .expect("list");
    let m = Meta::for_filter(day(), Some(Direction::Internal), None);
    let sheet = after_caption(xlsx_rows(
        &export::render(Format::Xlsx, &rows, &m).expect("render"),
    ));
    assert_eq!(sheet[0][0], TITLE);
    assert_eq!(
        sheet[1][0],
        "Направление деятельности: Организация отношений с внутренним клиентом"
    );
    assert_eq!(sheet[2], headings());
    assert_eq!(sheet[4], line(Direction::Internal.full()));
    // Only one section, numbered from 1.
    assert_eq!(sheet[5][0], "1");
    assert_eq!(sheet[6][0], "2");
    assert_eq!(sheet[7], line(FOOTNOTE));
}

// ---- DOCX ------------------------------------------------------------------------------

#[tokio::test]
async fn docx_has_the_form_in_a_landscape_table_with_repeated_header_rows() {
    let fx = fixture().await;
    let rows = all_rows(&fx.pool).await;
    let bytes = export::render(Format::Docx, &rows, &meta()).expect("render");
    let xml = zip_part(&bytes, "word/document.xml");
    let paras = paragraphs_after_caption(docx_paragraphs(&xml));

    assert_eq!(paras[0], TITLE);
    assert_eq!(paras[1..7], headings()[..]);
    assert_eq!(paras[7..13], numbering()[..]);
    assert_eq!(paras[13], Direction::Appeals.full());
    assert_eq!(paras[14], "1");
    assert_eq!(paras[15], Direction::Appeals.full());
    assert_eq!(paras[16], "Рассмотрение обращений граждан (Ф-012)");
    // Needs: one paragraph each.
    assert_eq!(paras[18], "Получение информации");
    assert_eq!(
        paras[19],
        "Представление заявления, обращения, запроса, документов"
    );
    assert_eq!(paras[20], "нет");
    for text in [
        Direction::Information.full(),
        Direction::Internal.full(),
        "Другие удовлетворяемые потребности клиента: Запись на личный приём",
        "Мало востребована / учёт обращений не ведётся",
        "=HYPERLINK(&quot;http://evil&quot;) (С-003)",
        "Выдача справок с места работы — нет в Реестре",
        "-по будням",
        "@lenobl_press",
        "+7 (812) 539-40-60, доб. 1",
        "A &amp; B &lt;c&gt;",
    ] {
        assert!(
            paras.iter().any(|p| p == text),
            "missing {text:?} in {paras:#?}"
        );
    }
    let n = paras.len();
    assert_eq!(paras[n - 2], FOOTNOTE);
    assert_eq!(paras[n - 1], MADE);
    // Numbers 1..7 in order.
    let numbers: Vec<_> = paras
        .iter()
        .filter(|p| p.len() == 1 && p.chars().all(|c| c.is_ascii_digit()))
        .skip(6)
        .cloned()
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4", "5", "6", "7"]);

    assert_eq!(xml.matches("<w:tblHeader/>").count(), 2, "two header rows");
    assert!(xml.contains(r#"w:orient="landscape""#));
    assert!(xml.contains(r#"w:w="16838""#) && xml.contains(r#"w:h="11906""#));
    assert_eq!(
        xml.matches(r#"<w:gridSpan w:val="6""#).count(),
        3,
        "three sections"
    );
}

// ---- CSV -------------------------------------------------------------------------------

#[tokio::test]
async fn csv_has_bom_semicolons_crlf_and_neutralised_formulas() {
    let fx = fixture().await;
    let rows = all_rows(&fx.pool).await;
    let bytes = export::render(Format::Csv, &rows, &meta()).expect("render");
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = std::str::from_utf8(&bytes[3..]).expect("UTF-8");
    assert!(
        text.starts_with(
            "Приложение к Порядку ведения;;;;;\r\nАдминистрацией Губернатора;;;;;\r\n"
        ),
        "{text}"
    );
    assert!(text.contains(&format!("\r\n{TITLE};;;;;\r\n")), "{text}");
    assert!(text.contains("\r\n№;Направление деятельности;"));
    assert!(text.contains("\r\n1;2;3;4;5;6\r\n"));
    assert!(text.ends_with(&format!("{MADE};;;;;\r\n")));

    let recs = csv_records(&bytes);
    assert!(recs.iter().all(|r| r.len() == 6));
    let recs = after_caption(recs);
    assert_eq!(recs[0], line(TITLE));
    assert_eq!(recs[1], headings());
    assert_eq!(recs[2], numbering());
    assert_eq!(recs[3], line(Direction::Appeals.full()));
    assert_eq!(recs[4][0], "1");
    assert_eq!(
        recs[4][4],
        "Получение информации\nПредставление заявления, обращения, запроса, документов"
    );
    assert_eq!(recs[4][5], "нет");
    assert_eq!(recs[6], line(Direction::Information.full()));
    assert_eq!(recs[10], line(Direction::Internal.full()));
    assert_eq!(recs[12][0], "7");
    assert_eq!(recs[13], line(FOOTNOTE));
    assert_eq!(recs[14], line(MADE));

    // Neutralised: a quote before a formula start; the rest of the text kept.
    assert_eq!(
        recs[5][5],
        "'=1+2\nМало востребована / учёт обращений не ведётся"
    );
    assert_eq!(recs[7][2], "'=HYPERLINK(\"http://evil\") (С-003)");
    assert_eq!(recs[7][5], "'-по будням");
    assert_eq!(recs[8][5], "'@lenobl_press");
    assert_eq!(recs[9][5], "'+7 (812) 539-40-60, доб. 1");
    assert_eq!(recs[11][5], "A & B <c>");
    // And no cell anywhere begins with a formula start.
    for r in &recs {
        for c in r {
            assert!(
                !c.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "unneutralised cell {c:?}"
            );
        }
    }
    // Tab and carriage return: cell texts are trimmed so no stored text begins with them,
    // but the neutraliser covers them too.
    assert_eq!(export::neutralise_csv_cell("\tx"), "'\tx");
    assert_eq!(export::neutralise_csv_cell("\rx"), "'\rx");
}

#[test]
fn csv_neutralises_a_cell_starting_with_a_tab_in_a_row_built_in_memory() {
    let mut row = Row {
        id: 1,
        data: data(Direction::Appeals, 1, Kind::Website, "x"),
        function_name: "=SUM(A1:A2)".into(),
        function_code: None,
        function_in_registry: true,
        division_id: 1,
        division_name: "Отдел".into(),
        status: RowStatus::Active,
        version: 1,
    };
    row.data.features = Some("@cmd".into());
    let recs = after_caption(csv_records(
        &export::render(Format::Csv, &[row], &meta()).expect("render"),
    ));
    assert_eq!(recs[4][2], "'=SUM(A1:A2)");
    assert_eq!(recs[4][5], "'@cmd");
}

// ---- an empty list ---------------------------------------------------------------------

#[test]
fn an_empty_list_still_makes_a_valid_file_in_every_format() {
    let empty = "Перечень не содержит точек взаимодействия";
    let sheet = after_caption(xlsx_rows(
        &export::render(Format::Xlsx, &[], &meta()).expect("xlsx"),
    ));
    assert_eq!(sheet[0][0], TITLE);
    assert_eq!(sheet[1], headings());
    assert_eq!(sheet[2], numbering());
    assert_eq!(sheet[3], line(empty));
    assert_eq!(sheet[4], line(FOOTNOTE));
    assert_eq!(sheet[5], line(MADE));

    let docx = export::render(Format::Docx, &[], &meta()).expect("docx");
    let paras = docx_paragraphs(&zip_part(&docx, "word/document.xml"));
    assert!(paras.iter().any(|p| p == empty));
    assert!(paras.iter().any(|p| p == FOOTNOTE));

    let recs = after_caption(csv_records(
        &export::render(Format::Csv, &[], &meta()).expect("csv"),
    ));
    assert_eq!(
        recs,
        vec![
            line(TITLE),
            headings(),
            numbering(),
            line(empty),
            line(FOOTNOTE),
            line(MADE)
        ]
    );
}

// ---- 10,000 rows -----------------------------------------------------------------------

#[test]
fn ten_thousand_rows_render_in_every_format() {
    let rows: Vec<Row> = (0..10_000)
        .map(|i| {
            let direction = Direction::ALL[i * 3 / 10_000];
            let mut d = data(
                direction,
                1,
                Kind::Website,
                &format!("https://lenobl.ru/p/{i}"),
            );
            d.features = Some(format!("Особенности точки {i}"));
            Row {
                id: i as i64 + 1,
                data: d,
                function_name: format!("Функция {i}"),
                function_code: Some(format!("Ф-{i:05}")),
                function_in_registry: true,
                division_id: 1,
                division_name: "Отдел".into(),
                status: RowStatus::Active,
                version: 1,
            }
        })
        .collect();
    let recs = after_caption(csv_records(
        &export::render(Format::Csv, &rows, &meta()).expect("csv"),
    ));
    // Title, headings, numbering, 3 sections, 10,000 rows, footnote, date.
    assert_eq!(recs.len(), 10_008);
    assert_eq!(recs[10_005][0], "10000");
    let sheet = after_caption(xlsx_rows(
        &export::render(Format::Xlsx, &rows, &meta()).expect("xlsx"),
    ));
    assert_eq!(sheet.len(), 10_008);
    assert_eq!(sheet[10_005][0], "10000");
    let docx = export::render(Format::Docx, &rows, &meta()).expect("docx");
    assert!(zip_part(&docx, "word/document.xml").contains("Особенности точки 9999"));
    // Deflated, as Word writes it (stored, this was about 9 MB).
    assert!(docx.len() < 2 * 1024 * 1024, "{} bytes", docx.len());
    let mut z = zip::ZipArchive::new(Cursor::new(docx)).expect("zip");
    for i in 0..z.len() {
        let part = z.by_index(i).expect("part");
        assert_eq!(
            part.compression(),
            zip::CompressionMethod::Deflated,
            "{:?}",
            part.name()
        );
    }
}

// ---- file name, export_to_file and the CLI ---------------------------------------------

#[test]
fn file_name_is_the_lists_name_with_the_date() {
    assert_eq!(
        export::file_name(Format::Xlsx, day()),
        "Перечень_точек_взаимодействия_2026-11-28.xlsx"
    );
    assert_eq!(
        export::file_name(Format::Docx, day()),
        "Перечень_точек_взаимодействия_2026-11-28.docx"
    );
    for f in [Format::Xlsx, Format::Docx, Format::Csv] {
        assert_eq!(Format::from_code(&f.extension().to_uppercase()), Some(f));
    }
}

async fn export(fx: &Fixture, req: FileExport<'_>) -> Result<export::Exported, ExportError> {
    export::export_to_file(&fx.pool, &req).await
}

fn req<'a>(format: Format, output: &'a Path) -> FileExport<'a> {
    FileExport {
        format,
        direction: None,
        division: None,
        output,
        made_on: day(),
        at: None,
        offset: chrono::FixedOffset::east_opt(3 * 3600).expect("+03:00"),
    }
}

#[tokio::test]
async fn export_to_file_writes_the_whole_list_or_the_filtered_part() {
    let fx = fixture().await;
    let out = fx.dir.path().join("all.csv");
    let done = export(&fx, req(Format::Csv, &out)).await.expect("export");
    assert_eq!(done.rows, 7);
    assert_eq!(done.path, out);
    let bytes = std::fs::read(&out).expect("the file");
    assert_eq!(bytes.len(), done.bytes);
    assert_eq!(after_caption(csv_records(&bytes)).len(), 15);

    // By direction.
    let out = fx.dir.path().join("info.xlsx");
    let done = export(
        &fx,
        FileExport {
            direction: Some(Direction::Information),
            ..req(Format::Xlsx, &out)
        },
    )
    .await
    .expect("export");
    assert_eq!(done.rows, 3);
    let sheet = after_caption(xlsx_rows(&std::fs::read(&out).expect("the file")));
    assert_eq!(
        sheet[1][0],
        "Направление деятельности: Обеспечение доступа к информации о деятельности Администрации"
    );
    assert_eq!(sheet[4], line(Direction::Information.full()));
    assert_eq!(sheet[7][0], "3");
    assert_eq!(sheet[8], line(FOOTNOTE));

    // By division, named in another case and with extra spaces.
    let out = fx.dir.path().join("hr.docx");
    let done = export(
        &fx,
        FileExport {
            division: Some("  отдел   КАДРОВ "),
            ..req(Format::Docx, &out)
        },
    )
    .await
    .expect("export");
    assert_eq!(done.rows, 2);
    let paras = paragraphs_after_caption(docx_paragraphs(&zip_part(
        &std::fs::read(&out).expect("file"),
        "word/document.xml",
    )));
    assert_eq!(paras[1], "Структурное подразделение: Отдел кадров");
    assert!(!paras.iter().any(|p| p == Direction::Appeals.full()));

    // Both filters; nothing matches: still a file, saying the list is empty.
    let out = fx.dir.path().join("none.csv");
    let done = export(
        &fx,
        FileExport {
            direction: Some(Direction::Appeals),
            division: Some("Отдел кадров"),
            ..req(Format::Csv, &out)
        },
    )
    .await
    .expect("export");
    assert_eq!(done.rows, 0);
    let recs = after_caption(csv_records(&std::fs::read(&out).expect("file")));
    assert_eq!(recs[4], line("Перечень не содержит точек взаимодействия"));

    // Into a directory: under the list's file name.
    let sub = fx.dir.path().join("out");
    std::fs::create_dir(&sub).expect("dir");
    let done = export(&fx, req(Format::Xlsx, &sub)).await.expect("export");
    assert_eq!(
        done.path,
        sub.join("Перечень_точек_взаимодействия_2026-11-28.xlsx")
    );
    assert!(done.path.is_file());
}

#[tokio::test]
async fn an_unknown_division_is_named_with_the_known_ones() {
    let fx = fixture().await;
    let out = fx.dir.path().join("x.csv");
    let err = export(
        &fx,
        FileExport {
            division: Some("Отдел снабжения"),
            ..req(Format::Csv, &out)
        },
    )
    .await
    .expect_err("no such division");
    let msg = err.to_string();
    assert!(msg.contains("«Отдел снабжения»"), "{msg}");
    assert!(msg.contains("«Пресс-служба»"), "{msg}");
    assert!(!out.exists());
}

#[test]
fn the_export_command_reads_its_flags_and_names_bad_values() {
    let cli = Cli::try_parse_from([
        "touchpoints",
        "export",
        "--format",
        "DOCX",
        "--direction",
        "3.5.3",
        "--division",
        "Отдел кадров",
        "-o",
        "list.docx",
    ])
    .expect("parses");
    match cli.command {
        Some(Command::Export {
            format,
            direction,
            division,
            output,
            at,
        }) => {
            assert_eq!(at, None);
            assert_eq!(format, Format::Docx);
            assert_eq!(direction, Some(Direction::Internal));
            assert_eq!(division.as_deref(), Some("Отдел кадров"));
            assert_eq!(output, Path::new("list.docx"));
        }
        other => panic!("not export: {other:?}"),
    }
    // XLSX by default; the output is required.
    let cli = Cli::try_parse_from(["touchpoints", "export", "--output", "x.xlsx"]).expect("parses");
    assert!(matches!(
        cli.command,
        Some(Command::Export {
            format: Format::Xlsx,
            direction: None,
            division: None,
            ..
        })
    ));
    assert!(Cli::try_parse_from(["touchpoints", "export"]).is_err());

    let err = Cli::try_parse_from(["touchpoints", "export", "--format", "pdf", "-o", "x"])
        .expect_err("bad format")
        .to_string();
    assert!(err.contains("pdf") && err.contains("--format"), "{err}");
    let err = Cli::try_parse_from(["touchpoints", "export", "--direction", "3.5.9", "-o", "x"])
        .expect_err("bad direction")
        .to_string();
    assert!(
        err.contains("3.5.9") && err.contains("--direction"),
        "{err}"
    );
}

// ---- the list at a moment: `export --at` (issue 11) --------------------------------------

/// The fixture's records dated: the appeals and information rows on 10.11.2026 at 10:00 UTC
/// (13:00 at +03:00), the internal ones on 20.11.2026.
async fn dated(pool: &SqlitePool) {
    sqlx::query(
        "UPDATE touchpoint_versions SET at = CASE
             WHEN data LIKE '%\"direction\":\"Internal\"%' THEN '2026-11-20T10:00:00Z'
             ELSE '2026-11-10T10:00:00Z' END",
    )
    .execute(pool)
    .await
    .expect("dated");
}

fn cli(db: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_touchpoints"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("TOUCHPOINTS_UTC_OFFSET")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

#[tokio::test]
async fn export_at_a_moment_writes_the_list_as_it_stood_then() {
    let fx = fixture().await;
    dated(&fx.pool).await;
    let db = fx.dir.path().join("t.db");
    let out = fx.dir.path().join("then.csv");
    let o = cli(
        &db,
        &[
            "export",
            "--format",
            "csv",
            "--at",
            "2026-11-15 14:30",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("5 rows"));
    let recs = after_caption(csv_records(&std::fs::read(&out).expect("file")));
    assert_eq!(recs[0], line(TITLE));
    assert_eq!(recs[1], line("по состоянию на 15.11.2026 14:30"));
    assert_eq!(recs[2], headings());
    assert!(!recs.iter().any(|r| r[1] == Direction::Internal.full()));

    // The end of 20.11 (the internal rows came at 13:00 that day), as XLSX; at +00:00 the
    // same moment is three hours later and still holds them.
    for offset in ["+03:00", "Z"] {
        let out = fx.dir.path().join("day.xlsx");
        let o = cli(
            &db,
            &[
                "--utc-offset",
                offset,
                "export",
                "--at",
                "2026-11-20",
                "-o",
                out.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let sheet = after_caption(xlsx_rows(&std::fs::read(&out).expect("file")));
        assert_eq!(sheet[1], line("по состоянию на конец дня 20.11.2026"));
        assert!(sheet.iter().any(|r| r[1] == Direction::Internal.full()));
        // Seven rows and the numbering row.
        assert_eq!(
            sheet.iter().filter(|r| r[0].parse::<u32>().is_ok()).count(),
            8
        );
    }

    // Before the first record: an empty form that says so. 13:00 local is the very second
    // the first rows were recorded, so they are not in yet.
    let out = fx.dir.path().join("before.docx");
    let o = cli(
        &db,
        &[
            "export",
            "--format",
            "docx",
            "--at",
            "10.11.2026 13:00",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let paras = paragraphs_after_caption(docx_paragraphs(&zip_part(
        &std::fs::read(&out).expect("file"),
        "word/document.xml",
    )));
    assert_eq!(paras[1], "по состоянию на 10.11.2026 13:00");
    assert!(
        paras.iter().any(|p| p == form::EMPTY_BEFORE_FIRST),
        "{paras:?}"
    );
}

#[tokio::test]
async fn export_at_a_bad_or_future_moment_is_refused_with_a_clear_message() {
    let fx = fixture().await;
    let db = fx.dir.path().join("t.db");
    let out = fx.dir.path().join("x.csv");
    for (at, says) in [
        ("2026-02-31", "no such date"),
        ("2026-12-01 24:00", "no such date"),
        ("yesterday", "is not a date"),
        ("2026-12", "is not a date"),
        ("2999-01-01 10:00", "has not come yet"),
        ("2999-01-01", "has not come yet"),
    ] {
        let o = cli(&db, &["export", "--at", at, "-o", out.to_str().unwrap()]);
        assert!(!o.status.success(), "{at}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{at}: {err}");
        assert!(!out.exists());
    }
}
