//! Reporting: `/new`, `/change` and `/exclude` — one dialogue with shared steps. A draft
//! collects the columns step by step; the summary shows them as they will stand in the
//! list; `Отправить` makes a pending change request in one transaction with its audit
//! record and the end of the dialogue.
//!
//! Every step is a question on one message (the draft's `card`); a press on any other
//! message is stale. After each answer the next step is computed from what the draft still
//! lacks (`next_step`), so re-entering one field from the summary needs no special path.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, MessageId};

use super::card::{self, View};
use super::Answer;
use crate::bot::callback::{CallbackData, Field};
use crate::bot::state::{BotDialogue, Draft, Mode, State, Step};
use crate::bot::ui::{self, esc};
use crate::bot::{Actor, App, HandlerResult, TgBot};
use crate::db;
use crate::db::requests::NewRequest;
use crate::domain::touchpoint::{
    clean_text, TextProblem, MAX_FEATURES, MAX_FUNCTION_NAME, MAX_OTHER_NEED, MAX_POINT, MAX_REASON,
};
use crate::domain::{
    Action, Channel, Clients, Direction, Kind, Need, ReasonKind, Role, RowStatus, TouchpointData,
};
use crate::tr;

/// Buttons per page in long lists.
const PAGE: usize = 8;

/// What a handler needs to talk to one person.
struct Ctx<'a> {
    bot: &'a TgBot,
    app: &'a App,
    actor: &'a Actor,
    chat: ChatId,
    dialogue: &'a BotDialogue,
}

impl Ctx<'_> {
    fn lang(&self) -> crate::domain::Lang {
        self.actor.lang
    }

    async fn say(&self, text: String) -> HandlerResult {
        ui::send(self.bot, self.chat, text).await?;
        Ok(())
    }

    async fn save(&self, d: &Draft) -> HandlerResult {
        self.dialogue
            .update(State::Report(Box::new(d.clone())))
            .await?;
        Ok(())
    }
}

fn btn(label: impl Into<String>, data: CallbackData) -> InlineKeyboardButton {
    ui::button(label, data)
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
    ui::paged(&app.i18n, lang, items, page, PAGE, CallbackData::Page)
}

/// Who may report: a division head (for their division) or an authorized person (for any).
fn may_report(actor: &Actor) -> bool {
    actor.role == Role::Admin || (actor.role == Role::Head && actor.division_id.is_some())
}

// ---------------------------------------------------------------------------------------
// Entry points.

pub async fn start_new(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
) -> HandlerResult {
    begin(bot, msg, app, actor, dialogue, Mode::New).await
}

pub async fn start_change(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
) -> HandlerResult {
    begin(bot, msg, app, actor, dialogue, Mode::Change).await
}

pub async fn start_exclude(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
) -> HandlerResult {
    begin(bot, msg, app, actor, dialogue, Mode::Exclude).await
}

async fn begin(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
    mode: Mode,
) -> HandlerResult {
    let ctx = Ctx {
        bot: &bot,
        app: &app,
        actor: &actor,
        chat: msg.chat.id,
        dialogue: &dialogue,
    };
    // Any draft under way was dropped when the command arrived (see `schema`).
    if !may_report(&actor) {
        return ctx.say(tr!(app.i18n, actor.lang, "only-reporters")).await;
    }
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
// Steps.

fn field_step(d: &Draft) -> Step {
    if d.direction.is_none() {
        Step::Direction
    } else if d.function_id.is_none() && d.function_name.is_none() {
        Step::Function
    } else if d.kind.is_none() {
        Step::Kind
    } else if d.channel.is_none() {
        Step::Channel
    } else if d.point.is_none() {
        Step::Point
    } else if d.needs.is_empty() {
        Step::Needs
    } else if d.needs.contains(&Need::Other) && d.other_need.is_none() {
        Step::OtherNeed
    } else if d.features.is_none() {
        Step::Features
    } else if d.clients.is_none() {
        Step::Clients
    } else {
        Step::Summary
    }
}

/// The first thing the draft still lacks.
fn next_step(d: &Draft) -> Step {
    if d.division_id.is_none() {
        return Step::Division;
    }
    match d.mode {
        Mode::New => field_step(d),
        Mode::Change if d.row_id.is_none() => Step::PickDirection,
        Mode::Change => field_step(d),
        Mode::Exclude if d.row_id.is_none() => Step::PickDirection,
        Mode::Exclude => match (d.reason_kind, &d.reason_text) {
            (None, _) => Step::ExcludeReason,
            (Some(ReasonKind::Other), None) => Step::ExcludeReasonText,
            _ => Step::Summary,
        },
    }
}

/// The complete row a draft describes, once every column is there.
fn data_of(d: &Draft, function_id: i64) -> Option<TouchpointData> {
    Some(TouchpointData {
        direction: d.direction?,
        function_id,
        kind: d.kind?,
        channel: d.channel?,
        point: d.point.clone()?,
        needs: d.needs.clone(),
        other_need: if d.needs.contains(&Need::Other) {
            d.other_need.clone()
        } else {
            None
        },
        features: d.features.clone()?,
        clients: d.clients?,
        little_used: d.little_used,
    })
}

/// Fills a draft with a row's current content (for a change).
fn prefill(d: &mut Draft, row: &crate::domain::Row) {
    let r = &row.data;
    d.division_id = Some(row.division_id);
    d.row_id = Some(row.id);
    d.direction = Some(r.direction);
    d.function_id = Some(r.function_id);
    d.function_name = None;
    d.kind = Some(r.kind);
    d.channel = Some(r.channel);
    d.point = Some(r.point.clone());
    d.needs = r.needs.clone();
    d.other_need = r.other_need.clone();
    d.features = Some(r.features.clone());
    d.clients = Some(r.clients);
    d.little_used = r.little_used;
}

/// Whether the draft's point already stands under its function (3.7): as a row of the
/// list, or in a report still waiting for a decision.
async fn find_duplicate(
    app: &App,
    d: &Draft,
) -> Result<Option<(Option<i64>, Option<i64>)>, sqlx::Error> {
    if d.mode == Mode::Exclude {
        return Ok(None);
    }
    let (Some(function_id), Some(kind), Some(point)) = (d.function_id, d.kind, d.point.as_deref())
    else {
        return Ok(None);
    };
    if let Some(row) = db::touchpoints::find_same_point(&app.pool, function_id, kind, point).await?
    {
        if Some(row) != d.row_id {
            return Ok(Some((Some(row), None)));
        }
    }
    // The key needs only the function, the kind and the point.
    let data = TouchpointData {
        direction: d.direction.unwrap_or(Direction::Appeals),
        function_id,
        kind,
        channel: d.channel.unwrap_or(Channel::Digital),
        point: point.to_string(),
        needs: Default::default(),
        other_need: None,
        features: None,
        clients: Clients::External,
        little_used: false,
    };
    let pending = db::requests::pending_same_point(&app.pool, &data, d.row_id).await?;
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
        None => d.step = next_step(&d),
    }
    prompt(ctx, d).await
}

