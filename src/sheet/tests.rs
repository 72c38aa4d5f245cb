//! The reader on real files: CSV bytes as editors and spreadsheets save them, XLSX packages
//! as rust_xlsxwriter and LibreOffice write them, and packages crafted to hurt.
//!
//! `tests/data/sheet/*.xlsx` are LibreOffice 7.4's own reading of the CSV beside each
//! (`soffice --headless --infilter=CSV:59,34,76,1 --convert-to xlsx FILE.csv`, 44 for
//! `,`): the row numbers a spreadsheet gives each record are in them.

use std::io::{Cursor, Read, Write};

use super::*;

const MIB: usize = 1024 * 1024;

fn rows(bytes: &[u8]) -> Vec<(usize, Vec<String>)> {
    let table = read(bytes, &Limits::DEFAULT).unwrap_or_else(|e| panic!("{e:?}"));
    table
        .rows
        .into_iter()
        .map(|r| (r.number, r.cells))
        .collect()
}

fn row(number: usize, cells: &[&str]) -> (usize, Vec<String>) {
    (number, cells.iter().map(|c| c.to_string()).collect())
}

// ---- CSV: row numbers as a spreadsheet shows them --------------------------------------

/// One file in every way it is saved: with or without a BOM, `;` or `,`, LF or CRLF. It has
/// blank lines, a quoted cell over two lines, quotes and the separator inside a cell, a row
/// of separators only, and no line end after the last row.
#[test]
fn csv_rows_are_numbered_as_a_spreadsheet_shows_them_however_the_file_is_saved() {
    for bom in [false, true] {
        for sep in [";", ","] {
            for eol in ["\n", "\r\n"] {
                let lines = [
                    "Код;Наименование".to_string(),
                    "Ф-1;Первая".into(),
                    "".into(),
                    "Ф-2;\"Вторая".into(),
                    "на двух строках\"".into(),
                    "Ф-3;Третья".into(),
                    "".into(),
                    "".into(),
                    "Ф-4;\"С \"\"кавычками\"\" и ;\"".into(),
                    ";".into(),
                    "Ф-5;Пятая".into(),
                ];
                let text = lines.join(eol).replace(';', sep);
                let mut bytes = if bom {
                    b"\xEF\xBB\xBF".to_vec()
                } else {
                    vec![]
                };
                bytes.extend(text.as_bytes());
                let got = rows(&bytes);
                let quoted = format!("С \"кавычками\" и {sep}");
                assert_eq!(
                    got,
                    [
                        row(1, &["Код", "Наименование"]),
                        row(2, &["Ф-1", "Первая"]),
                        row(4, &["Ф-2", "Вторая\nна двух строках"]),
                        row(5, &["Ф-3", "Третья"]),
                        row(8, &["Ф-4", &quoted]),
                        row(10, &["Ф-5", "Пятая"]),
                    ],
                    "bom {bom}, separator {sep:?}, line end {eol:?}"
                );
            }
        }
    }
}

/// The case: CRLF, the header on line 1, a bad row on line 3 — the csv crate's own
/// line counter said 2.
#[test]
fn a_crlf_file_names_its_third_line_three() {
    let got = rows(b"a;b\r\nc;d\r\ne;f\r\ng;h\r\n");
    let numbers: Vec<usize> = got.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, [1, 2, 3, 4]);
}

/// LibreOffice opened each CSV and saved what it showed as XLSX: reading the CSV gives the
/// rows, row numbers and texts LibreOffice put in the sheet.
#[test]
fn csv_rows_match_libreoffices_own_reading_of_the_same_files() {
    let pairs: [(&[u8], &[u8]); 2] = [
        (
            include_bytes!("../../tests/data/sheet/semicolon-crlf-bom.csv"),
            include_bytes!("../../tests/data/sheet/semicolon-crlf-bom.xlsx"),
        ),
        (
            include_bytes!("../../tests/data/sheet/comma-lf.csv"),
            include_bytes!("../../tests/data/sheet/comma-lf.xlsx"),
        ),
    ];
    for (csv, xlsx) in pairs {
        let from_csv = read(csv, &Limits::DEFAULT).unwrap();
        let from_xlsx = read(xlsx, &Limits::DEFAULT).unwrap();
        assert_eq!(from_csv.format, Format::Csv);
        assert_eq!(from_xlsx.format, Format::Xlsx);
        assert_eq!(from_csv.rows, from_xlsx.rows);
        assert!(from_csv.rows.len() >= 5);
    }
    // What the files hold, spelled out once.
    let numbers: Vec<usize> = rows(pairs[0].0).iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, [1, 2, 4, 5, 8, 10]);
    assert_eq!(rows(pairs[0].0)[1], row(2, &["12", "Первая", "3.5.1"]));
    let numbers: Vec<usize> = rows(pairs[1].0).iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, [1, 2, 3, 5, 6]);
    assert_eq!(rows(pairs[1].0)[3].1[1], "Третья\nна\nтрёх строках");
}

