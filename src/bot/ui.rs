//! Sending helpers: every message is HTML, so every text a person typed must go through
//! [`esc`] before it is put into one.

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, ParseMode};

use super::TgBot;

/// Escapes a text for Telegram's HTML.
pub fn esc(s: &str) -> String {
    teloxide::utils::html::escape(s)
}

/// Telegram's limit on a message's text, in characters.
pub const MAX_MESSAGE: usize = 4096;

/// Cuts a text to Telegram's limit (a defect guard: texts are kept shorter by design).
pub fn fit(text: String) -> String {
    if text.chars().count() <= MAX_MESSAGE {
        return text;
    }
    log::error!("message over {MAX_MESSAGE} characters cut");
    text.chars()
        .take(MAX_MESSAGE - 1)
        .chain(std::iter::once('…'))
        .collect()
}

pub async fn send(bot: &TgBot, chat: ChatId, text: String) -> ResponseResult<Message> {
    bot.send_message(chat, fit(text))
        .parse_mode(ParseMode::Html)
        .await
}

pub async fn send_kb(
    bot: &TgBot,
    chat: ChatId,
    text: String,
    kb: InlineKeyboardMarkup,
) -> ResponseResult<Message> {
    bot.send_message(chat, fit(text))
        .parse_mode(ParseMode::Html)
        .reply_markup(kb)
        .await
}

/// Replaces a message's text and drops its buttons.
pub async fn edit(
    bot: &TgBot,
    chat: ChatId,
    id: teloxide::types::MessageId,
    text: String,
) -> ResponseResult<()> {
    bot.edit_message_text(chat, id, fit(text))
        .parse_mode(ParseMode::Html)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_html() {
        // Quotes need no escaping outside attributes; the bot puts user text only in content.
        assert_eq!(esc("<b>&\"x\""), "&lt;b&gt;&amp;\"x\"");
    }

    #[test]
    fn long_texts_are_cut_to_the_limit() {
        let t = fit("я".repeat(5000));
        assert_eq!(t.chars().count(), MAX_MESSAGE);
        assert_eq!(fit("short".into()), "short");
    }
}
