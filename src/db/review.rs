//! Decisions on change requests (3.3): the authorized person accepts or rejects. A decision
//! is one conditional write (`… WHERE status = 'pending'`) inside a write transaction that
//! takes the lock at its start, so of two presses at the same moment exactly one holds;
//! accepting applies the change to the list in the same transaction, with its audit records.

use chrono::Utc;
use sqlx::SqlitePool;

use super::requests::{self, Request};
use super::touchpoints::{self, Provenance, WriteError};
use super::{audit, begin_write, ts, Tx};
use crate::domain::{Action, Invalid, RequestStatus};

/// What came of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Decided now; for an accepted request, the row it made or changed.
    Done {
        row_id: Option<i64>,
    },
    /// Someone decided first (or the reporter withdrew it).
    AlreadyDecided(Box<Request>),
    NotFound,
    /// The change cannot be applied now; the request stays pending.
    Incomplete(Vec<Invalid>),
    Duplicate(i64),
    RowGone,
    /// The function left the Registry or passed to another division since the report.
    ProcessChanged,
}

async fn mark(
    tx: &mut Tx<'_>,
    id: i64,
    status: RequestStatus,
    admin: i64,
    note: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE change_requests SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?
         WHERE id = ? AND status = 'pending'",
    )
    .bind(status.code())
    .bind(admin)
    .bind(ts(Utc::now()))
    .bind(note)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

async fn not_pending(tx: &mut Tx<'_>, id: i64) -> Result<Outcome, sqlx::Error> {
    Ok(match requests::get(&mut **tx, id).await? {
        Some(r) => Outcome::AlreadyDecided(Box::new(r)),
        None => Outcome::NotFound,
    })
}

/// Accepts a request: checks completeness (3.3.2) and the one-point-per-process rule (3.7)
/// again, applies the change, records the decision — all or nothing.
pub async fn accept(pool: &SqlitePool, id: i64, admin: i64) -> Result<Outcome, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    if !mark(&mut tx, id, RequestStatus::Accepted, admin, None).await? {
        let o = not_pending(&mut tx, id).await?;
        tx.rollback().await?;
        return Ok(o);
    }
    let Some(r) = requests::get(&mut *tx, id).await? else {
        tx.rollback().await?;
        return Ok(Outcome::NotFound);
    };
    let who = Provenance {
        request_id: Some(id),
        reported_by: Some(r.reporter_id),
        accepted_by: Some(admin),
    };
    if let Some(data) = &r.payload {
        if let Err(problems) = data.validate() {
            tx.rollback().await?;
            return Ok(Outcome::Incomplete(problems));
        }
        // The Registry may have changed since the report (3.1, 5.1.1).
        let function: Option<(i64, Option<String>)> =
            sqlx::query_as("SELECT division_id, removed_at FROM functions WHERE id = ?")
                .bind(data.function_id)
                .fetch_optional(&mut *tx)
                .await?;
        let current = matches!(function, Some((division, None)) if division == r.division_id);
        if !current {
            tx.rollback().await?;
            return Ok(Outcome::ProcessChanged);
        }
    }
    let applied = match (r.action, &r.payload, r.touchpoint_id) {
        (Action::Add, Some(data), _) => touchpoints::insert(&mut tx, data, r.division_id, who)
            .await
            .map(Some),
        (Action::Change, Some(data), Some(row)) => touchpoints::update(&mut tx, row, data, who)
            .await
            .map(|_| Some(row)),
        (Action::Exclude, _, Some(row)) => touchpoints::exclude(&mut tx, row, who)
            .await
            .map(|_| Some(row)),
        _ => Err(WriteError::NotActive(0)),
    };
    let row_id = match applied {
        Ok(row) => row,
        Err(WriteError::Duplicate(row)) => {
            tx.rollback().await?;
            return Ok(Outcome::Duplicate(row));
        }
        Err(WriteError::NotActive(_)) => {
            tx.rollback().await?;
            return Ok(Outcome::RowGone);
        }
        Err(WriteError::Db(e)) => return Err(e),
    };
    sqlx::query(
        "UPDATE change_requests SET touchpoint_id = coalesce(touchpoint_id, ?) WHERE id = ?",
    )
    .bind(row_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(admin),
        "request.accept",
        "change_request",
        Some(id),
        serde_json::json!({ "row_id": row_id }),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::Done { row_id })
}

/// Rejects a request with the reason given.
pub async fn reject(
    pool: &SqlitePool,
    id: i64,
    admin: i64,
    reason: &str,
) -> Result<Outcome, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    if !mark(&mut tx, id, RequestStatus::Rejected, admin, Some(reason)).await? {
        let o = not_pending(&mut tx, id).await?;
        tx.rollback().await?;
        return Ok(o);
    }
    audit::record(
        &mut tx,
        Some(admin),
        "request.reject",
        "change_request",
        Some(id),
        serde_json::json!({ "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::Done { row_id: None })
}

/// The queue, oldest first.
pub async fn pending(pool: &SqlitePool) -> Result<Vec<Request>, sqlx::Error> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM change_requests WHERE status = 'pending' ORDER BY id")
            .fetch_all(pool)
            .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(r) = requests::get(pool, id).await? {
            out.push(r);
        }
    }
    Ok(out)
}

