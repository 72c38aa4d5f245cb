//! `/history <row number or part of it>`: a row's versions, with who reported and who
//! accepted each; a text matching several rows offers them as buttons.

use std::sync::Arc;

use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::access::admin_only;
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::CallbackData;
use crate::bot::commands::Command;
use crate::bot::route::{command, pressed};
use crate::bot::ui::card::{self, view_of};
use crate::bot::ui::{self, esc, when};
use crate::db;
use crate::domain::{Lang, TouchpointData};
use crate::tr;

/// At most this many matching rows are offered.
const MATCHES: usize = 20;

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
    if let Ok(id) = arg.trim_start_matches('№').parse::<i64>() {
        let text = history_text(&app, lang, id).await?;
        ui::send(&bot, actor.chat(), text).await?;
        return Ok(());
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
                format!("№{} {} — {}", r.id, r.division_name, r.data.point),
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
    let text = history_text(&app, actor.lang, id).await?;
    ui::send(&bot, actor.chat(), text).await?;
    Ok(())
}

async fn history_text(app: &App, lang: Lang, row_id: i64) -> Result<String, HandlerError> {
    let i = &app.i18n;
    let Some(row) = db::touchpoints::get(&app.pool, row_id).await? else {
        return Ok(tr!(i, lang, "history-none", id = row_id));
    };
    let mut parts = vec![tr!(
        i,
        lang,
        "history-title",
        id = row_id,
        division = esc(&row.division_name)
    )];
    for (version, status, data, reported_by, accepted_by, at) in
        db::review::history(&app.pool, row_id).await?
    {
        let lines = match serde_json::from_str::<TouchpointData>(&data) {
            Ok(d) => card::lines(app, lang, &view_of(app, &d).await?),
            Err(_) => "—".into(),
        };
        let reporter = match reported_by {
            Some(id) => esc(&app.name_of(id).await),
            None => "—".into(),
        };
        let acceptor = match accepted_by {
            Some(id) => esc(&app.name_of(id).await),
            None => "—".into(),
        };
        let status = if status == "excluded" {
            tr!(i, lang, "history-excluded")
        } else {
            String::new()
        };
        parts.push(tr!(
            i,
            lang,
            "history-version",
            version = version,
            at = when(db::parse_ts(&at)),
            reporter = reporter,
            acceptor = acceptor,
            status = status,
            lines = lines
        ));
    }
    Ok(ui::fit(parts.join("\n\n")))
}
