//! While a report waits for review (issue 15): its author is told once, after
//! `TOUCHPOINTS_REVIEW_NOTICE`, that it is still under review; the authorized persons get
//! one digest a day, at `TOUCHPOINTS_REMIND_AT`, of what waits — none when nothing waits,
//! nothing in the quiet hours. `tick(now)` every minute (an explicit `now` for tests); what
//! was sent is claimed in the database first, so a restart never sends it twice. No
//! buttons: this flow takes no updates.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use teloxide::types::ChatId;

use crate::bot::app::{App, HandlerError, TgBot};
use crate::bot::ui::{self, esc};
use crate::db;
use crate::domain::notice::digest_day;
use crate::tr;

/// At most this many reports are named in a digest (the rest are counted).
const DIGEST_LINES: usize = 20;

/// What one tick sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Noticed {
    /// Authors told that their report is still under review.
    pub notices: usize,
    /// Digests sent to authorized persons.
    pub digests: usize,
}

/// One pass: the notices due, then today's digest if it is due and not yet decided.
pub async fn tick(bot: &TgBot, app: &App, now: DateTime<Utc>) -> Result<Noticed, HandlerError> {
    let mut done = Noticed::default();
    if app.schedule.is_quiet(now) {
        return Ok(done);
    }
    let i = &app.i18n;
    if let Some(before) = app.review_notice.sent_before(now) {
        for (id, author, sent) in db::notices::due(&app.pool, before).await? {
            if !db::notices::claim(&app.pool, id, now).await? {
                continue;
            }
            let lang = app.lang_of(author).await;
            let text = tr!(
                i,
                lang,
                "notice-under-review",
                id = id,
                sent = ui::when(sent),
                days = (now - sent).num_days()
            );
            match ui::send(bot, ChatId(author), text).await {
                Ok(_) => done.notices += 1,
                Err(e) => log::warn!("notice of request {id} to {author}: {e}"),
            }
        }
    }
    let Some(day) = digest_day(&app.schedule, now) else {
        return Ok(done);
    };
    if db::notices::day_decided(&app.pool, day).await? {
        return Ok(done);
    }
    let waiting = db::review::pending(&app.pool).await?;
    if !db::notices::decide_day(&app.pool, day, waiting.len(), now).await? || waiting.is_empty() {
        return Ok(done);
    }
    for admin in app.admin_ids().await? {
        let lang = app.lang_of(admin).await;
        let mut lines: Vec<String> = waiting
            .iter()
            .take(DIGEST_LINES)
            .map(|r| {
                tr!(
                    i,
                    lang,
                    "digest-line",
                    id = r.id,
                    action = ui::action_label(app, lang, r.action),
                    division = esc(&r.division_name),
                    days = (now - r.created_at).num_days()
                )
            })
            .collect();
        if waiting.len() > DIGEST_LINES {
            lines.push(tr!(
                i,
                lang,
                "digest-more",
                count = waiting.len() - DIGEST_LINES
            ));
        }
        let text = tr!(
            i,
            lang,
            "digest",
            count = tr!(i, lang, "reports-count", count = waiting.len()),
            lines = lines.join("\n")
        );
        match ui::send(bot, ChatId(admin), ui::fit(text)).await {
            Ok(_) => done.digests += 1,
            Err(e) => log::warn!("review digest to {admin}: {e}"),
        }
    }
    Ok(done)
}

/// Every minute, [`tick`]; a failure or a panic in one pass is logged and the next minute
/// tries again.
pub async fn run(bot: TgBot, app: Arc<App>) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let pass = std::panic::AssertUnwindSafe(tick(&bot, &app, Utc::now()));
        match futures::FutureExt::catch_unwind(pass).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => log::error!("review notices: {e}"),
            Err(panic) => log::error!(
                "review notices: a pass panicked: {}",
                crate::bot::guard::panic_message(&*panic)
            ),
        }
    }
}
