//! The whole `touchpoints export` process against the script a user would write instead
//! (issue 13, item 3): 10,000 rows to an XLSX in the Order's appendix form, each a process
//! of its own, side by side.
//!
//! Run: `cargo bench --bench xlsx_vs_python` (a plain binary, `harness = false`), after
//! `pip install xlsxwriter` for the other side (without it only touchpoints is measured).
//! Options after `--`: `--rows N` (10,000), `--runs N` (7), `--python PROGRAM` (`python3`).
//!
//! What it does:
//! 1. Makes a database of N rows (40 divisions, a function for every 4 rows, each row
//!    inserted as the bot inserts it: the row, its needs, its version and its audit record)
//!    under Cargo's target tmp dir, on disk. It is kept and reused while it holds N rows.
//! 2. Writes the list as CSV with `touchpoints export --format csv`: that is the Python
//!    script's input (`benches/xlsx_form.py`, which copies the rows into the same form).
//! 3. Runs each program once to warm the page cache, then `--runs` times, alternating:
//!    - `touchpoints --db DB export --format xlsx -o OUT` (the release binary);
//!    - `python3 benches/xlsx_form.py LIST.csv OUT`;
//!    - and, as the floor of start-up, `touchpoints export` of an empty database.
//!
//!    Time is the wall clock from spawn to exit; memory is the child's peak resident set
//!    (`ru_maxrss` from `wait4`), so each figure is the whole process: start-up, connecting,
//!    migrating, the query, rendering and the zip (or Python's interpreter, its imports,
//!    reading the CSV and writing the file).
//! 4. Prints a Markdown table (best, median, peak RSS, file size) and the ratio.
//!
//! `--phases` instead times the export's parts in this process (connect + migrate, the
//! query, the query with rendering, the zip), for profiling.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use touchpoints::db::{self, divisions, functions, touchpoints as tp};
use touchpoints::domain::record::Origin;
use touchpoints::domain::{Channel, Clients, Direction, Kind, Need, TouchpointData};

const TOUCHPOINTS: &str = env!("CARGO_BIN_EXE_touchpoints");
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/xlsx_form.py");

struct Opts {
    rows: usize,
    runs: usize,
    python: String,
    phases: bool,
}

fn opts() -> Opts {
    let mut o = Opts {
        rows: 10_000,
        runs: 7,
        python: "python3".into(),
        phases: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rows" => o.rows = args.next().and_then(|v| v.parse().ok()).unwrap_or(o.rows),
            "--runs" => o.runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(o.runs),
            "--python" => o.python = args.next().unwrap_or(o.python),
            "--phases" => o.phases = true,
            _ => {} // `cargo bench` passes `--bench`.
        }
    }
    o.runs = o.runs.max(1);
    o
}

/// Row `i` of the generated list: the same shapes as `benches/export.rs`.
fn data(i: usize, function_id: i64, direction: Direction) -> TouchpointData {
    let kind = Kind::ALL[i % Kind::ALL.len()];
    let channel = kind.fixed_channel().unwrap_or(if i.is_multiple_of(2) {
        Channel::Digital
    } else {
        Channel::Offline
    });
    let mut needs: std::collections::BTreeSet<Need> = [
        Need::ALL[i % 9],
        Need::ALL[(i + 3) % 9],
        Need::ALL[(i + 5) % 9],
    ]
    .into_iter()
    .filter(|n| *n != Need::Other)
    .collect();
    let other_need = i.is_multiple_of(7).then(|| {
        needs.insert(Need::Other);
        format!("Запись на личный приём к руководителю, номер {i}")
    });
    TouchpointData {
        direction,
        function_id,
        kind,
        channel,
        point: format!("https://lenobl.ru/services/{i}/appeal-form?step=1"),
        needs,
        other_need,
        features: (!i.is_multiple_of(5)).then(|| {
            format!(
                "Приём по предварительной записи, в рабочие дни с 9:00 до 18:00; \
                 ответ направляется в срок до 30 дней (точка {i})"
            )
        }),
        clients: Clients::Both,
        little_used: i.is_multiple_of(11),
    }
}