#[test]
fn old_mac_line_ends_and_excels_sep_line_are_understood() {
    // A lone CR ends a line too (LibreOffice numbers these rows 1, 2, 4, 5).
    assert_eq!(
        rows(b"a;b\rc;d\r\re;\"f\rg\"\rh;i"),
        [
            row(1, &["a", "b"]),
            row(2, &["c", "d"]),
            row(4, &["e", "f\ng"]),
            row(5, &["h", "i"]),
        ]
    );
    // Excel takes `sep=` as the separator and does not show that line.
    assert_eq!(
        rows(b"sep=,\r\n\xd0\x9a;x,y\r\n1;2,3\r\n"),
        [row(1, &["К;x", "y"]), row(2, &["1;2", "3"])]
    );
}

#[test]
fn the_separator_is_the_one_that_makes_columns() {
    // `;` files keep commas in text unquoted, and `,` files semicolons.
    let semicolons = "Код;Наименование;Подразделение\nФ-1;Учёт, контроль;Отдел, кадров\n\
                      Ф-2;Приём, запись, выдача;Отдел\n";
    assert_eq!(rows(semicolons.as_bytes())[1].1.len(), 3);
    let commas = "Код,Наименование,Подразделение\nФ-1,Учёт; контроль,Отдел\n\
                  Ф-2,\"Приём, запись\",Отдел; кадров\n";
    let got = rows(commas.as_bytes());
    assert_eq!(got[2], row(3, &["Ф-2", "Приём, запись", "Отдел; кадров"]));
    // A caption line above the table does not decide it.
    let captioned = "Перечень точек, утверждённый приказом\n\nКод,Наименование\nФ-1,Учёт\n";
    assert_eq!(rows(captioned.as_bytes())[2], row(4, &["Ф-1", "Учёт"]));
    // One column only: nothing to split.
    assert_eq!(rows(b"one\ntwo\n"), [row(1, &["one"]), row(2, &["two"])]);
}

#[test]
fn text_that_is_not_utf8_and_files_that_are_not_tables_are_refused() {
    // Excel's plain «CSV» on a Russian Windows: Windows-1251.
    assert_eq!(
        read(b"a;b\r\n\xca\xee\xe4;x\r\n", &Limits::DEFAULT),
        Err(Refusal::NotUtf8 { line: 2 })
    );
    // Excel's «Unicode text»: UTF-16.
    assert_eq!(
        read(b"\xFF\xFEa\x00;\x00", &Limits::DEFAULT),
        Err(Refusal::NotUtf8 { line: 1 })
    );
    for not_a_table in [
        &b"%PDF-1.4 \xff\xfe"[..],
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 an old XLS",
    ] {
        assert_eq!(
            read(not_a_table, &Limits::DEFAULT),
            Err(Refusal::NotATable),
            "{not_a_table:?}"
        );
    }
    // A ZIP that is no workbook.
    let mut w = zip::ZipWriter::new(Cursor::new(vec![]));
    w.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    w.write_all(b"<w:document/>").unwrap();
    let docx = w.finish().unwrap().into_inner();
    assert_eq!(read(&docx, &Limits::DEFAULT), Err(Refusal::NotATable));
    // A damaged one.
    assert!(matches!(
        read(b"PK\x03\x04garbage", &Limits::DEFAULT),
        Err(Refusal::Unreadable(_))
    ));
    // Nothing at all is an empty table; the caller says what it lacks.
    assert!(rows(b"").is_empty());
    assert!(rows(b"\xEF\xBB\xBF\r\n;;\r\n").is_empty());
}

