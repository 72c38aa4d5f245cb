//! Divisions (структурные подразделения) of the administration.

use chrono::Utc;
use sqlx::SqlitePool;

use super::{audit, ts, Tx};

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
}