/// Remembers a copy of a request's card.
pub async fn add_card(
    pool: &SqlitePool,
    request_id: i64,
    chat_id: i64,
    message_id: i32,
    text: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT OR IGNORE INTO review_cards (request_id, chat_id, message_id, text) VALUES (?, ?, ?, ?)",
    )
    .bind(request_id)
    .bind(chat_id)
    .bind(message_id)
    .bind(text)
        .execute(pool)
        .await?;
    Ok(())
}

/// Every copy of a request's card: (chat, message, text as sent).
pub async fn cards(
    pool: &SqlitePool,
    request_id: i64,
) -> Result<Vec<(i64, i32, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT chat_id, message_id, text FROM review_cards WHERE request_id = ? ORDER BY chat_id, message_id",
    )
        .bind(request_id)
        .fetch_all(pool)
        .await
}

/// A row's versions, oldest first: (version, status, data JSON, reported by, accepted by, at).
pub type Version = (i64, String, String, Option<i64>, Option<i64>, String);

pub async fn history(pool: &SqlitePool, row_id: i64) -> Result<Vec<Version>, sqlx::Error> {
    sqlx::query_as(
        "SELECT version, status, data, reported_by, accepted_by, at FROM touchpoint_versions
         WHERE touchpoint_id = ? ORDER BY version",
    )
    .bind(row_id)
    .fetch_all(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::requests::NewRequest;
    use crate::db::testing::db;
    use crate::db::touchpoints::tests::{sample, setup};
    use crate::domain::{ReasonKind, TouchpointData};

    async fn report(pool: &SqlitePool, d: i64, data: &TouchpointData, key: &str) -> i64 {
        let mut tx = pool.begin().await.unwrap();
        let (id, _) = requests::create(
            &mut tx,
            NewRequest {
                action: Action::Add,
                touchpoint_id: None,
                division_id: d,
                reporter_id: 10,
                payload: Some(data),
                reason_kind: ReasonKind::Other,
                reason_text: None,
                idempotency_key: key,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }

    #[tokio::test]
    async fn accept_adds_the_row_once() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        let id = report(&pool, d, &sample(f, "a.ru"), "k").await;
        let Outcome::Done { row_id: Some(row) } = accept(&pool, id, 1).await.unwrap() else {
            panic!("not accepted");
        };
        assert!(
            matches!(accept(&pool, id, 2).await.unwrap(), Outcome::AlreadyDecided(r) if r.decided_by == Some(1))
        );
        assert!(matches!(
            reject(&pool, id, 2, "x").await.unwrap(),
            Outcome::AlreadyDecided(_)
        ));
        assert_eq!(
            touchpoints::list_active(&pool, Default::default())
                .await
                .unwrap()
                .len(),
            1
        );
        let h = history(&pool, row).await.unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!((h[0].3, h[0].4), (Some(10), Some(1)));
        assert_eq!(accept(&pool, 999, 1).await.unwrap(), Outcome::NotFound);
    }

    #[tokio::test]
    async fn a_point_that_entered_the_list_meanwhile_is_not_accepted_twice() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        let a = report(&pool, d, &sample(f, "a.ru"), "k1").await;
        let b = report(&pool, d, &sample(f, "www.a.ru/"), "k2").await;
        let Outcome::Done { row_id: Some(row) } = accept(&pool, a, 1).await.unwrap() else {
            panic!()
        };
        assert_eq!(accept(&pool, b, 1).await.unwrap(), Outcome::Duplicate(row));
        // Still pending: the authorized person can reject it with a reason.
        assert_eq!(
            requests::get(&pool, b).await.unwrap().unwrap().status,
            RequestStatus::Pending
        );
        assert_eq!(
            reject(&pool, b, 1, "дубль").await.unwrap(),
            Outcome::Done { row_id: None }
        );
    }

    #[tokio::test]
    async fn a_report_whose_function_left_the_registry_is_not_accepted() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        let id = report(&pool, d, &sample(f, "gone.ru"), "k").await;
        sqlx::query("UPDATE functions SET removed_at = '2026-11-28T00:00:00Z' WHERE id = ?")
            .bind(f)
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(accept(&pool, id, 1).await.unwrap(), Outcome::ProcessChanged);
        assert_eq!(
            requests::get(&pool, id).await.unwrap().unwrap().status,
            RequestStatus::Pending
        );
        assert!(touchpoints::list_active(&pool, Default::default())
            .await
            .unwrap()
            .is_empty());
    }

    #[tokio::test]
    async fn two_admins_at_the_same_moment_one_decision_holds() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        for round in 0..10 {
            let id = report(
                &pool,
                d,
                &sample(f, &format!("r{round}.ru")),
                &format!("k{round}"),
            )
            .await;
            let (a, b) = tokio::join!(accept(&pool, id, 1), reject(&pool, id, 2, "нет"));
            let (a, b) = (a.unwrap(), b.unwrap());
            let done = [&a, &b]
                .iter()
                .filter(|o| matches!(o, Outcome::Done { .. }))
                .count();
            assert_eq!(done, 1, "{a:?} {b:?}");
        }
        let rows = touchpoints::list_active(&pool, Default::default())
            .await
            .unwrap()
            .len() as i64;
        let accepted: i64 =
            sqlx::query_scalar("SELECT count(*) FROM change_requests WHERE status = 'accepted'")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(
            rows, accepted,
            "every accepted request made exactly its row"
        );
    }
}
