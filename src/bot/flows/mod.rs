//! The conversations, one file per flow.

pub mod invite;
pub mod start;

use std::sync::Arc;

use teloxide::prelude::*;

use super::callback::CallbackData;
use super::state::BotDialogue;
use super::{Actor, App, HandlerResult, TgBot};
use crate::tr;

/// Every callback query lands here: decoded into typed data (anything else is a stale or
/// forged button) and routed to its flow. Every query is answered.
pub async fn on_callback(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
) -> HandlerResult {
    let data = q.data.as_deref().and_then(CallbackData::decode);
    match data {
        Some(CallbackData::SetLang(lang)) => {
            start::set_lang_pressed(bot, q, app, actor, lang).await
        }
        None => {
            let _ = dialogue;
            bot.answer_callback_query(q.id.clone())
                .text(tr!(app.i18n, actor.lang, "button-stale"))
                .await?;
            Ok(())
        }
    }
}
