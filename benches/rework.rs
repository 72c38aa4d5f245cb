//! What return for correction adds to the queries every report goes through: a report is
//! «waiting» when it is pending or returned and not yet sent again (a `NOT EXISTS` on the
//! chain's index), every report read names its successor (a correlated subquery), and `/my`
//! shows each report's chain (a recursive query).
//!
//! Run: `cargo bench --bench rework` (a plain binary, `harness = false`; prints a Markdown
//! table). A database in a temporary file holds 10,000 rows and 30,000 reports in 10,000
//! chains of three (returned → returned → pending; 1,000 reporters); then each operation is
//! timed over many calls, reporting the median and the 99th percentile of one call.

use std::time::{Duration, Instant};

use touchpoints::db;
use touchpoints::db::requests::{Content, Submission, Submitted};
use touchpoints::domain::Action;

const CHAINS: i64 = 10_000;
const CALLS: usize = 1_000;

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn row(name: &str, v: Vec<Duration>) {
    println!(
        "| {name} | {} | {:.3} ms | {:.3} ms |",
        v.len(),
        percentile(v.clone(), 0.5).as_secs_f64() * 1e3,
        percentile(v, 0.99).as_secs_f64() * 1e3
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let pool = db::connect(&dir.path().join("bench.db")).await.unwrap();
    let t = "2026-12-01T10:00:00Z";
    let data = r#"{"direction":"Appeals","function_id":1,"kind":"Website","channel":"Digital","point":"p","needs":["Information"],"features":null,"clients":"External","little_used":false}"#;
    let started = Instant::now();
    sqlx::raw_sql(&format!(
        "INSERT INTO divisions (id, name, name_key, created_at) VALUES (1, 'Отдел', 'отдел', '{t}');
         INSERT INTO functions (id, code, name, direction, division_id, created_at)
             VALUES (1, 'Ф-1', 'Функция', '3.5.1', 1, '{t}');
         WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < {CHAINS})
         INSERT INTO touchpoints (id, function_id, division_id, direction, kind, channel, point,
                 point_key, clients, created_at, updated_at)
             SELECT k, 1, 1, '3.5.1', '4.2.1', 'digital', 'p' || k, 'k' || k, 'external', '{t}', '{t}'
             FROM n;
         WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < {CHAINS} * 3 - 1)
         INSERT INTO change_requests (id, action, touchpoint_id, division_id, reporter_id, payload,
                 reason_kind, status, created_at, function_id, point_key, idempotency_key,
                 previous_id)
             SELECT k + 1, 'change', k / 3 + 1, 1, 1000 + (k / 3) % 1000, '{data}', 'other',
                    CASE k % 3 WHEN 2 THEN 'pending' ELSE 'returned' END, '{t}', 1,
                    'k' || (k / 3 + 1), 'key' || k,
                    CASE k % 3 WHEN 0 THEN NULL ELSE k END
             FROM n;"
    ))
    .execute(&pool)
    .await
    .unwrap();
    eprintln!("seeded in {:.1?}", started.elapsed());

    println!("| operation ({CHAINS} chains of 3 reports) | calls | p50 | p99 |");
    println!("|---|---|---|---|");

    // /my: a page of 5 reports of one reporter (30 each), every one with its chain.
    let mut v = vec![];
    for i in 0..CALLS {
        let reporter = 1000 + (i as i64 * 7) % 1000;
        let s = Instant::now();
        let page = db::requests::by_reporter(&pool, reporter, 5, (i as i64 % 6) * 5)
            .await
            .unwrap();
        for r in &page {
            if r.previous_id.is_some() || r.resent_as.is_some() {
                db::requests::chain(&pool, r.id).await.unwrap();
            }
        }
        v.push(s.elapsed());
    }
    row("`/my` page: 5 reports and their chains", v);

    // Whether a row is taken (every /change, /exclude pick and every sending).
    let mut v = vec![];
    for i in 0..CALLS {
        let row_id = 1 + (i as i64 * 97) % CHAINS;
        let s = Instant::now();
        let taken = db::requests::pending_on_row(&pool, row_id, None)
            .await
            .unwrap();
        v.push(s.elapsed());
        assert_eq!(taken, Some((row_id - 1) * 3 + 3));
    }
    row("a row taken? (`pending_on_row`)", v);

    // Return a pending report (the last of a chain), then send it again corrected: the
    // transaction checks the chain, the row, the point, and writes the report.
    let mut back = vec![];
    let mut again = vec![];
    for i in 0..CALLS as i64 {
        let id = i * 3 + 3;
        let s = Instant::now();
        let o = db::review::send_back(&pool, id, 1, "Уточните", true)
            .await
            .unwrap();
        back.push(s.elapsed());
        assert!(matches!(o, db::review::Outcome::Done { .. }), "{o:?}");
        let r = db::requests::get(&pool, id).await.unwrap().unwrap();
        let mut corrected = r.payload.clone().unwrap();
        corrected.features = Some(format!("Исправлено {i}"));
        corrected.point = format!("p{i}");
        let key = format!("again{i}");
        let s = Instant::now();
        let made = db::requests::submit(
            &pool,
            Submission {
                action: Action::Change,
                row_id: r.touchpoint_id,
                division_id: 1,
                reporter_id: r.reporter_id,
                content: Content::Row {
                    data: corrected,
                    typed_function: None,
                },
                base_version: Some(1),
                previous: Some(id),
                restores_version: None,
                key: &key,
                chat_id: r.reporter_id,
            },
        )
        .await
        .unwrap();
        again.push(s.elapsed());
        assert!(matches!(made, Submitted::Made(_)), "{made:?}");
    }
    row("return for correction (`send_back`)", back);
    row("send again after correction (`submit`)", again);
}