/// Sends the current step's question as a new message and remembers it as the card.
async fn prompt(ctx: &Ctx<'_>, mut d: Draft) -> HandlerResult {
    let (text, kb) = screen(ctx, &d).await?;
    let sent = ui::send_kb(ctx.bot, ctx.chat, text, kb).await?;
    d.card = Some(sent.id.0);
    ctx.save(&d).await
}

/// Redraws the current card in place (a page turned, a need toggled).
async fn redraw(ctx: &Ctx<'_>, d: &Draft, card: MessageId) -> HandlerResult {
    let (text, kb) = screen(ctx, d).await?;
    ui::edit_kb(ctx.bot, ctx.chat, card, text, kb).await?;
    ctx.save(d).await
}

/// The question of a step: its text and buttons.
async fn screen(
    ctx: &Ctx<'_>,
    d: &Draft,
) -> Result<(String, InlineKeyboardMarkup), crate::bot::HandlerError> {
    let app = ctx.app;
    let lang = ctx.lang();
    let i = &app.i18n;
    let mut rows: Vec<Vec<InlineKeyboardButton>> = vec![];
    let text = match d.step {
        Step::Division => {
            let items = db::divisions::list(&app.pool)
                .await?
                .into_iter()
                .map(|dv| btn(dv.name, CallbackData::Division(dv.id)))
                .collect();
            rows.extend(paged(app, lang, items, d.page));
            tr!(i, lang, "ask-division")
        }
        Step::Direction => {
            for dir in Direction::ALL {
                rows.push(vec![btn(
                    i.label(lang, &dir.locale_key()),
                    CallbackData::Direction(*dir),
                )]);
            }
            let title = match d.mode {
                Mode::New => tr!(i, lang, "new-title") + "\n\n",
                _ => String::new(),
            };
            format!("{title}{}", tr!(i, lang, "ask-direction"))
        }
        Step::Function => {
            let (Some(division), Some(direction)) = (d.division_id, d.direction) else {
                return Err("function step without division or direction".into());
            };
            let functions = db::functions::for_division(&app.pool, division, direction).await?;
            let empty = functions.is_empty();
            let items = functions
                .into_iter()
                .map(|f| {
                    let label = match &f.code {
                        Some(c) => format!("{} ({c})", f.name),
                        None => f.name.clone(),
                    };
                    btn(label, CallbackData::Function(f.id))
                })
                .collect();
            rows.extend(paged(app, lang, items, d.page));
            rows.push(vec![btn(
                tr!(i, lang, "btn-type-function"),
                CallbackData::TypeFunction,
            )]);
            if empty {
                tr!(
                    i,
                    lang,
                    "ask-function-empty",
                    direction = i.label(lang, &direction.locale_key())
                )
            } else {
                tr!(i, lang, "ask-function")
            }
        }
        Step::FunctionName => tr!(i, lang, "ask-function-name", max = MAX_FUNCTION_NAME),
        Step::Kind => {
            for k in Kind::ALL {
                rows.push(vec![btn(
                    i.label(lang, &k.locale_key()),
                    CallbackData::Kind(*k),
                )]);
            }
            tr!(i, lang, "ask-kind")
        }
        Step::Channel => {
            rows.push(vec![
                btn(
                    card::channel_label(app, lang, Channel::Digital),
                    CallbackData::Channel(Channel::Digital),
                ),
                btn(
                    card::channel_label(app, lang, Channel::Offline),
                    CallbackData::Channel(Channel::Offline),
                ),
            ]);
            let kind = d
                .kind
                .map(|k| i.label(lang, &k.locale_key()))
                .unwrap_or_default();
            tr!(i, lang, "ask-channel", kind = kind)
        }
        Step::Point => {
            let kind = d
                .kind
                .map(|k| i.label(lang, &k.locale_key()))
                .unwrap_or_default();
            tr!(i, lang, "ask-point", kind = kind, max = MAX_POINT)
        }
        Step::Needs => {
            for n in Need::ALL {
                let mark = if d.needs.contains(n) { "✅" } else { "▫️" };
                rows.push(vec![btn(
                    format!("{mark} {}", i.label(lang, &n.locale_key())),
                    CallbackData::ToggleNeed(*n),
                )]);
            }
            rows.push(vec![btn(tr!(i, lang, "btn-done"), CallbackData::NeedsDone)]);
            tr!(i, lang, "ask-needs", chosen = d.needs.len())
        }
        Step::OtherNeed => tr!(i, lang, "ask-other-need", max = MAX_OTHER_NEED),
        Step::Features => {
            rows.push(vec![btn(
                tr!(i, lang, "btn-no-features"),
                CallbackData::NoFeatures,
            )]);
            tr!(i, lang, "ask-features", max = MAX_FEATURES)
        }
        Step::Clients => {
            for c in Clients::ALL {
                rows.push(vec![btn(
                    card::clients_label(app, lang, *c),
                    CallbackData::Clients(*c),
                )]);
            }
            tr!(i, lang, "ask-clients")
        }
        Step::Summary => {
            let (text, can_send) = summary(ctx, d).await?;
            let mut row = vec![];
            if can_send {
                row.push(btn(tr!(i, lang, "btn-send"), CallbackData::Send));
            }
            if d.mode != Mode::Exclude {
                row.push(btn(tr!(i, lang, "btn-edit"), CallbackData::Edit));
            }
            row.push(btn(tr!(i, lang, "btn-cancel"), CallbackData::Cancel));
            let mut rows = vec![];
            if d.mode != Mode::Exclude {
                let key = if d.little_used {
                    "btn-little-used-on"
                } else {
                    "btn-little-used-off"
                };
                rows.push(vec![btn(i.label(lang, key), CallbackData::LittleUsed)]);
            }
            rows.push(row);
            return Ok((text, InlineKeyboardMarkup::new(rows)));
        }
        Step::EditWhich => {
            let fields: &[Field] = match d.mode {
                Mode::New => Field::ALL,
                _ => &Field::ALL[1..],
            };
            for f in fields {
                let key = format!("field-{}", f.code());
                rows.push(vec![btn(i.label(lang, &key), CallbackData::EditField(*f))]);
            }
            rows.push(vec![btn(tr!(i, lang, "btn-back"), CallbackData::Back)]);
            match d.mode {
                Mode::Change => {
                    let row = current_row(ctx, d).await?;
                    let lines = row
                        .as_ref()
                        .map(|r| card::lines(app, lang, &View::of_row(r)))
                        .unwrap_or_default();
                    tr!(i, lang, "ask-change-what", row = lines)
                }
                _ => tr!(i, lang, "ask-edit-which"),
            }
        }
        Step::Duplicate => {
            let text = if let Some(row_id) = d.duplicate_row {
                let row = db::touchpoints::get(&app.pool, row_id).await?;
                let lines = row
                    .as_ref()
                    .map(|r| card::lines(app, lang, &View::of_row(r)))
                    .unwrap_or_default();
                rows.push(vec![btn(
                    tr!(i, lang, "btn-change-needs"),
                    CallbackData::ChangeNeedsOf(row_id),
                )]);
                tr!(i, lang, "duplicate-row", row = lines)
            } else {
                tr!(
                    i,
                    lang,
                    "duplicate-pending",
                    id = d.duplicate_request.unwrap_or_default()
                )
            };
            rows.push(vec![btn(
                tr!(i, lang, "btn-other-point"),
                CallbackData::OtherPoint,
            )]);
            text
        }
        Step::PickDirection => {
            let division = d.division_id.unwrap_or_default();
            let all = db::touchpoints::list_active(&app.pool, division_filter(division)).await?;
            if all.is_empty() {
                tr!(i, lang, "no-rows")
            } else {
                for dir in Direction::ALL {
                    let n = all.iter().filter(|r| r.data.direction == *dir).count();
                    if n > 0 {
                        let label = format!("{} ({n})", i.label(lang, &dir.locale_key()));
                        rows.push(vec![btn(label, CallbackData::Direction(*dir))]);
                    }
                }
                pick_title(ctx, d) + &tr!(i, lang, "ask-pick-direction")
            }
        }
        Step::PickFunction => {
            let (Some(division), Some(direction)) = (d.division_id, d.pick_direction) else {
                return Err("pick function without division or direction".into());
            };
            let items = db::functions::with_rows(&app.pool, division, direction)
                .await?
                .into_iter()
                .map(|f| btn(f.name, CallbackData::Function(f.id)))
                .collect();
            rows.extend(paged(app, lang, items, d.page));
            pick_title(ctx, d) + &tr!(i, lang, "ask-pick-function")
        }
        Step::PickRow => {
            let found = picked_rows(ctx, d).await?;
            let empty = found.is_empty();
            let items = found
                .into_iter()
                .map(|r| {
                    let label = format!(
                        "{} — {}",
                        i.label(lang, &r.data.kind.locale_key()),
                        r.data.point
                    );
                    btn(label, CallbackData::Row(r.id))
                })
                .collect();
            rows.extend(paged(app, lang, items, d.page));
            match (&d.search, empty) {
                (Some(s), true) => tr!(i, lang, "search-none", text = esc(s)),
                (Some(s), false) => {
                    pick_title(ctx, d) + &tr!(i, lang, "search-found", text = esc(s))
                }
                (None, _) => pick_title(ctx, d) + &tr!(i, lang, "ask-pick-row"),
            }
        }
        Step::ExcludeReason => {
            let row = current_row(ctx, d).await?;
            let lines = row
                .as_ref()
                .map(|r| card::lines(app, lang, &View::of_row(r)))
                .unwrap_or_default();
            rows.push(vec![btn(
                tr!(i, lang, "reason-registry"),
                CallbackData::ExcludeReason(ReasonKind::Registry),
            )]);
            rows.push(vec![btn(
                tr!(i, lang, "reason-other"),
                CallbackData::ExcludeReason(ReasonKind::Other),
            )]);
            tr!(i, lang, "ask-exclude-reason", row = lines)
        }
        Step::ExcludeReasonText => tr!(i, lang, "ask-exclude-reason-text", max = MAX_REASON),
    };
    rows.push(cancel_row(app, lang));
    Ok((text, InlineKeyboardMarkup::new(rows)))
}

