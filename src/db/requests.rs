//! Change requests: what heads report and the authorized person decides. A request is
//! created in one transaction with its audit record and the end of the reporter's dialogue.

use chrono::{DateTime, Utc};
use sqlx::{Executor, Sqlite, SqlitePool};

use super::{audit, begin_write, parse_ts, ts, Tx};
use crate::domain::{Action, ReasonKind, RequestStatus, TouchpointData};

/// A request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub id: i64,
    pub action: Action,
    pub touchpoint_id: Option<i64>,
    pub division_id: i64,
    pub division_name: String,
    pub reporter_id: i64,
    pub reporter_name: Option<String>,
    pub payload: Option<TouchpointData>,
    pub reason_kind: ReasonKind,
    pub reason_text: Option<String>,
    pub status: RequestStatus,
    pub created_at: DateTime<Utc>,
    pub decided_by: Option<i64>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    /// The version of the row a change or an exclusion was based on.
    pub base_version: Option<i64>,
    /// A function typed because it is missing from the Registry, while it is not in it
    /// (it enters it when the report is accepted); the payload's `function_id` is then 0.
    pub typed_function: Option<String>,
    /// The report returned for correction that this one corrects (the chain's previous).
    pub previous_id: Option<i64>,
    /// The report that corrects this one, once it was returned and sent again.
    pub resent_as: Option<i64>,
    /// The version of the row this report restores («Восстановить эту версию»).
    pub restores_version: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: i64,
    action: String,
    touchpoint_id: Option<i64>,
    division_id: i64,
    division_name: String,
    reporter_id: i64,
    reporter_name: Option<String>,
    payload: Option<String>,
    reason_kind: String,
    reason_text: Option<String>,
    status: String,
    created_at: String,
    decided_by: Option<i64>,
    decided_at: Option<String>,
    decision_note: Option<String>,
    base_version: Option<i64>,
    function_id: Option<i64>,
    function_name: Option<String>,
    previous_id: Option<i64>,
    resent_as: Option<i64>,
    restores_version: Option<i64>,
}

impl From<RequestRow> for Request {
    fn from(r: RequestRow) -> Self {
        Request {
            id: r.id,
            action: Action::from_code(&r.action).unwrap_or(Action::Add),
            touchpoint_id: r.touchpoint_id,
            division_id: r.division_id,
            division_name: r.division_name,
            reporter_id: r.reporter_id,
            reporter_name: r.reporter_name,
            payload: r.payload.and_then(|p| serde_json::from_str(&p).ok()),
            reason_kind: ReasonKind::from_code(&r.reason_kind).unwrap_or(ReasonKind::Other),
            reason_text: r.reason_text,
            status: RequestStatus::from_code(&r.status).unwrap_or(RequestStatus::Pending),
            created_at: parse_ts(&r.created_at),
            decided_by: r.decided_by,
            decided_at: r.decided_at.as_deref().map(parse_ts),
            decision_note: r.decision_note,
            base_version: r.base_version,
            typed_function: r.function_name.filter(|_| r.function_id.is_none()),
            previous_id: r.previous_id,
            resent_as: r.resent_as,
            restores_version: r.restores_version,
        }
    }
}

const SELECT: &str =
    "SELECT r.id, r.action, r.touchpoint_id, r.division_id, d.name AS division_name,
        r.reporter_id, p.name AS reporter_name, r.payload, r.reason_kind, r.reason_text, r.status,
        r.created_at, r.decided_by, r.decided_at, r.decision_note, r.base_version,
        r.function_id, r.function_name, r.previous_id, r.restores_version,
        (SELECT n.id FROM change_requests n WHERE n.previous_id = r.id) AS resent_as
     FROM change_requests r
     JOIN divisions d ON d.id = r.division_id
     LEFT JOIN people p ON p.telegram_id = r.reporter_id";

/// A report that holds its row or point (`r`): one waiting for a decision, or one returned
/// for correction and not yet sent again (it comes back, or is withdrawn).
const WAITING: &str = "(r.status = 'pending' OR (r.status = 'returned' AND NOT EXISTS
        (SELECT 1 FROM change_requests n WHERE n.previous_id = r.id)))";

