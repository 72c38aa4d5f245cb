//! `/history <row number or part of it>`: a row's versions, with who reported and who
//! accepted each; a text matching several rows offers them as buttons. Under the history,
//! `Восстановить версию N` for each earlier version that differs from the row as it stands
//! (the report flow opens it as a report of a change, or of an excluded row's return:
//! reviewed like any other, a new version, the past untouched).

use std::sync::Arc;

use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::access::admin_only;
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::{CallbackData, DraftCb};
use crate::bot::commands::Command;
use crate::bot::route::{command, pressed};
use crate::bot::ui::card::{self, View};
use crate::bot::ui::{self, esc, when};
use crate::db;
use crate::domain::record::Origin;
use crate::domain::{Lang, RowStatus};
use crate::tr;

/// At most this many matching rows are offered.
const MATCHES: usize = 20;
/// At most this many versions (the latest) are offered to restore.
const RESTORABLE: usize = 10;

pub fn schema() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(
            command().branch(
                case![Command::History(arg)]
                    .chain(admin_only())
                    .endpoint(history),
            ),
        )
        .branch(
            pressed().branch(
                case![CallbackData::History(id)]
                    .chain(admin_only())
                    .endpoint(pressed_row),
            ),
        )
}

async fn history(bot: TgBot, app: Arc<App>, actor: Actor, arg: String) -> HandlerResult {
    let lang = actor.lang;
    let i = &app.i18n;
    let arg = arg.trim();
    if arg.is_empty() {
        ui::send(&bot, actor.chat(), tr!(i, lang, "history-usage")).await?;
        return Ok(());
    }
    if let Ok(id) = arg.trim_start_matches('№').trim().parse::<i64>() {
        return send_history(&bot, &app, &actor, id).await;
    }
    let needle = arg.to_lowercase();
    let found: Vec<_> = db::touchpoints::list_active(&app.pool, Default::default())
        .await?
        .into_iter()
        .filter(|r| {
            r.data.point.to_lowercase().contains(&needle)
                || r.function_name.to_lowercase().contains(&needle)
        })
        .take(MATCHES)
        .collect();
    if found.is_empty() {
        ui::send(
            &bot,
            actor.chat(),
            tr!(i, lang, "search-none", text = esc(arg)),
        )
        .await?;
        return Ok(());
    }
    let rows = found
        .iter()
        .map(|r| {
            vec![ui::button(
                tr!(
                    i,
                    lang,
                    "history-row-button",
                    id = r.id,
                    division = r.division_name.as_str(),
                    point = r.data.point.as_str()
                ),
                CallbackData::History(r.id),
            )]
        })
        .collect::<Vec<_>>();
    ui::send_kb(
        &bot,
        actor.chat(),
        tr!(i, lang, "history-choose"),
        InlineKeyboardMarkup::new(rows),
    )
    .await?;
    Ok(())
}

async fn pressed_row(bot: TgBot, app: Arc<App>, actor: Actor, id: i64) -> HandlerResult {
    send_history(&bot, &app, &actor, id).await
}

/// The history of a row, with a button for each version that can be restored.
async fn send_history(bot: &TgBot, app: &App, actor: &Actor, row_id: i64) -> HandlerResult {
    let lang = actor.lang;
    let versions = db::versions::of_row(&app.pool, row_id).await?;
    let text = history_text(app, lang, row_id, &versions).await?;
    let current = db::touchpoints::get(&app.pool, row_id).await?;
    let restorable: Vec<i64> = match &current {
        Some(now) => versions
            .iter()
            .filter(|v| v.row.status == RowStatus::Active)
            .filter(|v| now.status == RowStatus::Excluded || v.row.data != now.data)
            .map(|v| v.row.version)
            .collect(),
        None => vec![],
    };
    let rows: Vec<_> = restorable
        .iter()
        .rev()
        .take(RESTORABLE)
        .map(|v| {
            vec![ui::button(
                tr!(app.i18n, lang, "btn-restore-version", version = *v),
                CallbackData::OpenDraft(DraftCb::Restore(row_id, *v), false),
            )]
        })
        .collect();
    if rows.is_empty() {
        ui::send(bot, actor.chat(), text).await?;
    } else {
        ui::send_kb(bot, actor.chat(), text, InlineKeyboardMarkup::new(rows)).await?;
    }
    Ok(())
}

async fn history_text(
    app: &App,
    lang: Lang,
    row_id: i64,
    versions: &[db::versions::Version],
) -> Result<String, HandlerError> {
    let i = &app.i18n;
    let Some(last) = versions.last() else {
        return Ok(tr!(i, lang, "history-none", id = row_id));
    };
    let mut parts = vec![tr!(
        i,
        lang,
        "history-title",
        id = row_id,
        division = esc(&last.row.division_name)
    )];
    for v in versions {
        let name = |id: Option<i64>| async move {
            match id {
                Some(id) => esc(&app.name_of(id).await),
                None => "—".to_string(),
            }
        };
        let origin = match &v.origin {
            Some(Origin::Report(id)) => tr!(
                i,
                lang,
                "history-origin-report",
                id = *id,
                reporter = name(v.reported_by).await,
                acceptor = name(v.accepted_by).await
            ),
            Some(Origin::Import(file)) => tr!(
                i,
                lang,
                "history-origin-import",
                file = esc(file),
                acceptor = name(v.accepted_by).await
            ),
            Some(Origin::Registry(id)) => tr!(i, lang, "history-origin-registry", id = *id),
            None => tr!(i, lang, "history-origin-unknown"),
        };
        let status = if v.row.status == RowStatus::Excluded {
            tr!(i, lang, "history-excluded")
        } else {
            String::new()
        };
        parts.push(tr!(
            i,
            lang,
            "history-version",
            version = v.row.version,
            at = when(v.at),
            status = status,
            origin = origin,
            lines = card::lines(app, lang, &View::of_row(&v.row))
        ));
    }
    Ok(ui::fit(parts.join("\n\n")))
}
