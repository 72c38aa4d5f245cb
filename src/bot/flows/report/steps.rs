//! The answers to a report's questions: a text typed (`on_message`) or a button pressed
//! (`on_button`). Each fills the draft and moves on to what it still lacks.

use std::sync::Arc;

use teloxide::prelude::*;

use super::screen::field_key;
use super::{advance, close_card, current_row, prompt, redraw, submit, Ctx};
use crate::bot::app::{Actor, App, HandlerResult, TgBot};
use crate::bot::callback::ReportCb;
use crate::bot::press::Press;
use crate::bot::state::{BotDialogue, Draft, Field, Mode, Step};
use crate::bot::ui::card;
use crate::db;
use crate::domain::touchpoint::{
    clean_text, TextProblem, MAX_FEATURES, MAX_FUNCTION_NAME, MAX_OTHER_NEED, MAX_POINT, MAX_REASON,
};
use crate::domain::{Need, ReasonKind, Role, RowStatus};
use crate::tr;

/// A message while a report is under way.
pub(super) async fn on_message(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
    press: Press,
    draft: Box<Draft>,
) -> HandlerResult {
    let ctx = Ctx::new(&bot, &app, &actor, &dialogue, &press);
    let lang = actor.lang;
    let mut d = *draft;
    let max = match d.step {
        Step::FunctionName => MAX_FUNCTION_NAME,
        Step::Point => MAX_POINT,
        Step::OtherNeed => MAX_OTHER_NEED,
        Step::Features => MAX_FEATURES,
        Step::ExcludeReasonText => MAX_REASON,
        Step::PickDirection | Step::PickFunction | Step::PickRow => MAX_POINT,
        _ => {
            // A step answered with buttons: say so and ask again.
            ctx.say(tr!(app.i18n, lang, "use-buttons")).await?;
            return prompt(&ctx, d).await;
        }
    };
    let Some(text) = msg.text() else {
        ctx.say(tr!(app.i18n, lang, "expected-text")).await?;
        return prompt(&ctx, d).await;
    };
    let text = match clean_text(text, max) {
        Ok(t) => t,
        Err(TextProblem::Empty) => {
            ctx.say(tr!(app.i18n, lang, "text-empty")).await?;
            return prompt(&ctx, d).await;
        }
        Err(TextProblem::TooLong { max }) => {
            ctx.say(tr!(app.i18n, lang, "text-too-long", max = max))
                .await?;
            return prompt(&ctx, d).await;
        }
    };
    match d.step {
        Step::FunctionName => {
            // The same name typed again (in the division and direction) is the same
            // function: one touchpoint per process holds across typed names (3.7).
            let known = match (d.division_id, d.direction) {
                (Some(division), Some(direction)) => {
                    db::functions::find_by_name(&app.pool, division, direction, &text).await?
                }
                _ => None,
            };
            d.function_id = known;
            d.function_name = if known.is_some() { None } else { Some(text) };
        }
        Step::Point => d.point = Some(text),
        Step::OtherNeed => d.other_need = Some(text),
        Step::Features => {
            let none = ["нет", "no", "none", "-", "—"].contains(&text.to_lowercase().as_str());
            d.features = Some(if none { None } else { Some(text) });
        }
        Step::ExcludeReasonText => d.reason_text = Some(text),
        _ => {
            // Choosing a row by typing part of it.
            d.search = Some(text);
            d.step = Step::PickRow;
            d.page = 0;
            return prompt(&ctx, d).await;
        }
    }
    advance(&ctx, d).await
}

// ---------------------------------------------------------------------------------------
// Buttons.

/// `Отмена` on the draft's current card: the report is dropped.
pub(super) async fn cancel(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
    press: Press,
    draft: Box<Draft>,
) -> HandlerResult {
    let i = &app.i18n;
    let lang = actor.lang;
    let on_card = draft.card.is_some() && q.regular_message().map(|m| m.id.0) == draft.card;
    if !on_card {
        press.note(tr!(i, lang, "button-stale")).await;
        return Ok(());
    }
    dialogue.exit().await?;
    let ctx = Ctx::new(&bot, &app, &actor, &dialogue, &press);
    press.note(tr!(i, lang, "cancel-done")).await;
    close_card(&ctx, &q, &tr!(i, lang, "cancel-done")).await;
    Ok(())
}

