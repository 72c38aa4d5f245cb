//! Reminders (5.2) and confirmations that a division's rows are current. Due times live
//! here, so reminders survive restarts; each head's reminder of a round is claimed (a row
//! inserted, or a retry taken) before it is sent, so none is ever sent twice, and what came
//! of the send is recorded after it: delivered, to be tried again, unreachable, refused.
//! A round stays open from its due time until its summary is due: its failed sends are
//! tried again meanwhile; closing it schedules the next.

use chrono::{DateTime, Duration, Utc};
use sqlx::SqlitePool;

use super::{audit, begin_write, parse_ts, ts};

/// A round of reminders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub id: i64,
    pub due_at: DateTime<Utc>,
    pub summary_due_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct RoundRow {
    id: i64,
    due_at: String,
    summary_due_at: String,
}

impl From<RoundRow> for Round {
    fn from(r: RoundRow) -> Self {
        Round {
            id: r.id,
            due_at: parse_ts(&r.due_at),
            summary_due_at: parse_ts(&r.summary_due_at),
        }
    }
}

/// The round not yet sent, if one is scheduled.
pub async fn open_round(pool: &SqlitePool) -> Result<Option<Round>, sqlx::Error> {
    let r: Option<RoundRow> = sqlx::query_as(
        "SELECT id, due_at, summary_due_at FROM reminder_rounds WHERE done_at IS NULL",
    )
    .fetch_optional(pool)
    .await?;
    Ok(r.map(Round::from))
}

/// Schedules a round when none is open (the first start); returns the open round.
pub async fn schedule(
    pool: &SqlitePool,
    due: DateTime<Utc>,
    grace: Duration,
) -> Result<Round, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO reminder_rounds (due_at, summary_due_at)
         SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM reminder_rounds WHERE done_at IS NULL)",
    )
    .bind(ts(due))
    .bind(ts(due + grace))
    .execute(&mut *tx)
    .await?;
    let r: RoundRow = sqlx::query_as(
        "SELECT id, due_at, summary_due_at FROM reminder_rounds WHERE done_at IS NULL",
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(r.into())
}

/// Claims one head's reminder of a round. True: this caller sends it (and then records
/// what came of it: [`delivered`] or [`failed`]); false: it was claimed before.
pub async fn claim(
    pool: &SqlitePool,
    round_id: i64,
    person_id: i64,
    division_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "INSERT INTO reminders (round_id, person_id, division_id, claimed_at, state)
         VALUES (?, ?, ?, ?, 'sending')
         ON CONFLICT (round_id, person_id) DO NOTHING",
    )
    .bind(round_id)
    .bind(person_id)
    .bind(division_id)
    .bind(ts(now))
    .execute(pool)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// The people whose reminder of a round is claimed (whatever came of it).
pub async fn claimed(
    pool: &SqlitePool,
    round_id: i64,
) -> Result<std::collections::HashSet<i64>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT person_id FROM reminders WHERE round_id = ?")
        .bind(round_id)
        .fetch_all(pool)
        .await?;
    Ok(ids.into_iter().collect())
}

/// A reminder due for another try: (person, division).
pub async fn due_retries(
    pool: &SqlitePool,
    round_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT person_id, division_id FROM reminders
         WHERE round_id = ? AND state = 'retry' AND retry_at <= ?
         ORDER BY retry_at, person_id",
    )
    .bind(round_id)
    .bind(ts(now))
    .fetch_all(pool)
    .await
}

/// Claims another try of a reminder whose send failed for a transient reason: true for
/// the one caller that sends it.
pub async fn claim_retry(
    pool: &SqlitePool,
    round_id: i64,
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE reminders SET state = 'sending', claimed_at = ?
         WHERE round_id = ? AND person_id = ? AND state = 'retry' AND retry_at <= ?",
    )
    .bind(ts(now))
    .bind(round_id)
    .bind(person_id)
    .bind(ts(now))
    .execute(pool)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Forgets a reminder waiting for another try (its head no longer heads that division):
