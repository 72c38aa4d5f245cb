//! The Registry of processes (3.1) from chat: an authorized person sends a CSV or XLSX; the
//! bot checks every row, shows what will change and applies it on `Применить` (all or
//! nothing, see `db::registry`). Then actualization (5.1): each division's heads are asked
//! to exclude or move the rows under processes that left the Registry and to report the
//! touchpoints of processes added; `/registry` shows the authorized person what is still
//! outstanding.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Utc;
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, ParseMode};

use crate::bot::access::admin_only;
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::{CallbackData, RegistryCb};
use crate::bot::commands::Command;
use crate::bot::press::Press;
use crate::bot::route::{command, file_of, pressed, SentFile};
use crate::bot::ui::{self, esc};
use crate::db;
use crate::db::divisions::name_key;
use crate::db::registry::Refused;
use crate::domain::{Lang, Role};
use crate::listfile::FileKind;
use crate::registry::{self, Plan};
use crate::tr;

pub fn schema() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(
            command().branch(
                case![Command::Registry]
                    .chain(admin_only())
                    .endpoint(registry),
            ),
        )
        // A file from an authorized person that is not the list is a Registry of
        // processes (3.1).
        .branch(file_of(FileKind::Other).endpoint(on_document))
        .branch(
            pressed().branch(
                case![CallbackData::Registry(b)]
                    .chain(admin_only())
                    .branch(case![RegistryCb::Apply(id)].endpoint(apply_pressed))
                    .branch(case![RegistryCb::Discard(id)].endpoint(discard_pressed)),
            ),
        )
}

fn html(s: &str) -> String {
    esc(s)
}

/// A document from an authorized person: a Registry file.
async fn on_document(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    file: SentFile,
) -> HandlerResult {
    let lang = actor.lang;
    let i = &app.i18n;
    let Some(bytes) = file.bytes.filter(|b| b.len() <= registry::MAX_BYTES) else {
        let text = tr!(
            i,
            lang,
            "registry-file-too-large",
            mb = registry::MAX_BYTES / (1024 * 1024)
        );
        ui::send(&bot, msg.chat.id, text).await?;
        return Ok(());
    };
    let file_name = file.name.unwrap_or_else(|| "registry".to_string());
    let parsed = tokio::task::spawn_blocking(move || registry::parse(&bytes)).await?;
    let entries = match parsed {
        Ok(e) => e,
        Err(e) => {
            let text = registry::describe_error(i, lang, &e, &html);
            ui::send(&bot, msg.chat.id, text).await?;
            return Ok(());
        }
    };
    let now = Utc::now();
    let staged = db::registry::stage(&app.pool, Some(actor.id), &file_name, &entries, now).await?;
    log::info!(
        "admin {} sent a Registry file of {} entries (upload {})",
        actor.id,
        entries.len(),
        staged.upload_id
    );
    let text = registry::describe_plan(i, lang, &file_name, entries.len(), &staged.plan, &html);
    if staged.plan.is_empty() {
        db::registry::discard(&app.pool, staged.upload_id, Some(actor.id), now).await?;
        ui::send(&bot, msg.chat.id, text).await?;
        return Ok(());
    }
    let kb = InlineKeyboardMarkup::new(vec![vec![
        InlineKeyboardButton::callback(
            tr!(i, lang, "btn-registry-apply"),
            CallbackData::Registry(RegistryCb::Apply(staged.upload_id)).encode(),
        ),
        InlineKeyboardButton::callback(
            tr!(i, lang, "btn-registry-discard"),
            CallbackData::Registry(RegistryCb::Discard(staged.upload_id)).encode(),
        ),
    ]]);
    ui::send_kb(&bot, msg.chat.id, text, kb).await?;
    Ok(())
}

