//! Reporting: `/new`, `/change` and `/exclude` — one dialogue with shared steps. A draft
//! collects the columns step by step; the summary shows them as they will stand in the
//! list; `Отправить` makes a pending change request in one transaction with its audit
//! record and the end of the dialogue.
//!
//! Every step is a question on one message (the draft's `card`); a press on any other
//! message is stale. After each answer the next step is computed from what the draft still
//! lacks (`Draft::next_step`), so re-entering one field from the summary needs no special
//! path.
//!
//! Here: the schema, the entry points and moving from step to step; `screen` draws a
//! step's question, `steps` takes the answers (typed or pressed), `submit` sends the
//! report; `open` opens a draft from a report returned for correction or from a version
//! of a row. The draft and its pure step logic are in `domain::draft`.

mod open;
mod screen;
mod steps;
mod submit;

use std::sync::Arc;

use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardButton;

use crate::bot::access::{reporters_only, reporters_only_step};
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::{CallbackData, ReportCb};
use crate::bot::commands::Command;
use crate::bot::press::Press;
use crate::bot::route::{command, message, pressed};
use crate::bot::state::{BotDialogue, Draft, Mode, State, Step};
use crate::bot::ui;
use crate::db;
use crate::domain::{Channel, Clients, Direction, Role, RowStatus, TouchpointData};
use crate::tr;

pub fn schema() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(
            command()
                .branch(case![Command::New].chain(reporters_only()).endpoint(
                    |bot, app, actor, dialogue, press| {
                        begin(bot, app, actor, dialogue, press, Mode::New)
                    },
                ))
                .branch(case![Command::Change].chain(reporters_only()).endpoint(
                    |bot, app, actor, dialogue, press| {
                        begin(bot, app, actor, dialogue, press, Mode::Change)
                    },
                ))
                .branch(case![Command::Exclude].chain(reporters_only()).endpoint(
                    |bot, app, actor, dialogue, press| {
                        begin(bot, app, actor, dialogue, press, Mode::Exclude)
                    },
                )),
        )
        .branch(
            pressed()
                .branch(
                    case![State::Report(draft)]
                        .branch(
                            case![CallbackData::Cancel]
                                .chain(reporters_only_step())
                                .endpoint(steps::cancel),
                        )
                        .branch(
                            case![CallbackData::Report(b)]
                                .chain(reporters_only_step())
                                .endpoint(steps::on_button),
                        ),
                )
                // `Отправить` on a card whose dialogue is over: the same update delivered
                // again, or a second tap, finds the report the first one made.
                .branch(
                    case![CallbackData::Report(b)]
                        .filter(|b: ReportCb| b == ReportCb::Send)
                        .endpoint(submit::already_sent),
                )
                // `Исправить`, `Восстановить эту версию`, and the question whether to
                // replace the draft under way.
                .branch(
                    case![CallbackData::OpenDraft(target, replace)]
                        .chain(reporters_only())
                        .endpoint(open::open),
                )
                .branch(case![CallbackData::KeepDraft].endpoint(open::keep)),
        )
        .branch(
            message().branch(
                case![State::Report(draft)]
                    .chain(reporters_only_step())
                    .endpoint(steps::on_message),
            ),
        )
}

/// Buttons per page in long lists.
const PAGE: usize = 8;

/// What a handler needs to talk to one person.
struct Ctx<'a> {
    bot: &'a TgBot,
    app: &'a App,
    actor: &'a Actor,
    dialogue: &'a BotDialogue,
    press: &'a Press,
}

impl<'a> Ctx<'a> {
    fn new(
        bot: &'a TgBot,
        app: &'a App,
        actor: &'a Actor,
        dialogue: &'a BotDialogue,
        press: &'a Press,
    ) -> Self {
        Ctx {
            bot,
            app,
            actor,
            dialogue,
            press,
        }
    }

    /// The person's private chat, where the report is made.
    fn chat(&self) -> ChatId {
        self.actor.chat()
    }

    fn lang(&self) -> crate::domain::Lang {
        self.actor.lang
    }

    async fn say(&self, text: String) -> HandlerResult {
        ui::send(self.bot, self.chat(), text).await?;
        Ok(())
    }

    async fn save(&self, d: &Draft) -> HandlerResult {
        self.dialogue
            .update(State::Report(Box::new(d.clone())))
            .await?;
        Ok(())
    }
}

fn btn(label: impl Into<String>, data: impl Into<CallbackData>) -> InlineKeyboardButton {
    ui::button(label, data.into())
}

fn cancel_row(app: &App, lang: crate::domain::Lang) -> Vec<InlineKeyboardButton> {
    vec![btn(tr!(app.i18n, lang, "btn-cancel"), CallbackData::Cancel)]
}

/// One button a row, a page of them, with ◀ ▶ when there is more.
fn paged(
    app: &App,
    lang: crate::domain::Lang,
    items: Vec<InlineKeyboardButton>,
    page: u16,
) -> Vec<Vec<InlineKeyboardButton>> {
    ui::paged(&app.i18n, lang, items, page, PAGE, |p| {
        CallbackData::Report(ReportCb::Page(p))
    })
}
// ---------------------------------------------------------------------------------------
// Entry points.

