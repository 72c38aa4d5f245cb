//! Decisions on change requests (3.3): the authorized person accepts or rejects. A decision
//! is one conditional write (`… WHERE status = 'pending'`) inside a write transaction that
//! takes the lock at its start, so of two presses at the same moment exactly one holds;
//! accepting applies the change to the list in the same transaction, with its audit records.

use chrono::Utc;
use sqlx::SqlitePool;

use super::requests::{self, Request};
use super::touchpoints::{self, Provenance, WriteError};
use super::{audit, begin_write, functions, ts, versions, Tx};
use crate::domain::record::{merge, Origin, Part};
use crate::domain::{Action, Invalid, RequestStatus, RowStatus, TouchpointData};

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
    /// The row changed since the report was made, in the same parts the report changes:
    /// accepting would undo an accepted change. The request stays pending.
    Conflict(Vec<Part>),
    /// A return for correction is refused: the author can no longer report for the
    /// report's division. The request stays pending.
    AuthorCannotReport(CannotReport),
}

/// Why the author of a report could not correct it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CannotReport {
    /// They no longer have access, or are no longer a head or an authorized person.
    NoAccess,
    /// They head another division now.
    OtherDivision,
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
/// again, applies the change, records the decision — all or nothing. A change made
/// against an older version of its row is merged into the row as it stands now: the
/// parts it changes are taken from it, the rest keeps what was accepted since; when both
/// changed the same part, nothing is applied (`Conflict`). A function typed by the
/// reporter enters the Registry now, as the same function as any of that name.
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
        origin: Origin::Report(id),
        reported_by: Some(r.reporter_id),
        accepted_by: Some(admin),
    };
    let mut payload = r.payload.clone();
    if let Some(data) = &mut payload {
        if let Err(problems) = data.validate() {
            tx.rollback().await?;
            return Ok(Outcome::Incomplete(problems));
        }
        if let Some(name) = &r.typed_function {
            data.function_id = enter_typed_function(&mut tx, &r, data, name, admin).await?;
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
    let applied = match (r.action, &payload, r.touchpoint_id) {
        // An excluded row brought back (a version restored): the same row, a new version.
        (Action::Add, Some(data), Some(row)) => touchpoints::reinstate(&mut tx, row, data, who)
            .await
            .map(|_| Some(row)),
        (Action::Add, Some(data), None) => touchpoints::insert(&mut tx, data, r.division_id, who)
            .await
            .map(Some),
        (Action::Change, Some(data), Some(row)) => {
            match merged(&mut tx, row, r.base_version, data).await? {
                Merged::Gone => Err(WriteError::NotActive(row)),
                Merged::Conflict(parts) => {
                    tx.rollback().await?;
                    return Ok(Outcome::Conflict(parts));
                }
                Merged::Unchanged => Ok(Some(row)),
                Merged::Into(data) => {
                    if let Err(problems) = data.validate() {
                        tx.rollback().await?;
                        return Ok(Outcome::Incomplete(problems));
                    }
                    touchpoints::update(&mut tx, row, &data, who)
                        .await
                        .map(|_| Some(row))
                }
            }
        }
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

/// A change, against the row as it stands now.
enum Merged {
    Gone,
    /// The row already is what the report asks.
    Unchanged,
    Into(TouchpointData),
    Conflict(Vec<Part>),
}

async fn merged(
    tx: &mut Tx<'_>,
    row: i64,
    base_version: Option<i64>,
    mine: &TouchpointData,
) -> Result<Merged, sqlx::Error> {
    let Some(now) = touchpoints::get(&mut **tx, row)
        .await?
        .filter(|r| r.status == RowStatus::Active)
    else {
        return Ok(Merged::Gone);
    };
    let base = match base_version {
        Some(v) if v != now.version => versions::data(&mut **tx, row, v).await?,
        _ => None,
    };
    let data = match base {
        Some(base) => match merge(&base, mine, &now.data) {
            Ok(d) => d,
            Err(parts) => return Ok(Merged::Conflict(parts)),
        },
        None => mine.clone(),
    };
    Ok(if data == now.data {
        Merged::Unchanged
    } else {
        Merged::Into(data)
    })
}

/// The function a reporter typed, now in the Registry: the one of the same name in the
/// division and direction if there is one by now, otherwise added (marked as missing from
/// the Registry). The request then points at it.
async fn enter_typed_function(
    tx: &mut Tx<'_>,
    r: &Request,
    data: &TouchpointData,
    name: &str,
    admin: i64,
) -> Result<i64, sqlx::Error> {
    let id = match functions::find_by_name(&mut **tx, r.division_id, data.direction, name).await? {
        Some(id) => id,
        None => {
            functions::add(
                tx,
                functions::NewFunction {
                    code: None,
                    name,
                    is_service: false,
                    direction: data.direction,
                    division_id: r.division_id,
                    in_registry: false,
                },
                admin,
            )
            .await?
        }
    };
    let mut payload = data.clone();
    payload.function_id = id;
    sqlx::query("UPDATE change_requests SET function_id = ?, payload = ? WHERE id = ?")
        .bind(id)
        .bind(serde_json::to_string(&payload).map_err(|e| sqlx::Error::Encode(Box::new(e)))?)
        .bind(r.id)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

/// Returns a request to its author for correction, with the note given («На доработку»).
/// Refused when the author can no longer report for its division (`author_is_admin`: the
/// settings make them an authorized person whatever the database says) or its row is gone;
/// otherwise one conditional write with its audit record. The request then holds its row
/// until it is sent again or withdrawn.
pub async fn send_back(
    pool: &SqlitePool,
    id: i64,
    admin: i64,
    note: &str,
    author_is_admin: bool,
) -> Result<Outcome, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let Some(r) = requests::get(&mut *tx, id).await? else {
        tx.rollback().await?;
        return Ok(Outcome::NotFound);
    };
    if r.status != RequestStatus::Pending {
        tx.rollback().await?;
        return Ok(Outcome::AlreadyDecided(Box::new(r)));
    }
    if let Some(why) = author_cannot_report(&mut *tx, &r, author_is_admin).await? {
        tx.rollback().await?;
        return Ok(Outcome::AuthorCannotReport(why));
    }
    if let Some(row) = r.touchpoint_id {
        // A change or an exclusion corrects a row in the list; a row brought back, an
        // excluded one.
        let there = touchpoints::get(&mut *tx, row)
            .await?
            .is_some_and(|t| (t.status == RowStatus::Active) == (r.action != Action::Add));
        if !there {
            tx.rollback().await?;
            return Ok(Outcome::RowGone);
        }
    }
    if !mark(&mut tx, id, RequestStatus::Returned, admin, Some(note)).await? {
        let o = not_pending(&mut tx, id).await?;
        tx.rollback().await?;
        return Ok(o);
    }
    audit::record(
        &mut tx,
        Some(admin),
        "request.return",
        "change_request",
        Some(id),
        serde_json::json!({ "note": note }),
    )
    .await?;
    tx.commit().await?;
    Ok(Outcome::Done {
        row_id: r.touchpoint_id,
    })
}

/// Why the author of a report may not report for its division now, if so
/// (`author_is_admin`: the settings make them an authorized person).
pub async fn author_cannot_report<'e, E>(
    ex: E,
    r: &Request,
    author_is_admin: bool,
) -> Result<Option<CannotReport>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    if author_is_admin {
        return Ok(None);
    }
    let person: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT role, division_id FROM people WHERE telegram_id = ?")
            .bind(r.reporter_id)
            .fetch_optional(ex)
            .await?;
    Ok(match person {
        Some((role, _)) if role == "admin" => None,
        Some((role, division)) if role == "head" => {
            (division != Some(r.division_id)).then_some(CannotReport::OtherDivision)
        }
        _ => Some(CannotReport::NoAccess),
    })
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

/// Forgets every copy of a card in one chat (a person who is no longer an authorized
/// person): they are no longer updated. Returns the messages of the copies still showing
/// buttons (those of reports still pending), for the caller to take them away.
pub async fn forget_cards_in(pool: &SqlitePool, chat_id: i64) -> Result<Vec<i32>, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let pending: Vec<i32> = sqlx::query_scalar(
        "SELECT c.message_id FROM review_cards c JOIN change_requests r ON r.id = c.request_id
         WHERE c.chat_id = ? AND r.status = 'pending' ORDER BY c.message_id",
    )
    .bind(chat_id)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM review_cards WHERE chat_id = ?")
        .bind(chat_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(pending)
}

/// Forgets one copy of a card.
pub async fn forget_card(
    pool: &SqlitePool,
    chat_id: i64,
    message_id: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM review_cards WHERE chat_id = ? AND message_id = ?")
        .bind(chat_id)
        .bind(message_id)
        .execute(pool)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::requests::NewRequest;
    use crate::db::testing::db;
    use crate::db::touchpoints::tests::{sample, setup};
    use crate::domain::record::Origin;
    use crate::domain::ReasonKind;

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
                base_version: None,
                typed_function: None,
                previous_id: None,
                restores_version: None,
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
        let h = versions::of_row(&pool, row).await.unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!((h[0].reported_by, h[0].accepted_by), (Some(10), Some(1)));
        assert_eq!(h[0].origin, Some(Origin::Report(id)));
        assert_eq!(h[0].valid_to, None, "the version stands");
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

    async fn change(
        pool: &SqlitePool,
        row: i64,
        base: i64,
        data: &TouchpointData,
        key: &str,
    ) -> i64 {
        let mut tx = pool.begin().await.unwrap();
        let (id, _) = requests::create(
            &mut tx,
            NewRequest {
                action: Action::Change,
                touchpoint_id: Some(row),
                division_id: 1,
                reporter_id: 10,
                payload: Some(data),
                reason_kind: ReasonKind::Other,
                reason_text: None,
                idempotency_key: key,
                base_version: Some(base),
                typed_function: None,
                previous_id: None,
                restores_version: None,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// The lost update of issue 11: two changes made against the same version; the second
    /// accepted keeps what the first changed.
    #[tokio::test]
    async fn two_changes_of_one_row_never_undo_each_other() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        assert_eq!(d, 1);
        let add = report(&pool, d, &sample(f, "a.ru"), "k0").await;
        let Outcome::Done { row_id: Some(row) } = accept(&pool, add, 1).await.unwrap() else {
            panic!("not added")
        };
        let base = touchpoints::get(&pool, row).await.unwrap().unwrap();
        assert_eq!(base.version, 1);
        let mut a = base.data.clone();
        a.needs.insert(crate::domain::Need::Consultation);
        let mut b = base.data.clone();
        b.features = Some("Только по записи".into());
        let ra = change(&pool, row, 1, &a, "ka").await;
        let rb = change(&pool, row, 1, &b, "kb").await;
        assert!(matches!(
            accept(&pool, ra, 1).await.unwrap(),
            Outcome::Done { .. }
        ));
        assert!(matches!(
            accept(&pool, rb, 1).await.unwrap(),
            Outcome::Done { .. }
        ));
        let now = touchpoints::get(&pool, row).await.unwrap().unwrap();
        assert!(
            now.data.needs.contains(&crate::domain::Need::Consultation),
            "A kept"
        );
        assert_eq!(
            now.data.features.as_deref(),
            Some("Только по записи"),
            "B applied"
        );
        assert_eq!(now.version, 3);

        // A third, also against version 1, changing the features otherwise: a conflict; it
        // stays pending and nothing is applied.
        let mut c = base.data.clone();
        c.features = Some("Только днём".into());
        let rc = change(&pool, row, 1, &c, "kc").await;
        assert_eq!(
            accept(&pool, rc, 1).await.unwrap(),
            Outcome::Conflict(vec![Part::Features])
        );
        assert_eq!(
            requests::get(&pool, rc).await.unwrap().unwrap().status,
            RequestStatus::Pending
        );
        assert_eq!(touchpoints::get(&pool, row).await.unwrap().unwrap(), now);
        // Made against the current version, it applies as it is.
        let rd = change(&pool, row, 3, &c, "kd").await;
        assert!(matches!(
            accept(&pool, rd, 1).await.unwrap(),
            Outcome::Done { .. }
        ));
        assert_eq!(
            touchpoints::get(&pool, row)
                .await
                .unwrap()
                .unwrap()
                .data
                .features
                .as_deref(),
            Some("Только днём")
        );
    }

    async fn typed(pool: &SqlitePool, d: i64, name: &str, point: &str, key: &str) -> i64 {
        let mut data = sample(0, point);
        data.direction = crate::domain::Direction::Appeals;
        let mut tx = pool.begin().await.unwrap();
        let (id, _) = requests::create(
            &mut tx,
            NewRequest {
                action: Action::Add,
                touchpoint_id: None,
                division_id: d,
                reporter_id: 10,
                payload: Some(&data),
                reason_kind: ReasonKind::Other,
                reason_text: None,
                idempotency_key: key,
                base_version: None,
                typed_function: Some(name),
                previous_id: None,
                restores_version: None,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        id
    }

    #[tokio::test]
    async fn a_typed_function_enters_the_registry_only_when_accepted_and_once() {
        let (pool, _dir) = db().await;
        let (d, _) = setup(&pool).await;
        let functions = || async {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM functions")
                .fetch_one(&pool)
                .await
                .unwrap()
        };
        let before = functions().await;
        let r1 = typed(&pool, d, "Приём граждан", "+7 812 000-00-01", "t1").await;
        assert_eq!(functions().await, before, "not at sending");
        assert_eq!(
            requests::get(&pool, r1)
                .await
                .unwrap()
                .unwrap()
                .typed_function
                .as_deref(),
            Some("Приём граждан")
        );
        reject(&pool, r1, 1, "нет").await.unwrap();
        assert_eq!(
            functions().await,
            before,
            "a rejected report leaves nothing"
        );

        let r2 = typed(&pool, d, "приём  ГРАЖДАН", "+7 812 000-00-02", "t2").await;
        let Outcome::Done { row_id: Some(row) } = accept(&pool, r2, 1).await.unwrap() else {
            panic!("not accepted")
        };
        assert_eq!(functions().await, before + 1);
        let r = touchpoints::get(&pool, row).await.unwrap().unwrap();
        assert_eq!(r.function_name, "приём  ГРАЖДАН");
        assert!(!r.function_in_registry);
        let accepted = requests::get(&pool, r2).await.unwrap().unwrap();
        assert_eq!(
            accepted.typed_function, None,
            "it points at the function now"
        );
        assert_eq!(accepted.payload.unwrap().function_id, r.data.function_id);

        // The same name again is the same function: 3.7 holds across typed names.
        let r3 = typed(&pool, d, "Приём Граждан", "+7 (812) 000-00-02", "t3").await;
        assert_eq!(accept(&pool, r3, 1).await.unwrap(), Outcome::Duplicate(row));
        assert_eq!(functions().await, before + 1);
        assert_eq!(
            functions::find_by_name(
                &pool,
                d,
                crate::domain::Direction::Appeals,
                " ПРИЁМ граждан"
            )
            .await
            .unwrap(),
            Some(r.data.function_id)
        );
    }

    async fn head(pool: &SqlitePool, division: Option<i64>) {
        let mut tx = pool.begin().await.unwrap();
        let role = if division.is_some() {
            crate::domain::Role::Head
        } else {
            crate::domain::Role::Stranger
        };
        crate::db::people::assign(
            &mut tx,
            10,
            "Ирина",
            role,
            division,
            crate::domain::Lang::Ru,
            Some(1),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    fn resend<'a>(
        d: i64,
        data: &'a TouchpointData,
        previous: i64,
        key: &'a str,
    ) -> requests::Submission<'a> {
        requests::Submission {
            action: Action::Add,
            row_id: None,
            division_id: d,
            reporter_id: 10,
            content: requests::Content::Row {
                data: data.clone(),
                typed_function: None,
            },
            base_version: None,
            previous: Some(previous),
            restores_version: None,
            key,
            chat_id: 10,
        }
    }

    /// Issue 15: a report returned for correction holds its point (and row) until it is
    /// sent again, once, as the next report of its chain, or withdrawn.
    #[tokio::test]
    async fn a_returned_report_holds_its_point_until_sent_again_once() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        let data = sample(f, "a.ru");
        let id = report(&pool, d, &data, "k").await;
        // An author who cannot report: refused, still pending.
        head(&pool, None).await;
        assert_eq!(
            send_back(&pool, id, 1, "Уточните", false).await.unwrap(),
            Outcome::AuthorCannotReport(CannotReport::NoAccess)
        );
        let mut tx = pool.begin().await.unwrap();
        let (elsewhere, _) = crate::db::divisions::get_or_create(&mut tx, "Другой", 1)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        head(&pool, Some(elsewhere.id)).await;
        assert_eq!(
            send_back(&pool, id, 1, "Уточните", false).await.unwrap(),
            Outcome::AuthorCannotReport(CannotReport::OtherDivision)
        );
        // … unless the settings make them an authorized person.
        assert_eq!(
            send_back(&pool, id, 1, "Уточните", true).await.unwrap(),
            Outcome::Done { row_id: None }
        );
        let r = requests::get(&pool, id).await.unwrap().unwrap();
        assert_eq!(r.status, RequestStatus::Returned);
        assert!(pending(&pool).await.unwrap().is_empty(), "not in /pending");
        assert!(matches!(
            send_back(&pool, id, 1, "ещё", true).await.unwrap(),
            Outcome::AlreadyDecided(_)
        ));
        assert!(matches!(
            accept(&pool, id, 1).await.unwrap(),
            Outcome::AlreadyDecided(_)
        ));
        // The point stays taken, except for the report's own correction.
        assert_eq!(
            requests::pending_same_point(&pool, &data, None, None)
                .await
                .unwrap(),
            Some(id)
        );
        assert_eq!(
            requests::pending_same_point(&pool, &data, None, Some(id))
                .await
                .unwrap(),
            None
        );
        // Only its author sends it again, once.
        let mut other = resend(d, &data, id, "k2");
        other.reporter_id = 11;
        assert_eq!(
            requests::submit(&pool, other).await.unwrap(),
            requests::Submitted::ReworkClosed
        );
        let requests::Submitted::Made(next) = requests::submit(&pool, resend(d, &data, id, "k2"))
            .await
            .unwrap()
        else {
            panic!("not sent again")
        };
        assert_eq!(
            requests::submit(&pool, resend(d, &data, id, "k3"))
                .await
                .unwrap(),
            requests::Submitted::ReworkClosed
        );
        assert_eq!(requests::chain(&pool, id).await.unwrap(), vec![id, next]);
        assert_eq!(requests::chain(&pool, next).await.unwrap(), vec![id, next]);
        let first = requests::get(&pool, id).await.unwrap().unwrap();
        assert_eq!(
            (first.status, first.resent_as),
            (RequestStatus::Returned, Some(next))
        );
        assert!(
            !requests::withdraw(&pool, id, 10).await.unwrap(),
            "sent again: withdraw the new one"
        );
        assert_eq!(
            requests::pending_same_point(&pool, &data, None, None)
                .await
                .unwrap(),
            Some(next)
        );
        // Returned again and withdrawn: the chain ends, the point is free.
        send_back(&pool, next, 1, "Нет", true).await.unwrap();
        assert!(requests::withdraw(&pool, next, 10).await.unwrap());
        // A return its author can no longer correct (moved to another division) is
        // withdrawn with the move: nothing holds the point then.
        let third = report(&pool, d, &sample(f, "b.ru"), "k4").await;
        head(&pool, Some(d)).await;
        send_back(&pool, third, 1, "Нет", false).await.unwrap();
        head(&pool, Some(elsewhere.id)).await;
        assert_eq!(
            requests::get(&pool, third).await.unwrap().unwrap().status,
            RequestStatus::Withdrawn
        );
        assert_eq!(
            requests::pending_same_point(&pool, &data, None, None)
                .await
                .unwrap(),
            None
        );
        let audits: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM audit_log WHERE entity = 'change_request' ORDER BY id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(
            audits,
            vec![
                "request.create",
                "request.return",
                "request.create",
                "request.return",
                "request.withdraw",
                "request.create",
                "request.return",
                "request.withdraw"
            ]
        );
    }

    #[tokio::test]
    async fn an_excluded_row_comes_back_as_the_same_row_once() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        let data = sample(f, "a.ru");
        let add = report(&pool, d, &data, "k").await;
        let Outcome::Done { row_id: Some(row) } = accept(&pool, add, 1).await.unwrap() else {
            panic!()
        };
        let mut tx = pool.begin().await.unwrap();
        let who = Provenance {
            origin: Origin::Import("x".into()),
            reported_by: None,
            accepted_by: Some(1),
        };
        touchpoints::exclude(&mut tx, row, who.clone())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let back = |key: &'static str| requests::Submission {
            action: Action::Add,
            row_id: Some(row),
            division_id: d,
            reporter_id: 1,
            content: requests::Content::Row {
                data: data.clone(),
                typed_function: None,
            },
            base_version: None,
            previous: None,
            restores_version: Some(1),
            key,
            chat_id: 1,
        };
        let requests::Submitted::Made(id) = requests::submit(&pool, back("b1")).await.unwrap()
        else {
            panic!("not made")
        };
        assert_eq!(
            requests::submit(&pool, back("b2")).await.unwrap(),
            requests::Submitted::RowBusy(id),
            "one report on a row at a time"
        );
        assert_eq!(
            accept(&pool, id, 2).await.unwrap(),
            Outcome::Done { row_id: Some(row) }
        );
        let now = touchpoints::get(&pool, row).await.unwrap().unwrap();
        assert_eq!(
            (now.status, now.version, &now.data),
            (RowStatus::Active, 3, &data)
        );
        // Active now: a second return is refused (the row is not excluded).
        assert_eq!(
            requests::submit(&pool, back("b3")).await.unwrap(),
            requests::Submitted::RowGone
        );
    }
}
