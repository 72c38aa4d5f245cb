//! Reminders (5.2): on the schedule (a setting, monthly by default, never in the quiet
//! hours) each division head gets the division's rows with `Всё актуально` (recorded with
//! the date) and `Сообщить изменения`; after a grace period the authorized persons hear who
//! has not confirmed. Due times live in the database (`db::reminders`): a restart neither
//! loses nor repeats a reminder. [`tick`] takes the time as a parameter, so tests need not
//! wait; [`run`] calls it every minute.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, ParseMode, ReplyParameters};

use crate::bot::access::{heads_only, reporters_only};
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::CallbackData;
use crate::bot::press::Press;
use crate::bot::route::pressed;
use crate::bot::ui::{self, esc};
use crate::db;
use crate::domain::schedule::Every;
use crate::domain::Role;
use crate::tr;

/// The buttons of a reminder.
pub fn schema() -> UpdateHandler<HandlerError> {
    pressed()
        .branch(
            case![CallbackData::Current(round)]
                .chain(heads_only())
                .endpoint(current_pressed),
        )
        .branch(
            case![CallbackData::ReportChanges]
                .chain(reporters_only())
                .endpoint(changes_pressed),
        )
}

/// Rows listed in one reminder; the rest are in `/list`.
const SHOWN_ROWS: usize = 40;

fn day(app: &App, t: DateTime<Utc>) -> String {
    t.with_timezone(&app.schedule.offset)
        .format("%d.%m.%Y")
        .to_string()
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Ticked {
    /// Reminders sent to heads.
    pub reminded: usize,
    /// Summaries sent to authorized persons.
    pub summaries: usize,
}

/// One pass at time `now`: schedules the first round when there is none, sends a due round
/// (outside the quiet hours) and due summaries. Safe to call at any time and from a second
/// process: every send is claimed in the database first.
pub async fn tick(bot: &TgBot, app: &App, now: DateTime<Utc>) -> Result<Ticked, HandlerError> {
    let mut done = Ticked::default();
    let s = app.schedule;
    if s.every == Every::Off {
        return Ok(done);
    }
    let round = match db::reminders::open_round(&app.pool).await? {
        Some(r) => r,
        None => match s.next_after(now) {
            Some(due) => db::reminders::schedule(&app.pool, due, s.grace()).await?,
            None => return Ok(done),
        },
    };
    if s.is_quiet(now) {
        return Ok(done);
    }
    if round.due_at <= now {
        let heads = db::people::members(&app.pool).await?;
        for head in heads.iter().filter(|p| p.role == Role::Head) {
            let Some(division) = head.division_id else {
                continue;
            };
            if !db::reminders::claim(&app.pool, round.id, head.telegram_id, division, now).await? {
                continue;
            }
            let (text, kb) = reminder(app, head.lang, division, round.id).await?;
            match ui::send_kb(bot, ChatId(head.telegram_id), text, kb).await {
                Ok(_) => done.reminded += 1,
                Err(e) => log::warn!("reminder to head {}: {e}", head.telegram_id),
            }
        }
        let next = s.next_after(round.due_at.max(now));
        db::reminders::close(&app.pool, round.id, now, next, s.grace()).await?;
        log::info!(
            "reminder round {} sent to {} heads",
            round.id,
            done.reminded
        );
    }
    for r in db::reminders::due_summaries(&app.pool, now).await? {
        if !db::reminders::claim_summary(&app.pool, r.id, now).await? {
            continue;
        }
        let missing = db::reminders::unconfirmed(&app.pool, r.id).await?;
        for admin in app.admin_ids().await? {
            let lang = app.lang_of(admin).await;
            let text = summary(app, lang, r.due_at, &missing);
            match ui::send(bot, ChatId(admin), text).await {
                Ok(_) => done.summaries += 1,
                Err(e) => log::warn!("reminder summary to {admin}: {e}"),
            }
        }
    }
    Ok(done)
}

/// Calls [`tick`] every minute, for as long as the bot runs.
pub async fn run(bot: TgBot, app: Arc<App>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        // A defect in one round must not stop reminders for good: a panic is logged and
        // the next minute tries again (what was recorded stays recorded).
        let round = std::panic::AssertUnwindSafe(tick(&bot, &app, Utc::now()));
        match futures::FutureExt::catch_unwind(round).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => log::error!("reminders: {e}"),
            Err(panic) => log::error!(
                "reminders: a round panicked: {}",
                crate::bot::guard::panic_message(&*panic)
            ),
        }
    }
}