#[test]
fn csv_limits_refuse_a_far_column_too_many_rows_and_a_large_file() {
    let limits = Limits {
        max_rows: 3,
        max_columns: 4,
        max_bytes: 1000,
        ..Limits::DEFAULT
    };
    // Empty fields beyond the limit are no content.
    let t = read(b"a;b;c;d;;;;;;\r\ne;f\r\n", &limits).unwrap();
    assert_eq!(t.rows[0].cells, ["a", "b", "c", "d"]);
    assert_eq!(
        read(b"a;b\r\n\r\nc;d;e;f;g\r\n", &limits),
        Err(Refusal::TooManyColumns {
            row: 3,
            column: 5,
            max: 4
        })
    );
    // Blank rows do not count; the fourth row with content does.
    assert!(read(b"1\n\n\n2\n\n3\n", &limits).is_ok());
    assert_eq!(
        read(b"1\n2\n3\n4\n", &limits),
        Err(Refusal::TooManyRows { max: 3 })
    );
    assert_eq!(
        read(&[b'x'; 1001], &limits),
        Err(Refusal::TooLarge { max_bytes: 1000 })
    );
}

// ---- XLSX ------------------------------------------------------------------------------

/// A workbook as rust_xlsxwriter (which writes what Excel writes) saves it, with gaps
/// between the rows.
#[test]
fn xlsx_rows_keep_the_sheets_own_numbers_across_gaps() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Код").unwrap();
    sheet.write_string(0, 1, "Наименование").unwrap();
    sheet.write_number(1, 0, 12).unwrap();
    sheet.write_string(1, 1, "Первая").unwrap();
    sheet.write_string(2, 1, "   ").unwrap(); // only spaces: no content
    sheet.write_number(4, 0, 1.5).unwrap();
    sheet
        .write_string(4, 3, "через столбец\nв две строки")
        .unwrap();
    sheet.write_string(9, 49, "AX").unwrap(); // the fiftieth column
    let date = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy");
    let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 12, 1).unwrap();
    let minute = day.clone().and_hms(14, 30, 0).unwrap();
    sheet
        .write_datetime_with_format(11, 0, &day, &date)
        .unwrap();
    sheet
        .write_datetime_with_format(11, 1, &minute, &date)
        .unwrap();
    book.add_worksheet()
        .write_string(0, 0, "второй лист")
        .unwrap();
    let got = rows(&book.save_to_buffer().unwrap());
    assert_eq!(
        got,
        [
            row(1, &["Код", "Наименование"]),
            row(2, &["12", "Первая"]),
            row(5, &["1.5", "", "", "через столбец\nв две строки"]),
            (
                10,
                [vec![String::new(); 49], vec!["AX".to_string()]].concat()
            ),
            row(12, &["01.12.2026", "01.12.2026 14:30"]),
        ]
    );
}

/// The file that aborted the process: one cell at XFD1048576. calamine's
/// `worksheet_range` would allocate 17 billion cells; the stream refuses the cell.
#[test]
fn a_cell_far_right_is_refused_as_it_arrives_and_a_far_row_costs_nothing() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Код").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    assert!(bytes.len() < 10_000);
    assert_eq!(
        read(&bytes, &Limits::DEFAULT),
        Err(Refusal::TooManyColumns {
            row: 1_048_576,
            column: 16_384,
            max: 50
        })
    );

    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Код").unwrap();
    sheet.write_string(1_048_575, 0, "x").unwrap();
    assert_eq!(
        rows(&book.save_to_buffer().unwrap()),
        [row(1, &["Код"]), row(1_048_576, &["x"])]
    );
}

#[test]
fn xlsx_row_limit_counts_rows_with_content() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for r in 0..4 {
        sheet.write_string(r * 1000, 0, "x").unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let limits = |max_rows| Limits {
        max_rows,
        ..Limits::DEFAULT
    };
    assert_eq!(read(&bytes, &limits(4)).unwrap().rows.len(), 4);
    assert_eq!(
        read(&bytes, &limits(3)),
        Err(Refusal::TooManyRows { max: 3 })
    );
}

