//! Review (3.3): every report reaches every authorized person as a card with `Принять` and
//! `Отклонить`; a decision is one conditional write (see `db::review`), answered at once,
//! then every copy of the card shows who decided and when, and the reporter is told.
//! Also `/pending` (the queue) and `/history` (a row's versions).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, MessageId, ParseMode};

use super::card::{self, View};
use super::Answer;
use crate::bot::callback::CallbackData;
use crate::bot::state::{BotDialogue, State};
use crate::bot::ui::{self, esc};
use crate::bot::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::db;
use crate::db::requests::Request;
use crate::db::review::Outcome;
use crate::domain::touchpoint::{clean_text, TextProblem, MAX_REASON};
use crate::domain::{Action, Lang, RequestStatus, Role, TouchpointData};
use crate::tr;

/// At most this many cards are sent by one `/pending`.
const PENDING_CARDS: usize = 20;

fn when(t: DateTime<Utc>) -> String {
    t.format("%d.%m.%Y %H:%M UTC").to_string()
}

/// Every authorized person: from the settings and from the database.
pub async fn admin_ids(app: &App) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids: Vec<i64> = app.admins.iter().copied().collect();
    for p in db::people::with_role(&app.pool, Role::Admin).await? {
        ids.push(p.telegram_id);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

async fn lang_of(app: &App, id: i64) -> Lang {
    match db::people::get(&app.pool, id).await {
        Ok(Some(p)) => p.lang,
        _ => Lang::Ru,
    }
}

async fn name_of(app: &App, id: i64) -> String {
    match db::people::get(&app.pool, id).await {
        Ok(Some(p)) => p.name,
        _ => id.to_string(),
    }
}

/// A view of proposed data, its function looked up.
async fn view_of(app: &App, data: &TouchpointData) -> Result<View, sqlx::Error> {
    let function = db::functions::get(&app.pool, data.function_id)
        .await?
        .map(|f| (f.name, f.code, f.in_registry));
    Ok(View {
        direction: Some(data.direction),
        function,
        kind: Some(data.kind),
        channel: Some(data.channel),
        point: Some(data.point.clone()),
        needs: data.needs.iter().copied().collect(),
        other_need: data.other_need.clone(),
        features: Some(data.features.clone()),
        clients: Some(data.clients),
        little_used: data.little_used,
    })
}

/// The card of a request, as an authorized person sees it (HTML).
pub async fn card_text(app: &App, lang: Lang, r: &Request) -> Result<String, sqlx::Error> {
    let i = &app.i18n;
    let action = match r.action {
        Action::Add => tr!(i, lang, "action-add"),
        Action::Change => tr!(i, lang, "action-change"),
        Action::Exclude => tr!(i, lang, "action-exclude"),
    };
    let reporter = esc(r
        .reporter_name
        .as_deref()
        .unwrap_or(&r.reporter_id.to_string()));
    let row = match r.touchpoint_id {
        Some(id) => db::touchpoints::get(&app.pool, id).await?,
        None => None,
    };
    let body = match (r.action, &r.payload, &row) {
        (Action::Change, Some(new), Some(old)) => {
            card::diff_lines(app, lang, &View::of_row(old), &view_of(app, new).await?)
        }
        (_, Some(new), _) => card::lines(app, lang, &view_of(app, new).await?),
        (_, None, Some(old)) => {
            let reason = match (&r.reason_text, r.reason_kind) {
                (Some(t), _) => esc(t),
                (None, crate::domain::ReasonKind::Registry) => tr!(i, lang, "reason-registry"),
                _ => "—".into(),
            };
            format!(
                "{}\n{}",
                card::lines(app, lang, &View::of_row(old)),
                tr!(i, lang, "review-reason", reason = reason)
            )
        }
        _ => "—".into(),
    };
    Ok(tr!(
        i,
        lang,
        "review-card",
        id = r.id,
        action = action,
        name = reporter,
        division = esc(&r.division_name),
        sent = when(r.created_at),
        body = body
    ))
}

fn buttons(app: &App, lang: Lang, id: i64) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![vec![
        InlineKeyboardButton::callback(
            tr!(app.i18n, lang, "btn-accept"),
            CallbackData::Accept(id).encode(),
        ),
        InlineKeyboardButton::callback(
            tr!(app.i18n, lang, "btn-reject"),
            CallbackData::Reject(id).encode(),
        ),
    ]])
}

