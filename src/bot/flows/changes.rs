//! `/changes [xlsx|csv] FROM [TO]`: the accepted changes of the list in a period of local
//! dates (both inclusive, the end today by default) as a file, sent at once — for the
//! authorized persons and the viewers. An empty period is said, with no file.

use std::sync::Arc;

use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InputFile, ParseMode};

use crate::bot::access::overseers_only;
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::commands::Command;
use crate::bot::route::command;
use crate::bot::ui::{self, esc};
use crate::db;
use crate::export::changes::{self, Request, RequestError, DATE};
use crate::tr;

pub fn schema() -> UpdateHandler<HandlerError> {
    command().branch(
        case![Command::Changes(args)]
            .chain(overseers_only())
            .endpoint(changes_command),
    )
}

async fn changes_command(bot: TgBot, app: Arc<App>, actor: Actor, args: String) -> HandlerResult {
    let i = &app.i18n;
    let lang = actor.lang;
    let offset = app.schedule.offset;
    let req = match Request::parse(&args, changes::today(offset)) {
        Ok(r) => r,
        Err(e) => {
            let text = match e {
                RequestError::Usage => tr!(i, lang, "changes-usage"),
                RequestError::BadDate(t) => tr!(i, lang, "changes-bad-date", text = esc(&t)),
                RequestError::BadFormat(f) => {
                    tr!(i, lang, "changes-bad-format", format = esc(&f))
                }
                RequestError::TooMany => tr!(i, lang, "changes-too-many"),
                RequestError::Reversed { from, to } => tr!(
                    i,
                    lang,
                    "changes-reversed",
                    from = from.format(DATE).to_string(),
                    to = to.format(DATE).to_string()
                ),
            };
            ui::send(&bot, actor.chat(), text).await?;
            return Ok(());
        }
    };
    let (from_s, to_s) = (
        req.from.format(DATE).to_string(),
        req.to.format(DATE).to_string(),
    );
    let (from, to) = changes::bounds(req.from, req.to, offset);
    let found = db::versions::changes(&app.pool, from, to).await?;
    if found.is_empty() {
        let text = tr!(i, lang, "changes-none", from = from_s, to = to_s);
        ui::send(&bot, actor.chat(), text).await?;
        return Ok(());
    }
    let count = found.len();
    let table = changes::table(i, lang, offset, &req, &found);
    drop(found);
    let format = req.format;
    let bytes = tokio::task::spawn_blocking(move || changes::render(format, &table)).await??;
    let name = changes::file_name(i, lang, format, &req);
    let caption = tr!(
        i,
        lang,
        "changes-caption",
        from = from_s,
        to = to_s,
        changes = tr!(i, lang, "changes-count", count = count)
    );
    bot.send_document(actor.chat(), InputFile::memory(bytes).file_name(name))
        .caption(caption)
        .parse_mode(ParseMode::Html)
        .await?;
    log::info!(
        "changes ({count}, {}) sent to user {}",
        format.extension(),
        actor.id
    );
    Ok(())
}
