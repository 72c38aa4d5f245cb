//! Review (3.3): every report reaches every authorized person as a card with `Принять`,
//! `Отклонить` and `На доработку` (`ui::review`); a decision is one conditional write (see
//! `db::review`), answered at once, then every copy of the card shows who decided and when,
//! and the reporter is told. `На доработку` asks what to correct and sends the report back
//! to its author with an `Исправить` button (which the report flow opens as a draft), unless
//! the author can no longer report. Also `/pending`, the queue.

use std::sync::Arc;

use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use crate::bot::access::{admin_only, admin_only_step};
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::{CallbackData, DraftCb};
use crate::bot::commands::Command;
use crate::bot::press::Press;
use crate::bot::route::{command, message, pressed};
use crate::bot::state::{BotDialogue, State};
use crate::bot::ui::card::{self, View};
use crate::bot::ui::{self, esc, review};
use crate::db;
use crate::db::review::{CannotReport, Outcome};
use crate::domain::record::Part;
use crate::domain::touchpoint::{clean_text, TextProblem, MAX_REASON};
use crate::domain::{Lang, RequestStatus};
use crate::tr;

/// At most this many cards are sent by one `/pending`.
const PENDING_CARDS: usize = 20;

pub fn schema() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(
            command().branch(
                case![Command::Pending]
                    .chain(admin_only())
                    .endpoint(pending),
            ),
        )
        .branch(
            pressed()
                .branch(
                    case![CallbackData::Accept(id)]
                        .chain(admin_only())
                        .endpoint(accept),
                )
                .branch(
                    case![CallbackData::Reject(id)]
                        .chain(admin_only())
                        .endpoint(reject),
                )
                .branch(
                    case![CallbackData::RejectChanged(id)]
                        .chain(admin_only())
                        .endpoint(reject_changed),
                )
                .branch(
                    case![CallbackData::Return(id)]
                        .chain(admin_only())
                        .endpoint(return_ask),
                ),
        )
        .branch(
            message()
                .branch(
                    case![State::RejectReason { request_id, card }]
                        .chain(admin_only_step())
                        .endpoint(reason),
                )
                .branch(
                    case![State::ReturnNote { request_id, card }]
                        .chain(admin_only_step())
                        .endpoint(return_note),
                ),
        )
}