/// The parts of a workbook, some replaced or added: a crafted package.
fn repack(xlsx: &[u8], parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(vec![]));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..src.len() {
        let mut part = src.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        if parts.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let mut data = vec![];
        part.read_to_end(&mut data).unwrap();
        out.start_file(name, deflated).unwrap();
        out.write_all(&data).unwrap();
    }
    for (name, data) in parts {
        out.start_file(*name, deflated).unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn small_book() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Код").unwrap();
    sheet.write_string(1, 0, "Ф-1").unwrap();
    book.save_to_buffer().unwrap()
}

/// A sheet part of `cells` (`<c>` elements, inside one `<row>` each as given).
fn sheet_xml(dimension: &str, rows: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
         <dimension ref=\"{dimension}\"/><sheetData>{rows}</sheetData></worksheet>"
    )
    .into_bytes()
}

const SHEET: &str = "xl/worksheets/sheet1.xml";

#[test]
fn a_zip_bomb_is_refused_before_calamine_reads_it() {
    // The sheet's XML padded with 2 MiB of spaces (legal between elements): 2 KiB packed.
    let mut xml = sheet_xml(
        "A1",
        "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>",
    );
    let at = xml.len() - "</worksheet>".len();
    xml.splice(at..at, std::iter::repeat_n(b' ', 2 * MIB));
    let bomb = repack(&small_book(), &[(SHEET, &xml)]);
    assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
    let limits = Limits {
        max_part: MIB as u64,
        ..Limits::DEFAULT
    };
    assert_eq!(
        read(&bomb, &limits),
        Err(Refusal::Unpacked {
            max_bytes: MIB as u64
        })
    );
    // Within the limits the same file reads.
    assert_eq!(rows(&bomb), [row(1, &["x"])]);

    // Parts each within the part limit, too much together.
    let filler = vec![b' '; MIB / 2];
    let many = repack(
        &small_book(),
        &[("a.xml", &filler), ("b.xml", &filler), ("c.xml", &filler)],
    );
    let limits = Limits {
        max_part: MIB as u64,
        max_unpacked: MIB as u64 + MIB as u64 / 4,
        ..Limits::DEFAULT
    };
    assert_eq!(
        read(&many, &limits),
        Err(Refusal::Unpacked {
            max_bytes: limits.max_unpacked
        })
    );
}

/// Sets the uncompressed size a part's headers declare (local and central), as a crafted
/// package would, leaving its data as it is.
fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let name = name.as_bytes();
    let mut patched = 0;
    for at in 0..zip.len().saturating_sub(46) {
        let (size_at, name_len_at, name_at) = match &zip[at..at + 4] {
            b"PK\x03\x04" => (22, 26, 30),
            b"PK\x01\x02" => (24, 28, 46),
            _ => continue,
        };
        let len = u16::from_le_bytes([zip[at + name_len_at], zip[at + name_len_at + 1]]);
        if &zip[at + name_at..at + name_at + len as usize] == name {
            zip[at + size_at..at + size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "the local and the central header");
}

#[test]
fn a_header_that_lies_about_its_size_does_not_get_past() {
    let mut xml = sheet_xml(
        "A1",
        "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>",
    );
    let at = xml.len() - "</worksheet>".len();
    xml.splice(at..at, std::iter::repeat_n(b' ', 2 * MIB));
    let packed = repack(&small_book(), &[(SHEET, &xml)]);
    let limits = Limits {
        max_part: MIB as u64,
        ..Limits::DEFAULT
    };
    // Told the truth (the patch itself changes nothing), the part is refused for its size.
    let mut honest = packed.clone();
    declare_size(&mut honest, SHEET, xml.len() as u32);
    assert_eq!(rows(&honest), [row(1, &["x"])]);
    assert_eq!(
        read(&honest, &limits),
        Err(Refusal::Unpacked {
            max_bytes: MIB as u64
        })
    );
    // Declaring 1000 bytes does not get it past: inflating finds it out.
    let mut liar = packed;
    declare_size(&mut liar, SHEET, 1000);
    let r = read(&liar, &limits);
    assert!(
        matches!(
            r,
            Err(Refusal::Unpacked { .. }) | Err(Refusal::Unreadable(_))
        ),
        "{r:?}"
    );
}

/// calamine reserves room for the strings the shared strings part declares before reading
/// one: four billion of them would be 96 GB, an allocation failure, an abort.
#[test]
fn a_shared_strings_count_that_cannot_be_true_is_refused() {
    for count in ["4000000000", " 0004000000000 ", "+4000000000"] {
        let sst = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
             <sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
             count=\"1\" uniqueCount = '{count}'><si><t>Код</t></si></sst>"
        );
        let crafted = repack(&small_book(), &[("xl/sharedStrings.xml", sst.as_bytes())]);
        let r = read(&crafted, &Limits::DEFAULT);
        assert!(
            matches!(&r, Err(Refusal::Unreadable(why)) if why.contains("4000000000")),
            "{count}: {r:?}"
        );
    }
    // An honest count reads.
    let sst = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
               <sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
               count=\"2\" uniqueCount=\"2\"><si><t>Код</t></si><si><t>Ф-1</t></si></sst>";
    let honest = repack(&small_book(), &[("xl/sharedStrings.xml", sst.as_bytes())]);
    assert_eq!(rows(&honest), [row(1, &["Код"]), row(2, &["Ф-1"])]);
}

