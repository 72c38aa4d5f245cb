//! How long the one bounded reader (`touchpoints::sheet`) takes, and how much memory, on the
//! largest files it accepts and on the crafted ones it refuses.
//!
//! Run: `cargo bench --bench sheet` (a plain binary, `harness = false`; the figures are
//! printed as a Markdown table). The files are made and written to a temporary directory
//! first; then each case runs in a child process of its own (this binary with `--one <case>
//! <file>`), which reads its file into memory and resets its peak resident set
//! (`/proc/self/clear_refs`, as `benches/export.rs` does): "peak RSS" is the child's
//! high-water mark, the file included, and "reading took" that peak less the resident size
//! just before reading.
//!
//! Cases:
//! - `registry-csv`, `registry-xlsx`: a Registry of 20,000 rows (the most it may have),
//!   through `registry::parse` (reading and checking);
//! - `list-csv`, `list-xlsx`: 10,000 rows of six columns of list-like text (issue 11's
//!   import), through `sheet::read`;
//! - `far-cell`: one cell at XFD1048576 (aborted the process before);
//! - `bomb`: a sheet that inflates to 65 MiB (honest sizes: refused by its header);
//! - `bomb-lying`: the same, its headers declaring 1,000 bytes (inflated until found out);
//! - `padded-60`: a sheet padded to 60 MiB, just within the limits: the most work a crafted
//!   file can cause and still be read (inflated twice: checked, then parsed).

use std::io::{Cursor, Read, Write};
use std::time::{Duration, Instant};

use touchpoints::sheet::{self, Limits};

const RUNS: usize = 5;
const CASES: [&str; 8] = [
    "registry-csv",
    "registry-xlsx",
    "list-csv",
    "list-xlsx",
    "far-cell",
    "bomb",
    "bomb-lying",
    "padded-60",
];

fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn registry_rows() -> Vec<[String; 5]> {
    (1..20_000)
        .map(|i| {
            [
                format!("Ф-{i:05}"),
                format!("Рассмотрение обращений граждан и юридических лиц, процесс № {i}"),
                if i % 3 == 0 {
                    "сервис"
                } else {
                    "функция"
                }
                .to_string(),
                format!("3.5.{}", i % 3 + 1),
                format!("Отдел {}", i % 40),
            ]
        })
        .collect()
}

const REGISTRY_HEADER: [&str; 5] = ["Код", "Наименование", "Вид", "Направление", "Подразделение"];

fn list_rows() -> Vec<[String; 6]> {
    (0..10_000)
        .map(|i| {
            [
                (i + 1).to_string(),
                "Рассмотрение обращений граждан".to_string(),
                format!(
                    "Рассмотрение обращений граждан, объединений граждан № {}",
                    i / 4
                ),
                format!("Официальный сайт: https://lenobl.ru/services/{i}/appeal (цифровая)"),
                "Получение информации\nПодача обращения\nЗапись на приём".to_string(),
                format!(
                    "Приём по предварительной записи, в рабочие дни с 9:00 до 18:00; ответ \
                     направляется в срок до 30 дней (точка {i})"
                ),
            ]
        })
        .collect()
}

fn csv_of<const N: usize>(header: &[&str], rows: &[[String; N]]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

fn xlsx_of<const N: usize>(header: &[&str], rows: &[[String; N]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

fn far_cell() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Код").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    book.save_to_buffer().unwrap()
}

const SHEET: &str = "xl/worksheets/sheet1.xml";

fn bomb(padding: usize, lying: bool) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "Код").unwrap();
    let good = book.save_to_buffer().unwrap();
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
        if name == SHEET {
            // Inside the sheet's data, where calamine reads it too.
            let end = b"</sheetData>";
            let at = data.windows(end.len()).position(|w| w == end).unwrap();
            data.splice(at..at, std::iter::repeat_n(b' ', padding));
        }
        out.start_file(name, deflated).unwrap();
        out.write_all(&data).unwrap();
    }
    let mut zip = out.finish().unwrap().into_inner();
    if lying {
        // The uncompressed size in the local and the central header.
        for at in 0..zip.len().saturating_sub(46) {
            let (size_at, name_len_at, name_at) = match &zip[at..at + 4] {
                b"PK\x03\x04" => (22, 26, 30),
                b"PK\x01\x02" => (24, 28, 46),
                _ => continue,
            };
            let len = u16::from_le_bytes([zip[at + name_len_at], zip[at + name_len_at + 1]]);
            if &zip[at + name_at..at + name_at + len as usize] == SHEET.as_bytes() {
                zip[at + size_at..at + size_at + 4].copy_from_slice(&1000u32.to_le_bytes());
            }
        }
    }
    zip
}

fn make(case: &str) -> Vec<u8> {
    match case {
        "registry-csv" => csv_of(&REGISTRY_HEADER, &registry_rows()),
        "registry-xlsx" => xlsx_of(&REGISTRY_HEADER, &registry_rows()),
        "list-csv" => csv_of(&["№", "2", "3", "4", "5", "6"], &list_rows()),
        "list-xlsx" => xlsx_of(&["№", "2", "3", "4", "5", "6"], &list_rows()),
        "far-cell" => far_cell(),
        "bomb" => bomb(65 << 20, false),
        "bomb-lying" => bomb(65 << 20, true),
        "padded-60" => bomb(60 << 20, false),
        _ => unreachable!("the cases are listed in CASES"),
    }
}

/// Reads the file of one case `RUNS` times and prints its table row.
fn one(case: &str, path: &str) {
    let bytes = std::fs::read(path).expect("the case's file");
    let before = status_kb("VmRSS").unwrap_or(0);
    let reset = reset_peak();
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut outcome = String::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        outcome = if case.starts_with("registry") {
            match touchpoints::registry::parse(&bytes) {
                Ok(e) => format!("{} entries", e.len()),
                Err(e) => format!("{e:?}"),
            }
        } else {
            match sheet::read(&bytes, &Limits::DEFAULT) {
                Ok(t) => format!("{} rows", t.rows.len()),
                Err(e) => format!("{e:?}"),
            }
        };
        times.push(t.elapsed());
    }
    let peak = status_kb("VmHWM").unwrap_or(0);
    times.sort();
    let outcome: String = outcome.chars().take(60).collect();
    println!(
        "| {case} | {:.2} MiB | {outcome} | {:.1} ms | {:.1} ms | {:.1} MiB | {:.1} MiB |{}",
        bytes.len() as f64 / 1_048_576.0,
        times[0].as_secs_f64() * 1e3,
        times[RUNS / 2].as_secs_f64() * 1e3,
        peak as f64 / 1024.0,
        peak.saturating_sub(before) as f64 / 1024.0,
        if reset { "" } else { " (peak not reset)" },
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--one") {
        let (case, path) = (&args[i + 1], &args[i + 2]);
        one(case, path);
        return;
    }
    // The files are made here, so that a child's memory is the reading's alone.
    let dir = std::env::temp_dir().join(format!("touchpoints-sheet-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let me = std::env::current_exe().expect("the bench binary");
    println!("| file | size | outcome | best | median | peak RSS | reading took |");
    println!("|---|---|---|---|---|---|---|");
    for case in CASES {
        let path = dir.join(case);
        std::fs::write(&path, make(case)).expect("the case's file written");
        let status = std::process::Command::new(&me)
            .args(["--one", case])
            .arg(&path)
            .status()
            .expect("a child");
        if !status.success() {
            println!("| {case} | failed: {status} | | | | | |");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
