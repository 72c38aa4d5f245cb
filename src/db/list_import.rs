//! The existing list loaded from a file: a checked file staged for `Применить`
//! (`list_uploads`), then applied in one write transaction — every row added with its
//! first version (origin: the import, with the file's name) and its audit record, the
//! functions not in the Registry created once each — or nothing at all. The rows are
//! matched to the Registry and the list again inside that transaction, so a row that
//! entered the list since the preview is skipped, never added twice (3.7).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{Executor, QueryBuilder, Sqlite, SqliteConnection, SqlitePool};

use super::{audit, begin_write, ts, Tx};
use crate::domain::record::Origin;
use crate::domain::{Clients, Direction};
use crate::listfile::{self, Add, Known, KnownFunction, ListRow, Plan, RowError, Target};

/// What the database holds that a file is checked against: the functions not removed
/// from the Registry, the divisions in use, the active rows' points.
pub async fn known(pool: &SqlitePool) -> Result<Known, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    known_on(&mut conn).await
}

/// A file staged for confirmation, with what applying it would do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    pub upload_id: i64,
    pub file_name: String,
    pub rows: usize,
    pub clients: Clients,
    pub plan: Plan,
}

/// Checks a file's rows against the database and stages them; the bad rows when any.
pub async fn stage(
    pool: &SqlitePool,
    admin_id: Option<i64>,
    file_name: &str,
    rows: &[ListRow],
    now: DateTime<Utc>,
) -> Result<Result<Staged, Vec<RowError>>, sqlx::Error> {
    let clients = listfile::DEFAULT_CLIENTS;
    let plan = match listfile::plan(rows, &known(pool).await?, clients) {
        Ok(p) => p,
        Err(bad) => return Ok(Err(bad)),
    };
    let json = serde_json::to_string(rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let upload_id = sqlx::query(
        "INSERT INTO list_uploads (admin_id, file_name, rows, clients, created_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(admin_id)
    .bind(file_name)
    .bind(json)
    .bind(clients.code())
    .bind(ts(now))
    .execute(pool)
    .await?
    .last_insert_rowid();
    Ok(Ok(Staged {
        upload_id,
        file_name: file_name.to_string(),
        rows: rows.len(),
        clients,
        plan,
    }))
}

/// Why a staged file was not applied (or changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// No such upload.
    NotFound,
    /// Applied, discarded or gone stale already (a second press): its status.
    Decided(String),
    /// The Registry or the list changed since the preview, and these rows no longer load:
    /// nothing was written, the upload is stale.
    Changed(Vec<RowError>),
}

struct Upload {
    file_name: String,
    rows: Vec<ListRow>,
    clients: Clients,
}

async fn pending<'c, E>(ex: E, upload_id: i64) -> Result<Result<Upload, Refused>, sqlx::Error>
where
    E: Executor<'c, Database = Sqlite>,
{
    let row: Option<(String, String, String, String)> =
        sqlx::query_as("SELECT file_name, rows, clients, status FROM list_uploads WHERE id = ?")
            .bind(upload_id)
            .fetch_optional(ex)
            .await?;
    let Some((file_name, rows, clients, status)) = row else {
        return Ok(Err(Refused::NotFound));
    };
    if status != "pending" {
        return Ok(Err(Refused::Decided(status)));
    }
    let rows: Vec<ListRow> =
        serde_json::from_str(&rows).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(Ok(Upload {
        file_name,
        rows,
        clients: Clients::from_code(&clients).unwrap_or(listfile::DEFAULT_CLIENTS),
    }))
}

/// Changes what rows without their own clients take, for the whole file; the preview
/// again.
pub async fn set_clients(
    pool: &SqlitePool,
    upload_id: i64,
    clients: Clients,
) -> Result<Result<Staged, Refused>, sqlx::Error> {
    let done =
        sqlx::query("UPDATE list_uploads SET clients = ? WHERE id = ? AND status = 'pending'")
            .bind(clients.code())
            .bind(upload_id)
            .execute(pool)
            .await?;
    let upload = match pending(pool, upload_id).await? {
        Ok(u) if done.rows_affected() == 1 => u,
        Ok(_) => return Ok(Err(Refused::NotFound)),
        Err(r) => return Ok(Err(r)),
    };
    match listfile::plan(&upload.rows, &known(pool).await?, upload.clients) {
        Ok(plan) => Ok(Ok(Staged {
            upload_id,
            file_name: upload.file_name,
            rows: upload.rows.len(),
            clients: upload.clients,
            plan,
        })),
        Err(bad) => Ok(Err(Refused::Changed(bad))),
    }
}

/// What applying did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub file_name: String,
    pub plan: Plan,
    /// The rows added, in the file's order.
    pub row_ids: Vec<i64>,
}

