//! The Registry of processes (3.1) in the database: what it holds (for the plan), a checked
//! file waiting for confirmation, and applying it — all of it or nothing, in one
//! transaction with its audit records. Also what the Registry leaves outstanding (5.1):
//! rows under processes that left it, processes added without rows.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use chrono::{DateTime, Utc};
use sqlx::{Executor, Sqlite, SqlitePool};

use super::divisions::name_key;
use super::{audit, begin_write, ts, Tx};
use crate::domain::record::Origin;
use crate::domain::Direction;
use crate::registry::{self, Entry, Existing, Plan};

#[derive(sqlx::FromRow)]
struct ExistingRow {
    function_id: i64,
    code: String,
    name: String,
    is_service: bool,
    direction: String,
    division_id: i64,
    division: String,
    removed: bool,
    rows: i64,
}

/// Every process of the Registry the database holds (removed ones included), by code.
pub async fn existing<'e, E>(ex: E) -> Result<Vec<Existing>, sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    let rows: Vec<ExistingRow> = sqlx::query_as(
        "SELECT f.id AS function_id, f.code, f.name, f.is_service, f.direction, f.division_id,
                d.name AS division, f.removed_at IS NOT NULL AS removed,
                (SELECT count(*) FROM touchpoints t
                 WHERE t.function_id = f.id AND t.status = 'active') AS rows
         FROM functions f JOIN divisions d ON d.id = f.division_id
         WHERE f.code IS NOT NULL AND f.in_registry = 1
         ORDER BY f.code",
    )
    .fetch_all(ex)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Existing {
            function_id: r.function_id,
            code: r.code,
            name: r.name,
            is_service: r.is_service,
            direction: Direction::from_code(&r.direction).unwrap_or(Direction::Appeals),
            division_id: r.division_id,
            division: r.division,
            removed: r.removed,
            rows: r.rows,
        })
        .collect())
}

/// Every division's name, retired ones included.
async fn division_names<'e, E>(ex: E) -> Result<Vec<String>, sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    sqlx::query_scalar("SELECT name FROM divisions ORDER BY id")
        .fetch_all(ex)
        .await
}

/// A fingerprint of the Registry and the divisions: a preview is applied only to what it
/// was made against.
fn fingerprint(existing: &[Existing], divisions: &[String]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for e in existing {
        (
            &e.code,
            &e.name,
            e.is_service,
            e.direction.code(),
            e.division_id,
            e.removed,
        )
            .hash(&mut h);
    }
    divisions.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// A checked file stored for confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    pub upload_id: i64,
    pub plan: Plan,
}

/// Stores checked entries for confirmation and returns the plan of what they change.
pub async fn stage(
    pool: &SqlitePool,
    admin_id: Option<i64>,
    file_name: &str,
    entries: &[Entry],
    now: DateTime<Utc>,
) -> Result<Staged, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let have = existing(&mut *tx).await?;
    let divisions = division_names(&mut *tx).await?;
    let plan = registry::plan(entries, &have, &divisions);
    let json = serde_json::to_string(entries).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let upload_id = sqlx::query(
        "INSERT INTO registry_uploads (admin_id, file_name, entries, base, created_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(admin_id)
    .bind(file_name)
    .bind(json)
    .bind(fingerprint(&have, &divisions))
    .bind(ts(now))
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    tx.commit().await?;
    Ok(Staged { upload_id, plan })
}

/// Why a staged file was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// No such upload.
    NotFound,
    /// Applied or discarded already (a second press).
    Decided(String),
    /// The Registry changed since the preview: the file must be sent again.
    Stale,
}

/// What applying did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub plan: Plan,
    /// The ids of the divisions created or brought back, by name key.
    pub divisions: HashMap<String, i64>,
}

