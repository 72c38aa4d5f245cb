//! Persisted dialogue state, one row per chat. The state is opaque JSON here: its shape
//! belongs to the bot. Kept in the main database so that a report is saved in the same
//! transaction that ends its dialogue.

use chrono::Utc;
use sqlx::pool::PoolConnection;
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

/// Saves a step of a dialogue (`None`: the dialogue ends), without waiting for the disk:
/// this one commit runs with `synchronous = NORMAL` (the WAL is written, fsynced by the next
/// durable commit or checkpoint). A power loss may lose the last steps typed — the person
/// repeats them — but never a report, decision or import: those commit with `FULL`, the
/// connections' setting, which is restored before the connection goes back to the pool.
pub async fn save(pool: &SqlitePool, chat_id: i64, state: Option<&str>) -> Result<(), sqlx::Error> {
    let mut conn = Lenient(Some(pool.acquire().await?));
    let c = conn.0.as_mut().expect("held");
    sqlx::query("PRAGMA synchronous = NORMAL")
        .execute(&mut **c)
        .await?;
    let written = match state {
        Some(s) => put(&mut **c, chat_id, s).await,
        None => remove(&mut **c, chat_id).await,
    };
    sqlx::query("PRAGMA synchronous = FULL")
        .execute(&mut **c)
        .await?;
    // Back to FULL: the connection may return to the pool.
    drop(conn.0.take());
    written
}

/// A connection set to `synchronous = NORMAL`: should it be dropped before it is set back
/// (an error, a cancelled future), it is closed rather than returned to the pool.
struct Lenient(Option<PoolConnection<Sqlite>>);

impl Drop for Lenient {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            drop(c.detach());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::db;

    #[tokio::test]
    async fn a_step_is_saved_leniently_and_the_connection_goes_back_durable() {
        let (pool, _dir) = db().await;
        save(&pool, 5, Some("{\"a\":1}")).await.unwrap();
        assert_eq!(get(&pool, 5).await.unwrap().as_deref(), Some("{\"a\":1}"));
        save(&pool, 5, None).await.unwrap();
        assert_eq!(get(&pool, 5).await.unwrap(), None);
        // Every connection of the pool is FULL again (2 = FULL).
        let mut held = vec![];
        for _ in 0..pool.size() {
            let mut c = pool.acquire().await.unwrap();
            let level: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut *c)
                .await
                .unwrap();
            assert_eq!(level, 2);
            held.push(c);
        }
    }

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
