//! `/divisions`: the divisions with their heads, rows and functions; add one, rename,
//! retire (when nothing depends on it) or restore one.

use std::sync::Arc;

use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::{btn, page_start, paged, PAGE};
use crate::bot::access::{admin_only, admin_only_step};
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::{AdminCb, CallbackData};
use crate::bot::commands::Command;
use crate::bot::press::Press;
use crate::bot::route::{command, message, pressed};
use crate::bot::state::{AdminInput, BotDialogue, State};
use crate::bot::ui::{self, esc};
use crate::db;
use crate::db::divisions::{AddRefused, RenameRefused, RetireRefused};
use crate::domain::touchpoint::{clean_text, TextProblem, MAX_DIVISION_NAME};
use crate::domain::{Lang, Role};
use crate::tr;

pub fn schema() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(
            command().branch(
                case![Command::Divisions]
                    .chain(admin_only())
                    .endpoint(divisions),
            ),
        )
        .branch(
            pressed().branch(
                case![CallbackData::Admin(a)]
                    .chain(admin_only())
                    .branch(case![AdminCb::Divisions(page)].endpoint(page))
                    .branch(case![AdminCb::Division(id)].endpoint(open))
                    .branch(case![AdminCb::DivisionAdd].endpoint(ask_new))
                    .branch(case![AdminCb::DivisionRename(id)].endpoint(ask_rename))
                    .branch(case![AdminCb::DivisionRetire(id)].endpoint(retire))
                    .branch(case![AdminCb::DivisionRestore(id)].endpoint(restore)),
            ),
        )
        .branch(
            message().branch(
                case![State::AdminText { input, card }]
                    .chain(admin_only_step())
                    .endpoint(on_text),
            ),
        )
}

/// A division's name as typed: cleaned, or the words for what is wrong with it.
fn division_name(app: &App, lang: Lang, text: Option<&str>) -> Result<String, String> {
    match text.map(|t| clean_text(t, MAX_DIVISION_NAME)) {
        Some(Ok(n)) => Ok(n),
        None => Err(tr!(app.i18n, lang, "expected-text")),
        Some(Err(TextProblem::Empty)) => Err(tr!(app.i18n, lang, "text-empty")),
        Some(Err(TextProblem::TooLong { max })) => {
            Err(tr!(app.i18n, lang, "text-too-long", max = max))
        }
    }
}

async fn divisions_view(
    app: &App,
    lang: Lang,
    page: u16,
) -> Result<(String, InlineKeyboardMarkup), HandlerError> {
    let i = &app.i18n;
    let all = db::divisions::overview(&app.pool).await?;
    let mut lines = vec![tr!(
        i,
        lang,
        "divisions-title",
        count = all.iter().filter(|d| !d.retired).count()
    )];
    if all.is_empty() {
        lines.push(tr!(i, lang, "divisions-none"));
    }
    // The text lists the page the buttons show: a long list stays within one message.
    for d in all.iter().skip(page_start(all.len(), page)).take(PAGE) {
        let key = if d.retired {
            tr!(i, lang, "divisions-line-retired", name = esc(&d.name))
        } else {
            tr!(
                i,
                lang,
                "divisions-line",
                name = esc(&d.name),
                heads = d.heads,
                rows = d.rows,
                functions = d.functions
            )
        };
        lines.push(key);
    }
    let items = all
        .iter()
        .map(|d| {
            let label = if d.retired {
                tr!(i, lang, "divisions-button-retired", name = d.name.as_str())
            } else {
                d.name.clone()
            };
            btn(label, AdminCb::Division(d.id))
        })
        .collect();
    let mut rows = paged(app, lang, items, page, AdminCb::Divisions);
    rows.push(vec![btn(
        tr!(i, lang, "btn-division-add"),
        AdminCb::DivisionAdd,
    )]);
    Ok((lines.join("\n"), InlineKeyboardMarkup::new(rows)))
}