fn division_filter(division: i64) -> db::touchpoints::Filter {
    db::touchpoints::Filter {
        direction: None,
        division_id: Some(division),
    }
}

fn pick_title(ctx: &Ctx<'_>, d: &Draft) -> String {
    let title = match d.mode {
        Mode::Exclude => tr!(ctx.app.i18n, ctx.lang(), "exclude-title"),
        _ => tr!(ctx.app.i18n, ctx.lang(), "change-title"),
    };
    title + "\n\n"
}

/// The rows offered when choosing: those of the chosen function, or those matching the
/// typed text (in the point, the function's name or its code; case does not matter).
async fn picked_rows(ctx: &Ctx<'_>, d: &Draft) -> Result<Vec<crate::domain::Row>, sqlx::Error> {
    let division = d.division_id.unwrap_or_default();
    let rows = db::touchpoints::list_active(&ctx.app.pool, division_filter(division)).await?;
    Ok(match (&d.search, d.pick_function) {
        (Some(s), _) => {
            let needle = s.to_lowercase();
            rows.into_iter()
                .filter(|r| {
                    r.data.point.to_lowercase().contains(&needle)
                        || r.function_name.to_lowercase().contains(&needle)
                        || r.function_code
                            .as_deref()
                            .is_some_and(|c| c.to_lowercase().contains(&needle))
                })
                .collect()
        }
        (None, Some(f)) => rows
            .into_iter()
            .filter(|r| r.data.function_id == f)
            .collect(),
        (None, None) => vec![],
    })
}