/// Drops the buttons of the pressed preview, keeping its text, and adds a line under it.
async fn close_preview(bot: &TgBot, q: &CallbackQuery, line: String) {
    let Some(m) = q.regular_message() else {
        return;
    };
    // The preview as sent is not kept: the line goes in a reply, and the buttons go.
    if let Err(e) = ui::drop_buttons(bot, m).await {
        log::warn!("dropping the buttons of a Registry preview: {e}");
    }
    if let Err(e) = bot
        .send_message(m.chat.id, ui::fit(line))
        .parse_mode(ParseMode::Html)
        .reply_parameters(teloxide::types::ReplyParameters::new(m.id))
        .await
    {
        log::warn!("answering a Registry preview: {e}");
    }
}

/// `Применить` under a preview.
async fn apply_pressed(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    upload_id: i64,
) -> HandlerResult {
    let i = &app.i18n;
    let lang = actor.lang;
    let applied =
        match db::registry::apply(&app.pool, upload_id, Some(actor.id), Utc::now()).await? {
            Ok(a) => a,
            Err(Refused::NotFound) => {
                press.note(tr!(i, lang, "button-stale")).await;
                return Ok(());
            }
            Err(Refused::Decided(status)) => {
                press
                    .alert(tr!(i, lang, "registry-decided", status = status))
                    .await;
                return Ok(());
            }
            Err(Refused::Stale) => {
                close_preview(&bot, &q, tr!(i, lang, "registry-stale")).await;
                press.alert(tr!(i, lang, "registry-stale")).await;
                return Ok(());
            }
        };
    log::info!("admin {} applied Registry upload {upload_id}", actor.id);
    press.note(tr!(i, lang, "done")).await;
    let p = &applied.plan;
    let summary = tr!(
        i,
        lang,
        "registry-applied",
        added = p.added.len(),
        returned = p.returned.len(),
        updated = p.updated.len(),
        removed = p.removed.len(),
        divisions = p.new_divisions.len()
    );
    close_preview(&bot, &q, summary).await;
    if let Err(e) = ask_heads(&bot, &app, p, &applied.divisions).await {
        log::error!("asking the heads after Registry upload {upload_id}: {e}");
    }
    Ok(())
}

/// `Отменить` under a preview.
async fn discard_pressed(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    upload_id: i64,
) -> HandlerResult {
    let i = &app.i18n;
    let lang = actor.lang;
    if !db::registry::discard(&app.pool, upload_id, Some(actor.id), Utc::now()).await? {
        press.note(tr!(i, lang, "button-stale")).await;
        return Ok(());
    }
    close_preview(&bot, &q, tr!(i, lang, "registry-discarded")).await;
    Ok(())
}

/// What one division is asked after an import.
#[derive(Default)]
struct Asks {
    /// (code, name, rows) of processes that left the Registry with rows.
    removed: Vec<(String, String, i64)>,
    /// (code, name) of processes now in the Registry for this division.
    added: Vec<(String, String)>,
}

/// Actualization (5.1): every head of a division concerned gets one message with what to
/// do. Failures to reach a head are logged: `/registry` shows the authorized person what
/// is outstanding at any time.
async fn ask_heads(
    bot: &TgBot,
    app: &App,
    p: &Plan,
    divisions: &std::collections::HashMap<String, i64>,
) -> HandlerResult {
    let mut asks: BTreeMap<i64, Asks> = BTreeMap::new();
    for e in p.removed.iter().filter(|e| e.rows > 0) {
        asks.entry(e.division_id).or_default().removed.push((
            e.code.clone(),
            e.name.clone(),
            e.rows,
        ));
    }
    let division_of = |name: &str| divisions.get(&name_key(name)).copied();
    for e in &p.added {
        if let Some(d) = division_of(&e.division) {
            asks.entry(d)
                .or_default()
                .added
                .push((e.code.clone(), e.name.clone()));
        }
    }
    for u in p
        .returned
        .iter()
        .chain(p.updated.iter().filter(|u| u.division_changed()))
    {
        if let Some(d) = division_of(&u.new.division) {
            asks.entry(d)
                .or_default()
                .added
                .push((u.new.code.clone(), u.new.name.clone()));
        }
    }
    if asks.is_empty() {
        return Ok(());
    }
    let heads = db::people::members(&app.pool).await?;
    for (division, ask) in asks {
        for head in heads
            .iter()
            .filter(|h| h.role == Role::Head && h.division_id == Some(division))
        {
            let text = ask_text(app, head.lang, &ask);
            if let Err(e) = ui::send(bot, ChatId(head.telegram_id), text).await {
                log::warn!(
                    "asking head {} to bring the list up to date: {e}",
                    head.telegram_id
                );
            }
        }
    }
    Ok(())
}