/// they are no longer expected to confirm it.
pub async fn forget(pool: &SqlitePool, round_id: i64, person_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM reminders WHERE round_id = ? AND person_id = ? AND state = 'retry'")
        .bind(round_id)
        .bind(person_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Records a claimed reminder as delivered (Telegram took the message).
pub async fn delivered(
    pool: &SqlitePool,
    round_id: i64,
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE reminders SET state = 'delivered', delivered_at = ?, retry_at = NULL
         WHERE round_id = ? AND person_id = ? AND state = 'sending'",
    )
    .bind(ts(now))
    .bind(round_id)
    .bind(person_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Why a reminder was not delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Worth another try at this time (a network or server failure).
    RetryAt(DateTime<Utc>),
    /// The head cannot be reached: blocked the bot, or there is no such chat.
    Unreachable,
    /// Telegram refused the request; it is not tried again.
    Refused,
}

/// Records a claimed reminder's failed send, with the error's description.
pub async fn failed(
    pool: &SqlitePool,
    round_id: i64,
    person_id: i64,
    failure: Failure,
    error: &str,
) -> Result<(), sqlx::Error> {
    let (state, retry_at) = match failure {
        Failure::RetryAt(t) => ("retry", Some(ts(t))),
        Failure::Unreachable => ("unreachable", None),
        Failure::Refused => ("failed", None),
    };
    sqlx::query(
        "UPDATE reminders SET state = ?, retry_at = ?, failures = failures + 1, error = ?
         WHERE round_id = ? AND person_id = ? AND state = 'sending'",
    )
    .bind(state)
    .bind(retry_at)
    .bind(error)
    .bind(round_id)
    .bind(person_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// How many times a reminder's send has failed so far.
pub async fn failures(
    pool: &SqlitePool,
    round_id: i64,
    person_id: i64,
) -> Result<u32, sqlx::Error> {
    let n: Option<i64> =
        sqlx::query_scalar("SELECT failures FROM reminders WHERE round_id = ? AND person_id = ?")
            .bind(round_id)
            .bind(person_id)
            .fetch_optional(pool)
            .await?;
    Ok(n.unwrap_or(0).clamp(0, u32::MAX as i64) as u32)
}

/// Closes a round (its summary is due) and schedules the next one (if any), in one
/// transaction.
pub async fn close(
    pool: &SqlitePool,
    round_id: i64,
    now: DateTime<Utc>,
    next_due: Option<DateTime<Utc>>,
    grace: Duration,
) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let n = sqlx::query("UPDATE reminder_rounds SET done_at = ? WHERE id = ? AND done_at IS NULL")
        .bind(ts(now))
        .bind(round_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 1 {
        if let Some(due) = next_due {
            sqlx::query("INSERT INTO reminder_rounds (due_at, summary_due_at) VALUES (?, ?)")
                .bind(ts(due))
                .bind(ts(due + grace))
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await
}

/// Sent rounds whose summary is due and not yet sent.
pub async fn due_summaries(
    pool: &SqlitePool,
    now: DateTime<Utc>,
) -> Result<Vec<Round>, sqlx::Error> {
    let rows: Vec<RoundRow> = sqlx::query_as(
        "SELECT id, due_at, summary_due_at FROM reminder_rounds
         WHERE done_at IS NOT NULL AND summary_sent_at IS NULL AND summary_due_at <= ?
         ORDER BY due_at",
    )
    .bind(ts(now))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Round::from).collect())
}

/// Claims a round's summary: true for the one caller that sends it.
pub async fn claim_summary(
    pool: &SqlitePool,
    round_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE reminder_rounds SET summary_sent_at = ?
         WHERE id = ? AND summary_sent_at IS NULL",
    )
    .bind(ts(now))
    .bind(round_id)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// A division reminded in a round that has not confirmed since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconfirmed {
    pub division_id: i64,
    pub division: String,
    /// The names of the heads reminded.
    pub heads: Vec<String>,
}

/// The divisions whose reminder of a round was delivered, with no confirmation of that round (its button) or
/// since the round was due.
pub async fn unconfirmed(
    pool: &SqlitePool,
    round_id: i64,
) -> Result<Vec<Unconfirmed>, sqlx::Error> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT r.division_id, d.name, coalesce(p.name, CAST(r.person_id AS TEXT))
         FROM reminders r
         JOIN reminder_rounds rr ON rr.id = r.round_id
         JOIN divisions d ON d.id = r.division_id
         LEFT JOIN people p ON p.telegram_id = r.person_id
         WHERE r.round_id = ? AND r.state = 'delivered'
           AND NOT EXISTS (SELECT 1 FROM confirmations c
                           WHERE c.division_id = r.division_id
                             AND (c.round_id = rr.id OR c.confirmed_at >= rr.due_at))
         ORDER BY d.name_key, p.name",
    )
    .bind(round_id)
    .fetch_all(pool)
    .await?;
    let mut out: Vec<Unconfirmed> = vec![];
    for (division_id, division, head) in rows {
        match out.last_mut() {
            Some(u) if u.division_id == division_id => u.heads.push(head),
            _ => out.push(Unconfirmed {
                division_id,
                division,
                heads: vec![head],
            }),
        }
    }
    Ok(out)
}

/// A head whose reminder of a round was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undelivered {
    pub division: String,
    pub head: String,
    /// The head cannot be reached (blocked the bot, no such chat); otherwise the send kept
    /// failing, was refused, or its outcome is unknown (a crash while sending).
    pub unreachable: bool,
}

