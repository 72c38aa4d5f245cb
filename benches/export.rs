//! How long the list takes to render, and how big and memory-hungry it gets, at 10,000
//! rows (issue 5) — in each format.
//!
//! Run: `cargo bench --bench export` (a plain binary, `harness = false`: no criterion, the
//! figures are printed as a Markdown table). The rows are built in memory; no database.
//!
//! Time: wall clock around `touchpoints::export::render`, best and median of a few runs.
//!
//! Memory: each format runs in a child process of its own (this binary with `--one
//! <format>`), because the allocator keeps freed memory, so a format measured after
//! another would inherit its peak. In the child, after the rows are built, the kernel's
//! peak resident set size is reset to the current one (writing `5` to
//! `/proc/self/clear_refs`, Linux 4.0+), the format is rendered `RUNS` times, and `VmHWM`
//! from `/proc/self/status` is read: "peak RSS" is the child's high-water mark, rows
//! included, and the last column is that peak less the resident size just before
//! rendering — the memory rendering itself took. Where the reset is refused the row says
//! so (the peak is then still the child's own, rows and all).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use touchpoints::domain::{
    Channel, Clients, Direction, Kind, Need, Row, RowStatus, TouchpointData,
};
use touchpoints::export::{self, Format, Meta};

const ROWS: usize = 10_000;
const RUNS: usize = 5;

/// A `kB` field of /proc/self/status, e.g. `VmHWM`, in KiB.
fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// Resets the peak RSS to the current RSS; false where the kernel refuses.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn rows() -> Vec<Row> {
    let kinds = Kind::ALL;
    (0..ROWS)
        .map(|i| {
            let direction = Direction::ALL[i * Direction::ALL.len() / ROWS];
            let kind = kinds[i % kinds.len()];
            let channel = kind.fixed_channel().unwrap_or(if i % 2 == 0 {
                Channel::Digital
            } else {
                Channel::Offline
            });
            let mut needs: BTreeSet<Need> = [
                Need::ALL[i % 9],
                Need::ALL[(i + 3) % 9],
                Need::ALL[(i + 5) % 9],
            ]
            .into_iter()
            .collect();
            let other_need = (i % 7 == 0).then(|| {
                needs.insert(Need::Other);
                format!("Запись на личный приём к руководителю, номер {i}")
            });
            Row {
                id: i as i64 + 1,
                data: TouchpointData {
                    direction,
                    function_id: (i / 4) as i64 + 1,
                    kind,
                    channel,
                    point: format!("https://lenobl.ru/services/{i}/appeal-form?step=1"),
                    needs,
                    other_need,
                    features: (i % 5 != 0).then(|| {
                        format!(
                            "Приём по предварительной записи, в рабочие дни с 9:00 до 18:00; \
                             ответ направляется в срок до 30 дней (точка {i})"
                        )
                    }),
                    clients: Clients::Both,
                    little_used: i % 11 == 0,
                },
                function_name: format!(
                    "Рассмотрение обращений граждан, объединений граждан и юридических лиц № {}",
                    i / 4
                ),
                function_code: (i % 13 != 0).then(|| format!("Ф-{:05}", i / 4)),
                function_in_registry: i % 13 != 0,
                division_id: (i % 40) as i64 + 1,
                division_name: format!("Отдел {}", i % 40),
                status: RowStatus::Active,
                version: 1,
            }
        })
        .collect()
}

/// Renders one format `RUNS` times and prints its table row. Runs in a process of its own,
/// so that its peak memory is its own.
fn one(format: Format) {
    let rows = rows();
    let meta = Meta {
        made_on: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default(),
        scope: None,
        as_of: None,
    };
    let before = status_kb("VmRSS").unwrap_or(0);
    let reset = reset_peak();
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut size = 0;
    for _ in 0..RUNS {
        let t = Instant::now();
        let bytes = match export::render(format, &rows, &meta) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{}: {e}", format.extension());
                std::process::exit(1);
            }
        };
        times.push(t.elapsed());
        size = bytes.len();
        drop(std::hint::black_box(bytes));
    }
    let peak = status_kb("VmHWM").unwrap_or(0);
    times.sort();
    println!(
        "| {} | {:.0} ms | {:.0} ms | {:.2} MiB ({size} B) | {:.1} MiB | {:.1} MiB |{}",
        format.extension(),
        times[0].as_secs_f64() * 1e3,
        times[RUNS / 2].as_secs_f64() * 1e3,
        size as f64 / 1_048_576.0,
        peak as f64 / 1024.0,
        peak.saturating_sub(before) as f64 / 1024.0,
        if reset { "" } else { " (peak not reset)" },
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a child is started with `--one <format>`.
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--one") {
        match args.get(i + 1).and_then(|f| Format::from_code(f)) {
            Some(f) => one(f),
            None => {
                eprintln!("--one needs xlsx, docx or csv");
                std::process::exit(2);
            }
        }
        return;
    }
    let rows_rss = {
        let before = status_kb("VmRSS").unwrap_or(0);
        let rows = rows();
        let after = status_kb("VmRSS").unwrap_or(0);
        drop(std::hint::black_box(rows));
        after.saturating_sub(before)
    };
    println!(
        "{ROWS} rows, built in memory (about {:.1} MiB resident); {RUNS} runs a format, \
         each format in a fresh process",
        rows_rss as f64 / 1024.0
    );
    println!();
    println!("| format | best | median | size | peak RSS | peak less RSS before rendering |");
    println!("|---|---|---|---|---|---|");
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("cannot find this program: {e}");
            std::process::exit(1);
        }
    };
    for format in Format::ALL {
        let status = std::process::Command::new(&exe)
            .args(["--one", format.extension()])
            .status();
        if !matches!(status, Ok(s) if s.success()) {
            eprintln!("{}: the run failed: {status:?}", format.extension());
            std::process::exit(1);
        }
    }
}
