//! `/stats`: the list in figures — rows by direction, by kind, digital and offline, by need,
//! per division; reports awaiting a decision; divisions with no rows — as text, then as a
//! bar chart (PNG).

use std::sync::Arc;

use chrono::Utc;
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InputFile, ParseMode};

use crate::bot::access::members_only;
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::commands::Command;
use crate::bot::route::command;
use crate::bot::ui::{self, esc};
use crate::db;
use crate::domain::Lang;
use crate::stats::{self, Stats};
use crate::tr;

pub fn schema() -> UpdateHandler<HandlerError> {
    command().branch(case![Command::Stats].chain(members_only()).endpoint(stats))
}

/// Divisions listed by name; the chart still shows them all.
const SHOWN_DIVISIONS: usize = 60;

fn text(app: &App, lang: Lang, s: &Stats, date: &str) -> String {
    let i = &app.i18n;
    let mut out = vec![tr!(
        i,
        lang,
        "stats-title",
        date = date,
        rows = tr!(i, lang, "points-count", count = s.rows),
        pending = tr!(i, lang, "reports-count", count = s.pending)
    )];
    let line = |code: &str, key: String, count: i64| {
        tr!(
            i,
            lang,
            "stats-line",
            code = code,
            label = app.i18n.label(lang, &key),
            count = count
        )
    };
    out.push(String::new());
    out.push(tr!(i, lang, "stats-by-direction"));
    out.extend(
        s.by_direction
            .iter()
            .map(|(d, n)| line(d.code(), d.locale_key(), *n)),
    );
    out.push(String::new());
    out.push(tr!(i, lang, "stats-by-kind"));
    out.extend(
        s.by_kind
            .iter()
            .map(|(k, n)| line(k.code(), k.locale_key(), *n)),
    );
    out.push(String::new());
    out.push(tr!(
        i,
        lang,
        "stats-channel",
        digital = s.digital,
        offline = s.offline
    ));
    out.push(String::new());
    out.push(tr!(i, lang, "stats-by-need"));
    out.extend(
        s.by_need
            .iter()
            .map(|(x, n)| line(x.code(), x.locale_key(), *n)),
    );
    out.push(String::new());
    out.push(tr!(i, lang, "stats-by-division"));
    out.extend(
        s.by_division
            .iter()
            .enumerate()
            .take(SHOWN_DIVISIONS)
            .map(|(k, (name, n))| {
                tr!(
                    i,
                    lang,
                    "stats-division-line",
                    n = k + 1,
                    name = esc(name),
                    count = *n
                )
            }),
    );
    if s.by_division.len() > SHOWN_DIVISIONS {
        out.push(tr!(
            i,
            lang,
            "registry-more",
            count = s.by_division.len() - SHOWN_DIVISIONS
        ));
    }
    out.push(String::new());
    let empty: Vec<String> = s
        .divisions_without_rows()
        .map(|d| format!("«{}»", esc(d)))
        .collect();
    if empty.is_empty() {
        out.push(tr!(i, lang, "stats-no-empty-divisions"));
    } else {
        out.push(tr!(
            i,
            lang,
            "stats-empty-divisions",
            count = empty.len(),
            names = empty.join(", ")
        ));
    }
    ui::fit(out.join("\n"))
}

async fn stats(bot: TgBot, msg: Message, app: Arc<App>, actor: Actor) -> HandlerResult {
    let lang = actor.lang;
    let s = db::stats::collect(&app.pool).await?;
    let date = Utc::now()
        .with_timezone(&app.schedule.offset)
        .format("%d.%m.%Y")
        .to_string();
    ui::send(&bot, msg.chat.id, text(&app, lang, &s, &date)).await?;
    let (app2, date2) = (app.clone(), date.clone());
    let png = tokio::task::spawn_blocking(move || stats::chart_png(&s, &app2.i18n, lang, &date2))
        .await??;
    bot.send_photo(msg.chat.id, InputFile::memory(png).file_name("stats.png"))
        .caption(tr!(app.i18n, lang, "stats-chart-caption", date = date))
        .parse_mode(ParseMode::Html)
        .await?;
    Ok(())
}