/// What a reporter sends.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    pub action: Action,
    pub touchpoint_id: Option<i64>,
    pub division_id: i64,
    pub reporter_id: i64,
    pub payload: Option<&'a TouchpointData>,
    pub reason_kind: ReasonKind,
    pub reason_text: Option<&'a str>,
    /// Identifies the act of sending (the chat and the summary card), so that the same
    /// update delivered twice finds the request it already made.
    pub idempotency_key: &'a str,
    /// The version of the row a change or an exclusion was based on.
    pub base_version: Option<i64>,
    /// A function typed because it is missing from the Registry: its name (the payload's
    /// `function_id` is then ignored).
    pub typed_function: Option<&'a str>,
    /// The report returned for correction that this one corrects.
    pub previous_id: Option<i64>,
    /// The version of the row this report restores.
    pub restores_version: Option<i64>,
}

/// Creates a pending request with its audit record, inside the caller's transaction.
/// Returns its id and whether it was created now (`false`: this key already made it).
pub async fn create(tx: &mut Tx<'_>, r: NewRequest<'_>) -> Result<(i64, bool), sqlx::Error> {
    if let Some(id) = by_key(&mut **tx, r.idempotency_key).await? {
        return Ok((id, false));
    }
    let payload = r
        .payload
        .map(|p| serde_json::to_string(p).unwrap_or_default());
    let function_id = match r.typed_function {
        Some(_) => None,
        None => r.payload.map(|p| p.function_id),
    };
    let function_key = r
        .typed_function
        .zip(r.payload)
        .map(|(name, p)| super::functions::typed_key(p.direction, name));
    let id = sqlx::query(
        "INSERT INTO change_requests (action, touchpoint_id, division_id, reporter_id, payload,
             reason_kind, reason_text, created_at, function_id, point_key, idempotency_key,
             base_version, function_name, function_key, previous_id, restores_version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(r.action.code())
    .bind(r.touchpoint_id)
    .bind(r.division_id)
    .bind(r.reporter_id)
    .bind(payload)
    .bind(r.reason_kind.code())
    .bind(r.reason_text)
    .bind(ts(Utc::now()))
    .bind(function_id)
    .bind(r.payload.map(|p| p.point_key()))
    .bind(r.idempotency_key)
    .bind(r.base_version)
    .bind(r.typed_function)
    .bind(function_key)
    .bind(r.previous_id)
    .bind(r.restores_version)
    .execute(&mut **tx)
    .await?
    .last_insert_rowid();
    audit::record(
        tx,
        Some(r.reporter_id),
        "request.create",
        "change_request",
        Some(id),
        serde_json::json!({
            "action": r.action.code(),
            "touchpoint_id": r.touchpoint_id,
            "reason_kind": r.reason_kind.code(),
            "previous_id": r.previous_id,
            "restores_version": r.restores_version,
        }),
    )
    .await?;
    Ok((id, true))
}

/// What a report holds besides who sends it.
#[derive(Debug, Clone)]
pub enum Content<'a> {
    /// A new row or a change: the row as proposed. With `typed_function`, the function is
    /// missing from the Registry: a function of that name in the division and direction is
    /// that function; otherwise the name travels with the report and enters the Registry
    /// when the report is accepted. `data.function_id` is then ignored.
    Row {
        data: TouchpointData,
        typed_function: Option<&'a str>,
    },
    /// An exclusion, with its reason (5.1).
    Exclusion {
        reason_kind: ReasonKind,
        reason_text: Option<&'a str>,
    },
}

/// A report as its author sends it.
#[derive(Debug, Clone)]
pub struct Submission<'a> {
    pub action: Action,
    /// The row changed or excluded.
    pub row_id: Option<i64>,
    pub division_id: i64,
    pub reporter_id: i64,
    pub content: Content<'a>,
    /// The version of the row a change or an exclusion was based on.
    pub base_version: Option<i64>,
    /// The report returned for correction that this one corrects (its author's own).
    pub previous: Option<i64>,
    /// The version of the row this report restores.
    pub restores_version: Option<i64>,
    /// Identifies the act of sending (the chat and the summary card): the same update
    /// delivered twice finds the report it already made.
    pub key: &'a str,
    /// The dialogue that ends with the report.
    pub chat_id: i64,
}

/// What came of sending a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    /// The report (made now, or by an earlier delivery of the same press).
    Made(i64),
    /// The row is no longer in the list, or no longer in the report's division.
    RowGone,
    /// The point already stands under this function, in the list or in a pending report (3.7).
    Duplicate,
    /// A change that changes nothing.
    NothingChanged,
    /// Another report on the same row waits for a decision (its number).
    RowBusy(i64),
    /// The report being corrected is no longer returned to its author (withdrawn, or
    /// already sent again).
    ReworkClosed,
}

