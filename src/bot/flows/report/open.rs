//! Drafts opened from elsewhere than `/new`, `/change`, `/exclude`: `Исправить` under a
//! report returned for correction (the report as it was sent, to correct and send again),
//! and `Восстановить эту версию` under a row's history (that version as a report of a
//! change, or of the excluded row's return). Either lands on the summary, with `Изменить`
//! and `Отправить`. A draft already under way is never dropped silently: the person is
//! asked first.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use super::{advance, prompt, Ctx};
use crate::bot::app::{Actor, App, HandlerResult, TgBot};
use crate::bot::callback::{CallbackData, DraftCb};
use crate::bot::press::Press;
use crate::bot::state::{BotDialogue, Draft, Mode, State};
use crate::bot::ui;
use crate::db;
use crate::domain::record::merge;
use crate::domain::{Action, RequestStatus, Role, RowStatus};
use crate::tr;

/// `Исправить` or `Восстановить эту версию` (`replace`: the person agreed to drop the draft
/// under way).
#[allow(clippy::too_many_arguments)]
pub(super) async fn open(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
    press: Press,
    state: State,
    (target, replace): (DraftCb, bool),
) -> HandlerResult {
    let ctx = Ctx::new(&bot, &app, &actor, &dialogue, &press);
    let lang = actor.lang;
    let i = &app.i18n;
    let made = match target {
        DraftCb::Rework(id) => rework(&ctx, id).await?,
        DraftCb::Restore(row, version) => restore(&ctx, row, version).await?,
    };
    let d = match made {
        Ok(d) => d,
        Err(why) => {
            press.alert(why).await;
            return Ok(());
        }
    };
    if let State::Report(open) = &state {
        let same = (d.rework_of.is_some() && open.rework_of == d.rework_of)
            || (d.restore_version.is_some()
                && open.restore_version == d.restore_version
                && open.row_id == d.row_id);
        if same && !replace {
            // The same draft is already open: its question again, nothing lost.
            press.note(tr!(i, lang, "draft-continue")).await;
            return prompt(&ctx, (**open).clone()).await;
        }
        if !replace {
            let kb = InlineKeyboardMarkup::new(vec![
                vec![ui::button(
                    tr!(i, lang, "btn-draft-replace"),
                    CallbackData::OpenDraft(target, true),
                )],
                vec![ui::button(
                    tr!(i, lang, "btn-draft-keep"),
                    CallbackData::KeepDraft,
                )],
            ]);
            ui::send_kb(&bot, actor.chat(), tr!(i, lang, "draft-open-ask"), kb).await?;
            press.note(tr!(i, lang, "draft-open-short")).await;
            return Ok(());
        }
    }
    if replace {
        if let Some(m) = q.regular_message() {
            if let Err(e) = ui::drop_buttons(&bot, m).await {
                log::debug!("closing the question about a draft: {e}");
            }
        }
    }
    press.note(tr!(i, lang, "draft-opened")).await;
    advance(&ctx, d).await
}

/// `Продолжить черновик`: the draft under way stays; its question is asked again.
pub(super) async fn keep(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
    press: Press,
    state: State,
) -> HandlerResult {
    let ctx = Ctx::new(&bot, &app, &actor, &dialogue, &press);
    if let Some(m) = q.regular_message() {
        if let Err(e) = ui::drop_buttons(&bot, m).await {
            log::debug!("closing the question about a draft: {e}");
        }
    }
    match state {
        State::Report(d) => {
            press
                .note(tr!(app.i18n, actor.lang, "draft-continue"))
                .await;
            prompt(&ctx, *d).await
        }
        _ => {
            press.note(tr!(app.i18n, actor.lang, "button-stale")).await;
            Ok(())
        }
    }
}

