//! `/people`: who is who; one person's card to make them an authorized person, a head (of
//! a division) or a viewer, or to revoke their access (the person is told; their pending
//! reports stay for review).

use std::sync::Arc;

use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::{btn, page_start, paged, PAGE};
use crate::bot::access::admin_only;
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::{AdminCb, CallbackData};
use crate::bot::commands::Command;
use crate::bot::menu;
use crate::bot::press::Press;
use crate::bot::route::{command, pressed};
use crate::bot::ui::{self, esc, review, role_name};
use crate::db;
use crate::db::people::{Person, RoleChange};
use crate::domain::{Lang, Role};
use crate::tr;

/// At most this many buttons of divisions to choose from (Telegram allows 100 a message).
const MAX_CHOICES: usize = 90;

pub fn schema() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(command().branch(case![Command::People].chain(admin_only()).endpoint(people)))
        .branch(
            pressed().branch(
                case![CallbackData::Admin(a)]
                    .chain(admin_only())
                    .branch(case![AdminCb::People(page)].endpoint(page))
                    .branch(case![AdminCb::Person(id)].endpoint(open))
                    .branch(
                        dptree::filter_map(changes_someone)
                            .chain(
                                dptree::entry()
                                    .branch(dptree::filter_map(refused).endpoint(tell_refused)),
                            )
                            .branch(case![AdminCb::PersonRole(id, role)].endpoint(make))
                            .branch(case![AdminCb::PersonHead(id)].endpoint(choose_division))
                            .branch(
                                case![AdminCb::PersonDivision(id, division)].endpoint(make_head),
                            )
                            .branch(case![AdminCb::PersonRevoke(id)].endpoint(ask_revoke))
                            .branch(case![AdminCb::PersonRevokeYes(id)].endpoint(revoke)),
                    ),
            ),
        )
}

/// Whom a button changes.
#[derive(Debug, Clone, Copy)]
struct Target(i64);

fn changes_someone(a: AdminCb) -> Option<Target> {
    match a {
        AdminCb::PersonRole(id, _)
        | AdminCb::PersonHead(id)
        | AdminCb::PersonDivision(id, _)
        | AdminCb::PersonRevoke(id)
        | AdminCb::PersonRevokeYes(id) => Some(Target(id)),
        _ => None,
    }
}

/// Why no one may press this on this person: they are an authorized person by the
/// settings, or the presser themself.
#[derive(Debug, Clone, Copy)]
enum Refused {
    InSettings,
    RevokeSelf,
    ChangeSelf,
}

fn refused(a: AdminCb, Target(id): Target, app: Arc<App>, actor: Actor) -> Option<Refused> {
    if app.admins.contains(&id) {
        return Some(Refused::InSettings);
    }
    if id != actor.id {
        return None;
    }
    Some(match a {
        AdminCb::PersonRevoke(_) | AdminCb::PersonRevokeYes(_) => Refused::RevokeSelf,
        _ => Refused::ChangeSelf,
    })
}

async fn tell_refused(app: Arc<App>, actor: Actor, press: Press, why: Refused) -> HandlerResult {
    let key = match why {
        Refused::InSettings => tr!(app.i18n, actor.lang, "person-in-settings"),
        Refused::RevokeSelf => tr!(app.i18n, actor.lang, "revoke-self"),
        Refused::ChangeSelf => tr!(app.i18n, actor.lang, "change-self"),
    };
    press.alert(key).await;
    Ok(())
}

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
        let heading = match role {
            Role::Admin => tr!(i, lang, "people-group-admin"),
            Role::Head => tr!(i, lang, "people-group-head"),
            _ => tr!(i, lang, "people-group-viewer"),
        };
        lines.push(format!("<b>{heading}</b>"));
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

async fn people(bot: TgBot, app: Arc<App>, actor: Actor) -> HandlerResult {
    let (text, kb) = people_view(&app, actor.lang, 0).await?;
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
    let (text, kb) = people_view(&app, actor.lang, page).await?;
    ui::replace_or_send(&bot, &q, actor.chat(), text, kb).await?;
    Ok(())
}