/// Sends a request's card to one authorized person and remembers the copy.
async fn send_card(bot: &TgBot, app: &App, chat: i64, r: &Request) -> HandlerResult {
    let lang = lang_of(app, chat).await;
    let text = card_text(app, lang, r).await?;
    let sent = ui::send_kb(bot, ChatId(chat), text.clone(), buttons(app, lang, r.id)).await?;
    db::review::add_card(&app.pool, r.id, chat, sent.id.0, &text).await?;
    Ok(())
}

/// A report was just sent: its card goes to every authorized person. A person the bot
/// cannot reach (never started it, blocked it) is logged; the rest still get theirs, and
/// `/pending` shows the queue at any time.
pub async fn announce(bot: &TgBot, app: &App, request_id: i64) -> HandlerResult {
    let Some(r) = db::requests::get(&app.pool, request_id).await? else {
        return Ok(());
    };
    for admin in admin_ids(app).await? {
        if let Err(e) = send_card(bot, app, admin, &r).await {
            log::warn!("card of request {request_id} to admin {admin}: {e}");
        }
    }
    Ok(())
}

/// The line under a decided card.
fn verdict(app: &App, lang: Lang, r: &Request, who: &str) -> String {
    let i = &app.i18n;
    let at = r.decided_at.map(when).unwrap_or_default();
    match r.status {
        RequestStatus::Accepted => tr!(i, lang, "review-accepted", name = esc(who), at = at),
        RequestStatus::Rejected => tr!(
            i,
            lang,
            "review-rejected",
            name = esc(who),
            at = at,
            reason = esc(r.decision_note.as_deref().unwrap_or("—"))
        ),
        RequestStatus::Withdrawn => tr!(i, lang, "review-withdrawn", at = at),
        RequestStatus::Pending => String::new(),
    }
}

/// Every copy of a request's card shows where it now stands and loses its buttons.
/// Returns the request as it now is.
pub async fn update_cards(
    bot: &TgBot,
    app: &App,
    request_id: i64,
    who: &str,
) -> Result<Option<Request>, HandlerError> {
    let Some(r) = db::requests::get(&app.pool, request_id).await? else {
        return Ok(None);
    };
    for (chat, msg, text) in db::review::cards(&app.pool, request_id).await? {
        let lang = lang_of(app, chat).await;
        let text = format!("{text}\n\n{}", verdict(app, lang, &r, who));
        let res = bot
            .edit_message_text(ChatId(chat), MessageId(msg), ui::fit(text))
            .parse_mode(ParseMode::Html)
            .await;
        if let Err(e) = ui::quiet_edit(res) {
            log::warn!("updating card of request {request_id} in chat {chat}: {e}");
        }
    }
    Ok(Some(r))
}

/// After a decision: every copy of the card shows it and loses its buttons; the reporter
/// is told. Failures are logged: the decision itself is already safe in the database.
async fn finish(bot: &TgBot, app: &App, request_id: i64, decider: &Actor) -> HandlerResult {
    let Some(r) = update_cards(bot, app, request_id, &decider.name).await? else {
        return Ok(());
    };
    if matches!(r.status, RequestStatus::Accepted | RequestStatus::Rejected) {
        let lang = lang_of(app, r.reporter_id).await;
        let text = match r.status {
            RequestStatus::Accepted => tr!(app.i18n, lang, "outcome-accepted", id = r.id),
            _ => tr!(
                app.i18n,
                lang,
                "outcome-rejected",
                id = r.id,
                reason = esc(r.decision_note.as_deref().unwrap_or("—"))
            ),
        };
        if let Err(e) = ui::send(bot, ChatId(r.reporter_id), text).await {
            log::warn!(
                "telling reporter {} about request {request_id}: {e}",
                r.reporter_id
            );
        }
    }
    Ok(())
}

/// Why a press was not a decision, in words for the presser.
fn refusal(app: &App, lang: Lang, o: &Outcome, who: Option<String>) -> Answer {
    let i = &app.i18n;
    match o {
        Outcome::Done { .. } => Answer::none(),
        Outcome::AlreadyDecided(r) => Answer::alert(match r.status {
            RequestStatus::Withdrawn => tr!(i, lang, "review-was-withdrawn", id = r.id),
            _ => tr!(
                i,
                lang,
                "review-already",
                id = r.id,
                name = who.unwrap_or_default()
            ),
        }),
        Outcome::NotFound => Answer::text(tr!(i, lang, "button-stale")),
        Outcome::Incomplete(_) => Answer::alert(tr!(i, lang, "review-incomplete")),
        Outcome::Duplicate(row) => Answer::alert(tr!(i, lang, "review-duplicate", row = *row)),
        Outcome::RowGone => Answer::alert(tr!(i, lang, "review-row-gone")),
        Outcome::ProcessChanged => Answer::alert(tr!(i, lang, "review-process-changed")),
    }
}