#[test]
fn crafted_sheets_are_read_by_row_or_refused_never_a_panic() {
    // Rows out of order, a cell without a position, a repeated cell.
    let xml = sheet_xml(
        "A1:B3",
        "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>третья</t></is></c></row>\
         <row r=\"1\"><c t=\"inlineStr\"><is><t>первая</t></is></c>\
         <c t=\"inlineStr\"><is><t>B1</t></is></c></row>\
         <row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><t>ещё</t></is></c></row>",
    );
    let shuffled = repack(&small_book(), &[(SHEET, &xml)]);
    assert_eq!(
        rows(&shuffled),
        [row(1, &["первая", "B1"]), row(3, &["третья", "ещё"])]
    );
    // A dimension whose corners are swapped: calamine subtracts them unchecked.
    let xml = sheet_xml("B5:A1", "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
    let swapped = repack(&small_book(), &[(SHEET, &xml)]);
    match read(&swapped, &Limits::DEFAULT) {
        Ok(t) => assert_eq!(
            t.rows,
            [Row {
                number: 1,
                cells: vec!["1".into()]
            }]
        ),
        Err(e) => assert!(matches!(e, Refusal::Unreadable(_)), "{e:?}"),
    }
    // Not XML at all.
    let broken = repack(&small_book(), &[(SHEET, b"<worksheet><sheetData><row")]);
    assert!(matches!(
        read(&broken, &Limits::DEFAULT),
        Err(Refusal::Unreadable(_))
    ));
}

#[test]
fn columns_are_named_as_a_spreadsheet_names_them() {
    let names: Vec<String> = [1, 26, 27, 50, 52, 702, 703, 16_384]
        .into_iter()
        .map(column_name)
        .collect();
    assert_eq!(names, ["A", "Z", "AA", "AX", "AZ", "ZZ", "AAA", "XFD"]);
}

#[test]
fn every_refusal_has_a_text_in_every_language() {
    let i = crate::i18n::I18n::load().unwrap();
    let refusals = [
        Refusal::TooLarge {
            max_bytes: 10 * MIB,
        },
        Refusal::Unpacked {
            max_bytes: 64 * MIB as u64,
        },
        Refusal::TooManyRows { max: 20_000 },
        Refusal::TooManyColumns {
            row: 1_048_576,
            column: 16_384,
            max: 50,
        },
        Refusal::NotATable,
        Refusal::NotUtf8 { line: 2 },
        Refusal::Unreadable("XLSX: <bad>".into()),
    ];
    for lang in [Lang::Ru, Lang::En] {
        for r in &refusals {
            let text = describe(&i, lang, r, &|s| s.replace('<', "&lt;"));
            assert!(!text.contains("sheet-"), "{text}");
            assert!(!text.contains("<bad>"), "escaped: {text}");
        }
    }
    let far = describe(&i, Lang::Ru, &refusals[3], &|s| s.to_string());
    assert!(far.contains("XFD1048576"), "{far}");
    assert!(far.contains("не больше 50 столбцов (до AX)"), "{far}");
    let bomb = describe(&i, Lang::Ru, &refusals[1], &|s| s.to_string());
    assert!(bomb.contains("больше 64 МБ"), "{bomb}");
}