/// A head's reminder: the division's rows and the two buttons.
async fn reminder(
    app: &App,
    lang: crate::domain::Lang,
    division_id: i64,
    round_id: i64,
) -> Result<(String, InlineKeyboardMarkup), HandlerError> {
    let i = &app.i18n;
    let division = db::divisions::get(&app.pool, division_id)
        .await?
        .map(|d| d.name)
        .unwrap_or_default();
    let rows = db::touchpoints::list_active(
        &app.pool,
        db::touchpoints::Filter {
            direction: None,
            division_id: Some(division_id),
        },
    )
    .await?;
    let mut lines = vec![tr!(
        i,
        lang,
        "remind-head",
        division = esc(&division),
        count = tr!(i, lang, "points-count", count = rows.len())
    )];
    if rows.is_empty() {
        lines.push(tr!(i, lang, "remind-none"));
    }
    // Rows under processes that left the Registry are flagged (5.1).
    let removed: std::collections::HashSet<i64> = db::registry::removed_with_rows(&app.pool)
        .await?
        .into_iter()
        .map(|o| o.function_id)
        .collect();
    for r in rows.iter().take(SHOWN_ROWS) {
        let mut line = tr!(
            i,
            lang,
            "remind-row",
            id = r.id,
            kind = app.i18n.label(lang, &r.data.kind.locale_key()),
            point = esc(&r.data.point),
            function = esc(&r.function_name)
        );
        if removed.contains(&r.data.function_id) {
            line.push(' ');
            line.push_str(&tr!(i, lang, "remind-row-flagged"));
        }
        lines.push(line);
    }
    if rows.len() > SHOWN_ROWS {
        lines.push(tr!(i, lang, "remind-more", count = rows.len() - SHOWN_ROWS));
    }
    lines.push(String::new());
    lines.push(tr!(i, lang, "remind-ask"));
    let kb = InlineKeyboardMarkup::new(vec![vec![
        InlineKeyboardButton::callback(
            tr!(i, lang, "btn-all-current"),
            CallbackData::Current(round_id).encode(),
        ),
        InlineKeyboardButton::callback(
            tr!(i, lang, "btn-report-changes"),
            CallbackData::ReportChanges.encode(),
        ),
    ]]);
    Ok((ui::fit(lines.join("\n")), kb))
}

fn summary(
    app: &App,
    lang: crate::domain::Lang,
    due: DateTime<Utc>,
    missing: &[db::reminders::Unconfirmed],
) -> String {
    let i = &app.i18n;
    if missing.is_empty() {
        return tr!(i, lang, "remind-summary-all", date = day(app, due));
    }
    let mut lines = vec![tr!(
        i,
        lang,
        "remind-summary",
        date = day(app, due),
        count = missing.len()
    )];
    for u in missing {
        let heads: Vec<String> = u.heads.iter().map(|h| esc(h)).collect();
        lines.push(tr!(
            i,
            lang,
            "remind-summary-item",
            division = esc(&u.division),
            heads = heads.join(", ")
        ));
    }
    ui::fit(lines.join("\n"))
}

/// `Всё актуально`: the presser is a division head now (the gate); the confirmation is
/// recorded with the date, for the division they head now.
async fn current_pressed(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    round_id: i64,
) -> HandlerResult {
    let i = &app.i18n;
    let lang = actor.lang;
    let Some(division) = actor.division_id else {
        return Ok(());
    };
    if !db::reminders::round_exists(&app.pool, round_id).await? {
        press.note(tr!(i, lang, "button-stale")).await;
        return Ok(());
    }
    let now = Utc::now();
    match db::reminders::confirm(&app.pool, Some(round_id), division, actor.id, now).await? {
        Err(at) => {
            press
                .note(tr!(i, lang, "confirm-already", date = day(&app, at)))
                .await;
        }
        Ok(()) => {
            log::info!("head {} confirmed division {division} current", actor.id);
            let done = tr!(i, lang, "confirm-done", date = day(&app, now));
            if let Some(m) = q.regular_message() {
                if let Err(e) = ui::drop_buttons(&bot, m).await {
                    log::warn!("dropping the buttons of a reminder: {e}");
                }
                bot.send_message(m.chat.id, done.clone())
                    .parse_mode(ParseMode::Html)
                    .reply_parameters(ReplyParameters::new(m.id))
                    .await?;
            }
            press.note(done).await;
        }
    }
    Ok(())
}

/// `Сообщить изменения`: how to report them.
async fn changes_pressed(bot: TgBot, app: Arc<App>, actor: Actor) -> HandlerResult {
    ui::send(
        &bot,
        actor.chat(),
        tr!(app.i18n, actor.lang, "report-changes-how"),
    )
    .await?;
    Ok(())
}
