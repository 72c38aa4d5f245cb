//! Administration by an authorized person: `/divisions` (add, rename, retire, restore),
//! `/people` (who is who; change a role or a head's division; revoke access) and
//! `/invites` (the open invitations, revoke one, invite a viewer or an authorized person).
//!
//! Every press is checked against the presser's role now and the database; every change is
//! one transaction with its audit record (in `db/`). The authorized persons named in the
//! settings stay such whatever the database says: they are shown as such and cannot be
//! changed from chat.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, InlineKeyboardButton, InlineKeyboardMarkup};

use super::Answer;
use crate::bot::callback::{AdminCb, CallbackData};
use crate::bot::commands;
use crate::bot::state::{AdminInput, BotDialogue, State};
use crate::bot::ui::{self, esc};
use crate::bot::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::db;
use crate::db::divisions::{AddRefused, RenameRefused, RetireRefused};
use crate::db::people::Person;
use crate::domain::touchpoint::{clean_text, TextProblem, MAX_DIVISION_NAME};
use crate::domain::{Lang, Role};
use crate::tr;

/// Buttons per page in `/divisions` and `/people`.
const PAGE: usize = 10;
/// At most this many buttons of divisions to choose from (Telegram allows 100 a message).
const MAX_CHOICES: usize = 90;
/// At most this many open invitations get a revoke button.
const MAX_INVITE_BUTTONS: usize = 30;

fn btn(label: impl Into<String>, data: AdminCb) -> InlineKeyboardButton {
    ui::button(label, CallbackData::Admin(data))
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%d.%m.%Y %H:%M UTC").to_string()
}

/// The chat a pressed button lives in.
fn chat_of(q: &CallbackQuery, actor: &Actor) -> ChatId {
    q.regular_message()
        .map(|m| m.chat.id)
        .unwrap_or(ChatId(actor.id))
}

/// The name of a role, for texts.
pub fn role_name(app: &App, lang: Lang, role: Role) -> String {
    match role {
        Role::Admin => tr!(app.i18n, lang, "role-admin"),
        Role::Head => tr!(app.i18n, lang, "role-head"),
        Role::Viewer => tr!(app.i18n, lang, "role-viewer"),
        Role::Stranger => tr!(app.i18n, lang, "role-none"),
    }
}

/// The index of the first item on `page` (clamped to the last page).
fn page_start(items: usize, page: u16) -> usize {
    let pages = items.div_ceil(PAGE).max(1);
    (page as usize).min(pages - 1) * PAGE
}

/// A page of buttons, one a row, with ◀ ▶ built by `nav`.
fn paged(
    app: &App,
    lang: Lang,
    items: Vec<InlineKeyboardButton>,
    page: u16,
    nav: fn(u16) -> AdminCb,
) -> Vec<Vec<InlineKeyboardButton>> {
    ui::paged(&app.i18n, lang, items, page, PAGE, |p| {
        CallbackData::Admin(nav(p))
    })
}

async fn only_admin(bot: &TgBot, msg: &Message, app: &App, actor: &Actor) -> HandlerResult {
    ui::send(bot, msg.chat.id, tr!(app.i18n, actor.lang, "only-admin")).await?;
    Ok(())
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

// ---------------------------------------------------------------------------------------
// /divisions

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

pub async fn divisions(bot: TgBot, msg: Message, app: Arc<App>, actor: Actor) -> HandlerResult {
    if actor.role != Role::Admin {
        return only_admin(&bot, &msg, &app, &actor).await;
    }
    let (text, kb) = divisions_view(&app, actor.lang, 0).await?;
    ui::send_kb(&bot, msg.chat.id, text, kb).await?;
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
    chat: ChatId,
    input: AdminInput,
    question: String,
) -> HandlerResult {
    let kb = InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback(
        tr!(app.i18n, actor.lang, "btn-cancel"),
        CallbackData::Cancel.encode(),
    )]]);
    let sent = ui::send_kb(bot, chat, question, kb).await?;
    dialogue
        .update(State::AdminText {
            input,
            card: Some(sent.id.0),
        })
        .await?;
    Ok(())
}