/// The row being changed or excluded, if it is still in the list and in the draft's division.
async fn current_row(ctx: &Ctx<'_>, d: &Draft) -> Result<Option<crate::domain::Row>, sqlx::Error> {
    let Some(id) = d.row_id else { return Ok(None) };
    let row = db::touchpoints::get(&ctx.app.pool, id).await?;
    Ok(row.filter(|r| r.status == RowStatus::Active && Some(r.division_id) == d.division_id))
}

/// The view of a draft, with its function looked up.
async fn draft_view(ctx: &Ctx<'_>, d: &Draft) -> Result<View, sqlx::Error> {
    let function = match (d.function_id, &d.function_name) {
        (Some(id), _) => db::functions::get(&ctx.app.pool, id)
            .await?
            .map(|f| (f.name, f.code, f.in_registry)),
        (None, Some(name)) => Some((name.clone(), None, false)),
        (None, None) => None,
    };
    Ok(View {
        direction: d.direction,
        function,
        kind: d.kind,
        channel: d.channel,
        point: d.point.clone(),
        needs: d.needs.iter().copied().collect(),
        other_need: d.other_need.clone(),
        features: d.features.clone(),
        clients: d.clients,
        little_used: d.little_used,
    })
}

/// The summary card's text, and whether it can be sent.
async fn summary(ctx: &Ctx<'_>, d: &Draft) -> Result<(String, bool), crate::bot::HandlerError> {
    let app = ctx.app;
    let lang = ctx.lang();
    let i = &app.i18n;
    let new = draft_view(ctx, d).await?;
    Ok(match d.mode {
        Mode::New => (
            tr!(i, lang, "summary-new", lines = card::lines(app, lang, &new)),
            true,
        ),
        Mode::Change => {
            let Some(row) = current_row(ctx, d).await? else {
                return Ok((tr!(i, lang, "row-gone"), false));
            };
            let old = View::of_row(&row);
            if old == new {
                (
                    tr!(
                        i,
                        lang,
                        "summary-unchanged",
                        lines = card::lines(app, lang, &old)
                    ),
                    false,
                )
            } else {
                (
                    tr!(
                        i,
                        lang,
                        "summary-change",
                        lines = card::diff_lines(app, lang, &old, &new)
                    ),
                    true,
                )
            }
        }
        Mode::Exclude => {
            let Some(row) = current_row(ctx, d).await? else {
                return Ok((tr!(i, lang, "row-gone"), false));
            };
            let reason = match (d.reason_kind, &d.reason_text) {
                (Some(ReasonKind::Registry), _) => tr!(i, lang, "reason-registry"),
                (_, Some(t)) => esc(t),
                _ => "—".to_string(),
            };
            let lines = card::lines(app, lang, &View::of_row(&row));
            (
                tr!(i, lang, "summary-exclude", lines = lines, reason = reason),
                true,
            )
        }
    })
}

// ---------------------------------------------------------------------------------------
// Answers typed by the person.

