//! Change requests: what heads report and the authorized person decides.

use sqlx::SqlitePool;

/// How many reports wait for a decision.
pub async fn count_pending(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM change_requests WHERE status = 'pending'")
        .fetch_one(pool)
        .await
}