/// Applies a staged file: all of it, or nothing, in one write transaction. Of two presses
/// exactly one applies it.
pub async fn apply(
    pool: &SqlitePool,
    upload_id: i64,
    actor_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Result<Applied, Refused>, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let row: Option<(String, String, String)> =
        sqlx::query_as("SELECT entries, base, status FROM registry_uploads WHERE id = ?")
            .bind(upload_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((entries, base, status)) = row else {
        return Ok(Err(Refused::NotFound));
    };
    if status != "pending" {
        return Ok(Err(Refused::Decided(status)));
    }
    let have = existing(&mut *tx).await?;
    let division_list = division_names(&mut *tx).await?;
    if fingerprint(&have, &division_list) != base {
        decide(&mut tx, upload_id, "stale", actor_id, now).await?;
        tx.commit().await?;
        return Ok(Err(Refused::Stale));
    }
    let entries: Vec<Entry> =
        serde_json::from_str(&entries).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let plan = registry::plan(&entries, &have, &division_list);
    let divisions = write(&mut tx, upload_id, &entries, &plan, actor_id, now).await?;
    decide(&mut tx, upload_id, "applied", actor_id, now).await?;
    audit::record(
        &mut tx,
        actor_id,
        "registry.import",
        "registry_upload",
        Some(upload_id),
        serde_json::json!({
            "added": plan.added.iter().map(|e| &e.code).collect::<Vec<_>>(),
            "returned": plan.returned.iter().map(|u| &u.new.code).collect::<Vec<_>>(),
            "updated": plan.updated.iter().map(|u| &u.new.code).collect::<Vec<_>>(),
            "removed": plan.removed.iter().map(|e| &e.code).collect::<Vec<_>>(),
            "new_divisions": plan.new_divisions,
            "unchanged": plan.unchanged,
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Applied { plan, divisions }))
}

/// Discards a staged file. False when it was not pending.
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

async fn decide(
    tx: &mut Tx<'_>,
    upload_id: i64,
    status: &str,
    actor_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE registry_uploads SET status = ?, decided_at = ?, decided_by = ?
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

/// The writes of a plan, inside the caller's transaction.
async fn write(
    tx: &mut Tx<'_>,
    upload_id: i64,
    entries: &[Entry],
    plan: &Plan,
    actor_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let now_s = ts(now);
    // Divisions: every one the file names, created when new, brought back when retired.
    let mut divisions: HashMap<String, i64> = HashMap::new();
    let all: Vec<(i64, String, bool)> =
        sqlx::query_as("SELECT id, name_key, retired FROM divisions")
            .fetch_all(&mut **tx)
            .await?;
    let mut touched = HashMap::new();
    for (id, key, retired) in all {
        touched.insert(key, (id, retired));
    }
    for e in entries {
        let key = name_key(&e.division);
        if divisions.contains_key(&key) {
            continue;
        }
        let id = match touched.get(&key) {
            Some((id, false)) => *id,
            Some((id, true)) => {
                sqlx::query("UPDATE divisions SET retired = 0 WHERE id = ?")
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                audit::record(
                    tx,
                    actor_id,
                    "division.restore",
                    "division",
                    Some(*id),
                    serde_json::json!({ "by": "registry" }),
                )
                .await?;
                *id
            }
            None => {
                let id = sqlx::query(
                    "INSERT INTO divisions (name, name_key, created_at) VALUES (?, ?, ?)",
                )
                .bind(&e.division)
                .bind(&key)
                .bind(&now_s)
                .execute(&mut **tx)
                .await?
                .last_insert_rowid();
                audit::record(
                    tx,
                    actor_id,
                    "division.create",
                    "division",
                    Some(id),
                    serde_json::json!({ "name": e.division, "by": "registry" }),
                )
                .await?;
                id
            }
        };
        divisions.insert(key, id);
    }
    let division_of = |e: &Entry| divisions[&name_key(&e.division)];

    for e in &plan.added {
        let id = sqlx::query(
            "INSERT INTO functions (code, name, is_service, direction, division_id, in_registry, created_at)
             VALUES (?, ?, ?, ?, ?, 1, ?)",
        )
        .bind(&e.code)
        .bind(&e.name)
        .bind(e.is_service)
        .bind(e.direction.code())
        .bind(division_of(e))
        .bind(&now_s)
        .execute(&mut **tx)
        .await?
        .last_insert_rowid();
        audit::record(
            tx,
            actor_id,
            "function.add",
            "function",
            Some(id),
            serde_json::json!({ "code": e.code, "name": e.name, "by": "registry" }),
        )
        .await?;
    }
    for (u, action) in plan
        .returned
        .iter()
        .map(|u| (u, "function.return"))
        .chain(plan.updated.iter().map(|u| (u, "function.update")))
    {
        let division = division_of(&u.new);
        sqlx::query(
            "UPDATE functions SET name = ?, is_service = ?, direction = ?, division_id = ?,
                 removed_at = NULL
             WHERE id = ?",
        )
        .bind(&u.new.name)
        .bind(u.new.is_service)
        .bind(u.new.direction.code())
        .bind(division)
        .bind(u.old.function_id)
        .execute(&mut **tx)
        .await?;
        // The process is now performed by another division: its rows go with it.
        let moved = if division != u.old.division_id {
            sqlx::query(
                "UPDATE touchpoints SET division_id = ?, updated_at = ?
                 WHERE function_id = ? AND status = 'active'",
            )
            .bind(division)
            .bind(&now_s)
            .bind(u.old.function_id)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        } else {
            0
        };
        // Column 2 of a row is its function's direction: the rows follow a change of it.
        let redirected = if u.new.direction != u.old.direction {
            sqlx::query(
                "UPDATE touchpoints SET direction = ?, updated_at = ?
                 WHERE function_id = ? AND status = 'active'",
            )
            .bind(u.new.direction.code())
            .bind(&now_s)
            .bind(u.old.function_id)
            .execute(&mut **tx)
            .await?
            .rows_affected()
        } else {
            0
        };
        // A row shows its function's name (column 3), direction and division: when any of
        // them changed, each of its rows gets a new version, made by the Registry.
        if moved + redirected > 0 || u.new.name != u.old.name {
            let rows: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM touchpoints WHERE function_id = ? AND status = 'active' ORDER BY id",
            )
            .bind(u.old.function_id)
            .fetch_all(&mut **tx)
            .await?;
            sqlx::query(
                "UPDATE touchpoints SET version = version + 1, updated_at = ?
                 WHERE function_id = ? AND status = 'active'",
            )
            .bind(&now_s)
            .bind(u.old.function_id)
            .execute(&mut **tx)
            .await?;
            let who = super::touchpoints::Provenance {
                origin: Origin::Registry(upload_id),
                reported_by: None,
                accepted_by: actor_id,
            };
            for row in rows {
                super::versions::write(tx, row, &who).await?;
            }
        }
        audit::record(
            tx,
            actor_id,
            action,
            "function",
            Some(u.old.function_id),
            serde_json::json!({
                "code": u.new.code,
                "from": { "name": u.old.name, "is_service": u.old.is_service,
                          "direction": u.old.direction.code(), "division_id": u.old.division_id },
                "to": { "name": u.new.name, "is_service": u.new.is_service,
                        "direction": u.new.direction.code(), "division_id": division },
                "rows_moved": moved,
                "rows_redirected": redirected,
                "by": "registry",
            }),
        )
        .await?;
    }
    for e in &plan.removed {
        sqlx::query("UPDATE functions SET removed_at = ? WHERE id = ?")
            .bind(&now_s)
            .bind(e.function_id)
            .execute(&mut **tx)
            .await?;
        audit::record(
            tx,
            actor_id,
            "function.remove",
            "function",
            Some(e.function_id),
            serde_json::json!({ "code": e.code, "name": e.name, "rows": e.rows, "by": "registry" }),
        )
        .await?;
    }
    Ok(divisions)
}

/// A process of the Registry that leaves work to do (5.1).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Outstanding {
    pub function_id: i64,
    pub code: Option<String>,
    pub name: String,
    pub division_id: i64,
    pub division: String,
    /// Active rows under it.
    pub rows: i64,
}

/// Processes removed from the Registry that still have active rows: each row is to be
/// excluded or moved to another process.
pub async fn removed_with_rows(pool: &SqlitePool) -> Result<Vec<Outstanding>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.id AS function_id, f.code, f.name, f.division_id, d.name AS division,
                count(t.id) AS rows
         FROM functions f
         JOIN divisions d ON d.id = f.division_id
         JOIN touchpoints t ON t.function_id = f.id AND t.status = 'active'
         WHERE f.removed_at IS NOT NULL
         GROUP BY f.id ORDER BY d.name_key, f.code",
    )
    .fetch_all(pool)
    .await
}

