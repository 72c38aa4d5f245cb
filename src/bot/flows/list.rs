//! `/list`: the current list as a file in chat, in the Order's appendix form. The person
//! picks the format (XLSX by default, DOCX, CSV) and the part of the list (all, one
//! direction, one division); the file is made in memory on a blocking thread and sent with
//! `sendDocument` under its proper name.

use std::sync::Arc;

use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, InputFile, ParseMode};

use crate::bot::access::members_only;
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::{CallbackData, ListScope};
use crate::bot::commands::Command;
use crate::bot::press::Press;
use crate::bot::route::{command, pressed};
use crate::bot::ui;
use crate::db;
use crate::db::touchpoints::Filter;
use crate::domain::{Direction, Lang};
use crate::export::{self, Format, Meta};
use crate::tr;

/// At most this many divisions get a button of their own.
const DIVISION_BUTTONS: usize = 12;

pub fn schema() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(
            command().branch(
                case![Command::List(arg)]
                    .chain(members_only())
                    .endpoint(list),
            ),
        )
        .branch(
            pressed()
                .branch(
                    case![CallbackData::ListFormat(format, page)]
                        .chain(members_only())
                        .endpoint(format_pressed),
                )
                .branch(
                    case![CallbackData::List(format, scope)]
                        .chain(members_only())
                        .endpoint(scope_pressed),
                ),
        )
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
async fn list(bot: TgBot, app: Arc<App>, actor: Actor, arg: Option<String>) -> HandlerResult {
    let lang = actor.lang;
    let format = match arg.as_deref() {
        None => Format::Xlsx,
        Some(a) => match Format::from_code(a) {
            Some(f) => f,
            None => {
                ui::send(
                    &bot,
                    actor.chat(),
                    tr!(app.i18n, lang, "list-bad-format", format = ui::esc(a)),
                )
                .await?;
                Format::Xlsx
            }
        },
    };
    let (text, kb) = card(&app, lang, actor.division_id, format, 0).await?;
    ui::send_kb(&bot, actor.chat(), text, kb).await?;
    Ok(())
}

/// A format button (or a page of divisions): the card is redrawn with that format chosen.
async fn format_pressed(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    (format, page): (Format, u16),
) -> HandlerResult {
    if let Some(m) = q.regular_message() {
        let (text, kb) = card(&app, actor.lang, actor.division_id, format, page).await?;
        if let Err(e) = ui::redraw(&bot, m, text, kb).await {
            log::warn!("redrawing /list: {e}");
        }
    }
    Ok(())
}

/// A scope button: the file is made and sent. The press is answered first: making a large
/// file takes a moment.
async fn scope_pressed(
    bot: TgBot,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    (format, scope): (Format, ListScope),
) -> HandlerResult {
    let lang = actor.lang;
    let i = &app.i18n;
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
            None => {
                press.note(tr!(i, lang, "button-stale")).await;
                return Ok(());
            }
        },
    };
    press.note(tr!(i, lang, "list-making")).await;
    // The press is answered: a failure from here on is told in chat.
    if let Err(e) = make_and_send(&bot, &app, &actor, format, filter, division_name).await {
        log::error!("making the list for user {}: {e}", actor.id);
        ui::send(&bot, actor.chat(), tr!(i, lang, "error-generic")).await?;
    }
    Ok(())
}

/// Makes the file and sends it.
async fn make_and_send(
    bot: &TgBot,
    app: &App,
    actor: &Actor,
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
    bot.send_document(actor.chat(), InputFile::memory(bytes).file_name(name))
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
