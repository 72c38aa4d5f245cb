//! Administration by an authorized person: `/divisions` (add, rename, retire, restore),
//! `/people` (who is who; change a role or a head's division; revoke access) and
//! `/invites` (the open invitations, revoke one, invite a viewer or an authorized person).
//! One file each; what they share is here.
//!
//! Every command and button is for authorized persons only (the gate in each schema), and
//! every press is checked against the database; every change is one transaction with its
//! audit record (in `db/`). The authorized persons named in the settings stay such
//! whatever the database says: they are shown as such and cannot be changed from chat.

pub mod divisions;
pub mod invites;
pub mod people;

use std::sync::Arc;

use dptree::case;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::InlineKeyboardButton;

use crate::bot::access::admin_only;
use crate::bot::app::{Actor, App, HandlerError, HandlerResult, TgBot};
use crate::bot::callback::{AdminCb, CallbackData};
use crate::bot::route::pressed;
use crate::bot::ui;
use crate::domain::Lang;
use crate::tr;

/// Buttons per page in `/divisions` and `/people`.
const PAGE: usize = 10;

/// The three commands and their buttons.
pub fn schema() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(divisions::schema())
        .branch(people::schema())
        .branch(invites::schema())
        .branch(
            pressed().branch(
                case![CallbackData::Admin(a)]
                    .chain(admin_only())
                    .branch(case![AdminCb::Close].endpoint(close)),
            ),
        )
}

/// `Отмена` on an administration card: it closes without doing anything.
async fn close(bot: TgBot, q: CallbackQuery, app: Arc<App>, actor: Actor) -> HandlerResult {
    if let Some(m) = q.regular_message() {
        ui::rewrite(&bot, m, tr!(app.i18n, actor.lang, "admin-closed")).await?;
    }
    Ok(())
}

fn btn(label: impl Into<String>, data: AdminCb) -> InlineKeyboardButton {
    ui::button(label, CallbackData::Admin(data))
}

/// The index of the first item on `page` (clamped to the last page).
fn page_start(items: usize, page: u16) -> usize {
    let pages = items.div_ceil(PAGE).max(1);
    (page as usize).min(pages - 1) * PAGE
}

/// A page of buttons, one a row, with ◀ ▶ built by `nav`.
fn paged(
    app: &App,
    lang: Lang,
    items: Vec<InlineKeyboardButton>,
    page: u16,
    nav: fn(u16) -> AdminCb,
) -> Vec<Vec<InlineKeyboardButton>> {
    ui::paged(&app.i18n, lang, items, page, PAGE, |p| {
        CallbackData::Admin(nav(p))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_starts_where_its_buttons_do_and_is_clamped() {
        assert_eq!(page_start(0, 0), 0);
        assert_eq!(page_start(0, 5), 0);
        assert_eq!(page_start(25, 1), PAGE);
        assert_eq!(page_start(25, 9), 2 * PAGE, "past the end: the last page");
        assert_eq!(page_start(20, 2), PAGE);
    }
}