fn ask_text(app: &App, lang: Lang, ask: &Asks) -> String {
    let i = &app.i18n;
    let mut parts = vec![];
    if !ask.removed.is_empty() {
        let mut lines = vec![tr!(i, lang, "actual-removed")];
        lines.extend(ask.removed.iter().map(|(code, name, rows)| {
            tr!(
                i,
                lang,
                "actual-removed-item",
                code = esc(code),
                name = esc(name),
                rows = *rows
            )
        }));
        lines.push(tr!(i, lang, "actual-removed-hint"));
        parts.push(lines.join("\n"));
    }
    if !ask.added.is_empty() {
        let mut lines = vec![tr!(i, lang, "actual-added")];
        lines.extend(ask.added.iter().map(|(code, name)| {
            tr!(
                i,
                lang,
                "actual-added-item",
                code = esc(code),
                name = esc(name)
            )
        }));
        lines.push(tr!(i, lang, "actual-added-hint"));
        parts.push(lines.join("\n"));
    }
    ui::fit(parts.join("\n\n"))
}

/// `/registry`: the Registry's state and what it leaves outstanding (5.1).
async fn registry(bot: TgBot, msg: Message, app: Arc<App>, actor: Actor) -> HandlerResult {
    let lang = actor.lang;
    let i = &app.i18n;
    let have = db::registry::existing(&app.pool).await?;
    let removed_count = have.iter().filter(|e| e.removed).count();
    let mut lines = vec![tr!(
        i,
        lang,
        "registry-status",
        active = have.len() - removed_count,
        removed = removed_count
    )];
    let removed = db::registry::removed_with_rows(&app.pool).await?;
    let lacking = db::registry::without_rows(&app.pool).await?;
    const SHOWN: usize = 30;
    if !removed.is_empty() {
        lines.push(String::new());
        lines.push(tr!(
            i,
            lang,
            "outstanding-removed-title",
            count = removed.len()
        ));
        lines.extend(removed.iter().take(SHOWN).map(|o| {
            tr!(
                i,
                lang,
                "outstanding-removed-item",
                division = esc(&o.division),
                code = esc(o.code.as_deref().unwrap_or("—")),
                name = esc(&o.name),
                rows = o.rows
            )
        }));
        if removed.len() > SHOWN {
            lines.push(tr!(i, lang, "registry-more", count = removed.len() - SHOWN));
        }
    }
    if !lacking.is_empty() {
        lines.push(String::new());
        lines.push(tr!(
            i,
            lang,
            "outstanding-added-title",
            count = lacking.len()
        ));
        lines.extend(lacking.iter().take(SHOWN).map(|o| {
            tr!(
                i,
                lang,
                "outstanding-added-item",
                division = esc(&o.division),
                code = esc(o.code.as_deref().unwrap_or("—")),
                name = esc(&o.name)
            )
        }));
        if lacking.len() > SHOWN {
            lines.push(tr!(i, lang, "registry-more", count = lacking.len() - SHOWN));
        }
    }
    if removed.is_empty() && lacking.is_empty() {
        lines.push(String::new());
        lines.push(tr!(i, lang, "outstanding-none"));
    }
    lines.push(String::new());
    lines.push(tr!(i, lang, "registry-how"));
    ui::send(&bot, msg.chat.id, ui::fit(lines.join("\n"))).await?;
    Ok(())
}