/// After a decision: every copy of the card shows it and loses its buttons; the reporter
/// is told. Failures are logged: the decision itself is already safe in the database.
async fn finish(bot: &TgBot, app: &App, request_id: i64, decider: &Actor) -> HandlerResult {
    let Some(r) = review::update_cards(bot, app, request_id, &decider.name).await? else {
        return Ok(());
    };
    if matches!(r.status, RequestStatus::Accepted | RequestStatus::Rejected) {
        let lang = app.lang_of(r.reporter_id).await;
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

/// Why a press was not a decision, in words for the presser, and whether it is an alert.
/// `html`: the words go into a message (a name in them is escaped), not a press's answer.
async fn refusal(app: &App, lang: Lang, o: &Outcome, html: bool) -> (String, bool) {
    let i = &app.i18n;
    match o {
        Outcome::Done { .. } => (String::new(), false),
        Outcome::AlreadyDecided(r) => (
            match r.status {
                RequestStatus::Withdrawn => tr!(i, lang, "review-was-withdrawn", id = r.id),
                _ => {
                    let who = match r.decided_by {
                        Some(id) => app.name_of(id).await,
                        None => String::new(),
                    };
                    let who = if html { esc(&who) } else { who };
                    tr!(i, lang, "review-already", id = r.id, name = who)
                }
            },
            true,
        ),
        Outcome::NotFound => (tr!(i, lang, "button-stale"), false),
        Outcome::Incomplete(_) => (tr!(i, lang, "review-incomplete"), true),
        Outcome::Duplicate(row) => (tr!(i, lang, "review-duplicate", row = *row), true),
        Outcome::RowGone => (tr!(i, lang, "review-row-gone"), true),
        Outcome::ProcessChanged => (tr!(i, lang, "review-process-changed"), true),
        Outcome::Conflict(parts) => (
            tr!(
                i,
                lang,
                "review-conflict",
                parts = parts_text(app, lang, parts)
            ),
            true,
        ),
        Outcome::AuthorCannotReport(CannotReport::NoAccess) => {
            (tr!(i, lang, "return-refused-access"), true)
        }
        Outcome::AuthorCannotReport(CannotReport::OtherDivision) => {
            (tr!(i, lang, "return-refused-division"), true)
        }
    }
}

/// The parts of a row, in words: «особенности, клиенты».
fn parts_text(app: &App, lang: Lang, parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| app.i18n.label(lang, &format!("part-{}", p.name())))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn answer_refusal(press: &Press, app: &App, lang: Lang, o: &Outcome) {
    match refusal(app, lang, o, false).await {
        (text, true) => press.alert(text).await,
        (text, false) => press.note(text).await,
    }
}

/// `Принять`. The press is answered as soon as the decision is written, before the cards
/// are updated.
async fn accept(
    bot: TgBot,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    dialogue: BotDialogue,
    state: State,
    id: i64,
) -> HandlerResult {
    let lang = actor.lang;
    let outcome = db::review::accept(&app.pool, id, actor.id).await?;
    if let Outcome::Conflict(parts) = &outcome {
        answer_refusal(&press, &app, lang, &outcome).await;
        return offer_rejection(&bot, &app, &actor, id, parts).await;
    }
    if !matches!(outcome, Outcome::Done { .. }) {
        answer_refusal(&press, &app, lang, &outcome).await;
        return Ok(());
    }
    log::info!("request {id} accepted by admin {}", actor.id);
    press
        .note(tr!(app.i18n, lang, "review-done-accepted", id = id))
        .await;
    // A reason asked for this request before is no longer needed.
    if let State::RejectReason { request_id, .. } = state {
        if request_id == id {
            dialogue.exit().await?;
        }
    }
    // The decision is safe; updating the cards only informs (failures are logged).
    if let Err(e) = finish(&bot, &app, id, &actor).await {
        log::error!("after accepting request {id}: {e}");
    }
    Ok(())
}

/// Accepting would undo a change accepted since the report: the row as it stands now, and
/// a button that rejects the report with a prepared reason.
async fn offer_rejection(
    bot: &TgBot,
    app: &App,
    actor: &Actor,
    id: i64,
    parts: &[Part],
) -> HandlerResult {
    let lang = actor.lang;
    let Some(r) = db::requests::get(&app.pool, id).await? else {
        return Ok(());
    };
    let Some(row) = r.touchpoint_id else {
        return Ok(());
    };
    let lines = match db::touchpoints::get(&app.pool, row).await? {
        Some(now) => card::lines(app, lang, &View::of_row(&now)),
        None => "—".into(),
    };
    let text = tr!(
        app.i18n,
        lang,
        "review-conflict-card",
        id = id,
        row = row,
        parts = parts_text(app, lang, parts),
        lines = lines
    );
    let kb = InlineKeyboardMarkup::new(vec![vec![ui::button(
        tr!(app.i18n, lang, "btn-reject-changed"),
        CallbackData::RejectChanged(id),
    )]]);
    ui::send_kb(bot, actor.chat(), text, kb).await?;
    Ok(())
}

/// `Отклонить: строка уже изменена`: rejected with the prepared reason, in the author's
/// language.
async fn reject_changed(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    id: i64,
) -> HandlerResult {
    let lang = actor.lang;
    let Some(r) = db::requests::get(&app.pool, id).await? else {
        press.note(tr!(app.i18n, lang, "button-stale")).await;
        return Ok(());
    };
    let reason = tr!(
        app.i18n,
        app.lang_of(r.reporter_id).await,
        "reason-row-changed"
    );
    let outcome = db::review::reject(&app.pool, id, actor.id, &reason).await?;
    if !matches!(outcome, Outcome::Done { .. }) {
        answer_refusal(&press, &app, lang, &outcome).await;
        return Ok(());
    }
    log::info!("request {id} rejected (row changed) by admin {}", actor.id);
    if let Some(m) = q.regular_message() {
        if let Err(e) = ui::drop_buttons(&bot, m).await {
            log::warn!("dropping the button of a conflict: {e}");
        }
    }
    press
        .note(tr!(app.i18n, lang, "review-done-rejected", id = id))
        .await;
    finish(&bot, &app, id, &actor).await
}

/// `Отклонить`: asks for the reason; the decision is taken when it is given.
async fn reject(
    bot: TgBot,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    dialogue: BotDialogue,
    id: i64,
) -> HandlerResult {
    let lang = actor.lang;
    let Some(_) = still_pending(&app, &press, lang, id).await? else {
        return Ok(());
    };
    let question = tr!(
        app.i18n,
        lang,
        "ask-reject-reason",
        id = id,
        max = MAX_REASON
    );
    let card = ask(&bot, &app, &actor, question).await?;
    dialogue
        .update(State::RejectReason {
            request_id: id,
            card,
        })
        .await?;
    press.note(tr!(app.i18n, lang, "review-give-reason")).await;
    Ok(())
}

/// The reason typed after `Отклонить`.
async fn reason(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
    (request_id, _card): (i64, Option<i32>),
) -> HandlerResult {
    let lang = actor.lang;
    let i = &app.i18n;
    let Some(reason) = typed(&bot, &app, &actor, &msg).await else {
        return Ok(());
    };
    let outcome = db::review::reject(&app.pool, request_id, actor.id, &reason).await?;
    dialogue.exit().await?;
    match outcome {
        Outcome::Done { .. } => {
            log::info!("request {request_id} rejected by admin {}", actor.id);
            ui::send(
                &bot,
                actor.chat(),
                tr!(i, lang, "review-done-rejected", id = request_id),
            )
            .await?;
            finish(&bot, &app, request_id, &actor).await?;
        }
        other => {
            let (text, _) = refusal(&app, lang, &other, true).await;
            ui::send(&bot, actor.chat(), text).await?;
        }
    }
    Ok(())
}

/// The report behind a decision button, while it is still pending; otherwise the press
/// is answered (gone: stale; decided: by whom) and there is nothing to do.
async fn still_pending(
    app: &App,
    press: &Press,
    lang: Lang,
    id: i64,
) -> Result<Option<db::requests::Request>, HandlerError> {
    let Some(r) = db::requests::get(&app.pool, id).await? else {
        press.note(tr!(app.i18n, lang, "button-stale")).await;
        return Ok(None);
    };
    if r.status != RequestStatus::Pending {
        let o = Outcome::AlreadyDecided(Box::new(r));
        answer_refusal(press, app, lang, &o).await;
        return Ok(None);
    }
    Ok(Some(r))
}

/// Asks the authorized person for a text (a reason, a note), with `Отмена`; returns the
/// question's message, which the dialogue remembers.
async fn ask(
    bot: &TgBot,
    app: &App,
    actor: &Actor,
    question: String,
) -> Result<Option<i32>, HandlerError> {
    let kb = InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback(
        tr!(app.i18n, actor.lang, "btn-cancel"),
        CallbackData::Cancel.encode(),
    )]]);
    let sent = ui::send_kb(bot, actor.chat(), question, kb).await?;
    Ok(Some(sent.id.0))
}