/// Applies a staged file: all of its rows, or none, in one write transaction. Of two
/// presses exactly one applies it.
pub async fn apply(
    pool: &SqlitePool,
    upload_id: i64,
    actor_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Result<Applied, Refused>, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let upload = match pending(&mut *tx, upload_id).await? {
        Ok(u) => u,
        Err(r) => return Ok(Err(r)),
    };
    let known = known_on(&mut tx).await?;
    let plan = match listfile::plan(&upload.rows, &known, upload.clients) {
        Ok(p) => p,
        Err(bad) => {
            decide(&mut tx, upload_id, "stale", actor_id, now).await?;
            tx.commit().await?;
            return Ok(Err(Refused::Changed(bad)));
        }
    };
    let origin = Origin::Import(upload.file_name.clone());
    let row_ids = write_rows(&mut tx, &plan.adds, &origin, actor_id, now).await?;
    decide(&mut tx, upload_id, "applied", actor_id, now).await?;
    audit::record(
        &mut tx,
        actor_id,
        "list.import",
        "list_upload",
        Some(upload_id),
        serde_json::json!({
            "file": upload.file_name,
            "added": row_ids.len(),
            "skipped": plan.skipped.len(),
            "functions": plan.new_functions.len(),
            "clients": upload.clients.code(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Applied {
        file_name: upload.file_name,
        plan,
        row_ids,
    }))
}

async fn known_on(conn: &mut SqliteConnection) -> Result<Known, sqlx::Error> {
    type F = (i64, Option<String>, String, String, i64, String, bool);
    let functions: Vec<F> = sqlx::query_as(
        "SELECT f.id, f.code, f.name, f.direction, f.division_id, d.name, f.in_registry
         FROM functions f JOIN divisions d ON d.id = f.division_id
         WHERE f.removed_at IS NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    let divisions: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM divisions WHERE retired = 0")
            .fetch_all(&mut *conn)
            .await?;
    let active: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT function_id, point_key, id FROM touchpoints WHERE status = 'active'",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(Known {
        functions: functions
            .into_iter()
            .filter_map(
                |(id, code, name, direction, division_id, division, in_registry)| {
                    Some(KnownFunction {
                        id,
                        code,
                        name,
                        direction: Direction::from_code(&direction)?,
                        division_id,
                        division,
                        in_registry,
                    })
                },
            )
            .collect(),
        divisions,
        active: active
            .into_iter()
            .map(|(f, key, id)| ((f, key), id))
            .collect(),
    })
}

/// Discards a staged file; whether it was pending.
pub async fn discard(
    pool: &SqlitePool,
    upload_id: i64,
    actor_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let n = decide(&mut tx, upload_id, "discarded", actor_id, now).await?;
    tx.commit().await?;
    Ok(n)
}

/// Decides a pending upload. Its rows are dropped: an applied file's rows are in the
/// list's versions, a discarded or stale one's are not wanted (a file may hold 10 MB).
async fn decide(
    tx: &mut Tx<'_>,
    upload_id: i64,
    status: &str,
    actor_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE list_uploads SET status = ?, decided_at = ?, decided_by = ?, rows = '[]'
         WHERE id = ? AND status = 'pending'",
    )
    .bind(status)
    .bind(ts(now))
    .bind(actor_id)
    .bind(upload_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Rows per multi-row INSERT (well under SQLite's limit on bound values).
const CHUNK: usize = 200;

/// Writes the rows: the functions not in the Registry first (one per name, division and
/// direction, with their audit records), then each row with its needs, its first version
/// and its audit record — what `touchpoints::insert` writes, many rows per statement.
async fn write_rows(
    tx: &mut Tx<'_>,
    adds: &[Add],
    origin: &Origin,
    actor_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, sqlx::Error> {
    let now = ts(now);
    let encode = |e: serde_json::Error| sqlx::Error::Encode(Box::new(e));
    // Functions not in the Registry, created once each.
    let mut typed: HashMap<(i64, String), i64> = HashMap::new();
    for a in adds {
        let Target::Typed { name, key } = &a.target else {
            continue;
        };
        if typed.contains_key(&(a.division_id, key.clone())) {
            continue;
        }
        let id = sqlx::query(
            "INSERT INTO functions (code, name, is_service, direction, division_id, in_registry,
                 created_at)
             VALUES (NULL, ?, 0, ?, ?, 0, ?)",
        )
        .bind(name)
        .bind(a.data.direction.code())
        .bind(a.division_id)
        .bind(&now)
        .execute(&mut **tx)
        .await?
        .last_insert_rowid();
        audit::record(
            tx,
            actor_id,
            "function.add",
            "function",
            Some(id),
            serde_json::json!({ "code": null, "name": name, "in_registry": false, "origin": origin }),
        )
        .await?;
        typed.insert((a.division_id, key.clone()), id);
    }
    // Ids given here: the write lock is held, so no one else adds a row meanwhile.
    let last: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM touchpoints")
        .fetch_one(&mut **tx)
        .await?;
    let origin_json = serde_json::to_string(origin).map_err(encode)?;
    let mut ids = Vec::with_capacity(adds.len());
    for (n, chunk) in adds.chunks(CHUNK).enumerate() {
        let first = last + 1 + (n * CHUNK) as i64;
        let rows: Vec<(i64, &Add, crate::domain::TouchpointData, String)> = chunk
            .iter()
            .enumerate()
            .map(|(k, a)| {
                let mut data = a.data.clone();
                if let Target::Typed { key, .. } = &a.target {
                    data.function_id = typed[&(a.division_id, key.clone())];
                }
                let json = serde_json::to_string(&data).map_err(encode)?;
                Ok((first + k as i64, a, data, json))
            })
            .collect::<Result<_, sqlx::Error>>()?;
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO touchpoints (id, function_id, division_id, direction, kind, channel,
                 point, point_key, other_need, features, clients, little_used, created_at,
                 updated_at) ",
        );
        q.push_values(&rows, |mut b, (id, a, data, _)| {
            b.push_bind(*id)
                .push_bind(data.function_id)
                .push_bind(a.division_id)
                .push_bind(data.direction.code())
                .push_bind(data.kind.code())
                .push_bind(data.channel.code())
                .push_bind(data.point.trim().to_string())
                .push_bind(data.point_key())
                .push_bind(data.other_need.clone())
                .push_bind(data.features.clone())
                .push_bind(data.clients.code())
                .push_bind(data.little_used)
                .push_bind(&now)
                .push_bind(&now);
        });
        q.build().execute(&mut **tx).await?;
        let needs: Vec<(i64, &'static str)> = rows
            .iter()
            .flat_map(|(id, _, data, _)| data.needs.iter().map(move |n| (*id, n.code())))
            .collect();
        for part in needs.chunks(CHUNK * 4) {
            let mut q =
                QueryBuilder::<Sqlite>::new("INSERT INTO touchpoint_needs (touchpoint_id, need) ");
            q.push_values(part, |mut b, (id, need)| {
                b.push_bind(*id).push_bind(*need);
            });
            q.build().execute(&mut **tx).await?;
        }
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO touchpoint_versions (touchpoint_id, version, data, status, request_id,
                 reported_by, accepted_by, at, division_id, function_name, function_code,
                 function_in_registry, origin, origin_detail) ",
        );
        q.push_values(&rows, |mut b, (id, a, _, json)| {
            b.push_bind(*id)
                .push_bind(1_i64)
                .push_bind(json.as_str())
                .push_bind("active")
                .push_bind(None::<i64>)
                .push_bind(None::<i64>)
                .push_bind(actor_id)
                .push_bind(&now)
                .push_bind(a.division_id)
                .push_bind(a.function_name.as_str())
                .push_bind(a.function_code.as_deref())
                .push_bind(a.in_registry)
                .push_bind(origin.code())
                .push_bind(origin.detail());
        });
        q.build().execute(&mut **tx).await?;
        // What `touchpoints::insert` records, `{"origin": …, "data": …}`, from the version's
        // JSON of the row.
        let details: Vec<String> = rows
            .iter()
            .map(|(.., json)| format!(r#"{{"origin":{origin_json},"data":{json}}}"#))
            .collect();
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, details) ",
        );
        q.push_values(rows.iter().zip(&details), |mut b, ((id, ..), d)| {
            b.push_bind(&now)
                .push_bind(actor_id)
                .push_bind("touchpoint.add")
                .push_bind("touchpoint")
                .push_bind(*id)
                .push_bind(d.as_str());
        });
        q.build().execute(&mut **tx).await?;
        ids.extend(rows.iter().map(|(id, ..)| *id));
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::db::testing::db;
    use crate::db::touchpoints::{self as tp, tests::setup};
    use crate::domain::{Channel, Kind, Need};
    use crate::listfile::{FunctionRef, Problem};

    fn row(line: usize, point: &str) -> ListRow {
        ListRow {
            line,
            direction: Direction::Appeals,
            function: FunctionRef::Registry {
                name: "Рассмотрение обращений граждан".into(),
                code: Some("Ф-012".into()),
            },
            division: None,
            kind: Kind::InPerson,
            channel: Channel::Offline,
            point: point.into(),
            needs: BTreeSet::from([Need::Information]),
            other_need: None,
            features: None,
            little_used: false,
            clients: None,
        }
    }

    async fn active(pool: &SqlitePool) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM touchpoints WHERE status = 'active'")
            .fetch_one(pool)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn of_two_presses_exactly_one_applies() {
        let (pool, _dir) = db().await;
        setup(&pool).await;
        let rows: Vec<ListRow> = (0..50).map(|n| row(n + 2, &format!("каб. {n}"))).collect();
        let s = stage(&pool, Some(1), "f.csv", &rows, Utc::now())
            .await
            .unwrap()
            .unwrap();
        let (a, b) = tokio::join!(
            apply(&pool, s.upload_id, Some(1), Utc::now()),
            apply(&pool, s.upload_id, Some(2), Utc::now())
        );
        let outcomes = [a.unwrap(), b.unwrap()];
        assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1);
        assert!(outcomes
            .iter()
            .any(|o| *o == Err(Refused::Decided("applied".into()))));
        assert_eq!(active(&pool).await, 50);
        let kept: String = sqlx::query_scalar("SELECT rows FROM list_uploads WHERE id = ?")
            .bind(s.upload_id)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(kept, "[]", "a decided upload keeps no rows");
        assert!(!discard(&pool, s.upload_id, Some(1), Utc::now())
            .await
            .unwrap());
        assert_eq!(
            set_clients(&pool, s.upload_id, Clients::Both)
                .await
                .unwrap(),
            Err(Refused::Decided("applied".into()))
        );
    }

    /// Between the preview and `Применить`: a point that entered the list is skipped, not
    /// added twice; a function that left the Registry refuses the whole file.
    #[tokio::test]
    async fn apply_matches_the_rows_again() {
        let (pool, _dir) = db().await;
        let (division, function) = setup(&pool).await;
        let rows = vec![row(2, "каб. 1"), row(3, "каб. 2")];
        let s = stage(&pool, Some(1), "f.csv", &rows, Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((s.plan.adds.len(), s.plan.skipped.len()), (2, 0));
        let s = set_clients(&pool, s.upload_id, Clients::Internal)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(s.clients, Clients::Internal);
        let mut tx = begin_write(&pool).await.unwrap();
        let data = crate::domain::TouchpointData {
            direction: Direction::Appeals,
            function_id: function,
            kind: Kind::InPerson,
            channel: Channel::Offline,
            point: "КАБ.  1".into(),
            needs: BTreeSet::from([Need::Consultation]),
            other_need: None,
            features: None,
            clients: Clients::External,
            little_used: false,
        };
        let who = tp::Provenance {
            origin: Origin::Import("other".into()),
            reported_by: None,
            accepted_by: Some(1),
        };
        tp::insert(&mut tx, &data, division, who).await.unwrap();
        tx.commit().await.unwrap();
        let a = apply(&pool, s.upload_id, Some(1), Utc::now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!((a.row_ids.len(), a.plan.skipped.len()), (1, 1));
        assert_eq!(active(&pool).await, 2);
        let added = tp::get(&pool, a.row_ids[0]).await.unwrap().unwrap();
        assert_eq!(added.data.clients, Clients::Internal);

        // The function leaves the Registry after a second file's preview.
        let s = stage(&pool, Some(1), "g.csv", &[row(2, "каб. 3")], Utc::now())
            .await
            .unwrap()
            .unwrap();
        sqlx::query("UPDATE functions SET removed_at = '2026-12-01T00:00:00Z'")
            .execute(&pool)
            .await
            .unwrap();
        let r = apply(&pool, s.upload_id, Some(1), Utc::now())
            .await
            .unwrap();
        let Err(Refused::Changed(bad)) = r else {
            panic!("{r:?}")
        };
        assert_eq!(bad[0].line, 2);
        assert!(matches!(bad[0].problem, Problem::UnknownFunction(_)));
        assert_eq!(active(&pool).await, 2);
        assert_eq!(
            apply(&pool, s.upload_id, Some(1), Utc::now())
                .await
                .unwrap(),
            Err(Refused::Decided("stale".into()))
        );
        assert_eq!(
            apply(&pool, 999, Some(1), Utc::now()).await.unwrap(),
            Err(Refused::NotFound)
        );
    }
}
