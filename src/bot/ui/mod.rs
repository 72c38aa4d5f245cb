//! What the flows share to talk: sending and editing HTML messages (every text a person
//! typed goes through [`esc`] before it is put into one), buttons and the one pager, dates
//! and role names as people read them; a row as a card ([`card`]); a report's card for the
//! authorized persons ([`review`]).

pub mod card;
pub mod review;

use chrono::{DateTime, Utc};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, ParseMode};

use super::app::{App, TgBot};
use super::callback::CallbackData;
use crate::domain::{Action, Lang, Role};
use crate::i18n::I18n;
use crate::tr;

/// A moment as the texts show it (the bot's own times are UTC).
pub fn when(t: DateTime<Utc>) -> String {
    t.format("%d.%m.%Y %H:%M UTC").to_string()
}

/// What a report asks for, in words.
pub fn action_label(app: &App, lang: Lang, a: Action) -> String {
    match a {
        Action::Add => tr!(app.i18n, lang, "action-add"),
        Action::Change => tr!(app.i18n, lang, "action-change"),
        Action::Exclude => tr!(app.i18n, lang, "action-exclude"),
    }
}

/// The name of a role, for texts.
pub fn role_name(app: &App, lang: Lang, role: Role) -> String {
    match role {
        Role::Admin => tr!(app.i18n, lang, "role-admin"),
        Role::Head => tr!(app.i18n, lang, "role-head"),
        Role::Viewer => tr!(app.i18n, lang, "role-viewer"),
        Role::Stranger => tr!(app.i18n, lang, "role-none"),
    }
}

/// Longest button label, in characters (longer ones are cut with "…").
pub const MAX_LABEL: usize = 60;

/// An inline button; a long label is cut with "…".
pub fn button(label: impl Into<String>, data: CallbackData) -> InlineKeyboardButton {
    let label: String = label.into();
    let label = if label.chars().count() > MAX_LABEL {
        label
            .chars()
            .take(MAX_LABEL - 1)
            .chain(std::iter::once('…'))
            .collect()
    } else {
        label
    };
    InlineKeyboardButton::callback(label, data.encode())
}

/// The `◀ n of m ▶` row of a list shown a page at a time; `nav` makes each button's data.
pub fn page_nav(
    i18n: &I18n,
    lang: Lang,
    page: usize,
    pages: usize,
    nav: impl Fn(u16) -> CallbackData,
) -> Vec<InlineKeyboardButton> {
    let mut row = vec![];
    if page > 0 {
        row.push(button(tr!(i18n, lang, "btn-prev"), nav(page as u16 - 1)));
    }
    row.push(button(
        tr!(i18n, lang, "page-of", page = page + 1, pages = pages),
        nav(page as u16),
    ));
    if page + 1 < pages {
        row.push(button(tr!(i18n, lang, "btn-next"), nav(page as u16 + 1)));
    }
    row
}

/// One button a row, `per_page` of them (the page clamped to the last), with the page
/// row under them when there is more than one page.
pub fn paged(
    i18n: &I18n,
    lang: Lang,
    items: Vec<InlineKeyboardButton>,
    page: u16,
    per_page: usize,
    nav: impl Fn(u16) -> CallbackData,
) -> Vec<Vec<InlineKeyboardButton>> {
    let pages = items.len().div_ceil(per_page).max(1);
    let page = (page as usize).min(pages - 1);
    let mut rows: Vec<Vec<InlineKeyboardButton>> = items
        .into_iter()
        .skip(page * per_page)
        .take(per_page)
        .map(|b| vec![b])
        .collect();
    if pages > 1 {
        rows.push(page_nav(i18n, lang, page, pages, nav));
    }
    rows
}

/// Escapes a text for Telegram's HTML.
pub fn esc(s: &str) -> String {
    teloxide::utils::html::escape(s)
}

/// Telegram's limit on a message's text, in characters.
pub const MAX_MESSAGE: usize = 4096;

