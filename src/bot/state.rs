//! The persisted dialogue state. It is a stored format (JSON in the `dialogues` table):
//! add variants and fields (with `#[serde(default)]`), never rename them. It holds only
//! drafts — what the person typed and ids — never objects loaded from the database.

use std::sync::Arc;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use teloxide::dispatching::dialogue::{Dialogue, Storage};
use teloxide::types::ChatId;

use crate::db;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    /// No dialogue under way.
    #[default]
    Idle,
    /// The stored state could not be read (written by an incompatible version, or damaged).
    /// Never written by the bot: the person is told and returned to the start.
    Unreadable,
}

pub type BotDialogue = Dialogue<State, DbStorage>;

/// Dialogue storage in our own database, through our own pool, so that a report and the
/// end of its dialogue are one transaction.
#[derive(Clone)]
pub struct DbStorage {
    pool: SqlitePool,
}

impl DbStorage {
    pub fn new(pool: SqlitePool) -> Arc<Self> {
        Arc::new(DbStorage { pool })
    }
}

impl Storage<State> for DbStorage {
    type Error = sqlx::Error;

    fn remove_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<(), Self::Error>> {
        Box::pin(async move { db::dialogues::remove(&self.pool, chat_id.0).await })
    }

    fn update_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
        dialogue: State,
    ) -> BoxFuture<'static, Result<(), Self::Error>> {
        Box::pin(async move {
            if dialogue == State::Idle {
                return db::dialogues::remove(&self.pool, chat_id.0).await;
            }
            let json =
                serde_json::to_string(&dialogue).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
            db::dialogues::put(&self.pool, chat_id.0, &json).await
        })
    }

    fn get_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<Option<State>, Self::Error>> {
        Box::pin(async move {
            let Some(json) = db::dialogues::get(&self.pool, chat_id.0).await? else {
                return Ok(None);
            };
            match serde_json::from_str(&json) {
                Ok(state) => Ok(Some(state)),
                Err(e) => {
                    log::warn!("chat {}: unreadable dialogue state dropped: {e}", chat_id.0);
                    db::dialogues::remove(&self.pool, chat_id.0).await?;
                    Ok(Some(State::Unreadable))
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_as_json() {
        for s in [State::Idle, State::Unreadable] {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<State>(&json).unwrap(), s);
        }
    }

    #[tokio::test]
    async fn an_unreadable_state_is_reported_once_then_gone() {
        let dir = tempfile::tempdir().unwrap();
        let pool = db::connect(&dir.path().join("t.db")).await.unwrap();
        db::dialogues::put(&pool, 9, "{\"NoSuchVariant\":{}}")
            .await
            .unwrap();
        let storage = DbStorage::new(pool.clone());
        let got = storage.clone().get_dialogue(ChatId(9)).await.unwrap();
        assert_eq!(got, Some(State::Unreadable));
        assert_eq!(storage.get_dialogue(ChatId(9)).await.unwrap(), None);
    }
}