async fn divisions(bot: TgBot, app: Arc<App>, actor: Actor) -> HandlerResult {
    let (text, kb) = divisions_view(&app, actor.lang, 0).await?;
    ui::send_kb(&bot, actor.chat(), text, kb).await?;
    Ok(())
}

async fn page(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    page: u16,
) -> HandlerResult {
    let (text, kb) = divisions_view(&app, actor.lang, page).await?;
    ui::replace_or_send(&bot, &q, actor.chat(), text, kb).await?;
    Ok(())
}

async fn open(bot: TgBot, app: Arc<App>, actor: Actor, press: Press, id: i64) -> HandlerResult {
    match division_card(&app, actor.lang, id).await? {
        Some((text, kb)) => {
            ui::send_kb(&bot, actor.chat(), text, kb).await?;
        }
        None => press.note(tr!(app.i18n, actor.lang, "button-stale")).await,
    }
    Ok(())
}

/// One division's card: its figures and what can be done with it.
async fn division_card(
    app: &App,
    lang: Lang,
    id: i64,
) -> Result<Option<(String, InlineKeyboardMarkup)>, HandlerError> {
    let i = &app.i18n;
    let Some(d) = db::divisions::overview(&app.pool)
        .await?
        .into_iter()
        .find(|d| d.id == id)
    else {
        return Ok(None);
    };
    let heads: Vec<String> = db::people::members(&app.pool)
        .await?
        .into_iter()
        .filter(|p| p.role == Role::Head && p.division_id == Some(id))
        .map(|p| esc(&p.name))
        .collect();
    let heads = if heads.is_empty() {
        "—".to_string()
    } else {
        heads.join(", ")
    };
    let text = tr!(
        i,
        lang,
        "division-card",
        name = esc(&d.name),
        status = if d.retired {
            tr!(i, lang, "division-status-retired")
        } else {
            tr!(i, lang, "division-status-active")
        },
        heads = heads,
        rows = d.rows,
        functions = d.functions
    );
    // When its head last said its rows are current (5.2).
    let confirmed = db::reminders::last_confirmations(&app.pool)
        .await?
        .into_iter()
        .find(|(division, _)| *division == id);
    let text = format!(
        "{text}\n{}",
        match confirmed {
            Some((_, at)) => tr!(
                i,
                lang,
                "division-confirmed",
                date = at
                    .with_timezone(&app.schedule.offset)
                    .format("%d.%m.%Y")
                    .to_string()
            ),
            None => tr!(i, lang, "division-never-confirmed"),
        }
    );
    let mut buttons = vec![btn(
        tr!(i, lang, "btn-division-rename"),
        AdminCb::DivisionRename(id),
    )];
    if d.retired {
        buttons.push(btn(
            tr!(i, lang, "btn-division-restore"),
            AdminCb::DivisionRestore(id),
        ));
    } else {
        buttons.push(btn(
            tr!(i, lang, "btn-division-retire"),
            AdminCb::DivisionRetire(id),
        ));
    }
    Ok(Some((text, InlineKeyboardMarkup::new(vec![buttons]))))
}

/// Asks for a name; the answer comes to [`on_text`].
async fn ask_name(
    bot: &TgBot,
    app: &App,
    actor: &Actor,
    dialogue: &BotDialogue,
    input: AdminInput,
    question: String,
) -> HandlerResult {
    let kb = InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback(
        tr!(app.i18n, actor.lang, "btn-cancel"),
        CallbackData::Cancel.encode(),
    )]]);
    let sent = ui::send_kb(bot, actor.chat(), question, kb).await?;
    dialogue
        .update(State::AdminText {
            input,
            card: Some(sent.id.0),
        })
        .await?;
    Ok(())
}

async fn ask_new(bot: TgBot, app: Arc<App>, actor: Actor, dialogue: BotDialogue) -> HandlerResult {
    let question = tr!(
        app.i18n,
        actor.lang,
        "ask-division-name",
        max = MAX_DIVISION_NAME
    );
    ask_name(
        &bot,
        &app,
        &actor,
        &dialogue,
        AdminInput::NewDivision,
        question,
    )
    .await
}