/// A message while a report is under way.
pub async fn on_message(
    bot: TgBot,
    msg: Message,
    app: Arc<App>,
    actor: Actor,
    dialogue: BotDialogue,
    draft: Box<Draft>,
) -> HandlerResult {
    let ctx = Ctx {
        bot: &bot,
        app: &app,
        actor: &actor,
        chat: msg.chat.id,
        dialogue: &dialogue,
    };
    let lang = actor.lang;
    let mut d = *draft;
    let max = match d.step {
        Step::FunctionName => MAX_FUNCTION_NAME,
        Step::Point => MAX_POINT,
        Step::OtherNeed => MAX_OTHER_NEED,
        Step::Features => MAX_FEATURES,
        Step::ExcludeReasonText => MAX_REASON,
        Step::PickDirection | Step::PickFunction | Step::PickRow => MAX_POINT,
        _ => {
            // A step answered with buttons: say so and ask again.
            ctx.say(tr!(app.i18n, lang, "use-buttons")).await?;
            return prompt(&ctx, d).await;
        }
    };
    let Some(text) = msg.text() else {
        ctx.say(tr!(app.i18n, lang, "expected-text")).await?;
        return prompt(&ctx, d).await;
    };
    let text = match clean_text(text, max) {
        Ok(t) => t,
        Err(TextProblem::Empty) => {
            ctx.say(tr!(app.i18n, lang, "text-empty")).await?;
            return prompt(&ctx, d).await;
        }
        Err(TextProblem::TooLong { max }) => {
            ctx.say(tr!(app.i18n, lang, "text-too-long", max = max))
                .await?;
            return prompt(&ctx, d).await;
        }
    };
    match d.step {
        Step::FunctionName => {
            d.function_name = Some(text);
            d.function_id = None;
        }
        Step::Point => d.point = Some(text),
        Step::OtherNeed => d.other_need = Some(text),
        Step::Features => {
            let none = ["нет", "no", "none", "-", "—"].contains(&text.to_lowercase().as_str());
            d.features = Some(if none { None } else { Some(text) });
        }
        Step::ExcludeReasonText => d.reason_text = Some(text),
        _ => {
            // Choosing a row by typing part of it.
            d.search = Some(text);
            d.step = Step::PickRow;
            d.page = 0;
            return prompt(&ctx, d).await;
        }
    }
    advance(&ctx, d).await
}

// ---------------------------------------------------------------------------------------
// Buttons.

/// Closes a card: its buttons go, and the choice made is written under its question.
async fn close_card(ctx: &Ctx<'_>, q: &CallbackQuery, choice: &str) {
    let Some(m) = q.regular_message() else { return };
    // Plain text (no parse mode): cut by characters, leaving room for the choice.
    let question: String = m.text().unwrap_or_default().chars().take(3000).collect();
    let choice: String = choice.chars().take(900).collect();
    let text = format!("{question}\n\n✅ {choice}");
    // Sent as plain text: the question's formatting is not kept, and the choice is the
    // person's own words, so nothing needs escaping.
    if let Err(e) = ctx.bot.edit_message_text(ctx.chat, m.id, text).await {
        log::debug!("closing a card: {e}");
    }
}

