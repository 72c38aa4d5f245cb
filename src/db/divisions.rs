//! Divisions (структурные подразделения) of the administration.

use chrono::Utc;
use sqlx::SqlitePool;

use super::{audit, begin_write, ts, Tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Division {
    pub id: i64,
    pub name: String,
    pub retired: bool,
}

/// The key under which division names are unique: lower case, spaces folded.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Finds a division by name (case-insensitive, spaces trimmed) or creates it, with its
/// audit record. Returns the division and whether it was created.
pub async fn get_or_create(
    tx: &mut Tx<'_>,
    name: &str,
    actor_id: i64,
) -> Result<(Division, bool), sqlx::Error> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(d) =
        sqlx::query_as::<_, Division>("SELECT id, name, retired FROM divisions WHERE name_key = ?")
            .bind(name_key(&name))
            .fetch_optional(&mut **tx)
            .await?
    {
        return Ok((d, false));
    }
    let id = sqlx::query("INSERT INTO divisions (name, name_key, created_at) VALUES (?, ?, ?)")
        .bind(&name)
        .bind(name_key(&name))
        .bind(ts(Utc::now()))
        .execute(&mut **tx)
        .await?
        .last_insert_rowid();
    audit::record(
        tx,
        Some(actor_id),
        "division.create",
        "division",
        Some(id),
        serde_json::json!({ "name": name }),
    )
    .await?;
    Ok((
        Division {
            id,
            name,
            retired: false,
        },
        true,
    ))
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<Option<Division>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, retired FROM divisions WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Divisions in use, by name.
pub async fn list(pool: &SqlitePool) -> Result<Vec<Division>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, retired FROM divisions WHERE retired = 0 ORDER BY name_key")
        .fetch_all(pool)
        .await
}

/// A division with what depends on it, for `/divisions`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DivisionInfo {
    pub id: i64,
    pub name: String,
    pub retired: bool,
    /// People whose stored role is head of this division.
    pub heads: i64,
    /// Active rows of the list.
    pub rows: i64,
    /// Functions and services not removed from the Registry.
    pub functions: i64,
}

/// Every division, those in use first, each by name, with its counts.
pub async fn overview(pool: &SqlitePool) -> Result<Vec<DivisionInfo>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, d.name, d.retired,
            (SELECT count(*) FROM people p WHERE p.division_id = d.id AND p.role = 'head') AS heads,
            (SELECT count(*) FROM touchpoints t WHERE t.division_id = d.id AND t.status = 'active') AS rows,
            (SELECT count(*) FROM functions f WHERE f.division_id = d.id AND f.removed_at IS NULL) AS functions
         FROM divisions d ORDER BY d.retired, d.name_key",
    )
    .fetch_all(pool)
    .await
}

/// Folds runs of spaces in a name, as names are stored.
fn fold(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why a division was not added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddRefused {
    /// A division in use already has this name.
    Exists(Division),
}

/// Finds a division by name or creates it, in a transaction of its own: returns the
/// division and whether it was created.
pub async fn ensure(
    pool: &SqlitePool,
    name: &str,
    actor_id: i64,
) -> Result<(Division, bool), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let found = get_or_create(&mut tx, name, actor_id).await?;
    tx.commit().await?;
    Ok(found)
}

/// Adds a division by name. A retired division of the same name is brought back into use
/// (with its audit record) rather than duplicated. Returns the division and whether it
/// was retired before. One transaction.
pub async fn add(
    pool: &SqlitePool,
    name: &str,
    actor_id: i64,
) -> Result<Result<(Division, bool), AddRefused>, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let (d, created) = get_or_create(&mut tx, name, actor_id).await?;
    if !created && !d.retired {
        return Ok(Err(AddRefused::Exists(d)));
    }
    if !created {
        restore_in(&mut tx, d.id, actor_id).await?;
    }
    tx.commit().await?;
    Ok(Ok((
        Division {
            retired: false,
            ..d
        },
        !created,
    )))
}

