//! `Отправить`: the draft becomes a pending report (`db::requests::submit`: one write
//! transaction with its audit record and the end of the dialogue), its cards go to the
//! authorized persons, and the person is told its number.

use std::sync::Arc;

use teloxide::prelude::*;

use super::{advance, close_card, prompt, Ctx};
use crate::bot::app::{Actor, App, HandlerResult};
use crate::bot::press::Press;
use crate::bot::state::{Draft, Mode, Step};
use crate::bot::ui::review;
use crate::db;
use crate::db::requests::{Content, Submission, Submitted};
use crate::domain::{Action, Role};
use crate::tr;

/// The key that makes sending idempotent: the chat and the summary card.
fn key(chat: ChatId, card: i32) -> String {
    format!("{}:{card}", chat.0)
}

/// Why a draft could not become a report.
enum Refusal {
    /// Told to the person; the dialogue goes back to this step.
    Back(Step, String),
    /// The row is gone (or the person no longer heads its division): the dialogue ends.
    Gone,
    /// Another report on the row waits for a decision: told, and the dialogue ends.
    Busy(String),
}

pub(super) async fn submit(ctx: &Ctx<'_>, q: &CallbackQuery, mut d: Draft) -> HandlerResult {
    let app = ctx.app;
    let lang = ctx.lang();
    let i = &app.i18n;
    let id = match send(ctx, &d).await? {
        Ok(id) => id,
        Err(Refusal::Gone) => {
            ctx.dialogue.exit().await?;
            ctx.press.alert(tr!(i, lang, "row-gone")).await;
            close_card(ctx, q, &tr!(i, lang, "row-gone")).await;
            return Ok(());
        }
        Err(Refusal::Busy(why)) => {
            ctx.dialogue.exit().await?;
            ctx.press.alert(why.clone()).await;
            close_card(ctx, q, &why).await;
            ctx.say(why).await?;
            return Ok(());
        }
        Err(Refusal::Back(step, why)) => {
            ctx.say(why).await?;
            if step == Step::Duplicate {
                advance(ctx, d).await?;
            } else {
                d.step = step;
                prompt(ctx, d).await?;
            }
            return Ok(());
        }
    };
    log::info!("request {id} ({:?}) sent by user {}", d.mode, ctx.actor.id);
    ctx.press.note(tr!(i, lang, "sent-short", id = id)).await;
    // The report is safe; what follows only informs, all at once. Its failures are logged.
    let said = match d.rework_of {
        Some(previous) => tr!(i, lang, "sent-again", id = id, previous = previous),
        None => tr!(i, lang, "sent", id = id),
    };
    let closed = tr!(i, lang, "sent-short", id = id);
    let (_, confirmed, announced) = tokio::join!(
        close_card(ctx, q, &closed),
        ctx.say(said),
        review::announce(ctx.bot, app, id)
    );
    if let Err(e) = confirmed {
        log::warn!("confirming request {id}: {e}");
    }
    if let Err(e) = announced {
        log::error!("announcing request {id}: {e}");
    }
    Ok(())
}

/// The report the draft describes, sent; or why not.
async fn send(ctx: &Ctx<'_>, d: &Draft) -> Result<Result<i64, Refusal>, sqlx::Error> {
    let app = ctx.app;
    let lang = ctx.lang();
    let i = &app.i18n;
    let incomplete = |step| Ok(Err(Refusal::Back(step, tr!(i, lang, "draft-incomplete"))));
    let Some(division_id) = d.division_id else {
        return incomplete(Step::Division);
    };
    if ctx.actor.role == Role::Head && ctx.actor.division_id != Some(division_id) {
        return Ok(Err(Refusal::Gone));
    }
    let (action, row_id) = match d.mode {
        // With a row: that excluded row brought back (a version restored).
        Mode::New => (Action::Add, d.row_id),
        Mode::Change => (Action::Change, d.row_id),
        Mode::Exclude => (Action::Exclude, d.row_id),
    };
    let content = if action == Action::Exclude {
        let Some(reason_kind) = d.reason_kind else {
            return incomplete(Step::ExcludeReason);
        };
        Content::Exclusion {
            reason_kind,
            reason_text: d.reason_text.as_deref(),
        }
    } else {
        // The function: chosen from the Registry, or typed (added with the report).
        let (function_id, typed_function) = match (d.function_id, &d.function_name) {
            (Some(id), _) => (id, None),
            (None, Some(name)) if d.direction.is_some() => (0, Some(name.as_str())),
            _ => return incomplete(Step::Function),
        };
        let Some(data) = d.data(function_id) else {
            return incomplete(d.field_step());
        };
        if let Err(problems) = data.validate() {
            let list: Vec<String> = problems
                .iter()
                .map(|p| i.label(lang, &format!("invalid-{}", p.name())))
                .collect();
            return Ok(Err(Refusal::Back(
                Step::Summary,
                tr!(i, lang, "draft-invalid", problems = list.join("\n")),
            )));
        }
        Content::Row {
            data,
            typed_function,
        }
    };
    let card = d.card.unwrap_or_default();
    let submitted = db::requests::submit(
        &app.pool,
        Submission {
            action,
            row_id,
            division_id,
            reporter_id: ctx.actor.id,
            content,
            base_version: d.base_version.filter(|_| row_id.is_some()),
            previous: d.rework_of,
            restores_version: d.restore_version,
            key: &key(ctx.chat(), card),
            chat_id: ctx.chat().0,
        },
    )
    .await?;
    Ok(match submitted {
        Submitted::Made(id) => Ok(id),
        Submitted::RowGone => Err(Refusal::Gone),
        Submitted::Duplicate => Err(Refusal::Back(
            Step::Duplicate,
            tr!(i, lang, "duplicate-now"),
        )),
        Submitted::NothingChanged => Err(Refusal::Back(
            Step::EditWhich,
            tr!(i, lang, "nothing-changed"),
        )),
        Submitted::RowBusy(other) => Err(Refusal::Busy(tr!(i, lang, "row-busy", id = other))),
        Submitted::ReworkClosed => Err(Refusal::Busy(tr!(
            i,
            lang,
            "rework-closed",
            id = d.rework_of.unwrap_or_default()
        ))),
    })
}

/// `Отправить` pressed on a card whose dialogue is over: the same update delivered again,
/// or a second tap. The report it made, if any, is named; otherwise the button is stale.
pub(super) async fn already_sent(
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
) -> HandlerResult {
    let i = &app.i18n;
    let made = match q.regular_message() {
        Some(m) => db::requests::by_key(&app.pool, &key(m.chat.id, m.id.0)).await?,
        None => None,
    };
    match made {
        Some(id) => press.note(tr!(i, actor.lang, "sent-short", id = id)).await,
        None => press.note(tr!(i, actor.lang, "button-stale")).await,
    }
    Ok(())
}