/// Sends a report: one write transaction that checks the row and the one-point-per-process
/// rule (3.7) again, makes the pending request with its audit record (and a typed function
/// when there is one) and ends the dialogue — all or nothing.
pub async fn submit(pool: &SqlitePool, s: Submission<'_>) -> Result<Submitted, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    if let Some(id) = by_key(&mut *tx, s.key).await? {
        return Ok(Submitted::Made(id));
    }
    if let Some(previous) = s.previous {
        if !open_return(&mut *tx, previous, s.reporter_id).await? {
            return Ok(Submitted::ReworkClosed);
        }
    }
    // A change or an exclusion needs its row in the list; a new row with a row id brings
    // that excluded row back.
    let row = match s.row_id {
        Some(id) => match super::touchpoints::get(&mut *tx, id).await? {
            Some(r)
                if (r.status == crate::domain::RowStatus::Active) == (s.action != Action::Add)
                    && r.division_id == s.division_id =>
            {
                Some(r)
            }
            _ => return Ok(Submitted::RowGone),
        },
        None => None,
    };
    if let Some(row) = s.row_id {
        if let Some(other) = pending_on_row(&mut *tx, row, s.previous).await? {
            return Ok(Submitted::RowBusy(other));
        }
    }
    let mut typed = None;
    let (payload, reason_kind, reason_text) = match s.content {
        Content::Exclusion {
            reason_kind,
            reason_text,
        } => (None, reason_kind, reason_text),
        Content::Row {
            mut data,
            typed_function,
        } => {
            if let Some(name) = typed_function {
                match super::functions::find_by_name(&mut *tx, s.division_id, data.direction, name)
                    .await?
                {
                    Some(id) => data.function_id = id,
                    None => {
                        data.function_id = 0;
                        typed = Some(name);
                    }
                }
            }
            let same = match typed {
                Some(name) => {
                    pending_same_typed_point(&mut *tx, s.division_id, &data, name, s.previous)
                        .await?
                }
                None => {
                    if let Some(existing) = super::touchpoints::find_same_point(
                        &mut *tx,
                        data.function_id,
                        data.kind,
                        &data.point,
                    )
                    .await?
                    {
                        if Some(existing) != s.row_id {
                            return Ok(Submitted::Duplicate);
                        }
                    }
                    pending_same_point(&mut *tx, &data, s.row_id, s.previous).await?
                }
            };
            if same.is_some() {
                return Ok(Submitted::Duplicate);
            }
            let reason_kind = match (&row, s.action) {
                (Some(old), Action::Change) if old.data == data => {
                    return Ok(Submitted::NothingChanged)
                }
                (Some(old), Action::Change) => ReasonKind::of_change(&old.data, &data),
                _ => ReasonKind::Other,
            };
            (Some(data), reason_kind, None)
        }
    };
    let (id, _) = create(
        &mut tx,
        NewRequest {
            action: s.action,
            touchpoint_id: s.row_id,
            division_id: s.division_id,
            reporter_id: s.reporter_id,
            payload: payload.as_ref(),
            reason_kind,
            reason_text,
            idempotency_key: s.key,
            base_version: s.base_version,
            typed_function: typed,
            previous_id: s.previous,
            restores_version: s.restores_version,
        },
    )
    .await?;
    super::dialogues::remove(&mut *tx, s.chat_id).await?;
    tx.commit().await?;
    Ok(Submitted::Made(id))
}

/// The request a key already made, if any.
pub async fn by_key<'e, E>(ex: E, key: &str) -> Result<Option<i64>, sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    sqlx::query_scalar("SELECT id FROM change_requests WHERE idempotency_key = ?")
        .bind(key)
        .fetch_optional(ex)
        .await
}

/// Whether this report is returned to this author for correction and not yet sent again.
pub async fn open_return<'e, E>(ex: E, id: i64, reporter_id: i64) -> Result<bool, sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    let found: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT r.id FROM change_requests r WHERE r.id = ? AND r.reporter_id = ?
             AND r.status = 'returned' AND {WAITING}"
    ))
    .bind(id)
    .bind(reporter_id)
    .fetch_optional(ex)
    .await?;
    Ok(found.is_some())
}