/// A name typed after `Добавить подразделение` or `Переименовать`.
pub async fn on_text(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
    (input, _card): (AdminInput, Option<i32>),
) -> HandlerResult {
    let lang = actor.lang;
    let i = &app.i18n;
    if actor.role != Role::Admin {
        dialogue.exit().await?;
        return only_admin(&bot, &msg, &app, &actor).await;
    }
    let name = match division_name(&app, lang, msg.text()) {
        Ok(n) => n,
        Err(why) => {
            // The same question stands: the person types again or cancels.
            ui::send(&bot, msg.chat.id, why).await?;
            return Ok(());
        }
    };
    let mut tx = db::begin_write(&app.pool).await?;
    let text = match input {
        AdminInput::NewDivision => match db::divisions::add(&mut tx, &name, actor.id).await? {
            Ok((d, false)) => tr!(i, lang, "division-added", name = esc(&d.name)),
            Ok((d, true)) => tr!(i, lang, "division-restored", name = esc(&d.name)),
            Err(AddRefused::Exists(d)) => {
                tx.rollback().await?;
                let text = tr!(i, lang, "division-exists", name = esc(&d.name));
                ui::send(&bot, msg.chat.id, text).await?;
                return Ok(());
            }
        },
        AdminInput::RenameDivision(id) => {
            // Read inside the write transaction: the pool's other connections may all be
            // waiting for this one's lock.
            let old: Option<String> = sqlx::query_scalar("SELECT name FROM divisions WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            match db::divisions::rename(&mut tx, id, &name, actor.id).await? {
                Ok(d) => tr!(
                    i,
                    lang,
                    "division-renamed",
                    old = esc(&old.unwrap_or_default()),
                    name = esc(&d.name)
                ),
                Err(RenameRefused::Taken(other)) => {
                    tx.rollback().await?;
                    let text = tr!(i, lang, "division-exists", name = esc(&other));
                    ui::send(&bot, msg.chat.id, text).await?;
                    return Ok(());
                }
                Err(RenameRefused::NotFound) => {
                    tx.rollback().await?;
                    dialogue.exit().await?;
                    ui::send(&bot, msg.chat.id, tr!(i, lang, "button-stale")).await?;
                    return Ok(());
                }
            }
        }
    };
    tx.commit().await?;
    dialogue.exit().await?;
    log::info!("admin {} changed the divisions ({input:?})", actor.id);
    ui::send(&bot, msg.chat.id, text).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// /people

/// Everyone with access: the settings' authorized persons first (whether or not the bot
/// knows their names yet), then the stored roles.
async fn everyone(app: &App) -> Result<Vec<(Person, bool)>, sqlx::Error> {
    let mut out = vec![];
    let mut settings: Vec<i64> = app.admins.iter().copied().collect();
    settings.sort_unstable();
    for id in settings {
        let p = db::people::get(&app.pool, id).await?;
        out.push((
            Person {
                role: Role::Admin,
                division_id: None,
                division_name: None,
                ..p.unwrap_or(Person {
                    telegram_id: id,
                    name: id.to_string(),
                    role: Role::Admin,
                    division_id: None,
                    division_name: None,
                    lang: Lang::Ru,
                })
            },
            true,
        ));
    }
    for p in db::people::members(&app.pool).await? {
        if !app.admins.contains(&p.telegram_id) {
            out.push((p, false));
        }
    }
    Ok(out)
}

fn person_line(app: &App, lang: Lang, p: &Person, from_settings: bool) -> String {
    let i = &app.i18n;
    let mut line = match (p.role, &p.division_name) {
        (Role::Head, Some(d)) => tr!(
            i,
            lang,
            "people-line-head",
            name = esc(&p.name),
            id = p.telegram_id,
            division = esc(d)
        ),
        _ => tr!(
            i,
            lang,
            "people-line",
            name = esc(&p.name),
            id = p.telegram_id
        ),
    };
    if from_settings {
        line.push(' ');
        line.push_str(&tr!(i, lang, "people-from-settings"));
    }
    line
}

async fn people_view(
    app: &App,
    lang: Lang,
    page: u16,
) -> Result<(String, InlineKeyboardMarkup), HandlerError> {
    let i = &app.i18n;
    let all = everyone(app).await?;
    let mut lines = vec![tr!(i, lang, "people-title", count = all.len())];
    for role in [Role::Admin, Role::Head, Role::Viewer] {
        let group: Vec<_> = all
            .iter()
            .skip(page_start(all.len(), page))
            .take(PAGE)
            .filter(|(p, _)| p.role == role)
            .collect();
        if group.is_empty() {
            continue;
        }
        lines.push(String::new());
        lines.push(format!("<b>{}</b>", role_name(app, lang, role)));
        for (p, s) in group {
            lines.push(person_line(app, lang, p, *s));
        }
    }
    lines.push(String::new());
    lines.push(tr!(i, lang, "people-hint"));
    let items = all
        .iter()
        .map(|(p, _)| {
            let label = format!("{} · {}", p.name, role_name(app, lang, p.role));
            btn(label, AdminCb::Person(p.telegram_id))
        })
        .collect();
    let rows = paged(app, lang, items, page, AdminCb::People);
    Ok((ui::fit(lines.join("\n")), InlineKeyboardMarkup::new(rows)))
}

pub async fn people(bot: TgBot, msg: Message, app: Arc<App>, actor: Actor) -> HandlerResult {
    if actor.role != Role::Admin {
        return only_admin(&bot, &msg, &app, &actor).await;
    }
    let (text, kb) = people_view(&app, actor.lang, 0).await?;
    ui::send_kb(&bot, msg.chat.id, text, kb).await?;
    Ok(())
}

/// One person's card with what can be changed.
async fn person_card(
    app: &App,
    lang: Lang,
    id: i64,
) -> Result<Option<(String, InlineKeyboardMarkup)>, HandlerError> {
    let i = &app.i18n;
    if app.admins.contains(&id) {
        let name = db::people::get(&app.pool, id)
            .await?
            .map(|p| p.name)
            .unwrap_or_else(|| id.to_string());
        let text = tr!(i, lang, "person-card-settings", name = esc(&name), id = id);
        return Ok(Some((text, InlineKeyboardMarkup::default())));
    }
    let Some(p) = db::people::get(&app.pool, id)
        .await?
        .filter(|p| p.role != Role::Stranger)
    else {
        return Ok(None);
    };
    let pending = db::people::pending_reports(&app.pool, id).await?;
    let text = tr!(
        i,
        lang,
        "person-card",
        line = person_line(app, lang, &p, false),
        role = role_name(app, lang, p.role),
        pending = tr!(i, lang, "reports-count", count = pending)
    );
    let mut rows = vec![];
    if p.role != Role::Admin {
        rows.push(vec![btn(
            tr!(i, lang, "btn-make-admin"),
            AdminCb::PersonRole(id, Role::Admin),
        )]);
    }
    rows.push(vec![btn(
        if p.role == Role::Head {
            tr!(i, lang, "btn-change-division")
        } else {
            tr!(i, lang, "btn-make-head")
        },
        AdminCb::PersonHead(id),
    )]);
    if p.role != Role::Viewer {
        rows.push(vec![btn(
            tr!(i, lang, "btn-make-viewer"),
            AdminCb::PersonRole(id, Role::Viewer),
        )]);
    }
    rows.push(vec![btn(
        tr!(i, lang, "btn-revoke-access"),
        AdminCb::PersonRevoke(id),
    )]);
    Ok(Some((text, InlineKeyboardMarkup::new(rows))))
}

/// The command menu in one person's chat after their role changed: the full menu for an
/// authorized person, the default one otherwise. Failures are logged: it is a convenience.
pub async fn refresh_menu(bot: &TgBot, app: &App, id: i64, role: Role) {
    for lang in Lang::ALL {
        let code = (*lang != Lang::Ru).then(|| lang.code().to_string());
        let scope = BotCommandScope::Chat {
            chat_id: teloxide::types::Recipient::Id(ChatId(id)),
        };
        let res = if role == Role::Admin {
            let menu: Vec<BotCommand> = commands::menu_for(Role::Admin)
                .map(|e| BotCommand::new(e.name, app.i18n.label(*lang, &format!("cmd-{}", e.name))))
                .collect();
            let mut req = bot.set_my_commands(menu).scope(scope);
            req.language_code = code;
            req.await.map(|_| ())
        } else {
            let mut req = bot.delete_my_commands().scope(scope);
            req.language_code = code;
            req.await.map(|_| ())
        };
        if let Err(e) = res {
            log::warn!("command menu of {id} ({}): {e}", lang.code());
        }
    }
}

/// Tells a person what happened to their access, in their language.
async fn tell_person(bot: &TgBot, app: &App, id: i64, text: impl Fn(Lang) -> String) {
    let lang = match db::people::get(&app.pool, id).await {
        Ok(Some(p)) => p.lang,
        _ => Lang::Ru,
    };
    if let Err(e) = ui::send(bot, ChatId(id), text(lang)).await {
        log::warn!("telling {id} about their access: {e}");
    }
}

/// Gives a person a role (a head: with the division), tells them, and shows the result on
/// the pressed card.
async fn change_role(
    bot: &TgBot,
    q: &CallbackQuery,
    app: &App,
    actor: &Actor,
    id: i64,
    role: Role,
    division: Option<i64>,
) -> Result<Answer, HandlerError> {
    let i = &app.i18n;
    let lang = actor.lang;
    // Both checks are made inside the write transaction, so that a revocation or a
    // retirement at the same moment cannot be undone by this press.
    let mut tx = db::begin_write(&app.pool).await?;
    let division_name = match division {
        Some(d) => {
            let found: Option<(String, bool)> =
                sqlx::query_as("SELECT name, retired FROM divisions WHERE id = ?")
                    .bind(d)
                    .fetch_optional(&mut *tx)
                    .await?;
            match found {
                Some((name, false)) => Some(name),
                _ => return Ok(Answer::alert(tr!(i, lang, "division-gone"))),
            }
        }
        None => None,
    };
    let current: Option<String> =
        sqlx::query_scalar("SELECT role FROM people WHERE telegram_id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    if current
        .as_deref()
        .is_none_or(|r| r == Role::Stranger.code())
    {
        return Ok(Answer::text(tr!(i, lang, "button-stale")));
    }
    if !db::people::set_role(&mut tx, id, role, division, actor.id).await? {
        return Ok(Answer::text(tr!(i, lang, "button-stale")));
    }
    if role != Role::Head {
        // An unfinished report of a former head would fail at sending: drop it now.
        db::dialogues::remove(&mut *tx, id).await?;
    }
    tx.commit().await?;
    log::info!(
        "admin {} made {id} {}{}",
        actor.id,
        role.code(),
        division
            .map(|d| format!(" of division {d}"))
            .unwrap_or_default()
    );
    let described = |l: Lang| match &division_name {
        Some(d) => tr!(
            i,
            l,
            "role-with-division",
            role = role_name(app, l, role),
            division = esc(d)
        ),
        None => role_name(app, l, role),
    };
    tell_person(bot, app, id, |l| {
        tr!(i, l, "your-role-changed", role = described(l))
    })
    .await;
    refresh_menu(bot, app, id, role).await;
    if let Some(m) = q.regular_message() {
        if let Some((text, kb)) = person_card(app, lang, id).await? {
            let text = format!(
                "{text}\n\n{}",
                tr!(i, lang, "person-changed", role = described(lang))
            );
            if let Err(e) = ui::edit_kb(bot, m.chat.id, m.id, text, kb).await {
                log::warn!("redrawing a person's card: {e}");
            }
        }
    }
    Ok(Answer::text(tr!(i, lang, "done")))
}

// ---------------------------------------------------------------------------------------
// /invites

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
            expires = when(inv.expires_at)
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
                AdminCb::InviteRevoke(db::invites::handle(&inv.code)),
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

pub async fn invites(bot: TgBot, msg: Message, app: Arc<App>, actor: Actor) -> HandlerResult {
    if actor.role != Role::Admin {
        return only_admin(&bot, &msg, &app, &actor).await;
    }
    let (text, kb) = invites_view(&app, actor.lang).await?;
    ui::send_kb(&bot, msg.chat.id, text, kb).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Buttons

/// Replaces the pressed message with a new text and buttons. A failure to edit (the
/// message is too old, say) falls back to a new message.
async fn show(
    bot: &TgBot,
    q: &CallbackQuery,
    actor: &Actor,
    text: String,
    kb: InlineKeyboardMarkup,
) -> HandlerResult {
    if let Some(m) = q.regular_message() {
        let res = bot
            .edit_message_text(m.chat.id, m.id, ui::fit(text.clone()))
            .parse_mode(teloxide::types::ParseMode::Html)
            .reply_markup(kb.clone())
            .await;
        match res {
            Ok(_) => return Ok(()),
            Err(e) if e.to_string().contains("not modified") => return Ok(()),
            Err(e) => log::warn!("editing an administration card: {e}"),
        }
    }
    ui::send_kb(bot, chat_of(q, actor), text, kb).await?;
    Ok(())
}

pub async fn on_button(
    bot: &TgBot,
    q: &CallbackQuery,
    app: &App,
    actor: &Actor,
    dialogue: &BotDialogue,
    data: AdminCb,
) -> Result<Answer, HandlerError> {
    let i = &app.i18n;
    let lang = actor.lang;
    if actor.role != Role::Admin {
        return Ok(Answer::alert(tr!(i, lang, "only-admin")));
    }
    let stale = || Ok(Answer::text(tr!(i, lang, "button-stale")));
    match data {
        AdminCb::Close => {
            if let Some(m) = q.regular_message() {
                ui::edit(bot, m.chat.id, m.id, tr!(i, lang, "admin-closed")).await?;
            }
            Ok(Answer::none())
        }
        AdminCb::Divisions(page) => {
            let (text, kb) = divisions_view(app, lang, page).await?;
            show(bot, q, actor, text, kb).await?;
            Ok(Answer::none())
        }
        AdminCb::Division(id) => match division_card(app, lang, id).await? {
            Some((text, kb)) => {
                ui::send_kb(bot, chat_of(q, actor), text, kb).await?;
                Ok(Answer::none())
            }
            None => stale(),
        },
        AdminCb::DivisionAdd => {
            ask_name(
                bot,
                app,
                actor,
                dialogue,
                chat_of(q, actor),
                AdminInput::NewDivision,
                tr!(i, lang, "ask-division-name", max = MAX_DIVISION_NAME),
            )
            .await?;
            Ok(Answer::none())
        }
        AdminCb::DivisionRename(id) => {
            let Some(d) = db::divisions::get(&app.pool, id).await? else {
                return stale();
            };
            ask_name(
                bot,
                app,
                actor,
                dialogue,
                chat_of(q, actor),
                AdminInput::RenameDivision(id),
                tr!(
                    i,
                    lang,
                    "ask-division-rename",
                    name = esc(&d.name),
                    max = MAX_DIVISION_NAME
                ),
            )
            .await?;
            Ok(Answer::none())
        }
        AdminCb::DivisionRetire(id) => {
            let mut tx = db::begin_write(&app.pool).await?;
            match db::divisions::retire(&mut tx, id, actor.id).await? {
                Ok(d) => {
                    tx.commit().await?;
                    log::info!("admin {} retired division {id}", actor.id);
                    if let Some((text, kb)) = division_card(app, lang, id).await? {
                        show(bot, q, actor, text, kb).await?;
                    }
                    Ok(Answer::text(tr!(
                        i,
                        lang,
                        "division-retired",
                        name = d.name
                    )))
                }
                Err(RetireRefused::NotFound) => stale(),
                Err(RetireRefused::InUse {
                    heads,
                    rows,
                    functions,
                }) => Ok(Answer::alert(tr!(
                    i,
                    lang,
                    "division-in-use",
                    heads = heads,
                    rows = rows,
                    functions = functions
                ))),
            }
        }
        AdminCb::DivisionRestore(id) => {
            let mut tx = db::begin_write(&app.pool).await?;
            if !db::divisions::restore(&mut tx, id, actor.id).await? {
                return stale();
            }
            tx.commit().await?;
            if let Some((text, kb)) = division_card(app, lang, id).await? {
                show(bot, q, actor, text, kb).await?;
            }
            Ok(Answer::text(tr!(i, lang, "done")))
        }
        AdminCb::People(page) => {
            let (text, kb) = people_view(app, lang, page).await?;
            show(bot, q, actor, text, kb).await?;
            Ok(Answer::none())
        }
        AdminCb::Person(id) => match person_card(app, lang, id).await? {
            Some((text, kb)) => {
                if kb.inline_keyboard.is_empty() {
                    ui::send(bot, chat_of(q, actor), text).await?;
                } else {
                    ui::send_kb(bot, chat_of(q, actor), text, kb).await?;
                }
                Ok(Answer::none())
            }
            None => stale(),
        },
        AdminCb::PersonRole(id, _)
        | AdminCb::PersonHead(id)
        | AdminCb::PersonDivision(id, _)
        | AdminCb::PersonRevoke(id)
        | AdminCb::PersonRevokeYes(id)
            if app.admins.contains(&id) =>
        {
            Ok(Answer::alert(tr!(i, lang, "person-in-settings")))
        }
        AdminCb::PersonRevoke(id) | AdminCb::PersonRevokeYes(id) if id == actor.id => {
            Ok(Answer::alert(tr!(i, lang, "revoke-self")))
        }
        AdminCb::PersonRole(id, _) | AdminCb::PersonHead(id) | AdminCb::PersonDivision(id, _)
            if id == actor.id =>
        {
            Ok(Answer::alert(tr!(i, lang, "change-self")))
        }
        AdminCb::PersonRole(id, role) => change_role(bot, q, app, actor, id, role, None).await,
        AdminCb::PersonDivision(id, division) => {
            change_role(bot, q, app, actor, id, Role::Head, Some(division)).await
        }
        AdminCb::PersonHead(id) => {
            let Some(p) = db::people::get(&app.pool, id)
                .await?
                .filter(|p| p.role != Role::Stranger)
            else {
                return stale();
            };
            let divisions = db::divisions::list(&app.pool).await?;
            if divisions.is_empty() {
                return Ok(Answer::alert(tr!(i, lang, "no-divisions-plain")));
            }
            let mut rows: Vec<Vec<InlineKeyboardButton>> = divisions
                .iter()
                .take(MAX_CHOICES)
                .map(|d| vec![btn(d.name.clone(), AdminCb::PersonDivision(id, d.id))])
                .collect();
            rows.push(vec![btn(tr!(i, lang, "btn-cancel"), AdminCb::Close)]);
            let text = tr!(i, lang, "choose-head-division", name = esc(&p.name));
            ui::send_kb(
                bot,
                chat_of(q, actor),
                text,
                InlineKeyboardMarkup::new(rows),
            )
            .await?;
            Ok(Answer::none())
        }
        AdminCb::PersonRevoke(id) => {
            let Some(p) = db::people::get(&app.pool, id)
                .await?
                .filter(|p| p.role != Role::Stranger)
            else {
                return stale();
            };
            let pending = db::people::pending_reports(&app.pool, id).await?;
            let text = tr!(
                i,
                lang,
                "revoke-confirm",
                name = esc(&p.name),
                pending = tr!(i, lang, "reports-count", count = pending)
            );
            let kb = InlineKeyboardMarkup::new(vec![vec![
                btn(tr!(i, lang, "btn-revoke-yes"), AdminCb::PersonRevokeYes(id)),
                btn(tr!(i, lang, "btn-cancel"), AdminCb::Close),
            ]]);
            ui::send_kb(bot, chat_of(q, actor), text, kb).await?;
            Ok(Answer::none())
        }
        AdminCb::PersonRevokeYes(id) => {
            let Some(p) = db::people::get(&app.pool, id).await? else {
                return stale();
            };
            let mut tx = db::begin_write(&app.pool).await?;
            if !db::people::revoke(&mut tx, id, actor.id).await? {
                return stale();
            }
            tx.commit().await?;
            log::info!("admin {} revoked the access of {id}", actor.id);
            let pending = db::people::pending_reports(&app.pool, id).await?;
            tell_person(bot, app, id, |l| tr!(i, l, "your-access-revoked")).await;
            refresh_menu(bot, app, id, Role::Stranger).await;
            if let Some(m) = q.regular_message() {
                let text = tr!(
                    i,
                    lang,
                    "revoked",
                    name = esc(&p.name),
                    pending = tr!(i, lang, "reports-count", count = pending)
                );
                ui::edit(bot, m.chat.id, m.id, text).await?;
            }
            Ok(Answer::text(tr!(i, lang, "done")))
        }
        AdminCb::Invite(role) => {
            let inv =
                db::invites::create(&app.pool, None, role, actor.id, Utc::now(), app.invite_ttl)
                    .await?;
            log::info!("admin {} invited a {}", actor.id, role.code());
            let link = format!("https://t.me/{}?start={}", app.bot_username, inv.code);
            let text = tr!(
                i,
                lang,
                "invite-link-role",
                role = role_name(app, lang, role),
                link = esc(&link),
                expires = when(inv.expires_at)
            );
            ui::send(bot, chat_of(q, actor), text).await?;
            Ok(Answer::none())
        }
        AdminCb::RegistryApply(id) => super::registry::apply_pressed(bot, q, app, actor, id).await,
        AdminCb::RegistryDiscard(id) => {
            super::registry::discard_pressed(bot, q, app, actor, id).await
        }
        AdminCb::InviteRevoke(h) => {
            match db::invites::revoke(&app.pool, h, actor.id, Utc::now()).await? {
                Some(_) => {
                    log::info!("admin {} revoked an invitation", actor.id);
                    let (text, kb) = invites_view(app, lang).await?;
                    show(bot, q, actor, text, kb).await?;
                    Ok(Answer::text(tr!(i, lang, "invite-revoked-done")))
                }
                None => Ok(Answer::alert(tr!(i, lang, "invite-not-open"))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_starts_where_its_buttons_do_and_is_clamped() {
        assert_eq!(page_start(0, 0), 0);
        assert_eq!(page_start(0, 5), 0);
        assert_eq!(page_start(25, 1), PAGE);
        assert_eq!(page_start(25, 9), 2 * PAGE, "past the end: the last page");
        assert_eq!(page_start(20, 2), PAGE);
    }
}
