//! The trunk of the handler tree, before it branches into the flows: who sent the update
//! ([`Actor`]), their dialogue (entered once, by their private chat), and what the update
//! is ([`Incoming`]: a command, a press with its callback data decoded once, or another
//! message). Flows branch on these with [`command`], [`pressed`] and [`message`].

use std::sync::Arc;

use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::UpdateKind;

use super::app::{Actor, App, HandlerError, TgBot};
use super::callback::CallbackData;
use super::commands::Command;
use super::press::Press;
use super::state::{BotDialogue, DbStorage, State};
use super::ui;
use crate::tr;

/// What an update is, decoded once for every branch of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// A message that is a command (`/name args`).
    Command(Command),
    /// A press of an inline button: its data, typed (anything else is `Stale`).
    Press(CallbackData),
    /// Any other message: text, a file, a sticker.
    Message,
}

impl Incoming {
    fn of(update: Update, app: Arc<App>) -> Incoming {
        match &update.kind {
            UpdateKind::CallbackQuery(q) => Incoming::Press(CallbackData::parse(q.data.as_deref())),
            UpdateKind::Message(m) => {
                match m.text().and_then(|t| Command::parse(t, &app.bot_username)) {
                    Some(c) => Incoming::Command(c),
                    None => Incoming::Message,
                }
            }
            _ => Incoming::Message,
        }
    }
}

/// The sender, as the bot knows them. Messages count only from private chats (the list
/// is not discussed in groups); a press counts wherever its button is. A failure to read
/// the database is told (a press: as its answer) and ends the update.
async fn person(update: Update, app: Arc<App>, bot: TgBot, press: Press) -> Option<Actor> {
    let user = update.from()?;
    if let UpdateKind::Message(m) = &update.kind {
        if !m.chat.is_private() {
            return None;
        }
    }
    match app.actor(user).await {
        Ok(a) => Some(a),
        Err(e) => {
            log::error!("resolving user {}: {e}", user.id);
            let lang = crate::domain::Lang::guess(user.language_code.as_deref());
            let sorry = tr!(app.i18n, lang, "error-generic");
            if press.is_query() {
                press.alert(sorry).await;
            } else if let Err(e) = ui::send(&bot, ChatId(user.id.0 as i64), sorry).await {
                log::warn!("telling user {} about a failure: {e}", user.id);
            }
            None
        }
    }
}

/// The person's dialogue, by their private chat (whose id is theirs), whatever the update
/// carries — a press on an inline message has no chat of its own.
fn dialogue(storage: Arc<DbStorage>, actor: Actor) -> BotDialogue {
    BotDialogue::new(storage, actor.chat())
}

/// The person's state: `Idle` without a stored dialogue. Read only — teloxide's
/// `get_or_default` would write the default back (a write transaction per update).
async fn state(dialogue: BotDialogue, press: Press, app: Arc<App>, actor: Actor) -> Option<State> {
    match dialogue.get().await {
        Ok(s) => Some(s.unwrap_or_default()),
        Err(e) => {
            log::error!("reading the dialogue of {}: {e}", actor.id);
            if press.is_query() {
                press
                    .alert(tr!(app.i18n, actor.lang, "error-generic"))
                    .await;
            }
            None
        }
    }
}

/// A command in the middle of a dialogue does what it says: the unfinished draft is
/// dropped first, as `/cancel` would (which itself reports whether there was one).
async fn drop_draft_on_command(incoming: Incoming, state: State, dialogue: BotDialogue) {
    if let Incoming::Command(c) = incoming {
        if c != Command::Cancel && state != State::Idle {
            if let Err(e) = dialogue.exit().await {
                log::error!("dropping a dialogue: {e}");
            }
        }
    }
}

/// The trunk: the sender, the dialogue, what the update is. Everything after it may take
/// [`Actor`], [`BotDialogue`], [`State`] and [`Incoming`].
pub fn trunk() -> UpdateHandler<HandlerError> {
    dptree::filter_map_async(person)
        .map(dialogue)
        .filter_map_async(state)
        .map(Incoming::of)
        .inspect_async(drop_draft_on_command)
}

/// A command: [`Command`] (and its [`Message`]) are in the dependencies after it.
pub fn command() -> UpdateHandler<HandlerError> {
    dptree::case![Incoming::Command(c)].chain(Update::filter_message())
}

/// A press: [`CallbackData`] (and the [`CallbackQuery`]) are in the dependencies after it.
pub fn pressed() -> UpdateHandler<HandlerError> {
    dptree::case![Incoming::Press(data)].chain(Update::filter_callback_query())
}

/// A message that is not a command: [`Message`] is in the dependencies after it.
pub fn message() -> UpdateHandler<HandlerError> {
    dptree::case![Incoming::Message].chain(Update::filter_message())
}
