//! `/start` (greeting by role, or redeeming an invitation), `/help`, `/lang`, `/cancel`,
//! and what the bot says to anything it does not understand.

use std::sync::Arc;

use chrono::Utc;
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::CallbackData;
use crate::bot::commands::Command;
use crate::bot::menu;
use crate::bot::press::Press;
use crate::bot::route::{command, message, pressed, Incoming};
use crate::bot::state::{BotDialogue, State};
use crate::bot::ui::{self, esc};
use crate::db;
use crate::db::invites::Refused;
use crate::domain::{Lang, Role};
use crate::tr;

/// `/start`, `/help`, `/lang`, `/cancel` and the language buttons; a stored dialogue that
/// can no longer be read; `Отмена` under a typed question.
pub fn schema() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(
            case![State::Unreadable]
                .filter(|i: Incoming| !matches!(i, Incoming::Press(_)))
                .endpoint(unreadable_state),
        )
        .branch(
            command()
                .branch(case![Command::Start(arg)].endpoint(start))
                .branch(case![Command::Help].endpoint(help))
                .branch(case![Command::Lang(arg)].endpoint(lang))
                .branch(case![Command::Cancel].endpoint(cancel)),
        )
        .branch(
            pressed()
                .branch(case![CallbackData::SetLang(lang)].endpoint(set_lang_pressed))
                .branch(
                    case![CallbackData::Cancel]
                        .filter(|state: State, q: CallbackQuery| {
                            state.question_card().is_some()
                                && state.question_card() == q.regular_message().map(|m| m.id.0)
                        })
                        .endpoint(cancel_question),
                ),
        )
}

/// What is left when no flow took the update: an unknown command, a message outside any
/// dialogue (a hint, never silence), a press no button of the bot means now.
pub fn fallback() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(command().endpoint(unknown_command))
        .branch(message().endpoint(hint))
        .branch(pressed().endpoint(stale))
}

/// The greeting for a role, followed by what this person may do.
async fn greeting(app: &App, actor: &Actor) -> Result<String, sqlx::Error> {
    let name = esc(&actor.name);
    let lang = actor.lang;
    let head = match actor.role {
        Role::Admin => {
            let pending = db::requests::count_pending(&app.pool).await?;
            let pending = tr!(app.i18n, lang, "reports-count", count = pending);
            tr!(
                app.i18n,
                lang,
                "greet-admin",
                name = name,
                pending = pending
            )
        }
        Role::Head => tr!(
            app.i18n,
            lang,
            "greet-head",
            name = name,
            division = esc(actor.division_name.as_deref().unwrap_or("—"))
        ),
        Role::Viewer => tr!(app.i18n, lang, "greet-viewer", name = name),
        Role::Stranger => {
            return Ok(tr!(
                app.i18n,
                lang,
                "greet-stranger",
                name = name,
                id = actor.id
            ));
        }
    };
    Ok(format!("{head}\n\n{}", help_text(app, actor)))
}

/// The commands this person may use, one line each.
fn help_text(app: &App, actor: &Actor) -> String {
    let mut lines = vec![tr!(app.i18n, actor.lang, "help-title")];
    lines.extend(menu::help_lines(&app.i18n, actor.lang, actor.role));
    if actor.role == Role::Admin {
        lines.push(String::new());
        lines.push(tr!(app.i18n, actor.lang, "help-files"));
    }
    lines.join("\n")
}

async fn start(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    arg: Option<String>,
) -> HandlerResult {
    // Any dialogue under way was dropped when the command arrived (`route`).
    if let Some(code) = arg {
        return redeem(bot, msg, app, actor, code).await;
    }
    ui::send(&bot, msg.chat.id, greeting(&app, &actor).await?).await?;
    Ok(())
}

/// `/start <code>`: an invitation link was opened.
async fn redeem(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    code: String,
) -> HandlerResult {
    let lang = actor.lang;
    if app.admins.contains(&actor.id) {
        ui::send(
            &bot,
            msg.chat.id,
            tr!(app.i18n, lang, "invite-already-admin"),
        )
        .await?;
        return Ok(());
    }
    let outcome =
        db::invites::redeem(&app.pool, &code, actor.id, &actor.name, lang, Utc::now()).await?;
    let redeemed = match outcome {
        Ok(r) => r,
        Err(refused) => {
            let text = match refused {
                Refused::Unknown => tr!(app.i18n, lang, "invite-unknown"),
                Refused::Used => tr!(app.i18n, lang, "invite-used"),
                Refused::AlreadyMember => tr!(app.i18n, lang, "invite-already-member"),
                Refused::Expired => tr!(app.i18n, lang, "invite-expired"),
                Refused::Revoked => tr!(app.i18n, lang, "invite-revoked"),
            };
            ui::send(&bot, msg.chat.id, text).await?;
            return Ok(());
        }
    };
    log::info!(
        "user {} joined as {} by invitation",
        actor.id,
        redeemed.role.code()
    );
    let division = esc(redeemed.division_name.as_deref().unwrap_or("—"));
    // Greet with the new role.
    let actor = match &msg.from {
        Some(user) => app.actor(user).await?,
        None => actor,
    };
    let welcome = match redeemed.role {
        Role::Head => tr!(
            app.i18n,
            lang,
            "invite-welcome",
            division = division.clone()
        ),
        role => tr!(
            app.i18n,
            lang,
            "invite-welcome-role",
            role = ui::role_name(&app, lang, role)
        ),
    };
    if redeemed.role == Role::Admin {
        menu::refresh(&bot, &app, actor.id, Role::Admin).await;
    }
    ui::send(
        &bot,
        msg.chat.id,
        format!("{welcome}\n\n{}", greeting(&app, &actor).await?),
    )
    .await?;
    // Tell the inviter, in their language.
    let inviter_lang = match db::people::get(&app.pool, redeemed.invited_by).await? {
        Some(p) => p.lang,
        None => Lang::Ru,
    };
    let note = match redeemed.role {
        Role::Head => tr!(
            app.i18n,
            inviter_lang,
            "invite-accepted",
            name = esc(&actor.name),
            id = actor.id,
            division = division
        ),
        role => tr!(
            app.i18n,
            inviter_lang,
            "invite-accepted-role",
            name = esc(&actor.name),
            id = actor.id,
            role = ui::role_name(&app, inviter_lang, role)
        ),
    };
    if let Err(e) = ui::send(&bot, ChatId(redeemed.invited_by), note).await {
        log::warn!("could not tell inviter {}: {e}", redeemed.invited_by);
    }
    Ok(())
}