/// `/new`, `/change`, `/exclude` (the person may report: the gate). Any draft under way
/// was dropped when the command arrived (`route`).
async fn begin(
    bot: TgBot,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
    press: Press,
    mode: Mode,
) -> HandlerResult {
    let ctx = Ctx::new(&bot, &app, &actor, &dialogue, &press);
    let d = Draft {
        mode,
        division_id: if actor.role == Role::Head {
            actor.division_id
        } else {
            None
        },
        ..Default::default()
    };
    if mode != Mode::New {
        if let Some(division) = d.division_id {
            if db::touchpoints::list_active(
                &app.pool,
                db::touchpoints::Filter {
                    direction: None,
                    division_id: Some(division),
                },
            )
            .await?
            .is_empty()
            {
                return ctx.say(tr!(app.i18n, actor.lang, "no-rows")).await;
            }
        }
    }
    if actor.role == Role::Admin && db::divisions::list(&app.pool).await?.is_empty() {
        return ctx.say(tr!(app.i18n, actor.lang, "no-divisions")).await;
    }
    advance(&ctx, d).await
}

// ---------------------------------------------------------------------------------------
// Moving on.

/// Whether the draft's point already stands under its function (3.7): as a row of the
/// list, or in a report still waiting for a decision (under the same function, or under
/// a function typed by the same name).
async fn find_duplicate(
    app: &App,
    d: &Draft,
) -> Result<Option<(Option<i64>, Option<i64>)>, sqlx::Error> {
    if d.mode == Mode::Exclude {
        return Ok(None);
    }
    let (Some(kind), Some(point)) = (d.kind, d.point.as_deref()) else {
        return Ok(None);
    };
    // The key needs only the function, the kind and the point.
    let data = TouchpointData {
        direction: d.direction.unwrap_or(Direction::Appeals),
        function_id: d.function_id.unwrap_or_default(),
        kind,
        channel: d.channel.unwrap_or(Channel::Digital),
        point: point.to_string(),
        needs: Default::default(),
        other_need: None,
        features: None,
        clients: Clients::External,
        little_used: false,
    };
    let pending = match (d.function_id, &d.function_name, d.division_id) {
        (Some(function_id), _, _) => {
            if let Some(row) =
                db::touchpoints::find_same_point(&app.pool, function_id, kind, point).await?
            {
                if Some(row) != d.row_id {
                    return Ok(Some((Some(row), None)));
                }
            }
            db::requests::pending_same_point(&app.pool, &data, d.row_id, d.rework_of).await?
        }
        (None, Some(name), Some(division)) => {
            db::requests::pending_same_typed_point(&app.pool, division, &data, name, d.rework_of)
                .await?
        }
        _ => None,
    };
    Ok(pending.map(|r| (None, Some(r))))
}

/// Moves to the next step (or to the duplicate warning) and asks its question.
async fn advance(ctx: &Ctx<'_>, mut d: Draft) -> HandlerResult {
    d.page = 0;
    d.duplicate_row = None;
    d.duplicate_request = None;
    match find_duplicate(ctx.app, &d).await? {
        Some((row, request)) => {
            d.step = Step::Duplicate;
            d.duplicate_row = row;
            d.duplicate_request = request;
        }
        None => d.step = d.next_step(),
    }
    prompt(ctx, d).await
}

/// Sends the current step's question as a new message and remembers it as the card.
async fn prompt(ctx: &Ctx<'_>, mut d: Draft) -> HandlerResult {
    let (text, kb) = screen::screen(ctx, &d).await?;
    let sent = ui::send_kb(ctx.bot, ctx.chat(), text, kb).await?;
    d.card = Some(sent.id.0);
    ctx.save(&d).await
}

/// Redraws the current card in place (a page turned, a need toggled). The press is taken
/// (answered) while the card is edited; the step is saved once the card shows it (a card
/// that could not be edited leaves the draft as the card shows it).
async fn redraw(ctx: &Ctx<'_>, d: &Draft, card: &Message) -> HandlerResult {
    let (text, kb) = screen::screen(ctx, d).await?;
    let (_, edited) = tokio::join!(ctx.press.ack(), ui::redraw(ctx.bot, card, text, kb));
    edited?;
    ctx.save(d).await
}

/// Closes a card: its buttons go, and the choice made is written under its question. The
/// press is taken (answered) while the card is edited: a choice accepted has nothing more
/// to say, and the person's spinner stops as the card changes.
async fn close_card(ctx: &Ctx<'_>, q: &CallbackQuery, choice: &str) {
    let Some(m) = q.regular_message() else { return };
    // Plain text (no parse mode): cut by characters, leaving room for the choice.
    let question: String = m.text().unwrap_or_default().chars().take(3000).collect();
    let choice: String = choice.chars().take(900).collect();
    let text = format!("{question}\n\n✅ {choice}");
    if m.text() == Some(text.as_str()) && m.reply_markup().is_none() {
        return;
    }
    // Sent as plain text: the question's formatting is not kept, and the choice is the
    // person's own words, so nothing needs escaping.
    let (_, edited) = tokio::join!(ctx.press.ack(), async {
        ctx.bot.edit_message_text(ctx.chat(), m.id, text).await
    });
    if let Err(e) = edited {
        log::debug!("closing a card: {e}");
    }
}

/// The row being changed or excluded, if it is still in the list and in the draft's division.
async fn current_row(ctx: &Ctx<'_>, d: &Draft) -> Result<Option<crate::domain::Row>, sqlx::Error> {
    let Some(id) = d.row_id else { return Ok(None) };
    let row = db::touchpoints::get(&ctx.app.pool, id).await?;
    Ok(row.filter(|r| r.status == RowStatus::Active && Some(r.division_id) == d.division_id))
}