/// The report returned for correction, as a draft of its author; or why not (an alert).
async fn rework(ctx: &Ctx<'_>, id: i64) -> Result<Result<Draft, String>, sqlx::Error> {
    let app = ctx.app;
    let i = &app.i18n;
    let lang = ctx.lang();
    let r = match db::requests::get(&app.pool, id).await? {
        Some(r) if r.reporter_id == ctx.actor.id => r,
        _ => return Ok(Err(tr!(i, lang, "button-stale"))),
    };
    match (r.status, r.resent_as) {
        (RequestStatus::Returned, None) => {}
        (_, Some(next)) => {
            return Ok(Err(tr!(i, lang, "rework-resent", id = id, next = next)));
        }
        _ => return Ok(Err(tr!(i, lang, "rework-closed", id = id))),
    }
    if ctx.actor.role == Role::Head && ctx.actor.division_id != Some(r.division_id) {
        return Ok(Err(tr!(
            i,
            lang,
            "row-other-division",
            division = r.division_name.clone()
        )));
    }
    let row = match r.touchpoint_id {
        Some(id) => match db::touchpoints::get(&app.pool, id).await? {
            Some(t) if (t.status == RowStatus::Active) == (r.action != Action::Add) => Some(t),
            _ => return Ok(Err(tr!(i, lang, "row-gone"))),
        },
        None => None,
    };
    let mut d = Draft {
        mode: match r.action {
            Action::Add => Mode::New,
            Action::Change => Mode::Change,
            Action::Exclude => Mode::Exclude,
        },
        division_id: Some(r.division_id),
        row_id: r.touchpoint_id,
        base_version: r.base_version,
        rework_of: Some(r.id),
        restore_version: r.restores_version,
        ..Default::default()
    };
    // A change is corrected against the row as it stands now: what moved since the report
    // (a Registry move) is merged in where the report left it alone, so that the summary
    // shows only the report's own changes. When both changed a part, the report stays as it
    // was, against its old version (acceptance then says so).
    let mut payload = r.payload.clone();
    if let (Some(mine), Some(now), Action::Change, Some(base)) =
        (&r.payload, &row, r.action, r.base_version)
    {
        if base != now.version {
            let base = db::versions::data(&app.pool, now.id, base).await?;
            if let Some(Ok(merged)) = base.map(|b| merge(&b, mine, &now.data)) {
                payload = Some(merged);
                d.base_version = Some(now.version);
            }
        }
    }
    match &payload {
        Some(data) => {
            d.fill(data);
            if let Some(name) = &r.typed_function {
                d.function_id = None;
                d.function_name = Some(name.clone());
            }
        }
        None => {
            d.reason_kind = Some(r.reason_kind);
            d.reason_text = r.reason_text.clone();
        }
    }
    Ok(Ok(d))
}

/// A version of a row as a report (an authorized person's); or why not (an alert).
async fn restore(
    ctx: &Ctx<'_>,
    row_id: i64,
    version: i64,
) -> Result<Result<Draft, String>, sqlx::Error> {
    let app = ctx.app;
    let i = &app.i18n;
    let lang = ctx.lang();
    if ctx.actor.role != Role::Admin {
        return Ok(Err(tr!(i, lang, "only-admin")));
    }
    let Some(row) = db::touchpoints::get(&app.pool, row_id).await? else {
        return Ok(Err(tr!(i, lang, "button-stale")));
    };
    let versions = db::versions::of_row(&app.pool, row_id).await?;
    let Some(v) = versions
        .iter()
        .find(|v| v.row.version == version && v.row.status == RowStatus::Active)
    else {
        return Ok(Err(tr!(i, lang, "button-stale")));
    };
    let data = &v.row.data;
    if row.status == RowStatus::Active && row.data == *data {
        return Ok(Err(tr!(i, lang, "restore-same", version = version)));
    }
    if let Some(other) = db::requests::pending_on_row(&app.pool, row_id, None).await? {
        return Ok(Err(tr!(i, lang, "row-busy", id = other)));
    }
    // The version's function must still be in the Registry, in the row's division.
    let current = db::functions::for_division(&app.pool, row.division_id, data.direction)
        .await?
        .iter()
        .any(|f| f.id == data.function_id);
    if !current {
        return Ok(Err(tr!(
            i,
            lang,
            "restore-function-gone",
            version = version
        )));
    }
    let mut d = Draft {
        restore_version: Some(version),
        ..Default::default()
    };
    if row.status == RowStatus::Active {
        d.mode = Mode::Change;
        d.prefill(&row);
    } else {
        d.mode = Mode::New;
        d.division_id = Some(row.division_id);
        d.row_id = Some(row.id);
    }
    d.fill(data);
    Ok(Ok(d))
}