/// The typed answer to a question: the text cleaned, or what is wrong with it (told).
async fn typed(bot: &TgBot, app: &App, actor: &Actor, msg: &Message) -> Option<String> {
    let lang = actor.lang;
    let i = &app.i18n;
    let problem = match msg.text().map(|t| clean_text(t, MAX_REASON)) {
        Some(Ok(t)) => return Some(t),
        None => tr!(i, lang, "expected-text"),
        Some(Err(TextProblem::Empty)) => tr!(i, lang, "text-empty"),
        Some(Err(TextProblem::TooLong { max })) => tr!(i, lang, "text-too-long", max = max),
    };
    if let Err(e) = ui::send(bot, actor.chat(), problem).await {
        log::warn!("telling {} about their answer: {e}", actor.id);
    }
    None
}

/// `На доработку`: refused at once when the author can no longer report (the
/// authorized person is told why); otherwise asks what to correct.
async fn return_ask(
    bot: TgBot,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    dialogue: BotDialogue,
    id: i64,
) -> HandlerResult {
    let lang = actor.lang;
    let Some(r) = still_pending(&app, &press, lang, id).await? else {
        return Ok(());
    };
    let author_is_admin = app.admins.contains(&r.reporter_id);
    if let Some(why) = db::review::author_cannot_report(&app.pool, &r, author_is_admin).await? {
        answer_refusal(&press, &app, lang, &Outcome::AuthorCannotReport(why)).await;
        return Ok(());
    }
    let question = tr!(app.i18n, lang, "ask-return-note", id = id, max = MAX_REASON);
    let card = ask(&bot, &app, &actor, question).await?;
    dialogue
        .update(State::ReturnNote {
            request_id: id,
            card,
        })
        .await?;
    press.note(tr!(app.i18n, lang, "review-give-note")).await;
    Ok(())
}

