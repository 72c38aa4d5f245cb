//! Reminders (5.2): on the schedule (a setting, monthly by default, never in the quiet
//! hours) each division head gets the division's rows with `Всё актуально` (recorded with
//! the date) and `Сообщить об изменениях`; after a grace period the authorized persons hear who
//! has not confirmed. Due times live in the database (`db::reminders`): a restart neither
//! loses nor repeats a reminder. A send that fails is not taken as sent: a transient
//! failure is tried again in the next minutes while the round is open (until its summary
//! is due), a head who blocked the bot or has no chat is recorded as unreachable, and the
//! summary names both apart from those who got the reminder and did not confirm. [`tick`] takes the time as a parameter, so tests need not
//! wait; [`run`] calls it every minute.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, ParseMode, ReplyParameters};

use crate::bot::access::{heads_only, reporters_only};
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::CallbackData;
use crate::bot::net::{self, Delivery};
use crate::bot::press::Press;
use crate::bot::route::pressed;
use crate::bot::ui::{self, esc};
use crate::db;
use crate::db::reminders::Failure;
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
    /// Reminders delivered to heads (first sends and retries).
    pub reminded: usize,
    /// Reminders whose send failed (after the Bot API retries): tried again in a few
    /// minutes, or recorded as unreachable or refused.
    pub failed: usize,
    /// Summaries sent to authorized persons.
    pub summaries: usize,
}

/// The pause before another try of a reminder whose send has failed `n` times for a
/// transient reason: 1, 2, 4, … minutes, at most 32.
pub fn retry_pause(n: u32) -> Duration {
    Duration::minutes(1i64 << n.saturating_sub(1).min(5))
}

/// One pass at time `now`: schedules the first round when there is none; while a round is
/// due and its summary is not (outside the quiet hours), reminds the heads not yet reminded
/// and tries again the sends that failed for a transient reason; once its summary is due,
/// closes it (scheduling the next) and sends the summary. Safe to call at any time and from
/// a second process: every send is claimed in the database first.
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
        let heads: Vec<_> = db::people::members(&app.pool)
            .await?
            .into_iter()
            .filter(|p| p.role == Role::Head)
            .collect();
        // Heads not yet reminded in this round (one appointed while it is open included);
        // the claim decides between two processes.
        let claimed = db::reminders::claimed(&app.pool, round.id).await?;
        for head in heads.iter().filter(|h| !claimed.contains(&h.telegram_id)) {
            let Some(division) = head.division_id else {
                continue;
            };
            if !db::reminders::claim(&app.pool, round.id, head.telegram_id, division, now).await? {
                continue;
            }
            remind(
                bot,
                app,
                &round,
                head.telegram_id,
                head.lang,
                division,
                now,
                &mut done,
            )
            .await?;
        }
        for (person, division) in db::reminders::due_retries(&app.pool, round.id, now).await? {
            // Someone who no longer heads that division is not reminded of it.
            let Some(head) = heads
                .iter()
                .find(|h| h.telegram_id == person && h.division_id == Some(division))
            else {
                db::reminders::forget(&app.pool, round.id, person).await?;
                continue;
            };
            if !db::reminders::claim_retry(&app.pool, round.id, person, now).await? {
                continue;
            }
            remind(
                bot, app, &round, person, head.lang, division, now, &mut done,
            )
            .await?;
        }
        if done.reminded + done.failed > 0 {
            log::info!(
                "reminder round {}: {} delivered, {} failed",
                round.id,
                done.reminded,
                done.failed
            );
        }
        if round.summary_due_at <= now {
            let next = s.next_after(round.due_at.max(now));
            db::reminders::close(&app.pool, round.id, now, next, s.grace()).await?;
        }
    }
    for r in db::reminders::due_summaries(&app.pool, now).await? {
        if !db::reminders::claim_summary(&app.pool, r.id, now).await? {
            continue;
        }
        let missing = db::reminders::unconfirmed(&app.pool, r.id).await?;
        let lost = db::reminders::undelivered(&app.pool, r.id).await?;
        for admin in app.admin_ids().await? {
            let lang = app.lang_of(admin).await;
            let text = summary(app, lang, r.due_at, &missing, &lost);
            match ui::send(bot, ChatId(admin), text).await {
                Ok(_) => done.summaries += 1,
                Err(e) => log::warn!("reminder summary to {admin}: {e}"),
            }
        }
    }
    Ok(done)
}