/// A waiting report (pending, or returned for correction) of the same point under the
/// same function (3.7), other than one that changes `except_row` itself and other than
/// `except_request` (the report a correction replaces).
pub async fn pending_same_point<'e, E>(
    ex: E,
    data: &TouchpointData,
    except_row: Option<i64>,
    except_request: Option<i64>,
) -> Result<Option<i64>, sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    sqlx::query_scalar(&format!(
        "SELECT r.id FROM change_requests r
         WHERE r.status IN ('pending', 'returned') AND {WAITING}
             AND r.function_id = ?1 AND r.point_key = ?2
             AND (?3 IS NULL OR r.touchpoint_id IS NULL OR r.touchpoint_id <> ?3)
             AND (?4 IS NULL OR r.id <> ?4)
         ORDER BY r.id LIMIT 1"
    ))
    .bind(data.function_id)
    .bind(data.point_key())
    .bind(except_row)
    .bind(except_request)
    .fetch_optional(ex)
    .await
}

/// A pending report of the same point under a function typed by the same name (same
/// division, direction and folded name): the same function once accepted (3.7).
pub async fn pending_same_typed_point<'e, E>(
    ex: E,
    division_id: i64,
    data: &TouchpointData,
    typed_name: &str,
    except_request: Option<i64>,
) -> Result<Option<i64>, sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    sqlx::query_scalar(&format!(
        "SELECT r.id FROM change_requests r
         WHERE r.status IN ('pending', 'returned') AND {WAITING} AND r.division_id = ?
             AND r.function_key = ? AND r.point_key = ? AND (?4 IS NULL OR r.id <> ?4)
         ORDER BY r.id LIMIT 1"
    ))
    .bind(division_id)
    .bind(super::functions::typed_key(data.direction, typed_name))
    .bind(data.point_key())
    .bind(except_request)
    .fetch_optional(ex)
    .await
}

/// A report on this row that waits for a decision, or was returned for correction and
/// not yet sent again, other than `except_request` (the report a correction replaces).
pub async fn pending_on_row<'e, E>(
    ex: E,
    row_id: i64,
    except_request: Option<i64>,
) -> Result<Option<i64>, sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    sqlx::query_scalar(&format!(
        "SELECT r.id FROM change_requests r
         WHERE r.status IN ('pending', 'returned') AND {WAITING} AND r.touchpoint_id = ?
             AND (?2 IS NULL OR r.id <> ?2)
         ORDER BY r.id LIMIT 1"
    ))
    .bind(row_id)
    .bind(except_request)
    .fetch_optional(ex)
    .await
}

/// A person's reports returned for correction that they can no longer correct (their role
/// or division changed): withdrawn, each with its audit record, so that no row stays held
/// by a report nobody can send again. Inside the caller's transaction (the role's change).
pub async fn close_returns(
    tx: &mut Tx<'_>,
    reporter_id: i64,
    actor_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT r.id FROM change_requests r
         WHERE r.reporter_id = ?1 AND r.status = 'returned' AND {WAITING}
           AND NOT EXISTS (SELECT 1 FROM people p WHERE p.telegram_id = ?1
                           AND (p.role = 'admin' OR (p.role = 'head' AND p.division_id = r.division_id)))"
    ))
    .bind(reporter_id)
    .fetch_all(&mut **tx)
    .await?;
    for id in ids {
        sqlx::query("UPDATE change_requests SET status = 'withdrawn', decided_at = ? WHERE id = ?")
            .bind(ts(Utc::now()))
            .bind(id)
            .execute(&mut **tx)
            .await?;
        audit::record(
            tx,
            actor_id,
            "request.withdraw",
            "change_request",
            Some(id),
            serde_json::json!({ "why": "the author can no longer report" }),
        )
        .await?;
    }
    Ok(())
}

/// The chain a report belongs to (returned, corrected, sent again …), first to last.
pub async fn chain(pool: &SqlitePool, id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "WITH RECURSIVE
             back(id, prev) AS (
                 SELECT id, previous_id FROM change_requests WHERE id = ?1
                 UNION SELECT c.id, c.previous_id FROM change_requests c JOIN back b ON c.id = b.prev),
             fwd(id) AS (
                 SELECT id FROM change_requests WHERE id = ?1
                 UNION SELECT c.id FROM change_requests c JOIN fwd f ON c.previous_id = f.id)
         SELECT id FROM back UNION SELECT id FROM fwd ORDER BY id",
    )
    .bind(id)
    .fetch_all(pool)
    .await
}

pub async fn get<'e, E>(ex: E, id: i64) -> Result<Option<Request>, sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    let r: Option<RequestRow> = sqlx::query_as(&format!("{SELECT} WHERE r.id = ?"))
        .bind(id)
        .fetch_optional(ex)
        .await?;
    Ok(r.map(Request::from))
}

