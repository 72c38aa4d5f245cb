//! What every handler may need: the bot ([`TgBot`]), the application's dependencies
//! ([`App`], built once at start) and who sent the update ([`Actor`]). Flows import these
//! from here, never from `bot/mod.rs`.

use std::collections::HashSet;
use std::error::Error;

use sqlx::SqlitePool;
use teloxide::types::{ChatId, User};

use crate::db;
use crate::domain::{Lang, Role};
use crate::i18n::I18n;

/// The bot type every handler takes. One alias, so adaptors can be added in one place:
/// the Bot API with retries after 429, network and server errors (`net`).
pub type TgBot = super::net::Retry;
pub type HandlerError = Box<dyn Error + Send + Sync>;
pub type HandlerResult = Result<(), HandlerError>;

/// What every handler may need, built once at start.
pub struct App {
    pub pool: SqlitePool,
    /// Reads on the calling thread, for the one read of every update (`db::inline`).
    pub inline: db::inline::Inline,
    pub i18n: I18n,
    /// Authorized persons from the settings.
    pub admins: HashSet<i64>,
    /// The bot's username, for links such as invitations.
    pub bot_username: String,
    /// How long an invitation stays valid.
    pub invite_ttl: chrono::Duration,
    /// When the heads are reminded to check their rows (5.2).
    pub schedule: crate::domain::schedule::Schedule,
    /// When the author of a waiting report is told it is still under review.
    pub review_notice: crate::domain::notice::ReviewNotice,
}

/// Who sent an update, as far as the bot is concerned.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: i64,
    /// The name Telegram gives (not escaped).
    pub name: String,
    pub role: Role,
    pub division_id: Option<i64>,
    pub division_name: Option<String>,
    pub lang: Lang,
}

impl Actor {
    /// The person's private chat with the bot (its id is the person's id).
    pub fn chat(&self) -> ChatId {
        ChatId(self.id)
    }

    /// Who may report: a division head (for their division) or an authorized person (for
    /// any).
    pub fn may_report(&self) -> bool {
        self.role == Role::Admin || (self.role == Role::Head && self.division_id.is_some())
    }
}

impl App {
    /// Resolves the sender: an id in the settings' admin list is an authorized person
    /// whatever the database says; otherwise the stored role; otherwise a stranger, whose
    /// language is guessed from Telegram's `language_code`.
    pub async fn actor(&self, user: &User) -> Result<Actor, sqlx::Error> {
        Ok(self.visit(user).await?.0)
    }

    /// The sender ([`App::actor`]) and their stored dialogue (its JSON), read in one
    /// statement: the one read every update makes before its flow.
    pub async fn visit(&self, user: &User) -> Result<(Actor, Option<String>), sqlx::Error> {
        let id = user.id.0 as i64;
        let db::people::Visit {
            mut person,
            dialogue,
        } = match db::people::visit(&self.inline, id) {
            Ok(v) => v,
            Err(e) => {
                log::warn!("reading user {id} on the calling thread: {e}; through the pool");
                db::people::visit_pooled(&self.pool, id).await?
            }
        };
        let admin = self.admins.contains(&id);
        let name = user.full_name();
        if (admin || person.is_some()) && person.as_ref().map(|p| &p.name) != Some(&name) {
            db::people::remember_name(&self.pool, id, &name).await?;
            if person.is_none() {
                person = db::people::get(&self.pool, id).await?;
            }
        }
        let actor = match person {
            Some(p) => Actor {
                id,
                name,
                role: if admin { Role::Admin } else { p.role },
                division_id: p.division_id,
                division_name: p.division_name,
                lang: p.lang,
            },
            None => Actor {
                id,
                name,
                role: if admin { Role::Admin } else { Role::Stranger },
                division_id: None,
                division_name: None,
                lang: Lang::guess(user.language_code.as_deref()),
            },
        };
        Ok((actor, dialogue))
    }

    /// Every authorized person: from the settings and from the database.
    pub async fn admin_ids(&self) -> Result<Vec<i64>, sqlx::Error> {
        let mut ids: Vec<i64> = self.admins.iter().copied().collect();
        for p in db::people::with_role(&self.pool, Role::Admin).await? {
            ids.push(p.telegram_id);
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// A person's language as stored (Russian for someone the bot does not know).
    pub async fn lang_of(&self, id: i64) -> Lang {
        match db::people::get(&self.pool, id).await {
            Ok(Some(p)) => p.lang,
            _ => Lang::Ru,
        }
    }

    /// A person's name as stored, or their id.
    pub async fn name_of(&self, id: i64) -> String {
        match db::people::get(&self.pool, id).await {
            Ok(Some(p)) => p.name,
            _ => id.to_string(),
        }
    }
}