/// Sends one claimed reminder and records what came of it: delivered; or, after the Bot
/// API's own retries, another try in a few minutes (a transient failure), the head
/// unreachable (403, «chat not found»), or refused.
#[allow(clippy::too_many_arguments)]
async fn remind(
    bot: &TgBot,
    app: &App,
    round: &db::reminders::Round,
    person: i64,
    lang: crate::domain::Lang,
    division: i64,
    now: DateTime<Utc>,
    done: &mut Ticked,
) -> Result<(), HandlerError> {
    let sent = match reminder(app, lang, division, round.id).await {
        Ok((text, kb)) => ui::send_kb(bot, ChatId(person), text, kb).await,
        Err(e) => {
            // Not sent: the claim must not stay taken for good.
            let failures = db::reminders::failures(&app.pool, round.id, person).await? + 1;
            let again = Failure::RetryAt(now + retry_pause(failures));
            db::reminders::failed(&app.pool, round.id, person, again, &e.to_string()).await?;
            return Err(e);
        }
    };
    let e = match sent {
        Ok(_) => {
            db::reminders::delivered(&app.pool, round.id, person, now).await?;
            done.reminded += 1;
            return Ok(());
        }
        Err(e) => e,
    };
    done.failed += 1;
    let failure = match net::delivery(&e) {
        Delivery::Unreachable => Failure::Unreachable,
        Delivery::Refused => Failure::Refused,
        Delivery::Transient => {
            let failures = db::reminders::failures(&app.pool, round.id, person).await? + 1;
            Failure::RetryAt(now + retry_pause(failures))
        }
    };
    match failure {
        Failure::RetryAt(t) => log::warn!("reminder to head {person}: {e}; trying again at {t}"),
        Failure::Unreachable => log::warn!("reminder to head {person}: unreachable: {e}"),
        Failure::Refused => log::error!("reminder to head {person}: refused: {e}"),
    }
    db::reminders::failed(&app.pool, round.id, person, failure, &e.to_string()).await?;
    Ok(())
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
    lost: &[db::reminders::Undelivered],
) -> String {
    let i = &app.i18n;
    let date = day(app, due);
    let mut lines = vec![];
    if missing.is_empty() && lost.is_empty() {
        lines.push(tr!(i, lang, "remind-summary-all", date = date.clone()));
    } else if missing.is_empty() {
        lines.push(tr!(
            i,
            lang,
            "remind-summary-reached-all",
            date = date.clone()
        ));
    } else {
        lines.push(tr!(
            i,
            lang,
            "remind-summary",
            date = date.clone(),
            count = missing.len()
        ));
    }
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
    if !lost.is_empty() {
        lines.push(tr!(
            i,
            lang,
            "remind-summary-undelivered",
            count = lost.len()
        ));
    }
    for u in lost {
        let (division, head) = (esc(&u.division), esc(&u.head));
        lines.push(if u.unreachable {
            tr!(
                i,
                lang,
                "remind-summary-unreachable-item",
                division = division,
                head = head
            )
        } else {
            tr!(
                i,
                lang,
                "remind-summary-undelivered-item",
                division = division,
                head = head
            )
        });
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

/// `Сообщить об изменениях`: how to report them.
async fn changes_pressed(bot: TgBot, app: Arc<App>, actor: Actor) -> HandlerResult {
    ui::send(
        &bot,
        actor.chat(),
        tr!(app.i18n, actor.lang, "report-changes-how"),
    )
    .await?;
    Ok(())
}