async fn decided_by(app: &App, o: &Outcome) -> Option<String> {
    match o {
        Outcome::AlreadyDecided(r) => match r.decided_by {
            Some(id) => Some(name_of(app, id).await),
            None => None,
        },
        _ => None,
    }
}

/// `Принять`: the presser must be an authorized person now. The query is answered as soon
/// as the decision is written, before the cards are updated.
pub async fn accept_pressed(
    bot: &TgBot,
    q: &CallbackQuery,
    app: &App,
    actor: &Actor,
    dialogue: &BotDialogue,
    id: i64,
) -> Result<Answer, HandlerError> {
    let lang = actor.lang;
    if actor.role != Role::Admin {
        return Ok(Answer::alert(tr!(app.i18n, lang, "only-admin")));
    }
    let outcome = db::review::accept(&app.pool, id, actor.id).await?;
    if !matches!(outcome, Outcome::Done { .. }) {
        return Ok(refusal(
            app,
            lang,
            &outcome,
            decided_by(app, &outcome).await,
        ));
    }
    log::info!("request {id} accepted by admin {}", actor.id);
    let answered = bot
        .answer_callback_query(q.id.clone())
        .text(tr!(app.i18n, lang, "review-done-accepted", id = id))
        .await;
    if let Err(e) = answered {
        log::warn!("answering the acceptance of request {id}: {e}");
    }
    // A reason asked for this request before is no longer needed.
    if let Ok(Some(State::RejectReason { request_id, .. })) = dialogue.get().await {
        if request_id == id {
            let _ = dialogue.exit().await;
        }
    }
    // The decision is safe; updating the cards only informs (failures are logged).
    if let Err(e) = finish(bot, app, id, actor).await {
        log::error!("after accepting request {id}: {e}");
    }
    Ok(Answer::answered())
}

/// `Отклонить`: asks for the reason; the decision is taken when it is given.
pub async fn reject_pressed(
    bot: &TgBot,
    q: &CallbackQuery,
    app: &App,
    actor: &Actor,
    dialogue: &BotDialogue,
    id: i64,
) -> Result<Answer, HandlerError> {
    let lang = actor.lang;
    if actor.role != Role::Admin {
        return Ok(Answer::alert(tr!(app.i18n, lang, "only-admin")));
    }
    let Some(r) = db::requests::get(&app.pool, id).await? else {
        return Ok(Answer::text(tr!(app.i18n, lang, "button-stale")));
    };
    if r.status != RequestStatus::Pending {
        let o = Outcome::AlreadyDecided(Box::new(r));
        return Ok(refusal(app, lang, &o, decided_by(app, &o).await));
    }
    let chat = q
        .regular_message()
        .map(|m| m.chat.id)
        .unwrap_or(ChatId(actor.id));
    let kb = InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback(
        tr!(app.i18n, lang, "btn-cancel"),
        CallbackData::Cancel.encode(),
    )]]);
    let sent = ui::send_kb(
        bot,
        chat,
        tr!(
            app.i18n,
            lang,
            "ask-reject-reason",
            id = id,
            max = MAX_REASON
        ),
        kb,
    )
    .await?;
    dialogue
        .update(State::RejectReason {
            request_id: id,
            card: Some(sent.id.0),
        })
        .await?;
    Ok(Answer::text(tr!(app.i18n, lang, "review-give-reason")))
}

