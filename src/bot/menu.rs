//! The command menu, in one place: which commands each role may use (the table both `/help`
//! and Telegram's menu read), the menu registered at start (`setMyCommands` per language,
//! and the full one in each authorized person's chat), and one person's menu after their
//! role changed. Descriptions live in the locales (`cmd-<name>`).

use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Recipient};

use super::app::{App, TgBot};
use crate::domain::{Lang, Role};
use crate::i18n::I18n;

/// One entry of the command menu.
pub struct Entry {
    pub name: &'static str,
    /// Whether a person with this role may use it.
    pub for_role: fn(Role) -> bool,
}

fn anyone(_: Role) -> bool {
    true
}
fn admin(r: Role) -> bool {
    r == Role::Admin
}
fn member(r: Role) -> bool {
    r != Role::Stranger
}
fn reporter(r: Role) -> bool {
    matches!(r, Role::Admin | Role::Head)
}
fn overseer(r: Role) -> bool {
    matches!(r, Role::Admin | Role::Viewer)
}

const fn entry(name: &'static str, for_role: fn(Role) -> bool) -> Entry {
    Entry { name, for_role }
}

/// The menu, in the order shown.
pub const MENU: &[Entry] = &[
    entry("start", anyone),
    entry("help", anyone),
    entry("new", reporter),
    entry("change", reporter),
    entry("exclude", reporter),
    entry("my", reporter),
    entry("list", member),
    entry("stats", member),
    entry("changes", overseer),
    entry("pending", admin),
    entry("history", admin),
    entry("invite", admin),
    entry("invites", admin),
    entry("people", admin),
    entry("divisions", admin),
    entry("registry", admin),
    entry("lang", anyone),
    entry("cancel", anyone),
];

/// The menu entries a role may use.
pub fn menu_for(role: Role) -> impl Iterator<Item = &'static Entry> {
    MENU.iter().filter(move |e| (e.for_role)(role))
}

/// The locale key of a command's description.
pub fn description_key(name: &str) -> String {
    format!("cmd-{name}")
}

/// The commands a role may use, one `/name — description` line each.
pub fn help_lines(i18n: &I18n, lang: Lang, role: Role) -> Vec<String> {
    menu_for(role)
        .map(|e| {
            format!(
                "/{} — {}",
                e.name,
                i18n.label(lang, &description_key(e.name))
            )
        })
        .collect()
}

fn commands(i18n: &I18n, lang: Lang, role: Role) -> Vec<BotCommand> {
    menu_for(role)
        .map(|e| BotCommand::new(e.name, i18n.label(lang, &description_key(e.name))))
        .collect()
}

/// The language code a menu is registered under: none for Russian, the default.
fn language_code(lang: Lang) -> Option<String> {
    (lang != Lang::Ru).then(|| lang.code().to_string())
}

/// At start: for each language, what a division head sees by default, and the full menu
/// in each authorized person's chat from the settings. Failures are logged, not fatal:
/// the menu is a convenience.
pub async fn register(bot: &TgBot, app: &App) {
    for lang in Lang::ALL {
        let mut req = bot.set_my_commands(commands(&app.i18n, *lang, Role::Head));
        req.language_code = language_code(*lang);
        if let Err(e) = req.await {
            log::warn!("setMyCommands ({}): {e}", lang.code());
        }
    }
    for admin in &app.admins {
        // The chat may not exist yet: the admin has not written to the bot.
        refresh(bot, app, *admin, Role::Admin).await;
    }
}

/// The menu in one person's chat after their role changed: the full menu for an
/// authorized person, the default one otherwise. Failures are logged: it is a convenience.
pub async fn refresh(bot: &TgBot, app: &App, id: i64, role: Role) {
    for lang in Lang::ALL {
        let scope = BotCommandScope::Chat {
            chat_id: Recipient::Id(ChatId(id)),
        };
        let res = if role == Role::Admin {
            let mut req = bot
                .set_my_commands(commands(&app.i18n, *lang, Role::Admin))
                .scope(scope);
            req.language_code = language_code(*lang);
            req.await.map(|_| ())
        } else {
            let mut req = bot.delete_my_commands().scope(scope);
            req.language_code = language_code(*lang);
            req.await.map(|_| ())
        };
        if let Err(e) = res {
            log::warn!("command menu of {id} ({}): {e}", lang.code());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_depends_on_the_role() {
        let names = |r| menu_for(r).map(|e| e.name).collect::<Vec<_>>();
        assert!(names(Role::Admin).contains(&"invite"));
        assert!(!names(Role::Head).contains(&"invite"));
        for admin_only in ["divisions", "people", "invites", "registry"] {
            assert!(names(Role::Admin).contains(&admin_only));
            assert!(!names(Role::Head).contains(&admin_only));
            assert!(!names(Role::Viewer).contains(&admin_only));
        }
        assert!(names(Role::Stranger).contains(&"start"));
        assert!(names(Role::Head).contains(&"new"));
        assert!(names(Role::Viewer).contains(&"stats"));
        assert!(!names(Role::Stranger).contains(&"stats"));
        assert!(!names(Role::Viewer).contains(&"new"));
        assert!(!names(Role::Stranger).contains(&"my"));
        assert!(names(Role::Admin).contains(&"changes"));
        assert!(names(Role::Viewer).contains(&"changes"));
        assert!(!names(Role::Head).contains(&"changes"));
        assert!(!names(Role::Stranger).contains(&"changes"));
    }

    /// The descriptions are looked up by a key built at run time: every one must exist.
    #[test]
    fn every_command_has_a_description_in_every_language() {
        let i = I18n::load().unwrap();
        for lang in Lang::ALL {
            for e in MENU {
                let key = description_key(e.name);
                assert!(i.has(*lang, &key), "{key} ({})", lang.code());
            }
        }
    }
}