async fn ask_rename(
    bot: TgBot,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    dialogue: BotDialogue,
    id: i64,
) -> HandlerResult {
    let Some(d) = db::divisions::get(&app.pool, id).await? else {
        press.note(tr!(app.i18n, actor.lang, "button-stale")).await;
        return Ok(());
    };
    let question = tr!(
        app.i18n,
        actor.lang,
        "ask-division-rename",
        name = esc(&d.name),
        max = MAX_DIVISION_NAME
    );
    ask_name(
        &bot,
        &app,
        &actor,
        &dialogue,
        AdminInput::RenameDivision(id),
        question,
    )
    .await
}

/// A name typed after `Добавить подразделение` or `Переименовать`.
async fn on_text(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
    (input, _card): (AdminInput, Option<i32>),
) -> HandlerResult {
    let lang = actor.lang;
    let i = &app.i18n;
    let name = match division_name(&app, lang, msg.text()) {
        Ok(n) => n,
        Err(why) => {
            // The same question stands: the person types again or cancels.
            ui::send(&bot, actor.chat(), why).await?;
            return Ok(());
        }
    };
    let text = match input {
        AdminInput::NewDivision => match db::divisions::add(&app.pool, &name, actor.id).await? {
            Ok((d, false)) => tr!(i, lang, "division-added", name = esc(&d.name)),
            Ok((d, true)) => tr!(i, lang, "division-restored", name = esc(&d.name)),
            Err(AddRefused::Exists(d)) => {
                let text = tr!(i, lang, "division-exists", name = esc(&d.name));
                ui::send(&bot, actor.chat(), text).await?;
                return Ok(());
            }
        },
        AdminInput::RenameDivision(id) => {
            match db::divisions::rename(&app.pool, id, &name, actor.id).await? {
                Ok(r) => tr!(
                    i,
                    lang,
                    "division-renamed",
                    old = esc(&r.old_name),
                    name = esc(&r.division.name)
                ),
                Err(RenameRefused::Taken(other)) => {
                    let text = tr!(i, lang, "division-exists", name = esc(&other));
                    ui::send(&bot, actor.chat(), text).await?;
                    return Ok(());
                }
                Err(RenameRefused::NotFound) => {
                    dialogue.exit().await?;
                    ui::send(&bot, actor.chat(), tr!(i, lang, "button-stale")).await?;
                    return Ok(());
                }
            }
        }
    };
    dialogue.exit().await?;
    log::info!("admin {} changed the divisions ({input:?})", actor.id);
    ui::send(&bot, actor.chat(), text).await?;
    Ok(())
}

async fn retire(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    id: i64,
) -> HandlerResult {
    let i = &app.i18n;
    let lang = actor.lang;
    match db::divisions::retire(&app.pool, id, actor.id).await? {
        Ok(d) => {
            log::info!("admin {} retired division {id}", actor.id);
            if let Some((text, kb)) = division_card(&app, lang, id).await? {
                ui::replace_or_send(&bot, &q, actor.chat(), text, kb).await?;
            }
            press
                .note(tr!(i, lang, "division-retired", name = d.name))
                .await;
        }
        Err(RetireRefused::NotFound) => press.note(tr!(i, lang, "button-stale")).await,
        Err(RetireRefused::InUse {
            heads,
            rows,
            functions,
        }) => {
            press
                .alert(tr!(
                    i,
                    lang,
                    "division-in-use",
                    heads = heads,
                    rows = rows,
                    functions = functions
                ))
                .await
        }
    }
    Ok(())
}

async fn restore(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    id: i64,
) -> HandlerResult {
    let i = &app.i18n;
    if !db::divisions::restore(&app.pool, id, actor.id).await? {
        press.note(tr!(i, actor.lang, "button-stale")).await;
        return Ok(());
    }
    if let Some((text, kb)) = division_card(&app, actor.lang, id).await? {
        ui::replace_or_send(&bot, &q, actor.chat(), text, kb).await?;
    }
    press.note(tr!(i, actor.lang, "done")).await;
    Ok(())
}
