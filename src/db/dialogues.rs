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

/// Saves a step of a dialogue (`None`: the dialogue ends) through the lenient pool
/// ([`super::lenient`]): its commit does not wait for the disk (`synchronous = NORMAL`: the
/// WAL is written, fsynced by the next durable commit or checkpoint). A power loss may lose
/// the last steps typed — the person repeats them — never a report, decision or import,
/// which commit through the main pool at `FULL`. One statement, as before.
pub async fn save(
    lenient: &SqlitePool,
    chat_id: i64,
    state: Option<&str>,
) -> Result<(), sqlx::Error> {
    match state {
        Some(s) => put(lenient, chat_id, s).await,
        None => remove(lenient, chat_id).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::db;

    #[tokio::test]
    async fn a_step_is_saved_leniently_and_the_main_pool_stays_durable() {
        let (pool, _dir) = db().await;
        let lenient = super::super::lenient(&pool);
        save(&lenient, 5, Some("{\"a\":1}")).await.unwrap();
        assert_eq!(get(&pool, 5).await.unwrap().as_deref(), Some("{\"a\":1}"));
        save(&lenient, 5, None).await.unwrap();
        assert_eq!(get(&pool, 5).await.unwrap(), None);
        // 1 = NORMAL, 2 = FULL.
        let level = |p: SqlitePool| async move {
            sqlx::query_scalar::<_, i64>("PRAGMA synchronous")
                .fetch_one(&p)
                .await
                .unwrap()
        };
        assert_eq!(level(lenient.clone()).await, 1);
        assert_eq!(level(pool.clone()).await, 2);
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
