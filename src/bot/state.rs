//! The persisted dialogue state. It is a stored format (JSON in the `dialogues` table):
//! add variants and fields (with `#[serde(default)]`), never rename them. It holds only
//! drafts — what the person typed and ids — never objects loaded from the database. A
//! report's draft and its step logic are in `domain::draft`.

use std::sync::Arc;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use teloxide::dispatching::dialogue::{Dialogue, Storage};
use teloxide::types::ChatId;

use crate::db;
pub use crate::domain::draft::{Draft, Field, Mode, Step};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    /// No dialogue under way.
    #[default]
    Idle,
    /// The stored state could not be read (written by an incompatible version, or damaged).
    /// Never written by the bot: the person is told and returned to the start.
    Unreadable,
    /// A report under way: `/new`, `/change` or `/exclude` (they share their steps).
    Report(Box<Draft>),
    /// The authorized person is asked why a report is rejected.
    RejectReason {
        request_id: i64,
        #[serde(default)]
        card: Option<i32>,
    },
    /// The authorized person is asked what to correct in a report returned to its author
    /// («На доработку»).
    ReturnNote {
        request_id: i64,
        #[serde(default)]
        card: Option<i32>,
    },
    /// An authorized person is asked to type a name (`/divisions`).
    AdminText {
        #[serde(default)]
        input: AdminInput,
        /// The question's message (its `Отмена` button).
        #[serde(default)]
        card: Option<i32>,
    },
}

impl State {
    /// A stored state, read back (`Err`: written by an incompatible version, or damaged).
    pub fn decode(json: &str) -> Result<State, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The message of the question an authorized person is answering by typing (its
    /// `Отмена` button ends it), if any.
    pub fn question_card(&self) -> Option<i32> {
        match self {
            State::RejectReason { card, .. }
            | State::ReturnNote { card, .. }
            | State::AdminText { card, .. } => *card,
            _ => None,
        }
    }
}

/// What an authorized person is typing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdminInput {
    /// The name of a new division.
    #[default]
    NewDivision,
    /// The new name of this division.
    RenameDivision(i64),
}

pub type BotDialogue = Dialogue<State, DbStorage>;

/// Dialogue storage in our own database, through our own pool, so that a report and the
/// end of its dialogue are one transaction.
#[derive(Clone)]
pub struct DbStorage {
    pool: SqlitePool,
    /// Where steps are saved: the same file, commits without an fsync, on the calling
    /// thread when the lock is free (`db::dialogues::Steps`).
    steps: Arc<db::dialogues::Steps>,
}

impl DbStorage {
    pub fn new(pool: SqlitePool) -> Arc<Self> {
        let steps = Arc::new(db::dialogues::Steps::new(&pool));
        Arc::new(DbStorage { pool, steps })
    }
}

impl Storage<State> for DbStorage {
    type Error = sqlx::Error;

    fn remove_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<(), Self::Error>> {
        Box::pin(async move { self.steps.save(chat_id.0, None).await })
    }

    fn update_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
        dialogue: State,
    ) -> BoxFuture<'static, Result<(), Self::Error>> {
        Box::pin(async move {
            if dialogue == State::Idle {
                return self.steps.save(chat_id.0, None).await;
            }
            let json =
                serde_json::to_string(&dialogue).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
            self.steps.save(chat_id.0, Some(&json)).await
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
            match State::decode(&json) {
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
        let mut d = Draft {
            mode: Mode::Change,
            step: Step::Needs,
            card: Some(5),
            point: Some("lenobl.ru".into()),
            features: Some(None),
            ..Default::default()
        };
        d.needs.insert(crate::domain::Need::Other);
        let with_text = Draft {
            features: Some(Some("Только по записи".into())),
            ..d.clone()
        };
        let unanswered = Draft {
            features: None,
            ..d.clone()
        };
        for s in [
            State::Report(Box::new(with_text)),
            State::Report(Box::new(unanswered)),
        ] {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<State>(&json).unwrap(), s);
        }
        for s in [
            State::Idle,
            State::Unreadable,
            State::Report(Box::new(d)),
            State::ReturnNote {
                request_id: 3,
                card: Some(9),
            },
        ] {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<State>(&json).unwrap(), s);
        }
    }

    #[test]
    fn an_administration_question_round_trips_and_reads_with_fields_missing() {
        for s in [
            State::AdminText {
                input: AdminInput::NewDivision,
                card: Some(7),
            },
            State::AdminText {
                input: AdminInput::RenameDivision(3),
                card: None,
            },
        ] {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<State>(&json).unwrap(), s);
        }
        assert_eq!(
            serde_json::from_str::<State>(r#"{"AdminText":{}}"#).unwrap(),
            State::AdminText {
                input: AdminInput::NewDivision,
                card: None
            }
        );
    }

    #[test]
    fn a_report_stored_by_an_older_version_still_reads() {
        let old = r#"{"Report":{"mode":"New","step":"Point","division_id":3}}"#;
        let State::Report(d) = serde_json::from_str::<State>(old).unwrap() else {
            panic!("not a report");
        };
        assert_eq!((d.step, d.division_id), (Step::Point, Some(3)));
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
