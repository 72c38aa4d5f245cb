//! How long the changes of a period take at 10,000 changes (issue 11, item 5): reading
//! them from the versions (`db::versions::changes`: the versions, the one each replaced,
//! the report's reason, the people's names), laying them out, and rendering XLSX and CSV.
//!
//! Run: `cargo bench --bench changes` (a plain binary, `harness = false`). A database in a
//! temporary file gets 5,000 rows, each added and then changed (10,000 versions), written
//! through `db::touchpoints` as the bot writes them. Best and median of a few runs; the
//! peak resident set size of the whole process (`VmHWM`) at the end.

use std::time::{Duration, Instant};

use chrono::{FixedOffset, Utc};
use touchpoints::db;
use touchpoints::db::functions::NewFunction;
use touchpoints::db::touchpoints::Provenance;
use touchpoints::domain::record::Origin;
use touchpoints::domain::{Channel, Clients, Direction, Kind, Lang, Need, TouchpointData};
use touchpoints::export::changes::{self, ChangesFormat, Request};
use touchpoints::i18n::I18n;

const ROWS: usize = 5_000;
const RUNS: usize = 5;

fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn data(function_id: i64, i: usize) -> TouchpointData {
    TouchpointData {
        direction: Direction::Appeals,
        function_id,
        kind: Kind::Website,
        channel: Channel::Digital,
        point: format!("https://lenobl.ru/services/{i}/appeal-form"),
        needs: [Need::Information, Need::Application].into_iter().collect(),
        other_need: None,
        features: Some(format!("Приём по предварительной записи (точка {i})")),
        clients: Clients::External,
        little_used: false,
    }
}

fn time<T>(mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut times = vec![];
    let mut last = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    times.sort();
    (times[0], times[RUNS / 2], last.unwrap())
}

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pool = rt
        .block_on(db::connect(&dir.path().join("bench.db")))
        .unwrap();
    let start = Utc::now() - chrono::Duration::seconds(1);
    rt.block_on(async {
        let mut tx = pool.begin().await.unwrap();
        let (d, _) = db::divisions::get_or_create(&mut tx, "Отдел обращений", 1)
            .await
            .unwrap();
        db::people::assign(
            &mut tx,
            1,
            "Анна",
            touchpoints::domain::Role::Admin,
            None,
            Lang::Ru,
            None,
        )
        .await
        .unwrap();
        let f = db::functions::add(
            &mut tx,
            NewFunction {
                code: Some("Ф-012"),
                name: "Рассмотрение обращений граждан",
                is_service: false,
                direction: Direction::Appeals,
                division_id: d.id,
                in_registry: true,
            },
            1,
        )
        .await
        .unwrap();
        let who = || Provenance {
            origin: Origin::Import("перечень.xlsx".into()),
            reported_by: None,
            accepted_by: Some(1),
        };
        for i in 0..ROWS {
            let id = db::touchpoints::insert(&mut tx, &data(f, i), d.id, who())
                .await
                .unwrap();
            let mut changed = data(f, i);
            changed.needs.insert(Need::Consultation);
            db::touchpoints::update(&mut tx, id, &changed, who())
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    });
    let end = Utc::now() + chrono::Duration::seconds(1);
    let i18n = I18n::load().unwrap();
    let offset = FixedOffset::east_opt(3 * 3600).unwrap();
    let today = changes::today(offset);
    let req = Request {
        format: ChangesFormat::Xlsx,
        from: today,
        to: today,
    };

    let (best, median, found) = time(|| {
        rt.block_on(db::versions::changes(&pool, start, end))
            .unwrap()
    });
    assert_eq!(found.len(), 2 * ROWS);
    println!("10,000 changes (5,000 rows added, then changed), release:\n");
    println!("| step | best | median | size |");
    println!("|---|---|---|---|");
    println!(
        "| read (`db::versions::changes`) | {} | {} | |",
        ms(best),
        ms(median)
    );
    let (best, median, table) = time(|| changes::table(&i18n, Lang::Ru, offset, &req, &found));
    println!("| lay out (`table`) | {} | {} | |", ms(best), ms(median));
    for format in [ChangesFormat::Xlsx, ChangesFormat::Csv] {
        let (best, median, bytes) = time(|| changes::render(format, &table).unwrap());
        println!(
            "| render {} | {} | {} | {:.2} MiB |",
            format.extension(),
            ms(best),
            ms(median),
            bytes.len() as f64 / (1024.0 * 1024.0)
        );
    }
    if let Some(kb) = status_kb("VmHWM") {
        println!("\nPeak RSS of the whole run: {:.1} MiB", kb as f64 / 1024.0);
    }
}