/// Cuts an HTML text to Telegram's limit, keeping it well-formed: never inside a tag or an
/// entity, and closing the tags left open, then "…". Texts are kept shorter by design;
/// this guards the rare card whose every field is at its maximum.
pub fn fit(text: String) -> String {
    if text.chars().count() <= MAX_MESSAGE {
        return text;
    }
    // Room for the closing tags and the ellipsis.
    const RESERVE: usize = 64;
    let mut out = String::with_capacity(MAX_MESSAGE * 2);
    let mut open: Vec<String> = vec![];
    let mut count = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => {
                let mut tag = String::from('<');
                for t in chars.by_ref() {
                    tag.push(t);
                    if t == '>' {
                        break;
                    }
                }
                let name: String = tag
                    .trim_start_matches(['<', '/'])
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                if tag.starts_with("</") {
                    if let Some(i) = open.iter().rposition(|o| *o == name) {
                        open.truncate(i);
                    }
                } else {
                    open.push(name);
                }
                count += tag.chars().count();
                out.push_str(&tag);
            }
            '&' => {
                let mut entity = String::from('&');
                while let Some(&t) = chars.peek() {
                    entity.push(t);
                    chars.next();
                    if t == ';' || entity.len() > 10 {
                        break;
                    }
                }
                count += entity.chars().count();
                out.push_str(&entity);
            }
            c => {
                count += 1;
                out.push(c);
            }
        }
        if count >= MAX_MESSAGE - RESERVE - open.iter().map(|o| o.len() + 3).sum::<usize>() {
            break;
        }
    }
    log::warn!("a message over {MAX_MESSAGE} characters was cut");
    out.push('…');
    for name in open.iter().rev() {
        out.push_str(&format!("</{name}>"));
    }
    out
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

/// Replaces a message's text and drops its buttons. An edit with nothing to change, or of
/// a message that is gone, is not an error (logged at debug).
pub async fn edit(
    bot: &TgBot,
    chat: ChatId,
    id: teloxide::types::MessageId,
    text: String,
) -> ResponseResult<()> {
    quiet_edit(
        bot.edit_message_text(chat, id, fit(text))
            .parse_mode(ParseMode::Html)
            .await,
    )
}

/// Replaces a message's text and buttons; quiet as [`edit`].
pub async fn edit_kb(
    bot: &TgBot,
    chat: ChatId,
    id: teloxide::types::MessageId,
    text: String,
    kb: InlineKeyboardMarkup,
) -> ResponseResult<()> {
    quiet_edit(
        bot.edit_message_text(chat, id, fit(text))
            .parse_mode(ParseMode::Html)
            .reply_markup(kb)
            .await,
    )
}