/// A button pressed while a report is under way. The press must be on the current card and
/// fit the current step; the database is asked again for anything it names.
pub async fn on_button(
    bot: &TgBot,
    q: &CallbackQuery,
    app: &App,
    actor: &Actor,
    dialogue: &BotDialogue,
    draft: Box<Draft>,
    data: CallbackData,
) -> Result<Answer, crate::bot::HandlerError> {
    let lang = actor.lang;
    let i = &app.i18n;
    let Some(m) = q.regular_message() else {
        return Ok(Answer::text(tr!(i, lang, "button-stale")));
    };
    let ctx = Ctx {
        bot,
        app,
        actor,
        chat: m.chat.id,
        dialogue,
    };
    let mut d = *draft;
    if d.card != Some(m.id.0) {
        return Ok(Answer::text(tr!(i, lang, "button-stale")));
    }
    if !may_report(actor) {
        dialogue.exit().await?;
        close_card(&ctx, q, &tr!(i, lang, "btn-cancel")).await;
        return Ok(Answer::alert(tr!(i, lang, "only-reporters")));
    }
    use CallbackData as C;
    match (d.step, data) {
        (_, C::Cancel) => {
            dialogue.exit().await?;
            close_card(&ctx, q, &tr!(i, lang, "cancel-done")).await;
            return Ok(Answer::text(tr!(i, lang, "cancel-done")));
        }
        (Step::Division | Step::Function | Step::PickFunction | Step::PickRow, C::Page(p)) => {
            d.page = p;
            redraw(&ctx, &d, m.id).await?;
            return Ok(Answer::none());
        }
        (Step::Division, C::Division(id)) => {
            let Some(div) = db::divisions::get(&app.pool, id)
                .await?
                .filter(|dv| !dv.retired)
            else {
                return Ok(Answer::text(tr!(i, lang, "button-stale")));
            };
            close_card(&ctx, q, &div.name).await;
            d.division_id = Some(div.id);
        }
        (Step::Direction, C::Direction(dir)) => {
            close_card(&ctx, q, &i.label(lang, &dir.locale_key())).await;
            d.direction = Some(dir);
            d.function_id = None;
            d.function_name = None;
        }
        (Step::Function, C::Function(id)) => {
            let f = db::functions::get(&app.pool, id).await?;
            let Some(f) = f.filter(|f| {
                Some(f.division_id) == d.division_id && Some(f.direction) == d.direction
            }) else {
                return Ok(Answer::text(tr!(i, lang, "button-stale")));
            };
            close_card(&ctx, q, &f.name).await;
            d.function_id = Some(f.id);
            d.function_name = None;
        }
        (Step::Function, C::TypeFunction) => {
            close_card(&ctx, q, &tr!(i, lang, "btn-type-function")).await;
            d.step = Step::FunctionName;
            prompt(&ctx, d).await?;
            return Ok(Answer::none());
        }
        (Step::Kind, C::Kind(k)) => {
            close_card(&ctx, q, &i.label(lang, &k.locale_key())).await;
            d.kind = Some(k);
            d.channel = k.fixed_channel();
        }
        (Step::Channel, C::Channel(c)) => {
            close_card(&ctx, q, &card::channel_label(app, lang, c)).await;
            d.channel = Some(c);
        }
        (Step::Needs, C::ToggleNeed(n)) => {
            if !d.needs.remove(&n) {
                d.needs.insert(n);
            }
            redraw(&ctx, &d, m.id).await?;
            return Ok(Answer::none());
        }
        (Step::Needs, C::NeedsDone) => {
            if d.needs.is_empty() {
                return Ok(Answer::alert(tr!(i, lang, "need-at-least-one")));
            }
            if !d.needs.contains(&Need::Other) {
                d.other_need = None;
            }
            let chosen: Vec<String> = d
                .needs
                .iter()
                .map(|n| i.label(lang, &n.locale_key()))
                .collect();
            close_card(&ctx, q, &chosen.join("; ")).await;
        }
        (Step::Features, C::NoFeatures) => {
            close_card(&ctx, q, &tr!(i, lang, "btn-no-features")).await;
            d.features = Some(None);
        }
        (Step::Clients, C::Clients(c)) => {
            close_card(&ctx, q, &card::clients_label(app, lang, c)).await;
            d.clients = Some(c);
        }
        (Step::Summary, C::Send) => return submit(&ctx, q, d).await,
        (Step::Summary, C::LittleUsed) if d.mode != Mode::Exclude => {
            d.little_used = !d.little_used;
            redraw(&ctx, &d, m.id).await?;
            return Ok(Answer::none());
        }
        (Step::Summary, C::Edit) if d.mode != Mode::Exclude => {
            d.step = Step::EditWhich;
            redraw(&ctx, &d, m.id).await?;
            return Ok(Answer::none());
        }
        (Step::EditWhich, C::Back) => {
            d.step = Step::Summary;
            redraw(&ctx, &d, m.id).await?;
            return Ok(Answer::none());
        }
        (Step::EditWhich, C::EditField(f)) if d.mode == Mode::New || f != Field::Function => {
            close_card(&ctx, q, &i.label(lang, &format!("field-{}", f.code()))).await;
            match f {
                Field::Function => {
                    d.direction = None;
                    d.function_id = None;
                    d.function_name = None;
                }
                Field::Kind => {
                    d.kind = None;
                    d.channel = None;
                }
                Field::Point => d.point = None,
                Field::Needs => {
                    // The checklist shows the current needs; the other need's text is asked
                    // again only when that need stays chosen.
                    d.other_need = None;
                    d.step = Step::Needs;
                    d.page = 0;
                    prompt(&ctx, d).await?;
                    return Ok(Answer::none());
                }
                Field::Features => d.features = None,
                Field::Clients => d.clients = None,
            }
        }
        (Step::Duplicate, C::OtherPoint) => {
            close_card(&ctx, q, &tr!(i, lang, "btn-other-point")).await;
            d.point = None;
            if d.mode == Mode::Change {
                // Back to the row's own point, then to the choice of what to change.
                if let Some(row) = current_row(&ctx, &d).await? {
                    d.point = Some(row.data.point.clone());
                    d.kind = Some(row.data.kind);
                    d.channel = Some(row.data.channel);
                }
                d.step = Step::EditWhich;
                prompt(&ctx, d).await?;
                return Ok(Answer::none());
            }
        }
        (Step::Duplicate, C::ChangeNeedsOf(row_id)) if d.duplicate_row == Some(row_id) => {
            let row = db::touchpoints::get(&app.pool, row_id).await?;
            let Some(row) = row.filter(|r| r.status == RowStatus::Active) else {
                return Ok(Answer::text(tr!(i, lang, "row-gone")));
            };
            if actor.role == Role::Head && actor.division_id != Some(row.division_id) {
                return Ok(Answer::alert(tr!(
                    i,
                    lang,
                    "row-other-division",
                    division = row.division_name.clone()
                )));
            }
            close_card(&ctx, q, &tr!(i, lang, "btn-change-needs")).await;
            let mut c = Draft {
                mode: Mode::Change,
                ..Default::default()
            };
            prefill(&mut c, &row);
            c.step = Step::Needs;
            prompt(&ctx, c).await?;
            return Ok(Answer::none());
        }
        (Step::PickDirection, C::Direction(dir)) => {
            close_card(&ctx, q, &i.label(lang, &dir.locale_key())).await;
            d.pick_direction = Some(dir);
            d.step = Step::PickFunction;
            d.page = 0;
            prompt(&ctx, d).await?;
            return Ok(Answer::none());
        }
        (Step::PickFunction, C::Function(id)) => {
            let f = db::functions::get(&app.pool, id).await?;
            let Some(f) = f.filter(|f| Some(f.division_id) == d.division_id) else {
                return Ok(Answer::text(tr!(i, lang, "button-stale")));
            };
            close_card(&ctx, q, &f.name).await;
            d.pick_function = Some(f.id);
            d.search = None;
            d.step = Step::PickRow;
            d.page = 0;
            prompt(&ctx, d).await?;
            return Ok(Answer::none());
        }
        (Step::PickRow, C::Row(id)) => {
            let row = db::touchpoints::get(&app.pool, id).await?;
            let Some(row) = row
                .filter(|r| r.status == RowStatus::Active && Some(r.division_id) == d.division_id)
            else {
                return Ok(Answer::text(tr!(i, lang, "row-gone")));
            };
            close_card(
                &ctx,
                q,
                &format!(
                    "{} — {}",
                    i.label(lang, &row.data.kind.locale_key()),
                    row.data.point
                ),
            )
            .await;
            d.row_id = Some(row.id);
            if d.mode == Mode::Change {
                prefill(&mut d, &row);
                d.step = Step::EditWhich;
                prompt(&ctx, d).await?;
                return Ok(Answer::none());
            }
        }
        (Step::ExcludeReason, C::ExcludeReason(r @ (ReasonKind::Registry | ReasonKind::Other))) => {
            let label = match r {
                ReasonKind::Registry => tr!(i, lang, "reason-registry"),
                _ => tr!(i, lang, "reason-other"),
            };
            close_card(&ctx, q, &label).await;
            d.reason_kind = Some(r);
            d.reason_text = None;
        }
        _ => return Ok(Answer::text(tr!(i, lang, "button-stale"))),
    }
    advance(&ctx, d).await?;
    Ok(Answer::none())
}

