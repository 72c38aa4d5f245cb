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

const UPSERT: &str = "INSERT INTO dialogues (chat_id, state, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at";
const DELETE: &str = "DELETE FROM dialogues WHERE chat_id = ?";

pub async fn put<'e, E>(ex: E, chat_id: i64, state: &str) -> Result<(), sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    sqlx::query(UPSERT)
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
    sqlx::query(DELETE).bind(chat_id).execute(ex).await?;
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

/// Where a dialogue's steps are saved, at `synchronous = NORMAL` as [`save`] says: on the
/// calling thread when the database's write lock is free at that moment (one statement on
/// a connection of its own, no hand-off to sqlx's worker thread — most steps), otherwise
/// through the lenient pool, which waits its turn. It never waits on the calling thread.
pub struct Steps {
    pool: SqlitePool,
    path: std::path::PathBuf,
    now: std::sync::Mutex<Option<rusqlite::Connection>>,
    /// Steps saved on the calling thread, for the checkpoints.
    saved: std::sync::atomic::AtomicU32,
}

/// A checkpoint through the pool after this many steps saved on the calling thread (a step
/// is a page or two of the WAL; SQLite's own automatic checkpoint is at 1,000 pages).
const CHECKPOINT_EVERY: u32 = 256;

impl Steps {
    /// Steps saved in the file of `pool` (the main pool: its lenient sibling is made here).
    pub fn new(pool: &SqlitePool) -> Steps {
        Steps {
            pool: super::lenient(pool),
            path: pool.connect_options().get_filename().to_path_buf(),
            now: std::sync::Mutex::new(None),
            saved: Default::default(),
        }
    }

    /// Saves a step (`None`: the dialogue ends).
    pub async fn save(&self, chat_id: i64, state: Option<&str>) -> Result<(), sqlx::Error> {
        if self.save_now(chat_id, state) {
            return Ok(());
        }
        save(&self.pool, chat_id, state).await
    }

    /// The step saved on this thread, if the connection and the write lock are free now.
    fn save_now(&self, chat_id: i64, state: Option<&str>) -> bool {
        let Ok(mut conn) = self.now.try_lock() else {
            return false;
        };
        if conn.is_none() {
            *conn = self.open().map_err(|e| log::debug!("{e}")).ok();
        }
        let Some(c) = conn.as_ref() else { return false };
        let done = match state {
            Some(s) => c
                .prepare_cached(UPSERT)
                .and_then(|mut st| st.execute(rusqlite::params![chat_id, s, ts(Utc::now())])),
            None => c
                .prepare_cached(DELETE)
                .and_then(|mut st| st.execute([chat_id])),
        };
        match done {
            Ok(_) => {
                // Checkpoints are left to the pool (`open`): one now and then, off this
                // thread, so that a WAL that only steps write does not grow without end.
                let n = self
                    .saved
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n % CHECKPOINT_EVERY == CHECKPOINT_EVERY - 1 {
                    let pool = self.pool.clone();
                    tokio::spawn(async move {
                        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                            .execute(&pool)
                            .await
                        {
                            log::warn!("a checkpoint after dialogue steps: {e}");
                        }
                    });
                }
                true
            }
            // Another writer holds the lock: the pool waits its turn.
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
                log::trace!("a step saved through the pool: {e}");
                false
            }
            // Anything else: the pool does it (and reports a lasting failure); this
            // connection is opened again for the next step.
            Err(e) => {
                log::warn!("saving a dialogue step on its own connection: {e}");
                *conn = None;
                false
            }
        }
    }

    fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        // Never wait here: a busy lock sends the step to the pool.
        let c = super::inline::open(&self.path, std::time::Duration::ZERO)?;
        c.pragma_update(None, "synchronous", "NORMAL")?;
        // A checkpoint writes and syncs the file: not on the calling thread (see save_now).
        c.pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(c)
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

    /// A step is saved on the calling thread when the lock is free; while another writer
    /// holds it, through the pool, once that writer is done — never lost, never an error.
    #[tokio::test]
    async fn steps_are_saved_at_once_or_after_the_writer_that_holds_the_lock() {
        let (pool, _dir) = db().await;
        let steps = Steps::new(&pool);
        steps.save(5, Some("{\"a\":1}")).await.unwrap();
        assert_eq!(get(&pool, 5).await.unwrap().as_deref(), Some("{\"a\":1}"));
        assert!(
            steps.now.lock().unwrap().is_some(),
            "saved on its own connection"
        );

        let tx = crate::db::begin_write(&pool).await.unwrap();
        assert!(!steps.save_now(5, Some("{\"a\":2}")), "the lock is held");
        let steps = std::sync::Arc::new(steps);
        let waiting = {
            let steps = steps.clone();
            tokio::spawn(async move { steps.save(5, Some("{\"a\":3}")).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "waits for the writer");
        tx.commit().await.unwrap();
        waiting.await.unwrap().unwrap();
        assert_eq!(get(&pool, 5).await.unwrap().as_deref(), Some("{\"a\":3}"));
        steps.save(5, None).await.unwrap();
        assert_eq!(get(&pool, 5).await.unwrap(), None);
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