/// The heads whose reminder of a round was not delivered, by division.
pub async fn undelivered(
    pool: &SqlitePool,
    round_id: i64,
) -> Result<Vec<Undelivered>, sqlx::Error> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT d.name, coalesce(p.name, CAST(r.person_id AS TEXT)), r.state
         FROM reminders r
         JOIN divisions d ON d.id = r.division_id
         LEFT JOIN people p ON p.telegram_id = r.person_id
         WHERE r.round_id = ? AND r.state <> 'delivered'
         ORDER BY d.name_key, p.name",
    )
    .bind(round_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(division, head, state)| Undelivered {
            division,
            head,
            unreachable: state == "unreachable",
        })
        .collect())
}

/// Records `Всё актуально` for a division, with its audit record. `Err(date)`: this person
/// already confirmed this round, on that date.
pub async fn confirm(
    pool: &SqlitePool,
    round_id: Option<i64>,
    division_id: i64,
    person_id: i64,
    now: DateTime<Utc>,
) -> Result<Result<(), DateTime<Utc>>, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    if round_id.is_some() {
        let before: Option<String> = sqlx::query_scalar(
            "SELECT confirmed_at FROM confirmations WHERE round_id = ? AND person_id = ?",
        )
        .bind(round_id)
        .bind(person_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(at) = before {
            return Ok(Err(parse_ts(&at)));
        }
    }
    let id = sqlx::query(
        "INSERT INTO confirmations (division_id, person_id, round_id, confirmed_at)
         VALUES (?, ?, ?, ?)",
    )
    .bind(division_id)
    .bind(person_id)
    .bind(round_id)
    .bind(ts(now))
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    audit::record(
        &mut tx,
        Some(person_id),
        "division.confirm",
        "confirmation",
        Some(id),
        serde_json::json!({ "division_id": division_id, "round_id": round_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Whether a round exists.
pub async fn round_exists(pool: &SqlitePool, round_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM reminder_rounds WHERE id = ?")
        .bind(round_id)
        .fetch_one(pool)
        .await?;
    Ok(n == 1)
}

/// When each division last confirmed its rows: (division id, date).
pub async fn last_confirmations(
    pool: &SqlitePool,
) -> Result<Vec<(i64, DateTime<Utc>)>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT division_id, max(confirmed_at) FROM confirmations GROUP BY division_id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(d, t)| (d, parse_ts(&t))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::db;
    use crate::db::{divisions, people};
    use crate::domain::{Lang, Role};

    #[tokio::test]
    async fn a_round_is_claimed_once_closed_once_and_confirmations_counted() {
        let (pool, _dir) = db().await;
        let mut tx = pool.begin().await.unwrap();
        let (a, _) = divisions::get_or_create(&mut tx, "А", 1).await.unwrap();
        let (b, _) = divisions::get_or_create(&mut tx, "Б", 1).await.unwrap();
        people::assign(&mut tx, 10, "Ира", Role::Head, Some(a.id), Lang::Ru, None)
            .await
            .unwrap();
        people::assign(&mut tx, 11, "Олег", Role::Head, Some(b.id), Lang::Ru, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let t0 = parse_ts("2026-12-01T07:00:00Z");
        let grace = Duration::days(7);
        let r = schedule(&pool, t0, grace).await.unwrap();
        // A second start finds the same round.
        assert_eq!(schedule(&pool, t0 + grace, grace).await.unwrap(), r);
        assert!(claim(&pool, r.id, 10, a.id, t0).await.unwrap());
        assert!(!claim(&pool, r.id, 10, a.id, t0).await.unwrap());
        assert!(claim(&pool, r.id, 11, b.id, t0).await.unwrap());
        delivered(&pool, r.id, 10, t0).await.unwrap();
        delivered(&pool, r.id, 11, t0).await.unwrap();
        let next = t0 + Duration::days(31);
        close(&pool, r.id, t0, Some(next), grace).await.unwrap();
        close(&pool, r.id, t0, Some(next + grace), grace)
            .await
            .unwrap();
        let open = open_round(&pool).await.unwrap().unwrap();
        assert_eq!(open.due_at, next, "closing twice schedules once");

        let later = t0 + Duration::hours(5);
        assert_eq!(
            confirm(&pool, Some(r.id), a.id, 10, later).await.unwrap(),
            Ok(())
        );
        assert_eq!(
            confirm(&pool, Some(r.id), a.id, 10, later + Duration::hours(1))
                .await
                .unwrap(),
            Err(later)
        );
        let u = unconfirmed(&pool, r.id).await.unwrap();
        assert_eq!(
            u,
            vec![Unconfirmed {
                division_id: b.id,
                division: "Б".into(),
                heads: vec!["Олег".into()]
            }]
        );
        assert!(due_summaries(&pool, t0).await.unwrap().is_empty());
        let due = due_summaries(&pool, t0 + grace).await.unwrap();
        assert_eq!(due.len(), 1);
        assert!(claim_summary(&pool, r.id, t0 + grace).await.unwrap());
        assert!(!claim_summary(&pool, r.id, t0 + grace).await.unwrap());
        assert!(due_summaries(&pool, t0 + grace).await.unwrap().is_empty());
        assert_eq!(
            last_confirmations(&pool).await.unwrap(),
            vec![(a.id, later)]
        );
    }

    #[tokio::test]
    async fn a_failed_send_is_not_delivered_and_is_tried_again_once_due() {
        let (pool, _dir) = db().await;
        let mut tx = pool.begin().await.unwrap();
        let (a, _) = divisions::get_or_create(&mut tx, "А", 1).await.unwrap();
        let (b, _) = divisions::get_or_create(&mut tx, "Б", 1).await.unwrap();
        for (id, name, d) in [(10, "Ира", a.id), (11, "Олег", b.id), (12, "Яна", b.id)] {
            people::assign(&mut tx, id, name, Role::Head, Some(d), Lang::Ru, None)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let t0 = parse_ts("2026-12-01T07:00:00Z");
        let r = schedule(&pool, t0, Duration::days(7)).await.unwrap();
        for (p, d) in [(10, a.id), (11, b.id), (12, b.id)] {
            assert!(claim(&pool, r.id, p, d, t0).await.unwrap());
        }
        delivered(&pool, r.id, 10, t0).await.unwrap();
        let later = t0 + Duration::minutes(1);
        failed(&pool, r.id, 11, Failure::RetryAt(later), "500")
            .await
            .unwrap();
        failed(&pool, r.id, 12, Failure::Unreachable, "403")
            .await
            .unwrap();
        // Only the delivered reminder counts as waiting for a confirmation.
        let u = unconfirmed(&pool, r.id).await.unwrap();
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].heads, vec!["Ира".to_string()]);
        assert_eq!(
            undelivered(&pool, r.id).await.unwrap(),
            vec![
                Undelivered {
                    division: "Б".into(),
                    head: "Олег".into(),
                    unreachable: false
                },
                Undelivered {
                    division: "Б".into(),
                    head: "Яна".into(),
                    unreachable: true
                },
            ]
        );
        // The retry is due a minute later, and taken once.
        assert!(due_retries(&pool, r.id, t0).await.unwrap().is_empty());
        assert_eq!(
            due_retries(&pool, r.id, later).await.unwrap(),
            vec![(11, b.id)]
        );
        assert!(!claim_retry(&pool, r.id, 11, t0).await.unwrap());
        assert!(claim_retry(&pool, r.id, 11, later).await.unwrap());
        assert!(!claim_retry(&pool, r.id, 11, later).await.unwrap());
        assert_eq!(failures(&pool, r.id, 11).await.unwrap(), 1);
        delivered(&pool, r.id, 11, later).await.unwrap();
        assert_eq!(unconfirmed(&pool, r.id).await.unwrap().len(), 2);
        assert_eq!(undelivered(&pool, r.id).await.unwrap().len(), 1);
        // A claim never recorded (a crash while sending) is not delivered either.
        assert!(!claim(&pool, r.id, 12, b.id, later).await.unwrap());
    }
}
