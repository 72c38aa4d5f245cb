//! Who may do what, as links of the handler tree. A gate lets the update through when the
//! sender's role allows it now; otherwise it ends the update with a refusal: an alert for
//! a press, a message for a message. The `_step` gates guard a dialogue's steps (a draft,
//! a question): their refusal ends that dialogue too, since the person may no longer
//! finish it.
//!
//! ```ignore
//! command().branch(case![Command::People].chain(admin_only()).endpoint(people))
//! ```

use std::sync::Arc;

use teloxide::dispatching::UpdateHandler;

use super::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use super::press::Press;
use super::state::{BotDialogue, State};
use super::ui;
use crate::domain::Role;
use crate::i18n::I18n;
use crate::tr;

/// What a refused person is told.
#[derive(Clone, Copy)]
enum Only {
    Admin,
    Reporters,
    Members,
    Heads,
    Overseers,
}

impl Only {
    fn text(self, i: &I18n, actor: &Actor, press: bool) -> String {
        let lang = actor.lang;
        match self {
            Only::Admin => tr!(i, lang, "only-admin"),
            Only::Reporters => tr!(i, lang, "only-reporters", id = actor.id),
            // A stranger's press is a button they should not have: stale to them.
            Only::Members if press => tr!(i, lang, "button-stale"),
            Only::Members => tr!(i, lang, "help-stranger", id = actor.id),
            Only::Heads => tr!(i, lang, "confirm-only-head"),
            Only::Overseers => tr!(i, lang, "only-overseers"),
        }
    }
}

fn gate(
    allowed: fn(&Actor) -> bool,
    refusal: Only,
    ends_dialogue: bool,
) -> UpdateHandler<HandlerError> {
    // Not `dptree::entry()`: a branch off the entry takes the branch's signature, and this
    // one ends with an endpoint, so dptree would take the gate for a dead end.
    dptree::filter(|| true).branch(
        dptree::filter(move |actor: Actor| !allowed(&actor)).endpoint(
            move |bot: TgBot,
                  app: Arc<App>,
                  actor: Actor,
                  press: Press,
                  dialogue: BotDialogue,
                  state: State| async move {
                if ends_dialogue && state != State::Idle {
                    dialogue.exit().await?;
                }
                refuse(bot, app, actor, press, refusal).await
            },
        ),
    )
}

async fn refuse(
    bot: TgBot,
    app: Arc<App>,
    actor: Actor,
    press: Press,
    refusal: Only,
) -> HandlerResult {
    let text = refusal.text(&app.i18n, &actor, press.is_query());
    if press.is_query() {
        press.alert(text).await;
    } else {
        ui::send(&bot, actor.chat(), text).await?;
    }
    Ok(())
}

/// Authorized persons only.
pub fn admin_only() -> UpdateHandler<HandlerError> {
    gate(is_admin, Only::Admin, false)
}

/// A step of an authorized person's dialogue: authorized persons only.
pub fn admin_only_step() -> UpdateHandler<HandlerError> {
    gate(is_admin, Only::Admin, true)
}

/// Those who may report: division heads and authorized persons.
pub fn reporters_only() -> UpdateHandler<HandlerError> {
    gate(Actor::may_report, Only::Reporters, false)
}

/// A step of a report under way: those who may report only.
pub fn reporters_only_step() -> UpdateHandler<HandlerError> {
    gate(Actor::may_report, Only::Reporters, true)
}

/// Anyone with access (not a stranger).
pub fn members_only() -> UpdateHandler<HandlerError> {
    gate(|a| a.role != Role::Stranger, Only::Members, false)
}

/// Division heads with a division.
pub fn heads_only() -> UpdateHandler<HandlerError> {
    gate(
        |a| a.role == Role::Head && a.division_id.is_some(),
        Only::Heads,
        false,
    )
}

/// Authorized persons and viewers: those who oversee the list (not the heads).
pub fn overseers_only() -> UpdateHandler<HandlerError> {
    gate(
        |a| matches!(a.role, Role::Admin | Role::Viewer),
        Only::Overseers,
        false,
    )
}

fn is_admin(a: &Actor) -> bool {
    a.role == Role::Admin
}