/// A reporter's requests, newest first, one page.
pub async fn by_reporter(
    pool: &SqlitePool,
    reporter_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<Request>, sqlx::Error> {
    let rows: Vec<RequestRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.reporter_id = ? ORDER BY r.id DESC LIMIT ? OFFSET ?"
    ))
    .bind(reporter_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Request::from).collect())
}

pub async fn count_by_reporter(pool: &SqlitePool, reporter_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM change_requests WHERE reporter_id = ?")
        .bind(reporter_id)
        .fetch_one(pool)
        .await
}

/// How many reports wait for a decision.
pub async fn count_pending(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM change_requests WHERE status = 'pending'")
        .fetch_one(pool)
        .await
}

/// The reporter withdraws a pending request, or one returned for correction (which ends
/// its chain). One conditional write: `false` when it no longer waits or is not theirs.
pub async fn withdraw(pool: &SqlitePool, id: i64, reporter_id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query(&format!(
        "UPDATE change_requests AS r SET status = 'withdrawn', decided_at = ?
         WHERE r.id = ? AND r.reporter_id = ? AND r.status IN ('pending', 'returned') AND {WAITING}"
    ))
    .bind(ts(Utc::now()))
    .bind(id)
    .bind(reporter_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    audit::record(
        &mut tx,
        Some(reporter_id),
        "request.withdraw",
        "change_request",
        Some(id),
        serde_json::Value::Null,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::db;
    use crate::db::touchpoints::tests::{sample, setup};

    fn add<'a>(division: i64, data: &'a TouchpointData, key: &'a str) -> NewRequest<'a> {
        NewRequest {
            action: Action::Add,
            touchpoint_id: None,
            division_id: division,
            reporter_id: 10,
            payload: Some(data),
            reason_kind: ReasonKind::Other,
            reason_text: None,
            idempotency_key: key,
            base_version: None,
            typed_function: None,
            previous_id: None,
            restores_version: None,
        }
    }

    #[tokio::test]
    async fn the_same_key_makes_one_request() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        let data = sample(f, "lenobl.ru");
        let mut tx = pool.begin().await.unwrap();
        let (a, created) = create(&mut tx, add(d, &data, "10:55")).await.unwrap();
        assert!(created);
        let (b, created) = create(&mut tx, add(d, &data, "10:55")).await.unwrap();
        assert!(!created);
        assert_eq!(a, b);
        tx.commit().await.unwrap();
        let r = get(&pool, a).await.unwrap().unwrap();
        assert_eq!(r.payload.as_ref(), Some(&data));
        assert_eq!(r.status, RequestStatus::Pending);
        assert_eq!(r.division_name, "Отдел");
        assert_eq!(count_pending(&pool).await.unwrap(), 1);
        let audits: i64 =
            sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'request.create'")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(audits, 1);
    }

    #[tokio::test]
    async fn a_pending_report_of_the_same_point_is_found() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        let data = sample(f, "https://lenobl.ru/");
        let mut tx = pool.begin().await.unwrap();
        let (id, _) = create(&mut tx, add(d, &data, "k1")).await.unwrap();
        tx.commit().await.unwrap();
        let same = sample(f, "LENOBL.RU");
        assert_eq!(
            pending_same_point(&pool, &same, None, None).await.unwrap(),
            Some(id)
        );
        let other = sample(f, "other.ru");
        assert_eq!(
            pending_same_point(&pool, &other, None, None).await.unwrap(),
            None
        );
    }

    #[tokio::test]
    async fn withdraw_only_own_pending() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        let data = sample(f, "lenobl.ru");
        let mut tx = pool.begin().await.unwrap();
        let (id, _) = create(&mut tx, add(d, &data, "k")).await.unwrap();
        tx.commit().await.unwrap();
        assert!(!withdraw(&pool, id, 11).await.unwrap(), "not theirs");
        assert!(withdraw(&pool, id, 10).await.unwrap());
        assert!(!withdraw(&pool, id, 10).await.unwrap(), "no longer pending");
        assert_eq!(
            get(&pool, id).await.unwrap().unwrap().status,
            RequestStatus::Withdrawn
        );
        assert_eq!(count_by_reporter(&pool, 10).await.unwrap(), 1);
        assert_eq!(by_reporter(&pool, 10, 5, 0).await.unwrap().len(), 1);
    }
}
