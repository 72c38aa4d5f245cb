//! `/invite <division>`: an authorized person invites a division head.

use std::sync::Arc;

use chrono::Utc;
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;

use crate::bot::access::admin_only;
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::commands::Command;
use crate::bot::route::command;
use crate::bot::ui::{self, esc};
use crate::db;
use crate::domain::touchpoint::{clean_text, TextProblem, MAX_DIVISION_NAME};
use crate::domain::Role;
use crate::tr;

pub fn schema() -> UpdateHandler<HandlerError> {
    command().branch(
        case![Command::Invite(division)]
            .chain(admin_only())
            .endpoint(invite),
    )
}

async fn invite(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    division: String,
) -> HandlerResult {
    let lang = actor.lang;
    let name = match clean_text(&division, MAX_DIVISION_NAME) {
        Ok(n) => n,
        Err(TextProblem::Empty) => {
            ui::send(&bot, msg.chat.id, tr!(app.i18n, lang, "invite-usage")).await?;
            return Ok(());
        }
        Err(TextProblem::TooLong { max }) => {
            ui::send(
                &bot,
                msg.chat.id,
                tr!(app.i18n, lang, "text-too-long", max = max),
            )
            .await?;
            return Ok(());
        }
    };
    let (div, created) = db::divisions::ensure(&app.pool, &name, actor.id).await?;
    if div.retired {
        let text = tr!(
            app.i18n,
            lang,
            "invite-division-retired",
            division = esc(&div.name)
        );
        ui::send(&bot, msg.chat.id, text).await?;
        return Ok(());
    }
    let now = Utc::now();
    let inv = db::invites::create(
        &app.pool,
        Some(div.id),
        Role::Head,
        actor.id,
        now,
        app.invite_ttl,
    )
    .await?;
    log::info!("admin {} invited a head for division {}", actor.id, div.id);
    let link = format!("https://t.me/{}?start={}", app.bot_username, inv.code);
    let mut text = String::new();
    if created {
        text.push_str(&tr!(
            app.i18n,
            lang,
            "division-created",
            division = esc(&div.name)
        ));
        text.push_str("\n\n");
    }
    text.push_str(&tr!(
        app.i18n,
        lang,
        "invite-link",
        division = esc(&div.name),
        link = esc(&link),
        expires = inv.expires_at.format("%d.%m.%Y %H:%M UTC").to_string()
    ));
    ui::send(&bot, msg.chat.id, text).await?;
    Ok(())
}
