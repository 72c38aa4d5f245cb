//! Answering a press exactly once, whatever happens. Every update carries a [`Press`]:
//! for a callback query it answers that query; for anything else it does nothing. A handler
//! answers early when it has slow work ahead ([`Press::note`], [`Press::alert`]); the first
//! answer is the one sent, later ones are dropped. After the tree has run, [`answered_once`]
//! answers a query nobody answered — with "something went wrong" when the tree failed,
//! silently otherwise — so a press that no branch takes, a refused one, a failed one, or
//! one that carries no message still stops the button's spinner.

use std::ops::ControlFlow;
use std::panic::Location;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use dptree::di::DependencyMap;
use dptree::{HandlerDescription, HandlerSignature, Type};
use teloxide::dispatching::{DpHandlerDescription, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{CallbackQueryId, UpdateKind};

use super::app::{App, HandlerError, TgBot};
use crate::tr;

/// Telegram shows at most 200 characters of an answer.
const MAX_ANSWER: usize = 200;

/// The answer to this update's callback query, if it is one.
#[derive(Clone)]
pub struct Press(Arc<Inner>);

struct Inner {
    bot: TgBot,
    query: Option<CallbackQueryId>,
    answered: AtomicBool,
}

impl Press {
    pub fn of(bot: TgBot, update: &Update) -> Press {
        let query = match &update.kind {
            UpdateKind::CallbackQuery(q) => Some(q.id.clone()),
            _ => None,
        };
        Press(Arc::new(Inner {
            bot,
            query,
            answered: AtomicBool::new(false),
        }))
    }

    /// Whether the update is a press (a callback query).
    pub fn is_query(&self) -> bool {
        self.0.query.is_some()
    }

    /// Whether the press was answered already.
    pub fn answered(&self) -> bool {
        self.0.answered.load(Ordering::SeqCst)
    }

    /// Answers with nothing to say: the button's spinner stops.
    pub async fn ack(&self) {
        self.answer(None, false).await
    }

    /// Answers with a short note shown over the chat.
    pub async fn note(&self, text: impl Into<String>) {
        self.answer(Some(text.into()), false).await
    }

    /// Answers with a note the person must close.
    pub async fn alert(&self, text: impl Into<String>) {
        self.answer(Some(text.into()), true).await
    }

    async fn answer(&self, text: Option<String>, alert: bool) {
        let Some(id) = &self.0.query else { return };
        if self.0.answered.swap(true, Ordering::SeqCst) {
            log::debug!("callback query {id} answered already");
            return;
        }
        let mut req = self.0.bot.answer_callback_query(id.clone());
        if let Some(t) = text {
            req = req.text(t.chars().take(MAX_ANSWER).collect::<String>());
        }
        if alert {
            req = req.show_alert(true);
        }
        if let Err(e) = req.await {
            log::warn!("answering callback query {id}: {e}");
        }
    }
}

/// Tells the person that their update failed (`words` in their language; the error or
/// panic itself is logged by the caller): as the press's answer when it is still
/// unanswered, otherwise (a message, or a press answered before the failure, as a screen's
/// press is) in their private chat. Nothing for an update from a group.
pub(super) async fn tell_failure(
    app: &App,
    bot: &TgBot,
    update: &Update,
    press: &Press,
    words: impl FnOnce(crate::domain::Lang) -> String,
) {
    let Some(user) = update.from() else { return };
    let lang = match app.actor(user).await {
        Ok(a) => a.lang,
        Err(_) => crate::domain::Lang::guess(user.language_code.as_deref()),
    };
    let text = words(lang);
    if press.is_query() && !press.answered() {
        press.alert(text).await;
        return;
    }
    match &update.kind {
        UpdateKind::Message(m) if !m.chat.is_private() => return,
        UpdateKind::Message(_) | UpdateKind::CallbackQuery(_) => {}
        _ => return,
    }
    if let Err(e) = super::ui::send(bot, ChatId(user.id.0 as i64), text).await {
        log::warn!("telling user {} about a failure: {e}", user.id);
    }
}

/// The first link of the tree: puts a [`Press`] into the dependencies, runs the rest, and
/// answers a query that is still unanswered after it.
#[track_caller]
pub fn answered_once() -> UpdateHandler<HandlerError> {
    let location = Location::caller();
    dptree::from_fn_with_description(
        DpHandlerDescription::entry(),
        |mut deps: DependencyMap, cont| async move {
            let update: Arc<Update> = deps.get();
            let bot: Arc<TgBot> = deps.get();
            let press = Press::of(TgBot::clone(&bot), &update);
            deps.insert(press.clone());
            let flow = cont(deps.clone()).await;
            match &flow {
                ControlFlow::Break(Err(_)) => {
                    let app: Arc<Arc<App>> = deps.get();
                    tell_failure(&app, &bot, &update, &press, |lang| {
                        tr!(app.i18n, lang, "error-generic")
                    })
                    .await;
                }
                _ if press.is_query() && !press.answered() => press.ack().await,
                _ => {}
            }
            flow
        },
        HandlerSignature::Other {
            obligations: [
                (Type::of::<Update>(), location),
                (Type::of::<TgBot>(), location),
                (Type::of::<Arc<App>>(), location),
            ]
            .into_iter()
            .collect(),
            guaranteed_outcomes: [Type::of::<Press>()].into_iter().collect(),
            conditional_outcomes: Default::default(),
            continues: true,
        },
    )
}