/// A database of `n` rows at `path`, made unless it is already there.
async fn database(path: &Path, n: usize) -> Result<(), String> {
    let pool = db::connect(path).await.map_err(|e| e.to_string())?;
    let have = tp::list_active(&pool, tp::Filter::default())
        .await
        .map_err(|e| e.to_string())?
        .len();
    if have == n {
        return Ok(());
    }
    pool.close().await;
    let _ = std::fs::remove_file(path);
    let pool = db::connect(path).await.map_err(|e| e.to_string())?;
    let e = |e: sqlx::Error| e.to_string();
    let mut tx = pool.begin().await.map_err(e)?;
    let mut division_ids = Vec::new();
    for d in 0..40 {
        let (div, _) = divisions::get_or_create(&mut tx, &format!("Отдел {d}"), 1)
            .await
            .map_err(e)?;
        division_ids.push(div.id);
    }
    let mut function = (usize::MAX, 0i64, 0i64);
    for i in 0..n {
        let direction = Direction::ALL[i * Direction::ALL.len() / n];
        if function.0 != i / 4 {
            let division_id = division_ids[(i / 4) % division_ids.len()];
            let id = functions::add(
                &mut tx,
                functions::NewFunction {
                    code: (!i.is_multiple_of(13))
                        .then(|| format!("Ф-{:05}", i / 4))
                        .as_deref(),
                    name: &format!(
                        "Рассмотрение обращений граждан, объединений граждан и юридических \
                         лиц № {}",
                        i / 4
                    ),
                    is_service: false,
                    direction,
                    division_id,
                    in_registry: i % 13 != 0,
                },
                1,
            )
            .await
            .map_err(e)?;
            function = (i / 4, id, division_id);
        }
        let d = data(i, function.1, direction);
        d.validate().map_err(|err| format!("row {i}: {err:?}"))?;
        tp::insert(
            &mut tx,
            &d,
            function.2,
            tp::Provenance {
                origin: Origin::Import("bench".into()),
                reported_by: None,
                accepted_by: Some(1),
            },
        )
        .await
        .map_err(|err| format!("row {i}: {err:?}"))?;
    }
    tx.commit().await.map_err(e)?;
    pool.close().await;
    Ok(())
}

/// A finished child: its wall time and peak resident set.
struct Run {
    wall: Duration,
    max_rss_kib: u64,
}

/// Runs a program to its end; its peak RSS is read from `wait4`'s resource usage.
fn run(program: &str, args: &[&str]) -> Result<Run, String> {
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("{program}: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value; wait4 fills it for our own child, which
    // `Child` never waits for (it is not used again).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if got != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("{program} {args:?} failed (status {status})"));
    }
    Ok(Run {
        wall,
        max_rss_kib: usage.ru_maxrss as u64,
    })
}

