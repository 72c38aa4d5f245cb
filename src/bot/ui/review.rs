//! A report's card as the authorized persons see it, shared by the flows that send it
//! (a report sent, `/pending`) and those that close it (a decision, a withdrawal): every
//! copy sent is remembered, so that every copy shows the outcome and loses its buttons.

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, MessageId, ParseMode};

use super::card::{self, view_of, View};
use super::{esc, when};
use crate::bot::app::{App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::CallbackData;
use crate::db;
use crate::db::requests::Request;
use crate::domain::{Action, Lang, RequestStatus};
use crate::tr;

/// The card of a request, as an authorized person sees it (HTML).
pub async fn card_text(app: &App, lang: Lang, r: &Request) -> Result<String, sqlx::Error> {
    let i = &app.i18n;
    let action = super::action_label(app, lang, r.action);
    let reporter = esc(r
        .reporter_name
        .as_deref()
        .unwrap_or(&r.reporter_id.to_string()));
    let row = match r.touchpoint_id {
        Some(id) => db::touchpoints::get(&app.pool, id).await?,
        None => None,
    };
    let proposed = proposed(app, r).await?;
    let body = match (r.action, &proposed, &row) {
        (Action::Change, Some(new), Some(old)) => {
            card::diff_lines(app, lang, &View::of_row(old), new)
        }
        (_, Some(new), _) => card::lines(app, lang, new),
        (_, None, Some(old)) => format!(
            "{}\n{}",
            card::lines(app, lang, &View::of_row(old)),
            tr!(i, lang, "review-reason", reason = reason(app, lang, r))
        ),
        _ => "—".into(),
    };
    let mut head = vec![];
    if let (Some(version), Some(row)) = (r.restores_version, r.touchpoint_id) {
        head.push(match r.action {
            Action::Add => tr!(i, lang, "review-restore-back", row = row, version = version),
            _ => tr!(i, lang, "review-restore", row = row, version = version),
        });
    }
    if let Some(previous) = r.previous_id {
        head.push(resent(app, lang, r, previous).await?);
    }
    head.push(body);
    let body = head.join("\n\n");
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

/// What a report proposes; a function typed by the reporter is not in the Registry yet.
async fn proposed(app: &App, r: &Request) -> Result<Option<View>, sqlx::Error> {
    Ok(match &r.payload {
        Some(data) => {
            let mut v = view_of(app, data).await?;
            if let Some(name) = &r.typed_function {
                v.function = Some((name.clone(), None, false));
            }
            Some(v)
        }
        None => None,
    })
}

/// An exclusion's reason, in words (HTML).
fn reason(app: &App, lang: Lang, r: &Request) -> String {
    match (&r.reason_text, r.reason_kind) {
        (Some(t), _) => esc(t),
        (None, crate::domain::ReasonKind::Registry) => tr!(app.i18n, lang, "reason-registry"),
        _ => "—".into(),
    }
}

/// «Повторно, после доработки отчёта №N»: the note it was returned with, and what changed
/// since that version of the report.
async fn resent(app: &App, lang: Lang, r: &Request, previous: i64) -> Result<String, sqlx::Error> {
    let i = &app.i18n;
    let Some(p) = db::requests::get(&app.pool, previous).await? else {
        return Ok(tr!(i, lang, "review-resent", id = previous, note = "—"));
    };
    let note = esc(p.decision_note.as_deref().unwrap_or("—"));
    let changes = match (proposed(app, &p).await?, proposed(app, r).await?) {
        (Some(old), Some(new)) => card::changed_lines(app, lang, &old, &new),
        _ => {
            let (old, new) = (reason(app, lang, &p), reason(app, lang, r));
            (old != new).then(|| {
                tr!(
                    i,
                    lang,
                    "review-reason",
                    reason = format!("<s>{old}</s> → <u>{new}</u>")
                )
            })
        }
    };
    let changes = match changes {
        Some(lines) => tr!(i, lang, "review-resent-changes", lines = lines),
        None => tr!(i, lang, "review-resent-same"),
    };
    Ok(format!(
        "{}\n{changes}",
        tr!(i, lang, "review-resent", id = previous, note = note)
    ))
}

fn buttons(app: &App, lang: Lang, id: i64) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(vec![
        vec![
            InlineKeyboardButton::callback(
                tr!(app.i18n, lang, "btn-accept"),
                CallbackData::Accept(id).encode(),
            ),
            InlineKeyboardButton::callback(
                tr!(app.i18n, lang, "btn-reject"),
                CallbackData::Reject(id).encode(),
            ),
        ],
        vec![InlineKeyboardButton::callback(
            tr!(app.i18n, lang, "btn-return"),
            CallbackData::Return(id).encode(),
        )],
    ])
}

/// Sends a request's card to one authorized person and remembers the copy.
pub async fn send_card(bot: &TgBot, app: &App, chat: i64, r: &Request) -> HandlerResult {
    let lang = app.lang_of(chat).await;
    let text = card_text(app, lang, r).await?;
    let sent = super::send_kb(bot, ChatId(chat), text.clone(), buttons(app, lang, r.id)).await?;
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
    for admin in app.admin_ids().await? {
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
        RequestStatus::Returned => tr!(
            i,
            lang,
            "review-returned",
            name = esc(who),
            at = at,
            note = esc(r.decision_note.as_deref().unwrap_or("—"))
        ),
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
    let admins = app.admin_ids().await?;
    for (chat, msg, text) in db::review::cards(&app.pool, request_id).await? {
        if admins.binary_search(&chat).is_err() {
            // No longer an authorized person (removed from the settings, say): their copy
            // is not told the decision; it only loses its buttons, and is forgotten.
            if let Err(e) = super::quiet_edit(
                bot.edit_message_reply_markup(ChatId(chat), MessageId(msg))
                    .await,
            ) {
                log::warn!(
                    "taking the buttons off card of request {request_id} in chat {chat}: {e}"
                );
            }
            db::review::forget_card(&app.pool, chat, msg).await?;
            continue;
        }
        let lang = app.lang_of(chat).await;
        let text = format!("{text}\n\n{}", verdict(app, lang, &r, who));
        let res = bot
            .edit_message_text(ChatId(chat), MessageId(msg), super::fit(text))
            .parse_mode(ParseMode::Html)
            .await;
        if let Err(e) = super::quiet_edit(res) {
            log::warn!("updating card of request {request_id} in chat {chat}: {e}");
        }
    }
    Ok(Some(r))
}

/// A person stopped being an authorized person: the cards in their chat are no longer
/// updated, and those still waiting for a decision lose their buttons.
pub async fn take_back(bot: &TgBot, app: &App, chat: i64) -> HandlerResult {
    for msg in db::review::forget_cards_in(&app.pool, chat).await? {
        if let Err(e) = super::quiet_edit(
            bot.edit_message_reply_markup(ChatId(chat), MessageId(msg))
                .await,
        ) {
            log::warn!("taking the buttons off a card in chat {chat}: {e}");
        }
    }
    Ok(())
}