/// The pressed card closed with `choice` (if any) while `next` runs: two requests, one wait.
async fn closed_then(
    ctx: &Ctx<'_>,
    q: &CallbackQuery,
    choice: Option<String>,
    next: impl std::future::Future<Output = HandlerResult>,
) -> HandlerResult {
    match choice {
        Some(choice) => tokio::join!(close_card(ctx, q, &choice), next).1,
        None => next.await,
    }
}

/// A button pressed while a report is under way. The press must be on the current card and
/// fit the current step; the database is asked again for anything it names.
#[allow(clippy::too_many_arguments)]
pub(super) async fn on_button(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
    press: Press,
    draft: Box<Draft>,
    data: ReportCb,
) -> HandlerResult {
    let lang = actor.lang;
    let i = &app.i18n;
    let Some(m) = q.regular_message() else {
        press.note(tr!(i, lang, "button-stale")).await;
        return Ok(());
    };
    let ctx = Ctx::new(&bot, &app, &actor, &dialogue, &press);
    let q = &q;
    let actor = &actor;
    let app = &*app;
    let mut d = *draft;
    if d.card != Some(m.id.0) {
        press.note(tr!(i, lang, "button-stale")).await;
        return Ok(());
    }
    use ReportCb as C;
    // The choice written under the closed card, while the next one is prepared.
    let choice: Option<String>;
    match (d.step, data) {
        (Step::Division | Step::Function | Step::PickFunction | Step::PickRow, C::Page(p)) => {
            d.page = p;
            redraw(&ctx, &d, m).await?;
            return Ok(());
        }
        (Step::Division, C::Division(id)) => {
            let Some(div) = db::divisions::get(&app.pool, id)
                .await?
                .filter(|dv| !dv.retired)
            else {
                press.note(tr!(i, lang, "button-stale")).await;
                return Ok(());
            };
            choice = Some(div.name);
            d.division_id = Some(div.id);
        }
        (Step::Direction, C::Direction(dir)) => {
            choice = Some(i.label(lang, &dir.locale_key()));
            d.direction = Some(dir);
            d.function_id = None;
            d.function_name = None;
        }
        (Step::Function, C::Function(id)) => {
            let f = db::functions::get(&app.pool, id).await?;
            let Some(f) = f.filter(|f| {
                Some(f.division_id) == d.division_id && Some(f.direction) == d.direction
            }) else {
                press.note(tr!(i, lang, "button-stale")).await;
                return Ok(());
            };
            choice = Some(f.name);
            d.function_id = Some(f.id);
            d.function_name = None;
        }
        (Step::Function, C::TypeFunction) => {
            choice = Some(tr!(i, lang, "btn-type-function"));
            d.step = Step::FunctionName;
            return closed_then(&ctx, q, choice, prompt(&ctx, d)).await;
        }
        (Step::Kind, C::Kind(k)) => {
            choice = Some(i.label(lang, &k.locale_key()));
            d.kind = Some(k);
            d.channel = k.fixed_channel();
        }
        (Step::Channel, C::Channel(c)) => {
            choice = Some(card::channel_label(app, lang, c));
            d.channel = Some(c);
        }
        (Step::Needs, C::ToggleNeed(n)) => {
            if !d.needs.remove(&n) {
                d.needs.insert(n);
            }
            redraw(&ctx, &d, m).await?;
            return Ok(());
        }
        (Step::Needs, C::NeedsDone) => {
            if d.needs.is_empty() {
                press.alert(tr!(i, lang, "need-at-least-one")).await;
                return Ok(());
            }
            if !d.needs.contains(&Need::Other) {
                d.other_need = None;
            }
            let chosen: Vec<String> = d
                .needs
                .iter()
                .map(|n| i.label(lang, &n.locale_key()))
                .collect();
            choice = Some(chosen.join("; "));
        }
        (Step::Features, C::NoFeatures) => {
            choice = Some(tr!(i, lang, "btn-no-features"));
            d.features = Some(None);
        }
        (Step::Clients, C::Clients(c)) => {
            choice = Some(card::clients_label(app, lang, c));
            d.clients = Some(c);
        }
        (Step::Summary, C::Send) => return submit::submit(&ctx, q, d).await,
        (Step::Summary, C::LittleUsed) if d.mode != Mode::Exclude => {
            d.little_used = !d.little_used;
            redraw(&ctx, &d, m).await?;
            return Ok(());
        }
        (Step::Summary, C::Edit) => {
            d.step = Step::EditWhich;
            redraw(&ctx, &d, m).await?;
            return Ok(());
        }
        (Step::EditWhich, C::Back) => {
            d.step = Step::Summary;
            redraw(&ctx, &d, m).await?;
            return Ok(());
        }
        (Step::EditWhich, C::EditField(f)) if Field::editable(d.mode).contains(&f) => {
            choice = Some(i.label(lang, &field_key(f)));
            d.clear(f);
            if f == Field::Needs {
                // The checklist shows the current needs.
                d.step = Step::Needs;
                d.page = 0;
                return closed_then(&ctx, q, choice, prompt(&ctx, d)).await;
            }
        }
        (Step::Duplicate, C::OtherPoint) => {
            choice = Some(tr!(i, lang, "btn-other-point"));
            d.point = None;
            if d.mode == Mode::Change {
                // Back to the row's own point, then to the choice of what to change.
                if let Some(row) = current_row(&ctx, &d).await? {
                    d.point = Some(row.data.point.clone());
                    d.kind = Some(row.data.kind);
                    d.channel = Some(row.data.channel);
                }
                d.step = Step::EditWhich;
                return closed_then(&ctx, q, choice, prompt(&ctx, d)).await;
            }
        }
        (Step::Duplicate, C::ChangeNeedsOf(row_id)) if d.duplicate_row == Some(row_id) => {
            let row = db::touchpoints::get(&app.pool, row_id).await?;
            let Some(row) = row.filter(|r| r.status == RowStatus::Active) else {
                press.note(tr!(i, lang, "row-gone")).await;
                return Ok(());
            };
            if let Some(other) = db::requests::pending_on_row(&app.pool, row.id, None).await? {
                press.alert(tr!(i, lang, "row-busy", id = other)).await;
                return Ok(());
            }
            if actor.role == Role::Head && actor.division_id != Some(row.division_id) {
                press
                    .alert(tr!(
                        i,
                        lang,
                        "row-other-division",
                        division = row.division_name.clone()
                    ))
                    .await;
                return Ok(());
            }
            choice = Some(tr!(i, lang, "btn-change-needs"));
            let mut c = Draft {
                mode: Mode::Change,
                ..Default::default()
            };
            c.prefill(&row);
            c.step = Step::Needs;
            return closed_then(&ctx, q, choice, prompt(&ctx, c)).await;
        }
        (Step::PickDirection, C::Direction(dir)) => {
            choice = Some(i.label(lang, &dir.locale_key()));
            d.pick_direction = Some(dir);
            d.step = Step::PickFunction;
            d.page = 0;
            return closed_then(&ctx, q, choice, prompt(&ctx, d)).await;
        }
        (Step::PickFunction, C::Function(id)) => {
            let f = db::functions::get(&app.pool, id).await?;
            let Some(f) = f.filter(|f| Some(f.division_id) == d.division_id) else {
                press.note(tr!(i, lang, "button-stale")).await;
                return Ok(());
            };
            choice = Some(f.name);
            d.pick_function = Some(f.id);
            d.search = None;
            d.step = Step::PickRow;
            d.page = 0;
            return closed_then(&ctx, q, choice, prompt(&ctx, d)).await;
        }
        (Step::PickRow, C::Row(id)) => {
            let row = db::touchpoints::get(&app.pool, id).await?;
            let Some(row) = row
                .filter(|r| r.status == RowStatus::Active && Some(r.division_id) == d.division_id)
            else {
                press.note(tr!(i, lang, "row-gone")).await;
                return Ok(());
            };
            // One report on a row at a time: a second could undo the first.
            if let Some(other) = db::requests::pending_on_row(&app.pool, row.id, None).await? {
                press.alert(tr!(i, lang, "row-busy", id = other)).await;
                return Ok(());
            }
            choice = Some(format!(
                "{} — {}",
                i.label(lang, &row.data.kind.locale_key()),
                row.data.point
            ));
            d.row_id = Some(row.id);
            if d.mode == Mode::Change {
                d.prefill(&row);
                d.step = Step::EditWhich;
                return closed_then(&ctx, q, choice, prompt(&ctx, d)).await;
            }
        }
        (Step::ExcludeReason, C::ExcludeReason(r @ (ReasonKind::Registry | ReasonKind::Other))) => {
            let label = match r {
                ReasonKind::Registry => tr!(i, lang, "reason-registry"),
                _ => tr!(i, lang, "reason-other"),
            };
            choice = Some(label);
            d.reason_kind = Some(r);
            d.reason_text = None;
        }
        _ => {
            press.note(tr!(i, lang, "button-stale")).await;
            return Ok(());
        }
    }
    closed_then(&ctx, q, choice, advance(&ctx, d)).await
}