// ---------------------------------------------------------------------------------------
// Sending.

/// Why a draft could not become a request.
enum Refusal {
    /// Told to the person; the dialogue goes back to this step.
    Back(Step, String),
    /// The row is gone: the dialogue ends.
    Gone,
}

/// Makes the pending request, in one write transaction with its audit record and the end
/// of the dialogue. The key (chat and card) makes a second delivery of the same press find
/// the request the first one made.
async fn submit(
    ctx: &Ctx<'_>,
    q: &CallbackQuery,
    mut d: Draft,
) -> Result<Answer, crate::bot::HandlerError> {
    let app = ctx.app;
    let lang = ctx.lang();
    let i = &app.i18n;
    let key = format!("{}:{}", ctx.chat.0, d.card.unwrap_or_default());
    let mut tx = db::begin_write(&app.pool).await?;
    let outcome = make_request(ctx, &mut tx, &d, &key).await?;
    let id = match outcome {
        Ok(id) => {
            db::dialogues::remove(&mut *tx, ctx.chat.0).await?;
            tx.commit().await?;
            id
        }
        Err(refusal) => {
            tx.rollback().await?;
            return match refusal {
                Refusal::Gone => {
                    ctx.dialogue.exit().await?;
                    close_card(ctx, q, &tr!(i, lang, "row-gone")).await;
                    Ok(Answer::alert(tr!(i, lang, "row-gone")))
                }
                Refusal::Back(step, why) => {
                    ctx.say(why.clone()).await?;
                    if step == Step::Duplicate {
                        advance(ctx, d).await?;
                    } else {
                        d.step = step;
                        prompt(ctx, d).await?;
                    }
                    Ok(Answer::none())
                }
            };
        }
    };
    log::info!("request {id} ({:?}) sent by user {}", d.mode, ctx.actor.id);
    if let Err(e) = ctx
        .bot
        .answer_callback_query(q.id.clone())
        .text(tr!(i, lang, "sent-short", id = id))
        .await
    {
        log::warn!("answering the sending of request {id}: {e}");
    }
    // The report is safe; what follows only informs. Its failures are logged, not
    // raised: the query is answered already.
    close_card(ctx, q, &tr!(i, lang, "sent-short", id = id)).await;
    if let Err(e) = ctx.say(tr!(i, lang, "sent", id = id)).await {
        log::warn!("confirming request {id}: {e}");
    }
    if let Err(e) = super::review::announce(ctx.bot, app, id).await {
        log::error!("announcing request {id}: {e}");
    }
    Ok(Answer::answered())
}

