//! `/invites`: the open invitations, each with a revoke button; invite a viewer or another
//! authorized person (a head is invited with `/invite <division>`).

use std::sync::Arc;

use chrono::Utc;
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::btn;
use crate::bot::access::admin_only;
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::{AdminCb, CallbackData};
use crate::bot::commands::Command;
use crate::bot::press::Press;
use crate::bot::route::{command, pressed};
use crate::bot::ui::{self, esc, role_name};
use crate::db;
use crate::domain::{Lang, Role};
use crate::tr;

/// At most this many open invitations get a revoke button.
const MAX_INVITE_BUTTONS: usize = 30;

pub fn schema() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(
            command().branch(
                case![Command::Invites]
                    .chain(admin_only())
                    .endpoint(invites),
            ),
        )
        .branch(
            pressed().branch(
                case![CallbackData::Admin(a)]
                    .chain(admin_only())
                    .branch(case![AdminCb::Invite(role)].endpoint(invite))
                    .branch(case![AdminCb::InviteRevoke(handle)].endpoint(revoke)),
            ),
        )
}

async fn invites_view(
    app: &App,
    lang: Lang,
) -> Result<(String, InlineKeyboardMarkup), HandlerError> {
    let i = &app.i18n;
    let open = db::invites::open(&app.pool, Utc::now()).await?;
    let mut lines = vec![tr!(i, lang, "invites-title", count = open.len())];
    for inv in &open {
        let whom = match (&inv.role, &inv.division_name) {
            (Role::Head, Some(d)) => tr!(
                i,
                lang,
                "role-with-division",
                role = role_name(app, lang, Role::Head),
                division = esc(d)
            ),
            (r, _) => role_name(app, lang, *r),
        };
        lines.push(tr!(
            i,
            lang,
            "invites-line",
            whom = whom,
            by = esc(inv
                .created_by_name
                .as_deref()
                .unwrap_or(&inv.created_by.to_string())),
            expires = ui::when(inv.expires_at)
        ));
    }
    lines.push(String::new());
    lines.push(tr!(
        i,
        lang,
        "invites-hint",
        days = app.invite_ttl.num_days()
    ));
    let mut rows: Vec<Vec<InlineKeyboardButton>> = open
        .iter()
        .take(MAX_INVITE_BUTTONS)
        .map(|inv| {
            let whom = match &inv.division_name {
                Some(d) => d.clone(),
                None => role_name(app, lang, inv.role),
            };
            vec![btn(
                tr!(
                    i,
                    lang,
                    "btn-invite-revoke",
                    whom = whom,
                    expires = inv.expires_at.format("%d.%m").to_string()
                ),
                AdminCb::InviteRevoke(inv.handle),
            )]
        })
        .collect();
    rows.push(vec![
        btn(
            tr!(i, lang, "btn-invite-viewer"),
            AdminCb::Invite(Role::Viewer),
        ),
        btn(
            tr!(i, lang, "btn-invite-admin"),
            AdminCb::Invite(Role::Admin),
        ),
    ]);
    Ok((ui::fit(lines.join("\n")), InlineKeyboardMarkup::new(rows)))
}

async fn invites(bot: TgBot, app: Arc<App>, actor: Actor) -> HandlerResult {
    let (text, kb) = invites_view(&app, actor.lang).await?;
    ui::send_kb(&bot, actor.chat(), text, kb).await?;
    Ok(())
}

/// `Пригласить наблюдателя` / `… уполномоченное лицо`: a one-time link.
async fn invite(bot: TgBot, app: Arc<App>, actor: Actor, role: Role) -> HandlerResult {
    let lang = actor.lang;
    let inv =
        db::invites::create(&app.pool, None, role, actor.id, Utc::now(), app.invite_ttl).await?;
    log::info!("admin {} invited a {}", actor.id, role.code());
    let link = format!("https://t.me/{}?start={}", app.bot_username, inv.code);
    let text = tr!(
        app.i18n,
        lang,
        "invite-link-role",
        role = role_name(&app, lang, role),
        link = esc(&link),
        expires = ui::when(inv.expires_at)
    );
    ui::send(&bot, actor.chat(), text).await?;
    Ok(())
}

async fn revoke(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    handle: u64,
) -> HandlerResult {
    let i = &app.i18n;
    let lang = actor.lang;
    match db::invites::revoke(&app.pool, handle, actor.id, Utc::now()).await? {
        Some(_) => {
            log::info!("admin {} revoked an invitation", actor.id);
            let (text, kb) = invites_view(&app, lang).await?;
            ui::replace_or_send(&bot, &q, actor.chat(), text, kb).await?;
            press.note(tr!(i, lang, "invite-revoked-done")).await;
        }
        None => press.alert(tr!(i, lang, "invite-not-open")).await,
    }
    Ok(())
}
