//! `/list`: the current list as a file in chat, in the Order's appendix form. The person
//! picks the format (XLSX by default, DOCX, CSV) and the part of the list (all, one
//! direction, one division); the file is made in memory on a blocking thread and sent with
//! `sendDocument` under its proper name.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, InputFile, ParseMode};

use super::Answer;
use crate::bot::callback::{CallbackData, ListScope};
use crate::bot::ui;
use crate::bot::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::db;
use crate::db::touchpoints::Filter;
use crate::domain::{Direction, Lang, Role};
use crate::export::{self, Format, Meta};
use crate::tr;

/// At most this many divisions get a button of their own.
const DIVISION_BUTTONS: usize = 12;

fn may_list(actor: &Actor) -> bool {
    actor.role != Role::Stranger
}

async fn card(
    app: &App,
    lang: Lang,
    own_division: Option<i64>,
    format: Format,
    page: u16,
) -> Result<(String, InlineKeyboardMarkup), sqlx::Error> {
    let i = &app.i18n;
    let mut rows = vec![Format::ALL
        .iter()
        .map(|f| {
            let mark = if *f == format { "● " } else { "" };
            InlineKeyboardButton::callback(
                format!("{mark}{}", f.extension().to_uppercase()),
                CallbackData::ListFormat(*f, 0).encode(),
            )
        })
        .collect::<Vec<_>>()];
    rows.push(vec![InlineKeyboardButton::callback(
        tr!(i, lang, "list-all"),
        CallbackData::List(format, ListScope::All).encode(),
    )]);
    for d in Direction::ALL {
        rows.push(vec![InlineKeyboardButton::callback(
            i.label(lang, &d.locale_key()),
            CallbackData::List(format, ListScope::Direction(*d)).encode(),
        )]);
    }
    // The person's own division first, so a head always finds theirs.
    let mut divisions = db::divisions::list(&app.pool).await?;
    divisions.sort_by_key(|dv| Some(dv.id) != own_division);
    let pages = divisions.len().div_ceil(DIVISION_BUTTONS).max(1);
    let page = (page as usize).min(pages - 1);
    for dv in divisions
        .into_iter()
        .skip(page * DIVISION_BUTTONS)
        .take(DIVISION_BUTTONS)
    {
        let label: String = tr!(i, lang, "list-division", division = dv.name)
            .chars()
            .take(60)
            .collect();
        rows.push(vec![InlineKeyboardButton::callback(
            label,
            CallbackData::List(format, ListScope::Division(dv.id)).encode(),
        )]);
    }
    if pages > 1 {
        rows.push(ui::page_nav(i, lang, page, pages, |p| {
            CallbackData::ListFormat(format, p)
        }));
    }
    Ok((tr!(i, lang, "list-choose"), InlineKeyboardMarkup::new(rows)))
}

/// `/list [xlsx|docx|csv]`.
pub async fn list(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    arg: Option<String>,
) -> HandlerResult {
    let lang = actor.lang;
    if !may_list(&actor) {
        ui::send(
            &bot,
            msg.chat.id,
            tr!(app.i18n, lang, "help-stranger", id = actor.id),
        )
        .await?;
        return Ok(());
    }
    let format = match arg.as_deref() {
        None => Format::Xlsx,
        Some(a) => match Format::from_code(a) {
            Some(f) => f,
            None => {
                ui::send(
                    &bot,
                    msg.chat.id,
                    tr!(app.i18n, lang, "list-bad-format", format = ui::esc(a)),
                )
                .await?;
                Format::Xlsx
            }
        },
    };
    let (text, kb) = card(&app, lang, actor.division_id, format, 0).await?;
    ui::send_kb(&bot, msg.chat.id, text, kb).await?;
    Ok(())
}

/// A format button (or a page of divisions): the card is redrawn with that format chosen.
pub async fn format_pressed(
    bot: &TgBot,
    q: &CallbackQuery,
    app: &App,
    actor: &Actor,
    format: Format,
    page: u16,
) -> Result<Answer, HandlerError> {
    if !may_list(actor) {
        return Ok(Answer::text(tr!(app.i18n, actor.lang, "button-stale")));
    }
    if let Some(m) = q.regular_message() {
        let (text, kb) = card(app, actor.lang, actor.division_id, format, page).await?;
        if let Err(e) = bot
            .edit_message_text(m.chat.id, m.id, text)
            .parse_mode(ParseMode::Html)
            .reply_markup(kb)
            .await
        {
            log::debug!("redrawing /list: {e}");
        }
    }
    Ok(Answer::none())
}

/// A scope button: the file is made and sent. The query is answered first: making a large
/// file takes a moment.
pub async fn scope_pressed(
    bot: &TgBot,
    q: &CallbackQuery,
    app: &App,
    actor: &Actor,
    format: Format,
    scope: ListScope,
) -> Result<Answer, HandlerError> {
    let lang = actor.lang;
    let i = &app.i18n;
    if !may_list(actor) {
        return Ok(Answer::text(tr!(i, lang, "button-stale")));
    }
    let (filter, division_name) = match scope {
        ListScope::All => (Filter::default(), None),
        ListScope::Direction(d) => (
            Filter {
                direction: Some(d),
                division_id: None,
            },
            None,
        ),
        ListScope::Division(id) => match db::divisions::get(&app.pool, id).await? {
            Some(dv) => (
                Filter {
                    direction: None,
                    division_id: Some(id),
                },
                Some(dv.name),
            ),
            None => return Ok(Answer::text(tr!(i, lang, "button-stale"))),
        },
    };
    if let Err(e) = bot
        .answer_callback_query(q.id.clone())
        .text(tr!(i, lang, "list-making"))
        .await
    {
        log::warn!("answering a /list press: {e}");
    }
    let chat = q
        .regular_message()
        .map(|m| m.chat.id)
        .unwrap_or(ChatId(actor.id));
    // The query is answered: a failure from here on is told in chat.
    if let Err(e) = make_and_send(bot, app, actor, chat, format, filter, division_name).await {
        log::error!("making the list for user {}: {e}", actor.id);
        ui::send(bot, chat, tr!(i, lang, "error-generic")).await?;
    }
    Ok(Answer::answered())
}

/// Makes the file and sends it.
async fn make_and_send(
    bot: &TgBot,
    app: &App,
    actor: &Actor,
    chat: ChatId,
    format: Format,
    filter: Filter,
    division_name: Option<String>,
) -> HandlerResult {
    let i = &app.i18n;
    let lang = actor.lang;
    let rows = db::touchpoints::list_active(&app.pool, filter).await?;
    let today = chrono::Utc::now().date_naive();
    let meta = Meta::for_filter(today, filter.direction, division_name.as_deref());
    let count = rows.len();
    let bytes = tokio::task::spawn_blocking(move || export::render(format, &rows, &meta)).await??;
    let name = export::file_name(format, today);
    let caption = tr!(
        i,
        lang,
        "list-caption",
        points = tr!(i, lang, "points-count", count = count),
        date = today.format("%d.%m.%Y").to_string()
    );
    bot.send_document(chat, InputFile::memory(bytes).file_name(name))
        .caption(caption)
        .parse_mode(ParseMode::Html)
        .await?;
    log::info!(
        "list ({count} rows, {}) sent to user {}",
        format.extension(),
        actor.id
    );
    Ok(())
}