/// Why a division was not renamed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenameRefused {
    NotFound,
    /// Another division has this name.
    Taken(String),
}

/// A division renamed: its name before and the division now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    pub old_name: String,
    pub division: Division,
}

/// Renames a division, with its audit record (old and new name). One transaction.
pub async fn rename(
    pool: &SqlitePool,
    id: i64,
    new_name: &str,
    actor_id: i64,
) -> Result<Result<Renamed, RenameRefused>, sqlx::Error> {
    let name = fold(new_name);
    let mut tx = begin_write(pool).await?;
    let Some(old) = get_tx(&mut tx, id).await? else {
        return Ok(Err(RenameRefused::NotFound));
    };
    let other: Option<String> =
        sqlx::query_scalar("SELECT name FROM divisions WHERE name_key = ? AND id <> ?")
            .bind(name_key(&name))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(other) = other {
        return Ok(Err(RenameRefused::Taken(other)));
    }
    sqlx::query("UPDATE divisions SET name = ?, name_key = ? WHERE id = ?")
        .bind(&name)
        .bind(name_key(&name))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Some(actor_id),
        "division.rename",
        "division",
        Some(id),
        serde_json::json!({ "from": old.name, "to": name }),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Renamed {
        old_name: old.name.clone(),
        division: Division { name, ..old },
    }))
}

/// Why a division was not retired: what still depends on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetireRefused {
    NotFound,
    InUse {
        heads: i64,
        rows: i64,
        functions: i64,
    },
}

/// Retires a division that nothing depends on any more (no heads, no active rows, no
/// functions in the Registry); its open invitations are revoked with it. One audit record,
/// one transaction.
pub async fn retire(
    pool: &SqlitePool,
    id: i64,
    actor_id: i64,
) -> Result<Result<Division, RetireRefused>, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let outcome = retire_in(&mut tx, id, actor_id).await?;
    if outcome.is_ok() {
        tx.commit().await?;
    }
    Ok(outcome)
}

