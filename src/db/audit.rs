//! The append-only audit log: every change to the list, to people and to access is written
//! here in the same transaction as the change itself.

use chrono::Utc;
use serde_json::Value;

use super::{ts, Tx};

/// Appends one record inside the caller's transaction.
pub async fn record(
    tx: &mut Tx<'_>,
    actor_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    details: Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, details)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(ts(Utc::now()))
    .bind(actor_id)
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(details.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::db;

    #[tokio::test]
    async fn records_are_appended_and_cannot_be_changed_or_deleted() {
        let (pool, _dir) = db().await;
        let mut tx = pool.begin().await.unwrap();
        record(
            &mut tx,
            Some(7),
            "test",
            "thing",
            Some(1),
            serde_json::json!({"a": 1}),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert!(sqlx::query("UPDATE audit_log SET action = 'x'")
            .execute(&pool)
            .await
            .is_err());
        assert!(sqlx::query("DELETE FROM audit_log")
            .execute(&pool)
            .await
            .is_err());
    }

    #[tokio::test]
    async fn a_rolled_back_transaction_leaves_no_record() {
        let (pool, _dir) = db().await;
        let mut tx = pool.begin().await.unwrap();
        record(&mut tx, None, "test", "thing", None, Value::Null)
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
}
