//! `/list`: the current list as a file in chat, in the Order's appendix form. The person
//! picks the format (XLSX by default, DOCX, CSV) and the part of the list (all, one
//! direction, one division); the file is made in memory on a blocking thread and sent with
//! `sendDocument` under its proper name.
//!
//! `/list 01.12.2026` (the end of that day) and `/list 01.12.2026 14:30` (the start of that
//! minute), in the administration's local time, lead to the same card for the list as it
//! stood then, read from the rows' versions; the moment rides in the buttons' data.

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
use crate::domain::{Direction, Lang, Moment, MomentError};
use crate::export::{self, AsOf, Format, Meta};
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
                    case![CallbackData::ListFormat(format, page, at)]
                        .chain(members_only())
                        .endpoint(format_pressed),
                )
                .branch(
                    case![CallbackData::List(format, scope, at)]
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
    at: Option<Moment>,
) -> Result<(String, InlineKeyboardMarkup), sqlx::Error> {
    let i = &app.i18n;
    let mut rows = vec![Format::ALL
        .iter()
        .map(|f| {
            let mark = if *f == format { "● " } else { "" };
            InlineKeyboardButton::callback(
                format!("{mark}{}", f.extension().to_uppercase()),
                CallbackData::ListFormat(*f, 0, at).encode(),
            )
        })
        .collect::<Vec<_>>()];
    rows.push(vec![InlineKeyboardButton::callback(
        tr!(i, lang, "list-all"),
        CallbackData::List(format, ListScope::All, at).encode(),
    )]);
    for d in Direction::ALL {
        rows.push(vec![InlineKeyboardButton::callback(
            i.label(lang, &d.locale_key()),
            CallbackData::List(format, ListScope::Direction(*d), at).encode(),
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
            CallbackData::List(format, ListScope::Division(dv.id), at).encode(),
        )]);
    }
    if pages > 1 {
        rows.push(ui::page_nav(i, lang, page, pages, |p| {
            CallbackData::ListFormat(format, p, at)
        }));
    }
    let text = match at {
        None => tr!(i, lang, "list-choose"),
        Some(m) => tr!(
            i,
            lang,
            "list-choose-at",
            moment = moment_text(app, lang, m)
        ),
    };
    Ok((text, InlineKeyboardMarkup::new(rows)))
}

/// A moment as the chat says it: `01.12.2026 14:30`, or the end of a day.
fn moment_text(app: &App, lang: Lang, m: Moment) -> String {
    match m {
        Moment::Minute(t) => t.format("%d.%m.%Y %H:%M").to_string(),
        Moment::EndOfDay(d) => tr!(
            app.i18n,
            lang,
            "list-moment-day",
            date = d.format("%d.%m.%Y").to_string()
        ),
    }
}

/// What `/list …` asks for: a format (a wrong one is named and XLSX taken) and a moment.
struct Asked {
    format: Format,
    bad_format: Option<String>,
    at: Option<Moment>,
}

/// Reads `/list [format] [date [time]]`; a moment that cannot be read is an error with the
/// text to say.
fn asked(arg: Option<&str>) -> Result<Asked, (MomentError, String)> {
    let words: Vec<&str> = arg.unwrap_or_default().split_whitespace().collect();
    let (format, bad_format, rest) = match words.first() {
        None => (Format::Xlsx, None, &words[..]),
        Some(w) => match Format::from_code(w) {
            Some(f) => (f, None, &words[1..]),
            // A date with no format before it.
            None if w.starts_with(|c: char| c.is_ascii_digit()) => (Format::Xlsx, None, &words[..]),
            None => (Format::Xlsx, Some(w.to_string()), &words[1..]),
        },
    };
    let at = if rest.is_empty() {
        None
    } else {
        let text = rest.join(" ");
        Some(Moment::parse(&text).map_err(|e| (e, text))?)
    };
    Ok(Asked {
        format,
        bad_format,
        at,
    })
}

/// `/list [xlsx|docx|csv] [01.12.2026 [14:30]]`.
async fn list(bot: TgBot, app: Arc<App>, actor: Actor, arg: Option<String>) -> HandlerResult {
    let lang = actor.lang;
    let i = &app.i18n;
    let asked = match asked(arg.as_deref()) {
        Ok(a) => a,
        Err((e, text)) => {
            let text = ui::esc(&text);
            let said = match e {
                MomentError::Form => tr!(i, lang, "list-bad-moment", text = text),
                MomentError::NoSuchDate => tr!(i, lang, "list-no-such-date", text = text),
            };
            ui::send(&bot, actor.chat(), said).await?;
            return Ok(());
        }
    };
    if let Some(f) = &asked.bad_format {
        ui::send(
            &bot,
            actor.chat(),
            tr!(i, lang, "list-bad-format", format = ui::esc(f)),
        )
        .await?;
    }
    if let Some(m) = asked.at {
        if m.instant(app.schedule.offset) > chrono::Utc::now() {
            let text = tr!(i, lang, "list-future", moment = moment_text(&app, lang, m));
            ui::send(&bot, actor.chat(), text).await?;
            return Ok(());
        }
    }
    let (text, kb) = card(&app, lang, actor.division_id, asked.format, 0, asked.at).await?;
    ui::send_kb(&bot, actor.chat(), text, kb).await?;
    Ok(())
}

/// A format button (or a page of divisions): the card is redrawn with that format chosen.
async fn format_pressed(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    (format, page, at): (Format, u16, Option<Moment>),
) -> HandlerResult {
    if let Some(m) = q.regular_message() {
        let (text, kb) = card(&app, actor.lang, actor.division_id, format, page, at).await?;
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
    (format, scope, at): (Format, ListScope, Option<Moment>),
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
    let made = make_and_send(&bot, &app, &actor, format, filter, division_name, at).await;
    if let Err(e) = made {
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
    at: Option<Moment>,
) -> HandlerResult {
    let i = &app.i18n;
    let lang = actor.lang;
    let offset = app.schedule.offset;
    let today = chrono::Utc::now().with_timezone(&offset).date_naive();
    let meta = Meta::for_filter(today, filter.direction, division_name.as_deref());
    let (rows, meta) = match at {
        None => (db::touchpoints::list_active(&app.pool, filter).await?, meta),
        Some(moment) => {
            let instant = moment.instant(offset);
            let before_first = !db::versions::any_before(&app.pool, instant).await?;
            let rows = db::versions::list_at(&app.pool, instant, filter).await?;
            let as_of = AsOf {
                moment,
                before_first,
            };
            (rows, meta.at(as_of))
        }
    };
    let count = rows.len();
    let as_of = meta.as_of;
    let bytes = tokio::task::spawn_blocking(move || export::render(format, &rows, &meta)).await??;
    // A file of a past moment is named by that moment's day.
    let name = export::file_name(format, at.map_or(today, Moment::date));
    let points = tr!(i, lang, "points-count", count = count);
    let caption = match as_of {
        None => tr!(
            i,
            lang,
            "list-caption",
            points = points,
            date = today.format("%d.%m.%Y").to_string()
        ),
        Some(a) if a.before_first => tr!(
            i,
            lang,
            "list-caption-before-first",
            moment = moment_text(app, lang, a.moment)
        ),
        Some(a) => tr!(
            i,
            lang,
            "list-caption-at",
            points = points,
            moment = moment_text(app, lang, a.moment)
        ),
    };
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