async fn retire_in(
    tx: &mut Tx<'_>,
    id: i64,
    actor_id: i64,
) -> Result<Result<Division, RetireRefused>, sqlx::Error> {
    let info: Option<DivisionInfo> = sqlx::query_as(
        "SELECT d.id, d.name, d.retired,
            (SELECT count(*) FROM people p WHERE p.division_id = d.id AND p.role = 'head') AS heads,
            (SELECT count(*) FROM touchpoints t WHERE t.division_id = d.id AND t.status = 'active') AS rows,
            (SELECT count(*) FROM functions f WHERE f.division_id = d.id AND f.removed_at IS NULL) AS functions
         FROM divisions d WHERE d.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(info) = info else {
        return Ok(Err(RetireRefused::NotFound));
    };
    let division = Division {
        id,
        name: info.name.clone(),
        retired: true,
    };
    if info.retired {
        return Ok(Ok(division));
    }
    if info.heads + info.rows + info.functions > 0 {
        return Ok(Err(RetireRefused::InUse {
            heads: info.heads,
            rows: info.rows,
            functions: info.functions,
        }));
    }
    sqlx::query("UPDATE divisions SET retired = 1 WHERE id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let now = ts(Utc::now());
    let revoked = sqlx::query(
        "UPDATE invites SET revoked_at = ?
         WHERE division_id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
    )
    .bind(&now)
    .bind(id)
    .bind(&now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    audit::record(
        tx,
        Some(actor_id),
        "division.retire",
        "division",
        Some(id),
        serde_json::json!({ "name": info.name, "invites_revoked": revoked }),
    )
    .await?;
    Ok(Ok(division))
}

/// Brings a retired division back into use, in a transaction of its own. False when there
/// is no such division.
pub async fn restore(pool: &SqlitePool, id: i64, actor_id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let found = restore_in(&mut tx, id, actor_id).await?;
    tx.commit().await?;
    Ok(found)
}

async fn restore_in(tx: &mut Tx<'_>, id: i64, actor_id: i64) -> Result<bool, sqlx::Error> {
    let n = sqlx::query("UPDATE divisions SET retired = 0 WHERE id = ? AND retired = 1")
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 1 {
        audit::record(
            tx,
            Some(actor_id),
            "division.restore",
            "division",
            Some(id),
            serde_json::Value::Null,
        )
        .await?;
    }
    Ok(n == 1 || get_tx(tx, id).await?.is_some())
}

async fn get_tx(tx: &mut Tx<'_>, id: i64) -> Result<Option<Division>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, retired FROM divisions WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::db;

    #[tokio::test]
    async fn names_are_matched_without_case_and_extra_spaces() {
        let (pool, _dir) = db().await;
        let mut tx = pool.begin().await.unwrap();
        let (a, created) = get_or_create(&mut tx, "  Отдел   кадров ", 1)
            .await
            .unwrap();
        assert!(created);
        assert_eq!(a.name, "Отдел кадров");
        let (b, created) = get_or_create(&mut tx, "ОТДЕЛ  кадров", 1).await.unwrap();
        assert!(!created);
        assert_eq!(a.id, b.id);
        tx.commit().await.unwrap();
        assert_eq!(list(&pool).await.unwrap(), vec![a.clone()]);
        assert_eq!(get(&pool, a.id).await.unwrap(), Some(a));
        let audits: i64 =
            sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'division.create'")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(audits, 1);
    }

    #[tokio::test]
    async fn rename_retire_restore_with_audit_records() {
        let (pool, _dir) = db().await;
        let (a, _) = add(&pool, "Отдел кадров", 1).await.unwrap().unwrap();
        let (b, _) = add(&pool, "Отдел печати", 1).await.unwrap().unwrap();
        assert_eq!(
            add(&pool, "отдел  КАДРОВ", 1).await.unwrap(),
            Err(AddRefused::Exists(a.clone()))
        );
        assert_eq!(
            rename(&pool, a.id, " Отдел  печати ", 1).await.unwrap(),
            Err(RenameRefused::Taken("Отдел печати".into()))
        );
        let r = rename(&pool, a.id, "Управление  кадров", 1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.division.name, "Управление кадров");
        assert_eq!(r.old_name, "Отдел кадров");
        assert_eq!(
            rename(&pool, 999, "x", 1).await.unwrap(),
            Err(RenameRefused::NotFound)
        );
        // A head keeps the division in use.
        let mut tx = pool.begin().await.unwrap();
        crate::db::people::assign(
            &mut tx,
            5,
            "Иван",
            crate::domain::Role::Head,
            Some(b.id),
            crate::domain::Lang::Ru,
            Some(1),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            retire(&pool, b.id, 1).await.unwrap(),
            Err(RetireRefused::InUse {
                heads: 1,
                rows: 0,
                functions: 0
            })
        );
        assert!(retire(&pool, a.id, 1).await.unwrap().is_ok());
        let names: Vec<_> = list(&pool)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.name)
            .collect();
        assert_eq!(names, vec!["Отдел печати"]);
        let all = overview(&pool).await.unwrap();
        assert_eq!(all.len(), 2);
        assert!(all[1].retired && all[1].name == "Управление кадров");
        assert_eq!(all[0].heads, 1);
        // Adding a retired division's name brings it back.
        let (back, was_retired) = add(&pool, "управление кадров", 1).await.unwrap().unwrap();
        assert!(was_retired);
        assert_eq!(back.id, a.id);
        assert!(!restore(&pool, 999, 1).await.unwrap());
        let actions: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM audit_log WHERE entity = 'division' ORDER BY id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(
            actions,
            vec![
                "division.create",
                "division.create",
                "division.rename",
                "division.retire",
                "division.restore"
            ]
        );
    }
}