/// Processes in the Registry with no active row and no pending report of a new row: their
/// division is to report their touchpoints.
pub async fn without_rows(pool: &SqlitePool) -> Result<Vec<Outstanding>, sqlx::Error> {
    sqlx::query_as(
        "SELECT f.id AS function_id, f.code, f.name, f.division_id, d.name AS division,
                0 AS rows
         FROM functions f
         JOIN divisions d ON d.id = f.division_id
         WHERE f.removed_at IS NULL AND f.in_registry = 1 AND f.code IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM touchpoints t
                           WHERE t.function_id = f.id AND t.status = 'active')
           AND NOT EXISTS (SELECT 1 FROM change_requests r
                           WHERE r.function_id = f.id AND r.status = 'pending')
         ORDER BY d.name_key, f.code",
    )
    .fetch_all(pool)
    .await
}

/// The functions (ids) of the Registry, for telling heads about added ones.
pub async fn function_ids_by_code(
    pool: &SqlitePool,
    codes: &[&str],
) -> Result<HashMap<String, (i64, i64)>, sqlx::Error> {
    let mut out = HashMap::new();
    for code in codes {
        let r: Option<(i64, i64)> =
            sqlx::query_as("SELECT id, division_id FROM functions WHERE code = ?")
                .bind(code)
                .fetch_optional(pool)
                .await?;
        if let Some(r) = r {
            out.insert(code.to_string(), r);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::db;
    use crate::db::touchpoints::tests::sample;
    use crate::db::{divisions, touchpoints};

    fn entry(code: &str, name: &str, division: &str) -> Entry {
        Entry {
            line: 2,
            code: code.into(),
            name: name.into(),
            is_service: false,
            direction: Direction::Appeals,
            division: division.into(),
        }
    }

    async fn count(pool: &SqlitePool, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
    }

    #[tokio::test]
    async fn a_file_is_applied_whole_once_and_removal_leaves_rows_outstanding() {
        let (pool, _dir) = db().await;
        let now = Utc::now();
        let first = vec![
            entry("Ф-1", "Один", "Отдел"),
            entry("Ф-2", "Два", "Отдел"),
            entry("Ф-3", "Три", "Комитет"),
        ];
        let s = stage(&pool, Some(1), "r.csv", &first, now).await.unwrap();
        assert_eq!(s.plan.added.len(), 3);
        assert_eq!(s.plan.new_divisions, ["Отдел", "Комитет"]);
        // Nothing is written before the confirmation.
        assert_eq!(count(&pool, "SELECT count(*) FROM functions").await, 0);
        let a = apply(&pool, s.upload_id, Some(1), now)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(a.divisions.len(), 2);
        assert_eq!(count(&pool, "SELECT count(*) FROM functions").await, 3);
        // A second press does nothing.
        assert_eq!(
            apply(&pool, s.upload_id, Some(1), now).await.unwrap(),
            Err(Refused::Decided("applied".into()))
        );
        assert_eq!(count(&pool, "SELECT count(*) FROM functions").await, 3);

        // A row under Ф-2, then a file without Ф-2 and with Ф-1 renamed.
        let have = existing(&pool).await.unwrap();
        let f2 = have.iter().find(|e| e.code == "Ф-2").unwrap().function_id;
        let mut tx = pool.begin().await.unwrap();
        let d = divisions::get_or_create(&mut tx, "Отдел", 1)
            .await
            .unwrap()
            .0;
        touchpoints::insert(
            &mut tx,
            &sample(f2, "https://x.ru"),
            d.id,
            touchpoints::Provenance {
                origin: crate::domain::record::Origin::Import("test".into()),
                reported_by: Some(5),
                accepted_by: Some(1),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let second = vec![
            entry("Ф-1", "Один (новое)", "Отдел"),
            entry("Ф-3", "Три", "Комитет"),
        ];
        let s = stage(&pool, Some(1), "r2.csv", &second, now).await.unwrap();
        assert_eq!(s.plan.updated.len(), 1);
        assert_eq!(s.plan.removed.len(), 1);
        assert_eq!(s.plan.removed[0].rows, 1);
        apply(&pool, s.upload_id, Some(1), now)
            .await
            .unwrap()
            .unwrap();
        let out = removed_with_rows(&pool).await.unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].function_id, out[0].rows), (f2, 1));
        let lacking: Vec<_> = without_rows(&pool)
            .await
            .unwrap()
            .into_iter()
            .map(|o| o.code.unwrap())
            .collect();
        assert_eq!(lacking, ["Ф-3", "Ф-1"], "by division, then code");

        // Ф-2 returns: the same process, its row its own again.
        let third = vec![entry("Ф-2", "Два", "Отдел")];
        let s = stage(&pool, None, "r3.csv", &third, now).await.unwrap();
        assert_eq!(s.plan.returned.len(), 1);
        apply(&pool, s.upload_id, None, now).await.unwrap().unwrap();
        assert!(removed_with_rows(&pool).await.unwrap().is_empty());
        let actions: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM audit_log WHERE action LIKE 'registry.%' OR action LIKE 'function.%'",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(
            actions.iter().filter(|a| *a == "registry.import").count(),
            3
        );
        assert!(actions.contains(&"function.remove".to_string()));
        assert!(actions.contains(&"function.return".to_string()));
    }

    #[tokio::test]
    async fn a_preview_made_against_another_registry_is_not_applied() {
        let (pool, _dir) = db().await;
        let now = Utc::now();
        let a = stage(
            &pool,
            Some(1),
            "a.csv",
            &[entry("Ф-1", "Один", "Отдел")],
            now,
        )
        .await
        .unwrap();
        let b = stage(
            &pool,
            Some(1),
            "b.csv",
            &[entry("Ф-9", "Девять", "Отдел")],
            now,
        )
        .await
        .unwrap();
        apply(&pool, a.upload_id, Some(1), now)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            apply(&pool, b.upload_id, Some(1), now).await.unwrap(),
            Err(Refused::Stale)
        );
        let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM functions")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(codes, ["Ф-1"]);
        assert!(!discard(&pool, b.upload_id, Some(1), now).await.unwrap());
    }

    #[tokio::test]
    async fn a_division_change_moves_the_rows_with_the_process() {
        let (pool, _dir) = db().await;
        let now = Utc::now();
        let s = stage(
            &pool,
            Some(1),
            "a.csv",
            &[entry("Ф-1", "Один", "Отдел")],
            now,
        )
        .await
        .unwrap();
        apply(&pool, s.upload_id, Some(1), now)
            .await
            .unwrap()
            .unwrap();
        let f = existing(&pool).await.unwrap()[0].clone();
        let mut tx = pool.begin().await.unwrap();
        touchpoints::insert(
            &mut tx,
            &sample(f.function_id, "https://x.ru"),
            f.division_id,
            touchpoints::Provenance {
                origin: crate::domain::record::Origin::Import("test".into()),
                reported_by: Some(5),
                accepted_by: Some(1),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let s = stage(
            &pool,
            Some(1),
            "b.csv",
            &[entry("Ф-1", "Один", "Комитет")],
            now,
        )
        .await
        .unwrap();
        assert!(s.plan.updated[0].division_changed());
        let a = apply(&pool, s.upload_id, Some(1), now)
            .await
            .unwrap()
            .unwrap();
        let committee = a.divisions[&name_key("Комитет")];
        let row_division: i64 = sqlx::query_scalar("SELECT division_id FROM touchpoints")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(row_division, committee);

        // A change of direction: the rows follow it (column 2 of the list).
        let mut moved = entry("Ф-1", "Один", "Комитет");
        moved.direction = Direction::Internal;
        let s = stage(&pool, Some(1), "c.csv", &[moved], now).await.unwrap();
        apply(&pool, s.upload_id, Some(1), now)
            .await
            .unwrap()
            .unwrap();
        let row_direction: String = sqlx::query_scalar("SELECT direction FROM touchpoints")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(row_direction, "3.5.3");

        // A rename: the row shows the new name. Each of the three is a version of the row,
        // made by the Registry upload, and a version alone tells how the row stood.
        let mut renamed = entry("Ф-1", "Один, переименованный", "Комитет");
        renamed.direction = Direction::Internal;
        let s = stage(&pool, Some(1), "d.csv", &[renamed], now)
            .await
            .unwrap();
        assert_eq!(s.plan.updated.len(), 1);
        apply(&pool, s.upload_id, Some(1), now)
            .await
            .unwrap()
            .unwrap();
        let row: i64 = sqlx::query_scalar("SELECT id FROM touchpoints")
            .fetch_one(&pool)
            .await
            .unwrap();
        let versions = crate::db::versions::of_row(&pool, row).await.unwrap();
        let seen: Vec<_> = versions
            .iter()
            .map(|v| {
                (
                    v.row.version,
                    v.row.function_name.as_str(),
                    v.row.division_id == committee,
                    v.row.data.direction,
                    v.origin.clone(),
                )
            })
            .collect();
        use crate::domain::record::Origin::{Import, Registry};
        assert_eq!(
            seen,
            vec![
                (
                    1,
                    "Один",
                    false,
                    Direction::Appeals,
                    Some(Import("test".into()))
                ),
                (
                    2,
                    "Один",
                    true,
                    Direction::Appeals,
                    Some(Registry(a_upload(&pool, "b.csv").await))
                ),
                (
                    3,
                    "Один",
                    true,
                    Direction::Internal,
                    Some(Registry(a_upload(&pool, "c.csv").await))
                ),
                (
                    4,
                    "Один, переименованный",
                    true,
                    Direction::Internal,
                    Some(Registry(s.upload_id))
                ),
            ]
        );
        assert!(versions[..3].iter().all(|v| v.valid_to.is_some()));
        assert_eq!(versions[3].valid_to, None);
    }

    async fn a_upload(pool: &SqlitePool, file: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT id FROM registry_uploads WHERE file_name = ? AND status = 'applied'",
        )
        .bind(file)
        .fetch_one(pool)
        .await
        .unwrap()
    }
}
