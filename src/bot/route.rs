//! The trunk of the handler tree, before it branches into the flows: who sent the update
//! ([`Actor`]), their dialogue (entered once, by their private chat), and what the update
//! is ([`Incoming`]: a command, a press with its callback data decoded once, or another
//! message). Flows branch on these with [`command`], [`pressed`] and [`message`].

use std::sync::Arc;

use teloxide::dispatching::UpdateHandler;
use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::UpdateKind;

use super::app::{Actor, App, HandlerError, TgBot};
use super::callback::CallbackData;
use super::commands::Command;
use super::press::Press;
use super::state::{BotDialogue, DbStorage, State};
use super::ui;
use crate::domain::Role;
use crate::listfile::FileKind;
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

/// The sender and their stored dialogue (its JSON, not yet decoded), read together.
#[derive(Debug, Clone)]
struct Arrival {
    actor: Actor,
    dialogue: Option<String>,
}

/// The sender, as the bot knows them, with their stored dialogue: one read
/// ([`App::visit`]). Messages count only from private chats (the list is not discussed in
/// groups); a press counts wherever its button is. A failure to read the database is told
/// (a press: as its answer) and ends the update.
async fn arrival(update: Update, app: Arc<App>, bot: TgBot, press: Press) -> Option<Arrival> {
    let user = update.from()?;
    if let UpdateKind::Message(m) = &update.kind {
        if !m.chat.is_private() {
            return None;
        }
    }
    match app.visit(user).await {
        Ok((actor, dialogue)) => Some(Arrival { actor, dialogue }),
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

/// The person's state, from what [`arrival`] read: `Idle` without a stored dialogue (read
/// only — teloxide's `get_or_default` would write the default back). A state this version
/// cannot read is dropped and reads as `Unreadable`, once.
async fn state(arrival: Arrival, dialogue: BotDialogue) -> State {
    let Some(json) = arrival.dialogue else {
        return State::Idle;
    };
    match State::decode(&json) {
        Ok(s) => s,
        Err(e) => {
            log::warn!(
                "chat {}: unreadable dialogue state dropped: {e}",
                arrival.actor.id
            );
            if let Err(e) = dialogue.exit().await {
                log::error!("dropping an unreadable dialogue: {e}");
            }
            State::Unreadable
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

/// A document an authorized person sent: fetched once, here, and told apart by its
/// header (`listfile::detect`, pure) — the existing list in the appendix form, or anything
/// else (a Registry file). The flows that take files branch on its kind with [`file_of`].
#[derive(Debug, Clone)]
pub struct SentFile {
    /// The name it was sent under, if any.
    pub name: Option<String>,
    /// Its content; `None` when it is larger than any file the bot reads (not fetched).
    pub bytes: Option<Arc<Vec<u8>>>,
    /// What it is; a file not fetched is [`FileKind::Other`].
    pub kind: FileKind,
}

/// The largest file the bot fetches (the Registry's and the list's limit).
const MAX_FILE: usize = crate::sheet::Limits::DEFAULT.max_bytes;

/// `Some(None)` for any update but a document from an authorized person; a file that
/// cannot be fetched is told to the person, and ends the update (`None`).
async fn sent_file(
    update: Update,
    incoming: Incoming,
    actor: Actor,
    bot: TgBot,
    app: Arc<App>,
) -> Option<Option<SentFile>> {
    let UpdateKind::Message(m) = &update.kind else {
        return Some(None);
    };
    let doc = match (m.document(), &incoming, actor.role) {
        (Some(doc), Incoming::Message, Role::Admin) => doc,
        _ => return Some(None),
    };
    let name = doc.file_name.clone();
    if doc.file.size as usize > MAX_FILE {
        return Some(Some(SentFile {
            name,
            bytes: None,
            kind: FileKind::Other,
        }));
    }
    let fetched = async {
        let file = bot.get_file(doc.file.id.clone()).await?;
        let mut bytes: Vec<u8> = Vec::with_capacity(file.size as usize);
        bot.inner().download_file(&file.path, &mut bytes).await?;
        Ok::<_, HandlerError>(bytes)
    }
    .await;
    let bytes = match fetched {
        Ok(b) => Arc::new(b),
        Err(e) => {
            log::error!("fetching a file from {}: {e}", actor.id);
            let sorry = tr!(app.i18n, actor.lang, "error-generic");
            if let Err(e) = ui::send(&bot, m.chat.id, sorry).await {
                log::warn!("telling {} about a failure: {e}", actor.id);
            }
            return None;
        }
    };
    let head = bytes.clone();
    let kind = tokio::task::spawn_blocking(move || crate::listfile::detect(&head))
        .await
        .unwrap_or(FileKind::Other);
    Some(Some(SentFile {
        name,
        bytes: Some(bytes),
        kind,
    }))
}

/// The trunk: the sender, the dialogue, what the update is. Everything after it may take
/// [`Actor`], [`BotDialogue`], [`State`], [`Incoming`] and `Option<SentFile>`.
pub fn trunk() -> UpdateHandler<HandlerError> {
    dptree::filter_map_async(arrival)
        .map(|a: Arrival| a.actor)
        .map(dialogue)
        .map_async(state)
        .map(Incoming::of)
        .inspect_async(drop_draft_on_command)
        .filter_map_async(sent_file)
}

/// A file an authorized person sent, of this kind: [`SentFile`] (and its [`Message`]) are
/// in the dependencies after it.
pub fn file_of(kind: FileKind) -> UpdateHandler<HandlerError> {
    message().filter_map(move |f: Option<SentFile>| f.filter(|f| f.kind == kind))
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