async fn make_request(
    ctx: &Ctx<'_>,
    tx: &mut db::Tx<'_>,
    d: &Draft,
    key: &str,
) -> Result<Result<i64, Refusal>, crate::bot::HandlerError> {
    let app = ctx.app;
    let lang = ctx.lang();
    let i = &app.i18n;
    if let Some(id) = db::requests::by_key(&mut **tx, key).await? {
        return Ok(Ok(id));
    }
    let Some(division_id) = d.division_id else {
        return Ok(Err(Refusal::Back(
            Step::Division,
            tr!(i, lang, "draft-incomplete"),
        )));
    };
    if ctx.actor.role == Role::Head && ctx.actor.division_id != Some(division_id) {
        return Ok(Err(Refusal::Gone));
    }
    let (action, row_id) = match d.mode {
        Mode::New => (Action::Add, None),
        Mode::Change => (Action::Change, d.row_id),
        Mode::Exclude => (Action::Exclude, d.row_id),
    };
    let row = match row_id {
        Some(id) => match db::touchpoints::get(&mut **tx, id).await? {
            Some(r) if r.status == RowStatus::Active && r.division_id == division_id => Some(r),
            _ => return Ok(Err(Refusal::Gone)),
        },
        None => None,
    };
    if action == Action::Exclude {
        let Some(reason_kind) = d.reason_kind else {
            return Ok(Err(Refusal::Back(
                Step::ExcludeReason,
                tr!(i, lang, "draft-incomplete"),
            )));
        };
        let (id, _) = db::requests::create(
            tx,
            NewRequest {
                action,
                touchpoint_id: row_id,
                division_id,
                reporter_id: ctx.actor.id,
                payload: None,
                reason_kind,
                reason_text: d.reason_text.as_deref(),
                idempotency_key: key,
            },
        )
        .await?;
        return Ok(Ok(id));
    }
    // The function: chosen from the Registry, or typed (added now, marked as missing from
    // the Registry, in the same transaction).
    let function_id = match (d.function_id, &d.function_name, d.direction) {
        (Some(id), _, _) => id,
        (None, Some(name), Some(direction)) => {
            db::functions::add(
                tx,
                db::functions::NewFunction {
                    code: None,
                    name,
                    is_service: false,
                    direction,
                    division_id,
                    in_registry: false,
                },
                ctx.actor.id,
            )
            .await?
        }
        _ => {
            return Ok(Err(Refusal::Back(
                Step::Function,
                tr!(i, lang, "draft-incomplete"),
            )))
        }
    };
    let Some(data) = data_of(d, function_id) else {
        return Ok(Err(Refusal::Back(
            field_step(d),
            tr!(i, lang, "draft-incomplete"),
        )));
    };
    if let Err(problems) = data.validate() {
        let list: Vec<String> = problems
            .iter()
            .map(|p| i.label(lang, &format!("invalid-{}", p.name())))
            .collect();
        return Ok(Err(Refusal::Back(
            Step::Summary,
            tr!(i, lang, "draft-invalid", problems = list.join("\n")),
        )));
    }
    if let Some(existing) =
        db::touchpoints::find_same_point(&mut **tx, function_id, data.kind, &data.point).await?
    {
        if Some(existing) != row_id {
            return Ok(Err(Refusal::Back(
                Step::Duplicate,
                tr!(i, lang, "duplicate-now"),
            )));
        }
    }
    if db::requests::pending_same_point(&mut **tx, &data, row_id)
        .await?
        .is_some()
    {
        return Ok(Err(Refusal::Back(
            Step::Duplicate,
            tr!(i, lang, "duplicate-now"),
        )));
    }
    let reason_kind = match &row {
        Some(old) if old.data == data => {
            return Ok(Err(Refusal::Back(
                Step::EditWhich,
                tr!(i, lang, "nothing-changed"),
            )));
        }
        Some(old) => ReasonKind::of_change(&old.data, &data),
        None => ReasonKind::Other,
    };
    let (id, _) = db::requests::create(
        tx,
        NewRequest {
            action,
            touchpoint_id: row_id,
            division_id,
            reporter_id: ctx.actor.id,
            payload: Some(&data),
            reason_kind,
            reason_text: None,
            idempotency_key: key,
        },
    )
    .await?;
    Ok(Ok(id))
}

/// A press of `Отправить` on a card whose dialogue is over: the same update delivered again,
/// or a second tap. Finds the request it made, if any.
pub async fn already_sent(app: &App, chat: i64, card: i32) -> Result<Option<i64>, sqlx::Error> {
    db::requests::by_key(&app.pool, &format!("{chat}:{card}")).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_step_asks_for_what_is_missing_in_order() {
        let mut d = Draft {
            division_id: Some(1),
            ..Default::default()
        };
        assert_eq!(next_step(&d), Step::Direction);
        d.direction = Some(Direction::Appeals);
        assert_eq!(next_step(&d), Step::Function);
        d.function_name = Some("Новая функция".into());
        assert_eq!(next_step(&d), Step::Kind);
        d.kind = Some(Kind::Phone);
        assert_eq!(next_step(&d), Step::Channel);
        d.channel = Some(Channel::Offline);
        assert_eq!(next_step(&d), Step::Point);
        d.point = Some("+7 812 000-00-00".into());
        assert_eq!(next_step(&d), Step::Needs);
        d.needs.insert(Need::Other);
        assert_eq!(next_step(&d), Step::OtherNeed);
        d.other_need = Some("Запись".into());
        assert_eq!(next_step(&d), Step::Features);
        d.features = Some(None);
        assert_eq!(next_step(&d), Step::Clients);
        d.clients = Some(Clients::Both);
        assert_eq!(next_step(&d), Step::Summary);
        d.division_id = None;
        assert_eq!(next_step(&d), Step::Division);
    }

    #[test]
    fn change_and_exclude_start_by_choosing_a_row() {
        let mut d = Draft {
            mode: Mode::Exclude,
            division_id: Some(1),
            ..Default::default()
        };
        assert_eq!(next_step(&d), Step::PickDirection);
        d.row_id = Some(5);
        assert_eq!(next_step(&d), Step::ExcludeReason);
        d.reason_kind = Some(ReasonKind::Other);
        assert_eq!(next_step(&d), Step::ExcludeReasonText);
        d.reason_text = Some("Закрыт кабинет".into());
        assert_eq!(next_step(&d), Step::Summary);
        d.reason_kind = Some(ReasonKind::Registry);
        d.reason_text = None;
        assert_eq!(next_step(&d), Step::Summary);
        let d = Draft {
            mode: Mode::Change,
            division_id: Some(1),
            ..Default::default()
        };
        assert_eq!(next_step(&d), Step::PickDirection);
    }

    #[test]
    fn data_of_drops_the_other_text_when_other_is_not_chosen() {
        let mut d = Draft {
            direction: Some(Direction::Appeals),
            kind: Some(Kind::Website),
            channel: Some(Channel::Digital),
            point: Some("lenobl.ru".into()),
            other_need: Some("stale".into()),
            features: Some(None),
            clients: Some(Clients::External),
            ..Default::default()
        };
        d.needs.insert(Need::Information);
        let data = data_of(&d, 3).unwrap();
        assert_eq!(data.other_need, None);
        assert_eq!(data.validate(), Ok(()));
    }
}