async fn help(bot: TgBot, msg: Message, app: Arc<App>, actor: Actor) -> HandlerResult {
    let text = match actor.role {
        Role::Stranger => tr!(app.i18n, actor.lang, "help-stranger", id = actor.id),
        _ => help_text(&app, &actor),
    };
    ui::send(&bot, msg.chat.id, text).await?;
    Ok(())
}

fn lang_keyboard(app: &App) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new([Lang::ALL.iter().map(|l| {
        InlineKeyboardButton::callback(
            app.i18n.label(*l, "lang-name"),
            CallbackData::SetLang(*l).encode(),
        )
    })])
}

async fn lang(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    arg: Option<String>,
) -> HandlerResult {
    match arg.as_deref().map(|a| Lang::from_code(&a.to_lowercase())) {
        Some(Some(lang)) => {
            db::people::set_language(&app.pool, actor.id, &actor.name, lang).await?;
            ui::send(&bot, msg.chat.id, tr!(app.i18n, lang, "lang-set")).await?;
        }
        Some(None) => {
            let text = tr!(app.i18n, actor.lang, "lang-unknown");
            ui::send_kb(&bot, msg.chat.id, text, lang_keyboard(&app)).await?;
        }
        None => {
            let text = tr!(app.i18n, actor.lang, "lang-choose");
            ui::send_kb(&bot, msg.chat.id, text, lang_keyboard(&app)).await?;
        }
    }
    Ok(())
}

async fn set_lang_pressed(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    lang: Lang,
) -> HandlerResult {
    db::people::set_language(&app.pool, actor.id, &actor.name, lang).await?;
    let done = tr!(app.i18n, lang, "lang-set");
    if let Some(m) = q.regular_message() {
        ui::rewrite(&bot, m, done.clone()).await?;
    }
    press.note(done).await;
    Ok(())
}

/// `Отмена` under a question an authorized person was to answer by typing.
async fn cancel_question(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    dialogue: BotDialogue,
) -> HandlerResult {
    dialogue.exit().await?;
    let done = tr!(app.i18n, actor.lang, "cancel-done");
    if let Some(m) = q.regular_message() {
        ui::rewrite(&bot, m, done.clone()).await?;
    }
    press.note(done).await;
    Ok(())
}

/// A press that no flow took: the button is old, or its data forged.
async fn stale(app: Arc<App>, actor: Actor, press: Press) -> HandlerResult {
    press.note(tr!(app.i18n, actor.lang, "button-stale")).await;
    Ok(())
}

async fn cancel(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
    state: State,
) -> HandlerResult {
    let text = if state == State::Idle {
        tr!(app.i18n, actor.lang, "cancel-nothing")
    } else {
        dialogue.exit().await?;
        tr!(app.i18n, actor.lang, "cancel-done")
    };
    ui::send(&bot, msg.chat.id, text).await?;
    Ok(())
}

async fn unknown_command(bot: TgBot, msg: Message, app: Arc<App>, actor: Actor) -> HandlerResult {
    ui::send(
        &bot,
        msg.chat.id,
        tr!(app.i18n, actor.lang, "unknown-command"),
    )
    .await?;
    Ok(())
}

/// Anything else outside a dialogue: a hint, never silence.
async fn hint(bot: TgBot, msg: Message, app: Arc<App>, actor: Actor) -> HandlerResult {
    let text = match actor.role {
        Role::Stranger => tr!(app.i18n, actor.lang, "help-stranger", id = actor.id),
        _ => tr!(app.i18n, actor.lang, "not-understood"),
    };
    ui::send(&bot, msg.chat.id, text).await?;
    Ok(())
}

/// The stored dialogue could not be read: say so, start afresh.
async fn unreadable_state(
    bot: TgBot,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
) -> HandlerResult {
    dialogue.exit().await?;
    ui::send(
        &bot,
        actor.chat(),
        tr!(app.i18n, actor.lang, "dialogue-lost"),
    )
    .await?;
    Ok(())
}
