//! The conversations, one file per flow.

pub mod admin;
pub mod card;
pub mod invite;
pub mod list;
pub mod my;
pub mod registry;
pub mod remind;
pub mod report;
pub mod review;
pub mod start;
pub mod stats;

use std::sync::Arc;

use teloxide::prelude::*;

use super::callback::CallbackData;
use super::state::{BotDialogue, State};
use super::{ui, Actor, App, HandlerError, HandlerResult, TgBot};
use crate::tr;

/// What to answer a callback query with.
pub struct Answer {
    pub text: Option<String>,
    pub alert: bool,
    /// The handler answered already (before its slow work).
    pub answered: bool,
}

impl Answer {
    pub fn none() -> Self {
        Answer {
            text: None,
            alert: false,
            answered: false,
        }
    }
    pub fn text(t: String) -> Self {
        Answer {
            text: Some(t),
            ..Answer::none()
        }
    }
    pub fn alert(t: String) -> Self {
        Answer {
            text: Some(t),
            alert: true,
            answered: false,
        }
    }
    pub fn answered() -> Self {
        Answer {
            answered: true,
            ..Answer::none()
        }
    }
}

/// Every callback query lands here: decoded into typed data (anything else is a stale or
/// forged button) and routed to its flow. Every query is answered, errors included.
pub async fn on_callback(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
) -> HandlerResult {
    let data = q.data.as_deref().and_then(CallbackData::decode);
    let result = route(&bot, &q, &app, &actor, &dialogue, data).await;
    let answer = match &result {
        Ok(a) => a,
        Err(_) => &Answer::alert(tr!(app.i18n, actor.lang, "error-generic")),
    };
    if answer.answered {
        return result.map(|_| ());
    }
    let mut req = bot.answer_callback_query(q.id.clone());
    if let Some(t) = &answer.text {
        // Telegram takes at most 200 characters here.
        req = req.text(t.chars().take(200).collect::<String>());
    }
    if answer.alert {
        req = req.show_alert(true);
    }
    if let Err(e) = req.await {
        log::warn!("answering a callback query: {e}");
    }
    result.map(|_| ())
}

async fn route(
    bot: &TgBot,
    q: &CallbackQuery,
    app: &App,
    actor: &Actor,
    dialogue: &BotDialogue,
    data: Option<CallbackData>,
) -> Result<Answer, HandlerError> {
    let stale = || Answer::text(tr!(app.i18n, actor.lang, "button-stale"));
    let Some(data) = data else {
        return Ok(stale());
    };
    match data {
        CallbackData::SetLang(lang) => start::set_lang_pressed(bot, q, app, actor, lang).await,
        CallbackData::Withdraw(id) => Ok(my::withdraw(bot, q, app, actor, id)
            .await?
            .map(Answer::text)
            .unwrap_or_else(Answer::none)),
        CallbackData::MyPage(p) => Ok(my::turn_page(bot, q, app, actor, p)
            .await?
            .map(Answer::text)
            .unwrap_or_else(Answer::none)),
        CallbackData::Accept(id) => review::accept_pressed(bot, q, app, actor, dialogue, id).await,
        CallbackData::Reject(id) => review::reject_pressed(bot, q, app, actor, dialogue, id).await,
        CallbackData::History(id) => review::history_pressed(bot, q, app, actor, id).await,
        CallbackData::ListFormat(f, page) => {
            list::format_pressed(bot, q, app, actor, f, page).await
        }
        CallbackData::List(f, scope) => list::scope_pressed(bot, q, app, actor, f, scope).await,
        CallbackData::Admin(a) => admin::on_button(bot, q, app, actor, dialogue, a).await,
        CallbackData::Current(round) => remind::current_pressed(bot, q, app, actor, round).await,
        CallbackData::ReportChanges => remind::changes_pressed(bot, q, app, actor).await,
        data => match dialogue.get().await? {
            Some(State::Report(draft)) => {
                report::on_button(bot, q, app, actor, dialogue, draft, data).await
            }
            Some(State::RejectReason { card, .. } | State::AdminText { card, .. })
                if data == CallbackData::Cancel
                    && card.is_some()
                    && card == q.regular_message().map(|m| m.id.0) =>
            {
                dialogue.exit().await?;
                if let Some(m) = q.regular_message() {
                    ui::edit(
                        bot,
                        m.chat.id,
                        m.id,
                        tr!(app.i18n, actor.lang, "cancel-done"),
                    )
                    .await?;
                }
                Ok(Answer::text(tr!(app.i18n, actor.lang, "cancel-done")))
            }
            _ => {
                // No report under way. A second `Отправить` (a double tap, or the same
                // update delivered again) finds the report the first one made.
                if let (CallbackData::Send, Some(m)) = (data, q.regular_message()) {
                    if let Some(id) = report::already_sent(app, m.chat.id.0, m.id.0).await? {
                        return Ok(Answer::text(tr!(
                            app.i18n,
                            actor.lang,
                            "sent-short",
                            id = id
                        )));
                    }
                }
                Ok(stale())
            }
        },
    }
}
