//! How long loading the existing list takes (issue 11, item 6): a file of 10,000 rows in
//! the appendix form, as `/list` writes it, into a database holding the Registry it names
//! (300 functions in 40 divisions) and an empty list.
//!
//! Run: `cargo bench --bench list_import` (a plain binary, `harness = false`; the figures
//! are printed as a Markdown table). Each run takes a fresh database file. Phases:
//! - `read`: `listfile::parse` — the bounded reader and every row read column by column;
//! - `check`: `db::list_import::stage` — the rows matched to the Registry and the list,
//!   and staged (what a preview costs);
//! - `apply`: `db::list_import::apply` — one write transaction adding every row with its
//!   needs, first version and audit record;
//! - `total`: the three, what a person waits for from sending the file to the rows being
//!   in the list (less the preview's reading time and Telegram).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use touchpoints::db::{self, divisions, functions};
use touchpoints::domain::{
    Channel, Clients, Direction, Kind, Need, Row, RowStatus, TouchpointData,
};
use touchpoints::export::{self, Format, Meta};
use touchpoints::listfile;

const ROWS: usize = 10_000;
const FUNCTIONS: usize = 300;
const DIVISIONS: usize = 40;
const RUNS: usize = 5;

fn function_name(f: usize) -> String {
    format!("Рассмотрение обращений граждан и организаций, процесс № {f}")
}

fn direction(f: usize) -> Direction {
    Direction::ALL[f % 3]
}

/// The rows of the file, as the list would hold them.
fn rows() -> Vec<Row> {
    (0..ROWS)
        .map(|i| {
            let f = i % FUNCTIONS;
            let kind = Kind::ALL[i % Kind::ALL.len()];
            let needs: BTreeSet<Need> = [Need::ALL[i % 9], Need::ALL[(i + 3) % 9]].into();
            Row {
                id: i as i64 + 1,
                data: TouchpointData {
                    direction: direction(f),
                    function_id: f as i64 + 1,
                    kind,
                    channel: kind.fixed_channel().unwrap_or(Channel::Offline),
                    point: format!("Суворовский пр., д. {}, каб. {}", i / 100, i % 100),
                    needs,
                    other_need: None,
                    features: (i % 4 == 0).then(|| "По предварительной записи".to_string()),
                    clients: Clients::External,
                    little_used: i % 10 == 0,
                },
                function_name: function_name(f),
                function_code: Some(format!("Ф-{f:04}")),
                function_in_registry: true,
                division_id: (f % DIVISIONS) as i64 + 1,
                division_name: format!("Отдел {}", f % DIVISIONS),
                status: RowStatus::Active,
                version: 1,
            }
        })
        .collect()
}

async fn database(dir: &std::path::Path, run: usize) -> sqlx::SqlitePool {
    let pool = db::connect(&dir.join(format!("run{run}.db")))
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    for f in 0..FUNCTIONS {
        let (d, _) = divisions::get_or_create(&mut tx, &format!("Отдел {}", f % DIVISIONS), 1)
            .await
            .unwrap();
        functions::add(
            &mut tx,
            functions::NewFunction {
                code: Some(&format!("Ф-{f:04}")),
                name: &function_name(f),
                is_service: false,
                direction: direction(f),
                division_id: d.id,
                in_registry: true,
            },
            1,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    pool
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn summary(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[0], v[v.len() / 2])
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let rows = rows();
    let meta = Meta {
        made_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        scope: None,
        as_of: None,
    };
    println!("| format | file | read | check | apply | total (best) | total (median) |");
    println!("|---|---|---|---|---|---|---|");
    let mut run = 0;
    for format in [Format::Xlsx, Format::Csv] {
        let bytes = export::render(format, &rows, &meta).unwrap();
        let mut phases: [Vec<Duration>; 4] = Default::default();
        for _ in 0..RUNS {
            run += 1;
            let pool = database(dir.path(), run).await;
            let t = Instant::now();
            let parsed = listfile::parse(&bytes).unwrap();
            let read = t.elapsed();
            let t = Instant::now();
            let staged =
                db::list_import::stage(&pool, Some(1), "перечень", &parsed.rows, Utc::now())
                    .await
                    .unwrap()
                    .unwrap();
            let check = t.elapsed();
            assert_eq!(staged.plan.adds.len(), ROWS);
            let t = Instant::now();
            let applied = db::list_import::apply(&pool, staged.upload_id, Some(1), Utc::now())
                .await
                .unwrap()
                .unwrap();
            let apply = t.elapsed();
            assert_eq!(applied.row_ids.len(), ROWS);
            for (p, d) in phases
                .iter_mut()
                .zip([read, check, apply, read + check + apply])
            {
                p.push(d);
            }
            pool.close().await;
        }
        let [read, check, apply, total] = phases.map(summary);
        println!(
            "| {} | {:.2} MiB | {} | {} | {} | {} | {} |",
            format.extension(),
            bytes.len() as f64 / (1024.0 * 1024.0),
            ms(read.1),
            ms(check.1),
            ms(apply.1),
            ms(total.0),
            ms(total.1),
        );
    }
    println!("\n(read, check, apply: medians of {RUNS} runs; {ROWS} rows)");
}