struct Side<'a> {
    name: &'a str,
    program: &'a str,
    args: Vec<String>,
    out: Option<PathBuf>,
    runs: Vec<Run>,
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn phases(db_path: &Path, dir: &Path) -> Result<(), String> {
    let e = |e: sqlx::Error| e.to_string();
    let t = Instant::now();
    let pool = db::connect(db_path).await.map_err(e)?;
    println!("connect + migrate: {}", ms(t.elapsed()));
    let t = Instant::now();
    let rows = tp::list_active(&pool, tp::Filter::default())
        .await
        .map_err(e)?;
    println!(
        "query, collected through sqlx ({} rows): {}",
        rows.len(),
        ms(t.elapsed())
    );
    let t = Instant::now();
    let mut n = 0;
    tp::read_active(db_path, tp::Filter::default(), |_| {
        n += 1;
        Ok::<(), ()>(())
    })
    .map_err(|e| format!("{e:?}"))?;
    println!(
        "query, read on this thread with rusqlite ({n} rows): {}",
        ms(t.elapsed())
    );
    let meta = touchpoints::export::Meta::for_filter(chrono::Utc::now().date_naive(), None, None);
    let t = Instant::now();
    let bytes = touchpoints::export::render(touchpoints::export::Format::Xlsx, &rows, &meta)
        .map_err(|e| e.to_string())?;
    println!(
        "render in memory (standard mode, {} B): {}",
        bytes.len(),
        ms(t.elapsed())
    );
    let t = Instant::now();
    let done = touchpoints::export::export_to_file(
        &pool,
        &touchpoints::export::FileExport {
            format: touchpoints::export::Format::Xlsx,
            direction: None,
            division: None,
            output: &dir.join("phases.xlsx"),
            made_on: chrono::Utc::now().date_naive(),
            at: None,
            offset: chrono::FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!()),
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    println!(
        "export_to_file, streamed ({} rows, {} B): {}",
        done.rows,
        done.bytes,
        ms(t.elapsed())
    );
    Ok(())
}

async fn bench(o: &Opts) -> Result<(), String> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("xlsx_vs_python");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let db_path = dir.join(format!("list-{}.db", o.rows));
    let t = Instant::now();
    database(&db_path, o.rows).await?;
    eprintln!("database of {} rows ready in {}", o.rows, ms(t.elapsed()));
    if o.phases {
        return phases(&db_path, &dir).await;
    }
    let empty_db = dir.join("empty.db");
    let _ = std::fs::remove_file(&empty_db);
    db::connect(&empty_db)
        .await
        .map_err(|e| e.to_string())?
        .close()
        .await;
    let csv = dir.join("list.csv");
    let s = |p: &Path| p.display().to_string();
    run(
        TOUCHPOINTS,
        &[
            "--db",
            &s(&db_path),
            "export",
            "--format",
            "csv",
            "-o",
            &s(&csv),
        ],
    )?;

    let tp_out = dir.join("touchpoints.xlsx");
    let py_out = dir.join("python.xlsx");
    let empty_out = dir.join("empty.xlsx");
    let export_args = |db: &Path, out: &Path| {
        ["--db", &s(db), "export", "--format", "xlsx", "-o", &s(out)]
            .map(String::from)
            .to_vec()
    };
    let mut sides = vec![Side {
        name: "touchpoints export (Rust)",
        program: TOUCHPOINTS,
        args: export_args(&db_path, &tp_out),
        out: Some(tp_out),
        runs: vec![],
    }];
    let python_ok = Command::new(&o.python)
        .args(["-c", "import xlsxwriter"])
        .status()
        .is_ok_and(|s| s.success());
    if python_ok {
        sides.push(Side {
            name: "benches/xlsx_form.py (Python, XlsxWriter)",
            program: &o.python,
            args: vec![SCRIPT.into(), s(&csv), s(&py_out)],
            out: Some(py_out),
            runs: vec![],
        });
    } else {
        eprintln!(
            "{}: no xlsxwriter (pip install xlsxwriter); Python skipped",
            o.python
        );
    }
    sides.push(Side {
        name: "touchpoints export of an empty list (start-up floor)",
        program: TOUCHPOINTS,
        args: export_args(&empty_db, &empty_out),
        out: None,
        runs: vec![],
    });
    for round in 0..=o.runs {
        for side in &mut sides {
            let args: Vec<&str> = side.args.iter().map(String::as_str).collect();
            let r = run(side.program, &args)?;
            if round > 0 {
                side.runs.push(r);
            }
        }
    }
    println!(
        "{} rows, {} runs each after one warm-up, alternating; peak RSS = ru_maxrss of the process",
        o.rows, o.runs
    );
    println!();
    println!("| program | best | median | peak RSS (max of runs) | file |");
    println!("|---|---|---|---|---|");
    for side in &sides {
        let best = side.runs.iter().map(|r| r.wall).min().unwrap_or_default();
        let med = median(side.runs.iter().map(|r| r.wall).collect());
        let rss = side.runs.iter().map(|r| r.max_rss_kib).max().unwrap_or(0);
        let size = side
            .out
            .as_ref()
            .and_then(|p| std::fs::metadata(p).ok())
            .map(|m| format!("{:.2} MiB", m.len() as f64 / 1_048_576.0))
            .unwrap_or_else(|| "-".into());
        println!(
            "| {} | {} | {} | {:.1} MiB | {size} |",
            side.name,
            ms(best),
            ms(med),
            rss as f64 / 1024.0
        );
    }
    if python_ok {
        let med = |i: usize| median(sides[i].runs.iter().map(|r| r.wall).collect());
        println!();
        println!(
            "touchpoints is {:.1}× faster than the script (medians)",
            med(1).as_secs_f64() / med(0).as_secs_f64()
        );
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let o = opts();
    if let Err(e) = bench(&o).await {
        eprintln!("xlsx_vs_python: {e}");
        std::process::exit(1);
    }
}
