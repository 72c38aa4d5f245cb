//! Telling both sides while a report waits (issue 15): which authors are due a notice that
//! their report is still under review (once per report, claimed before it is sent), and the
//! days whose digest for the authorized persons was decided (claimed once per day).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqlitePool;

use super::{parse_ts, ts};

/// A report still under review whose author has not been told so: (id, author, sent at).
pub async fn due(
    pool: &SqlitePool,
    sent_before: DateTime<Utc>,
) -> Result<Vec<(i64, i64, DateTime<Utc>)>, sqlx::Error> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, reporter_id, created_at FROM change_requests
         WHERE status = 'pending' AND notice_sent_at IS NULL AND created_at <= ?
         ORDER BY id",
    )
    .bind(ts(sent_before))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, reporter, at)| (id, reporter, parse_ts(&at)))
        .collect())
}

/// Claims the notice of a report (before it is sent): `false` when it was claimed already
/// or the report no longer waits. A crash between the claim and the send loses that one
/// notice, never sends it twice.
pub async fn claim(pool: &SqlitePool, id: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE change_requests SET notice_sent_at = ?
         WHERE id = ? AND notice_sent_at IS NULL AND status = 'pending'",
    )
    .bind(ts(now))
    .bind(id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Decides a day's digest: `true` when this call decided it (the first on that day), with
/// how many reports waited.
pub async fn decide_day(
    pool: &SqlitePool,
    day: NaiveDate,
    waiting: usize,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT OR IGNORE INTO review_digests (day, decided_at, waiting) VALUES (?, ?, ?)",
    )
    .bind(day.format("%Y-%m-%d").to_string())
    .bind(ts(now))
    .bind(waiting as i64)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether a day's digest was decided.
pub async fn day_decided(pool: &SqlitePool, day: NaiveDate) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM review_digests WHERE day = ?")
        .bind(day.format("%Y-%m-%d").to_string())
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}
