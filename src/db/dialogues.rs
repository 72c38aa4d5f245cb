//! Persisted dialogue state, one row per chat. The state is opaque JSON here: its shape
//! belongs to the bot. Kept in the main database so that a report is saved in the same
//! transaction that ends its dialogue.

use chrono::Utc;
use sqlx::{Executor, Sqlite, SqlitePool};

use super::ts;

pub async fn get(pool: &SqlitePool, chat_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT state FROM dialogues WHERE chat_id = ?")
        .bind(chat_id)
        .fetch_optional(pool)
        .await
}

pub async fn put<'e, E>(ex: E, chat_id: i64, state: &str) -> Result<(), sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    sqlx::query(
        "INSERT INTO dialogues (chat_id, state, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
    )
    .bind(chat_id)
    .bind(state)
    .bind(ts(Utc::now()))
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn remove<'e, E>(ex: E, chat_id: i64) -> Result<(), sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    sqlx::query("DELETE FROM dialogues WHERE chat_id = ?")
        .bind(chat_id)
        .execute(ex)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::db;

    #[tokio::test]
    async fn put_get_replace_remove() {
        let (pool, _dir) = db().await;
        assert_eq!(get(&pool, 5).await.unwrap(), None);
        put(&pool, 5, "{\"a\":1}").await.unwrap();
        put(&pool, 5, "{\"a\":2}").await.unwrap();
        assert_eq!(get(&pool, 5).await.unwrap().as_deref(), Some("{\"a\":2}"));
        let mut tx = pool.begin().await.unwrap();
        remove(&mut *tx, 5).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(get(&pool, 5).await.unwrap(), None);
    }
}