/// What to correct, typed after `На доработку`: the report goes back to its author (one
/// conditional write with its audit record), every card shows it, and the author gets the
/// note with `Исправить`.
async fn return_note(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
    (request_id, _card): (i64, Option<i32>),
) -> HandlerResult {
    let lang = actor.lang;
    let i = &app.i18n;
    let Some(note) = typed(&bot, &app, &actor, &msg).await else {
        return Ok(());
    };
    let author_is_admin = match db::requests::get(&app.pool, request_id).await? {
        Some(r) => app.admins.contains(&r.reporter_id),
        None => false,
    };
    let outcome =
        db::review::send_back(&app.pool, request_id, actor.id, &note, author_is_admin).await?;
    dialogue.exit().await?;
    if !matches!(outcome, Outcome::Done { .. }) {
        let (text, _) = refusal(&app, lang, &outcome, true).await;
        ui::send(&bot, actor.chat(), text).await?;
        return Ok(());
    }
    log::info!(
        "request {request_id} returned for correction by admin {}",
        actor.id
    );
    ui::send(
        &bot,
        actor.chat(),
        tr!(i, lang, "review-done-returned", id = request_id),
    )
    .await?;
    // The return is safe; what follows only informs (failures are logged).
    let Some(r) = review::update_cards(&bot, &app, request_id, &actor.name).await? else {
        return Ok(());
    };
    let lang = app.lang_of(r.reporter_id).await;
    let text = tr!(
        i,
        lang,
        "outcome-returned",
        id = r.id,
        note = esc(r.decision_note.as_deref().unwrap_or("—"))
    );
    let kb = InlineKeyboardMarkup::new(vec![vec![ui::button(
        tr!(i, lang, "btn-rework"),
        CallbackData::OpenDraft(DraftCb::Rework(r.id), false),
    )]]);
    if let Err(e) = ui::send_kb(&bot, ChatId(r.reporter_id), text, kb).await {
        log::warn!(
            "telling reporter {} about returned request {request_id}: {e}",
            r.reporter_id
        );
    }
    Ok(())
}

/// `/pending`: the queue, oldest first, each with its buttons.
async fn pending(bot: TgBot, app: Arc<App>, actor: Actor) -> HandlerResult {
    let lang = actor.lang;
    let queue = db::review::pending(&app.pool).await?;
    let count = tr!(app.i18n, lang, "reports-count", count = queue.len());
    ui::send(
        &bot,
        actor.chat(),
        tr!(app.i18n, lang, "pending-title", count = count),
    )
    .await?;
    for r in queue.iter().take(PENDING_CARDS) {
        review::send_card(&bot, &app, actor.id, r).await?;
    }
    if queue.len() > PENDING_CARDS {
        ui::send(
            &bot,
            actor.chat(),
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