/// The reason typed after `Отклонить`.
pub async fn reject_reason(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
    request_id: i64,
) -> HandlerResult {
    let lang = actor.lang;
    let i = &app.i18n;
    if actor.role != Role::Admin {
        dialogue.exit().await?;
        ui::send(&bot, msg.chat.id, tr!(i, lang, "only-admin")).await?;
        return Ok(());
    }
    let reason = match msg.text().map(|t| clean_text(t, MAX_REASON)) {
        Some(Ok(t)) => t,
        None => {
            ui::send(&bot, msg.chat.id, tr!(i, lang, "expected-text")).await?;
            return Ok(());
        }
        Some(Err(TextProblem::Empty)) => {
            ui::send(&bot, msg.chat.id, tr!(i, lang, "text-empty")).await?;
            return Ok(());
        }
        Some(Err(TextProblem::TooLong { max })) => {
            ui::send(&bot, msg.chat.id, tr!(i, lang, "text-too-long", max = max)).await?;
            return Ok(());
        }
    };
    let outcome = db::review::reject(&app.pool, request_id, actor.id, &reason).await?;
    dialogue.exit().await?;
    match outcome {
        Outcome::Done { .. } => {
            log::info!("request {request_id} rejected by admin {}", actor.id);
            ui::send(
                &bot,
                msg.chat.id,
                tr!(i, lang, "review-done-rejected", id = request_id),
            )
            .await?;
            finish(&bot, &app, request_id, &actor).await?;
        }
        other => {
            let who = decided_by(&app, &other).await.map(|w| esc(&w));
            let text = refusal(&app, lang, &other, who).text.unwrap_or_default();
            ui::send(&bot, msg.chat.id, text).await?;
        }
    }
    Ok(())
}

/// `/pending`: the queue, oldest first, each with its buttons.
pub async fn pending(bot: TgBot, msg: Message, app: Arc<App>, actor: Actor) -> HandlerResult {
    let lang = actor.lang;
    if actor.role != Role::Admin {
        return ui::send(&bot, msg.chat.id, tr!(app.i18n, lang, "only-admin"))
            .await
            .map(|_| ())
            .map_err(Into::into);
    }
    let queue = db::review::pending(&app.pool).await?;
    let count = tr!(app.i18n, lang, "reports-count", count = queue.len());
    ui::send(
        &bot,
        msg.chat.id,
        tr!(app.i18n, lang, "pending-title", count = count),
    )
    .await?;
    for r in queue.iter().take(PENDING_CARDS) {
        send_card(&bot, &app, msg.chat.id.0, r).await?;
    }
    if queue.len() > PENDING_CARDS {
        ui::send(
            &bot,
            msg.chat.id,
            tr!(
                app.i18n,
                lang,
                "pending-more",
                count = queue.len() - PENDING_CARDS
            ),
        )
        .await?;
    }
    Ok(())
}

/// `/history <row number or part of it>`: a row's versions, with who reported and who accepted.
pub async fn history(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    arg: String,
) -> HandlerResult {
    let lang = actor.lang;
    let i = &app.i18n;
    if actor.role != Role::Admin {
        ui::send(&bot, msg.chat.id, tr!(i, lang, "only-admin")).await?;
        return Ok(());
    }
    let arg = arg.trim();
    if arg.is_empty() {
        ui::send(&bot, msg.chat.id, tr!(i, lang, "history-usage")).await?;
        return Ok(());
    }
    if let Ok(id) = arg.trim_start_matches('№').parse::<i64>() {
        let text = history_text(&app, lang, id).await?;
        ui::send(&bot, msg.chat.id, text).await?;
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
        .take(20)
        .collect();
    if found.is_empty() {
        ui::send(
            &bot,
            msg.chat.id,
            tr!(i, lang, "search-none", text = esc(arg)),
        )
        .await?;
        return Ok(());
    }
    let rows = found
        .iter()
        .map(|r| {
            let label: String = format!("№{} {} — {}", r.id, r.division_name, r.data.point)
                .chars()
                .take(60)
                .collect();
            vec![InlineKeyboardButton::callback(
                label,
                CallbackData::History(r.id).encode(),
            )]
        })
        .collect::<Vec<_>>();
    ui::send_kb(
        &bot,
        msg.chat.id,
        tr!(i, lang, "history-choose"),
        InlineKeyboardMarkup::new(rows),
    )
    .await?;
    Ok(())
}

pub async fn history_pressed(
    bot: &TgBot,
    q: &CallbackQuery,
    app: &App,
    actor: &Actor,
    id: i64,
) -> Result<Answer, HandlerError> {
    if actor.role != Role::Admin {
        return Ok(Answer::alert(tr!(app.i18n, actor.lang, "only-admin")));
    }
    let chat = q
        .regular_message()
        .map(|m| m.chat.id)
        .unwrap_or(ChatId(actor.id));
    let text = history_text(app, actor.lang, id).await?;
    ui::send(bot, chat, text).await?;
    Ok(Answer::none())
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
            Some(id) => esc(&name_of(app, id).await),
            None => "—".into(),
        };
        let acceptor = match accepted_by {
            Some(id) => esc(&name_of(app, id).await),
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
