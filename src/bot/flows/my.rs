//! `/my`: a person's own reports and where they stand (3.8.4), newest first, a page at a
//! time; a pending one can be withdrawn; one returned for correction can be corrected
//! (`Исправить`, opened by the report flow) or withdrawn, which ends its chain. A report
//! of a chain (returned, corrected, sent again …) shows the chain.

use std::sync::Arc;

use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::access::reporters_only;
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::{CallbackData, DraftCb};
use crate::bot::commands::Command;
use crate::bot::press::Press;
use crate::bot::route::{command, pressed};
use crate::bot::ui::{self, esc, review};
use crate::db;
use crate::db::requests::Request;
use crate::domain::{Lang, RequestStatus};
use crate::tr;

/// Reports per page.
const PER_PAGE: i64 = 5;

pub fn schema() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(command().branch(case![Command::My].endpoint(my)))
        .branch(
            pressed()
                // A person who may no longer report cannot withdraw from an old /my either.
                .branch(
                    case![CallbackData::Withdraw(id)]
                        .chain(reporters_only())
                        .endpoint(withdraw),
                )
                .branch(case![CallbackData::MyPage(p)].endpoint(turn_page)),
        )
}

async fn my(bot: TgBot, app: Arc<App>, actor: Actor) -> HandlerResult {
    let (text, kb) = page(&app, &actor, 0).await?;
    ui::send_kb(&bot, actor.chat(), text, kb).await?;
    Ok(())
}

/// A long text cut for the list (the whole text is in the review card and the history).
fn short(s: &str) -> String {
    const MAX: usize = 200;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        s.chars()
            .take(MAX - 1)
            .chain(std::iter::once('…'))
            .collect()
    }
}

fn date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%d.%m.%Y").to_string()
}

async fn what(app: &App, lang: Lang, r: &Request) -> Result<String, sqlx::Error> {
    let point = match (&r.payload, r.touchpoint_id) {
        (Some(p), _) => Some((p.kind, p.point.clone())),
        (None, Some(id)) => db::touchpoints::get(&app.pool, id)
            .await?
            .map(|row| (row.data.kind, row.data.point)),
        (None, None) => None,
    };
    Ok(match point {
        Some((kind, point)) => format!(
            "{} — {}",
            app.i18n.label(lang, &kind.locale_key()),
            esc(&point)
        ),
        None => "—".into(),
    })
}

fn status_label(app: &App, lang: Lang, r: &Request) -> String {
    let i = &app.i18n;
    match r.status {
        RequestStatus::Pending => tr!(i, lang, "status-pending"),
        RequestStatus::Accepted => tr!(
            i,
            lang,
            "status-accepted",
            date = r.decided_at.map(date).unwrap_or_default()
        ),
        RequestStatus::Rejected => tr!(
            i,
            lang,
            "status-rejected",
            date = r.decided_at.map(date).unwrap_or_default(),
            reason = esc(&short(r.decision_note.as_deref().unwrap_or("—")))
        ),
        RequestStatus::Withdrawn => tr!(
            i,
            lang,
            "status-withdrawn",
            date = r.decided_at.map(date).unwrap_or_default()
        ),
        RequestStatus::Returned => tr!(
            i,
            lang,
            "status-returned",
            date = r.decided_at.map(date).unwrap_or_default(),
            note = esc(&short(r.decision_note.as_deref().unwrap_or("—")))
        ),
    }
}

/// One page of the person's reports, with withdraw buttons for the pending ones.
async fn page(
    app: &App,
    actor: &Actor,
    page: u16,
) -> Result<(String, InlineKeyboardMarkup), HandlerError> {
    let lang = actor.lang;
    let i = &app.i18n;
    let total = db::requests::count_by_reporter(&app.pool, actor.id).await?;
    if total == 0 {
        return Ok((tr!(i, lang, "my-none"), InlineKeyboardMarkup::default()));
    }
    let pages = (total + PER_PAGE - 1) / PER_PAGE;
    let page = (page as i64).min(pages - 1);
    let list = db::requests::by_reporter(&app.pool, actor.id, PER_PAGE, page * PER_PAGE).await?;
    let mut blocks = vec![tr!(i, lang, "my-title", count = total)];
    let mut rows: Vec<Vec<InlineKeyboardButton>> = vec![];
    for r in &list {
        let mut item = tr!(
            i,
            lang,
            "my-item",
            id = r.id,
            action = ui::action_label(app, lang, r.action),
            what = what(app, lang, r).await?,
            division = esc(&r.division_name),
            sent = date(r.created_at),
            status = status_label(app, lang, r)
        );
        if r.previous_id.is_some() || r.resent_as.is_some() {
            let chain = db::requests::chain(&app.pool, r.id)
                .await?
                .iter()
                .map(|id| format!("№\u{a0}{id}"))
                .collect::<Vec<_>>()
                .join(" → ");
            item.push('\n');
            item.push_str(&tr!(i, lang, "my-chain", chain = chain));
        }
        blocks.push(item);
        let returned = r.status == RequestStatus::Returned && r.resent_as.is_none();
        if returned {
            rows.push(vec![InlineKeyboardButton::callback(
                tr!(i, lang, "btn-rework-id", id = r.id),
                CallbackData::OpenDraft(DraftCb::Rework(r.id), false).encode(),
            )]);
        }
        if r.status == RequestStatus::Pending || returned {
            rows.push(vec![InlineKeyboardButton::callback(
                tr!(i, lang, "btn-withdraw", id = r.id),
                CallbackData::Withdraw(r.id).encode(),
            )]);
        }
    }
    if pages > 1 {
        rows.push(ui::page_nav(
            i,
            lang,
            page as usize,
            pages as usize,
            CallbackData::MyPage,
        ));
    }
    Ok((blocks.join("\n\n"), InlineKeyboardMarkup::new(rows)))
}

async fn redraw(bot: &TgBot, q: &CallbackQuery, app: &App, actor: &Actor, p: u16) -> HandlerResult {
    let Some(m) = q.regular_message() else {
        return Ok(());
    };
    let (text, kb) = page(app, actor, p).await?;
    // Pressing the current page's own number changes nothing: nothing is sent.
    if let Err(e) = ui::redraw(bot, m, text, kb).await {
        log::warn!("redrawing /my: {e}");
    }
    Ok(())
}

/// A page button of `/my`.
async fn turn_page(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    p: u16,
) -> HandlerResult {
    redraw(&bot, &q, &app, &actor, p).await
}

/// The withdraw button: only the reporter, only while pending (one conditional write).
async fn withdraw(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    id: i64,
) -> HandlerResult {
    let lang = actor.lang;
    if !db::requests::withdraw(&app.pool, id, actor.id).await? {
        press.note(tr!(app.i18n, lang, "withdraw-refused")).await;
        return Ok(());
    }
    log::info!("request {id} withdrawn by user {}", actor.id);
    // The authorized persons' cards lose their buttons and say so.
    if let Err(e) = review::update_cards(&bot, &app, id, &actor.name).await {
        log::warn!("updating the cards of withdrawn request {id}: {e}");
    }
    redraw(&bot, &q, &app, &actor, 0).await?;
    press.note(tr!(app.i18n, lang, "withdrawn", id = id)).await;
    Ok(())
}