async fn open(bot: TgBot, app: Arc<App>, actor: Actor, press: Press, id: i64) -> HandlerResult {
    match person_card(&app, actor.lang, id).await? {
        Some((text, kb)) if kb.inline_keyboard.is_empty() => {
            ui::send(&bot, actor.chat(), text).await?;
        }
        Some((text, kb)) => {
            ui::send_kb(&bot, actor.chat(), text, kb).await?;
        }
        None => press.note(tr!(app.i18n, actor.lang, "button-stale")).await,
    }
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

async fn make(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    (id, role): (i64, Role),
) -> HandlerResult {
    change_role(&bot, &q, &app, &actor, &press, id, role, None).await
}

async fn make_head(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    (id, division): (i64, i64),
) -> HandlerResult {
    change_role(
        &bot,
        &q,
        &app,
        &actor,
        &press,
        id,
        Role::Head,
        Some(division),
    )
    .await
}

/// Gives a person a role (a head: with the division), tells them, and shows the result on
/// the pressed card.
#[allow(clippy::too_many_arguments)]
async fn change_role(
    bot: &TgBot,
    q: &CallbackQuery,
    app: &App,
    actor: &Actor,
    press: &Press,
    id: i64,
    role: Role,
    division: Option<i64>,
) -> HandlerResult {
    let i = &app.i18n;
    let lang = actor.lang;
    let division_name =
        match db::people::change_role(&app.pool, id, role, division, actor.id).await? {
            RoleChange::Done { division_name } => division_name,
            RoleChange::DivisionGone => {
                press.alert(tr!(i, lang, "division-gone")).await;
                return Ok(());
            }
            RoleChange::NoAccess => {
                press.note(tr!(i, lang, "button-stale")).await;
                return Ok(());
            }
        };
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
    ui::tell(bot, app, id, |l| {
        tr!(i, l, "your-role-changed", role = described(l))
    })
    .await;
    menu::refresh(bot, app, id, role).await;
    if role != Role::Admin {
        review::take_back(bot, app, id).await?;
    }
    if let Some(m) = q.regular_message() {
        if let Some((text, kb)) = person_card(app, lang, id).await? {
            let text = format!(
                "{text}\n\n{}",
                tr!(i, lang, "person-changed", role = described(lang))
            );
            if let Err(e) = ui::redraw(bot, m, text, kb).await {
                log::warn!("redrawing a person's card: {e}");
            }
        }
    }
    press.note(tr!(i, lang, "done")).await;
    Ok(())
}

/// `Сделать руководителем`: the divisions to choose from.
async fn choose_division(
    bot: TgBot,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    id: i64,
) -> HandlerResult {
    let i = &app.i18n;
    let lang = actor.lang;
    let Some(p) = db::people::get(&app.pool, id)
        .await?
        .filter(|p| p.role != Role::Stranger)
    else {
        press.note(tr!(i, lang, "button-stale")).await;
        return Ok(());
    };
    let divisions = db::divisions::list(&app.pool).await?;
    if divisions.is_empty() {
        press.alert(tr!(i, lang, "no-divisions-plain")).await;
        return Ok(());
    }
    let mut rows: Vec<Vec<InlineKeyboardButton>> = divisions
        .iter()
        .take(MAX_CHOICES)
        .map(|d| vec![btn(d.name.clone(), AdminCb::PersonDivision(id, d.id))])
        .collect();
    rows.push(vec![btn(tr!(i, lang, "btn-cancel"), AdminCb::Close)]);
    let text = tr!(i, lang, "choose-head-division", name = esc(&p.name));
    ui::send_kb(&bot, actor.chat(), text, InlineKeyboardMarkup::new(rows)).await?;
    Ok(())
}

/// `Отозвать доступ`: asks to confirm.
async fn ask_revoke(
    bot: TgBot,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    id: i64,
) -> HandlerResult {
    let i = &app.i18n;
    let lang = actor.lang;
    let Some(p) = db::people::get(&app.pool, id)
        .await?
        .filter(|p| p.role != Role::Stranger)
    else {
        press.note(tr!(i, lang, "button-stale")).await;
        return Ok(());
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
    ui::send_kb(&bot, actor.chat(), text, kb).await?;
    Ok(())
}

/// `Да, отозвать`.
async fn revoke(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    id: i64,
) -> HandlerResult {
    let i = &app.i18n;
    let lang = actor.lang;
    let Some(p) = db::people::get(&app.pool, id).await? else {
        press.note(tr!(i, lang, "button-stale")).await;
        return Ok(());
    };
    if !db::people::revoke_access(&app.pool, id, actor.id).await? {
        press.note(tr!(i, lang, "button-stale")).await;
        return Ok(());
    }
    log::info!("admin {} revoked the access of {id}", actor.id);
    let pending = db::people::pending_reports(&app.pool, id).await?;
    ui::tell(&bot, &app, id, |l| tr!(i, l, "your-access-revoked")).await;
    menu::refresh(&bot, &app, id, Role::Stranger).await;
    review::take_back(&bot, &app, id).await?;
    if let Some(m) = q.regular_message() {
        let text = tr!(
            i,
            lang,
            "revoked",
            name = esc(&p.name),
            pending = tr!(i, lang, "reports-count", count = pending)
        );
        ui::rewrite(&bot, m, text).await?;
    }
    press.note(tr!(i, lang, "done")).await;
    Ok(())
}
