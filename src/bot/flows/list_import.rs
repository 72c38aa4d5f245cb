//! The existing list loaded from chat: an authorized person sends an XLSX or CSV in the
//! Order's appendix form (told apart from a Registry file by its header, in the trunk);
//! the bot reads every row, names the bad ones by the row a spreadsheet shows, or shows
//! what loading adds per direction and which rows already stand in the list, with a
//! button for the clients of rows the file is silent about; `Применить` loads all of it
//! or nothing (`db::list_import`).

use std::sync::Arc;

use chrono::Utc;
use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardMarkup;

use crate::bot::access::admin_only;
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::{CallbackData, ListImportCb};
use crate::bot::press::Press;
use crate::bot::route::{file_of, pressed, SentFile};
use crate::bot::ui::{self, esc};
use crate::db;
use crate::db::list_import::{Refused, Staged};
use crate::domain::{Clients, Lang};
use crate::i18n::I18n;
use crate::listfile::{self, FileKind, RowError};
use crate::tr;

pub fn schema() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(file_of(FileKind::List).endpoint(on_file))
        .branch(
            pressed().branch(
                case![CallbackData::ListImport(b)]
                    .chain(admin_only())
                    .branch(case![ListImportCb::Apply(id)].endpoint(apply_pressed))
                    .branch(case![ListImportCb::Discard(id)].endpoint(discard_pressed))
                    .branch(case![ListImportCb::Clients(id, clients)].endpoint(clients_pressed)),
            ),
        )
}

fn html(s: &str) -> String {
    esc(s)
}

/// The clients the button offers next, in turn.
fn next_clients(c: Clients) -> Clients {
    let all = Clients::ALL;
    let at = all.iter().position(|x| *x == c).unwrap_or(0);
    all[(at + 1) % all.len()]
}

fn preview(i: &I18n, lang: Lang, s: &Staged) -> (String, InlineKeyboardMarkup) {
    let text = listfile::describe_plan(i, lang, &s.file_name, s.rows, &s.plan, s.clients, &html);
    let id = s.upload_id;
    let mut first = vec![ui::button(
        tr!(i, lang, "btn-list-import-apply"),
        CallbackData::ListImport(ListImportCb::Apply(id)),
    )];
    if s.plan.defaulted > 0 {
        let next = next_clients(s.clients);
        first.push(ui::button(
            tr!(
                i,
                lang,
                "btn-list-import-clients",
                clients = i.label(lang, &format!("clients-{}", s.clients.code()))
            ),
            CallbackData::ListImport(ListImportCb::Clients(id, next)),
        ));
    }
    let kb = InlineKeyboardMarkup::new(vec![
        first,
        vec![ui::button(
            tr!(i, lang, "btn-list-import-discard"),
            CallbackData::ListImport(ListImportCb::Discard(id)),
        )],
    ]);
    (text, kb)
}

fn bad_rows(i: &I18n, lang: Lang, title: String, bad: &[RowError]) -> String {
    listfile::describe_rows(i, lang, title, bad, &html)
}

/// A list file from an authorized person.
async fn on_file(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    file: SentFile,
) -> HandlerResult {
    let lang = actor.lang;
    let i = &app.i18n;
    let Some(bytes) = file.bytes else {
        return Ok(());
    };
    let name = file.name.unwrap_or_else(|| "list".to_string());
    let parsed = tokio::task::spawn_blocking(move || listfile::parse(&bytes)).await?;
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => {
            let text = listfile::describe_error(i, lang, &e, &html);
            ui::send(&bot, msg.chat.id, text).await?;
            return Ok(());
        }
    };
    let now = Utc::now();
    let staged =
        match db::list_import::stage(&app.pool, Some(actor.id), &name, &parsed.rows, now).await? {
            Ok(s) => s,
            Err(bad) => {
                let title = tr!(i, lang, "list-import-error-rows", count = bad.len());
                ui::send(&bot, msg.chat.id, bad_rows(i, lang, title, &bad)).await?;
                return Ok(());
            }
        };
    log::info!(
        "admin {} sent a list file of {} rows (upload {}): {} to add, {} in the list",
        actor.id,
        staged.rows,
        staged.upload_id,
        staged.plan.adds.len(),
        staged.plan.skipped.len()
    );
    let (text, kb) = preview(i, lang, &staged);
    if staged.plan.adds.is_empty() {
        db::list_import::discard(&app.pool, staged.upload_id, Some(actor.id), now).await?;
        ui::send(&bot, msg.chat.id, text).await?;
        return Ok(());
    }
    ui::send_kb(&bot, msg.chat.id, text, kb).await?;
    Ok(())
}

/// What a refused press says: a line under the preview, or the press's answer.
async fn refused(bot: &TgBot, q: &CallbackQuery, app: &App, lang: Lang, press: &Press, r: Refused) {
    let i = &app.i18n;
    match r {
        Refused::NotFound => press.note(tr!(i, lang, "button-stale")).await,
        Refused::Decided(status) => {
            press
                .alert(tr!(i, lang, "list-import-decided", status = status))
                .await
        }
        Refused::Changed(bad) => {
            let title = tr!(i, lang, "list-import-changed");
            ui::close_with_reply(bot, q, bad_rows(i, lang, title, &bad)).await;
        }
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
        match db::list_import::apply(&app.pool, upload_id, Some(actor.id), Utc::now()).await? {
            Ok(a) => a,
            Err(r) => {
                refused(&bot, &q, &app, lang, &press, r).await;
                return Ok(());
            }
        };
    log::info!(
        "admin {} loaded list upload {upload_id}: {} rows added",
        actor.id,
        applied.row_ids.len()
    );
    press.note(tr!(i, lang, "done")).await;
    let summary = tr!(
        i,
        lang,
        "list-import-applied",
        file = esc(&applied.file_name),
        added = applied.row_ids.len(),
        skipped = applied.plan.skipped.len()
    );
    ui::close_with_reply(&bot, &q, summary).await;
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
    if !db::list_import::discard(&app.pool, upload_id, Some(actor.id), Utc::now()).await? {
        press.note(tr!(i, actor.lang, "button-stale")).await;
        return Ok(());
    }
    ui::close_with_reply(&bot, &q, tr!(i, actor.lang, "list-import-discarded")).await;
    Ok(())
}

/// `Клиенты: …` under a preview: the next choice for the rows the file is silent about.
async fn clients_pressed(
    bot: TgBot,
    q: CallbackQuery,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    (upload_id, clients): (i64, Clients),
) -> HandlerResult {
    let lang = actor.lang;
    let staged = match db::list_import::set_clients(&app.pool, upload_id, clients).await? {
        Ok(s) => s,
        Err(r) => {
            refused(&bot, &q, &app, lang, &press, r).await;
            return Ok(());
        }
    };
    let (text, kb) = preview(&app.i18n, lang, &staged);
    match q.regular_message() {
        Some(m) => ui::redraw(&bot, m, text, kb).await?,
        None => {
            ui::send_kb(&bot, actor.chat(), text, kb).await?;
        }
    }
    Ok(())
}