/// An edit's outcome, with "not modified" and "message gone" taken as done.
pub fn quiet_edit<T>(res: ResponseResult<T>) -> ResponseResult<()> {
    match res {
        Ok(_) => Ok(()),
        Err(e) if crate::bot::net::is_harmless_edit_error(&e) => {
            log::debug!("edit skipped: {e}");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// The text Telegram shows for an HTML text: the tags gone, the entities read back, white
/// space around it trimmed.
pub fn shown_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = rest[i..]
            .find('>')
            .map(|j| &rest[i + j + 1..])
            .unwrap_or("");
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

/// Whether a message already shows this HTML text (as Telegram keeps it) and these buttons:
/// then an edit would change nothing, and Telegram refuses it («message is not modified»).
/// The formatting itself is not compared: the bot's texts format the same words alike.
pub fn shows(m: &Message, html: &str, kb: Option<&InlineKeyboardMarkup>) -> bool {
    let buttons =
        |k: Option<&InlineKeyboardMarkup>| k.filter(|k| !k.inline_keyboard.is_empty()).cloned();
    m.text().map(str::trim) == Some(shown_text(&fit(html.to_string())).as_str())
        && buttons(m.reply_markup()) == buttons(kb)
}

/// Redraws a pressed message with a new text and buttons — unless it shows them already.
pub async fn redraw(
    bot: &TgBot,
    m: &Message,
    text: String,
    kb: InlineKeyboardMarkup,
) -> ResponseResult<()> {
    if shows(m, &text, Some(&kb)) {
        return Ok(());
    }
    edit_kb(bot, m.chat.id, m.id, text, kb).await
}

/// Replaces a pressed message's text and drops its buttons — unless it is so already.
pub async fn rewrite(bot: &TgBot, m: &Message, text: String) -> ResponseResult<()> {
    if shows(m, &text, None) {
        return Ok(());
    }
    edit(bot, m.chat.id, m.id, text).await
}

/// Drops a pressed message's buttons, keeping its text — unless it has none.
pub async fn drop_buttons(bot: &TgBot, m: &Message) -> ResponseResult<()> {
    if m.reply_markup()
        .is_none_or(|k| k.inline_keyboard.is_empty())
    {
        return Ok(());
    }
    quiet_edit(bot.edit_message_reply_markup(m.chat.id, m.id).await)
}

/// Replaces a pressed message with a new text and buttons (nothing when it shows them
/// already); when it cannot be edited (too old, say), sends the text as a new message.
pub async fn replace_or_send(
    bot: &TgBot,
    q: &CallbackQuery,
    chat: ChatId,
    text: String,
    kb: InlineKeyboardMarkup,
) -> ResponseResult<()> {
    if let Some(m) = q.regular_message() {
        match redraw(bot, m, text.clone(), kb.clone()).await {
            Ok(()) => return Ok(()),
            Err(e) => log::warn!("editing a card: {e}"),
        }
    }
    send_kb(bot, chat, text, kb).await.map(|_| ())
}

/// Closes a pressed preview: its buttons go, its text stays, and `line` is sent as a
/// reply to it (the preview as sent is not kept, so nothing is appended to it). Failures
/// are logged: the decision is taken already.
pub async fn close_with_reply(bot: &TgBot, q: &CallbackQuery, line: String) {
    let Some(m) = q.regular_message() else {
        return;
    };
    if let Err(e) = drop_buttons(bot, m).await {
        log::warn!("dropping the buttons of a preview: {e}");
    }
    if let Err(e) = bot
        .send_message(m.chat.id, fit(line))
        .parse_mode(ParseMode::Html)
        .reply_parameters(teloxide::types::ReplyParameters::new(m.id))
        .await
    {
        log::warn!("answering a preview: {e}");
    }
}

/// Tells a person something in their language (their own chat); a failure is logged.
pub async fn tell(bot: &TgBot, app: &App, id: i64, text: impl Fn(Lang) -> String) {
    let lang = app.lang_of(id).await;
    if let Err(e) = send(bot, ChatId(id), text(lang)).await {
        log::warn!("telling {id}: {e}");
    }
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
        assert!(t.chars().count() <= MAX_MESSAGE);
        assert!(t.ends_with('…'));
        assert_eq!(fit("short".into()), "short");
    }

    #[test]
    fn cutting_keeps_html_well_formed() {
        let long = format!(
            "<b>Заголовок</b>\n<s>{}</s> → <u>{}</u> &amp; конец",
            "&lt;x&gt;".repeat(400),
            "я".repeat(3000)
        );
        let t = fit(long);
        assert!(t.chars().count() <= MAX_MESSAGE, "{}", t.chars().count());
        assert!(t.ends_with("…</u>"), "{}", &t[t.len() - 20..]);
        // Every tag opened is closed, and no entity is cut.
        assert_eq!(t.matches("<u>").count(), t.matches("</u>").count());
        assert_eq!(t.matches("<s>").count(), t.matches("</s>").count());
        let after_last_amp = &t[t.rfind('&').unwrap()..];
        assert!(after_last_amp.contains(';'), "{after_last_amp}");
    }
}
