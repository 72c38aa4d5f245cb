//! The Telegram side: the only module that imports teloxide. `schema()` is the whole
//! handler tree in one place; each flow lives in `flows/`.

pub mod callback;
pub mod commands;
pub mod flows;
pub mod guard;
pub mod net;
pub mod probe;
pub mod state;
pub mod ui;

use std::collections::HashSet;
use std::error::Error;
use std::sync::Arc;

use sqlx::SqlitePool;
use teloxide::dispatching::{dialogue, DefaultKey, UpdateHandler};
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, Recipient, User};

use crate::config::Settings;
use crate::db;
use crate::domain::{Lang, Role};
use crate::i18n::I18n;
use commands::Command;
use state::{DbStorage, State};

/// The bot type every handler takes. One alias, so adaptors can be added in one place:
/// the Bot API with retries after 429, network and server errors (`net`).
pub type TgBot = net::Retry;
pub type HandlerError = Box<dyn Error + Send + Sync>;
pub type HandlerResult = Result<(), HandlerError>;

/// What every handler may need, built once at start.
pub struct App {
    pub pool: SqlitePool,
    pub i18n: I18n,
    /// Authorized persons from the settings.
    pub admins: HashSet<i64>,
    /// The bot's username, for links such as invitations.
    pub bot_username: String,
    /// How long an invitation stays valid.
    pub invite_ttl: chrono::Duration,
    /// When the heads are reminded to check their rows (5.2).
    pub schedule: crate::domain::schedule::Schedule,
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

impl App {
    /// Resolves the sender: an id in the settings' admin list is an authorized person
    /// whatever the database says; otherwise the stored role; otherwise a stranger, whose
    /// language is guessed from Telegram's `language_code`.
    pub async fn actor(&self, user: &User) -> Result<Actor, sqlx::Error> {
        let id = user.id.0 as i64;
        let mut person = db::people::get(&self.pool, id).await?;
        let admin = self.admins.contains(&id);
        let name = user.full_name();
        if (admin || person.is_some()) && person.as_ref().map(|p| &p.name) != Some(&name) {
            db::people::remember_name(&self.pool, id, &name).await?;
            if person.is_none() {
                person = db::people::get(&self.pool, id).await?;
            }
        }
        Ok(match person {
            Some(p) => Actor {
                id,
                name: user.full_name(),
                role: if admin { Role::Admin } else { p.role },
                division_id: p.division_id,
                division_name: p.division_name,
                lang: p.lang,
            },
            None => Actor {
                id,
                name: user.full_name(),
                role: if admin { Role::Admin } else { Role::Stranger },
                division_id: None,
                division_name: None,
                lang: Lang::guess(user.language_code.as_deref()),
            },
        })
    }
}

async fn message_actor(msg: Message, app: Arc<App>) -> Option<Actor> {
    let user = msg.from.as_ref()?;
    // Only private chats: the list is not discussed in groups.
    if !msg.chat.is_private() {
        return None;
    }
    match app.actor(user).await {
        Ok(a) => Some(a),
        Err(e) => {
            log::error!("resolving user {}: {e}", user.id);
            None
        }
    }
}

async fn callback_actor(q: CallbackQuery, app: Arc<App>) -> Option<Actor> {
    match app.actor(&q.from).await {
        Ok(a) => Some(a),
        Err(e) => {
            log::error!("resolving user {}: {e}", q.from.id);
            None
        }
    }
}

fn parse_command(msg: Message, app: Arc<App>) -> Option<Command> {
    Command::parse(msg.text()?, &app.bot_username)
}

/// The whole handler tree.
pub fn schema() -> UpdateHandler<HandlerError> {
    use dptree::case;
    use flows::{admin, invite, list, my, registry, report, review, start, stats};

    // A command in the middle of a dialogue does what it says: the unfinished draft is
    // dropped first, as /cancel would (which itself reports whether there was one).
    let commands = dptree::filter_map(parse_command)
        .inspect_async(|cmd: Command, dialogue: state::BotDialogue| async move {
            if cmd != Command::Cancel {
                if let Err(e) = dialogue.exit().await {
                    log::error!("dropping a dialogue: {e}");
                }
            }
        })
        .branch(case![Command::Start(arg)].endpoint(start::start))
        .branch(case![Command::Help].endpoint(start::help))
        .branch(case![Command::Lang(arg)].endpoint(start::lang))
        .branch(case![Command::Cancel].endpoint(start::cancel))
        .branch(case![Command::New].endpoint(report::start_new))
        .branch(case![Command::Change].endpoint(report::start_change))
        .branch(case![Command::Exclude].endpoint(report::start_exclude))
        .branch(case![Command::My].endpoint(my::my))
        .branch(case![Command::Pending].endpoint(review::pending))
        .branch(case![Command::List(arg)].endpoint(list::list))
        .branch(case![Command::History(arg)].endpoint(review::history))
        .branch(case![Command::Invite(division)].endpoint(invite::invite))
        .branch(case![Command::Divisions].endpoint(admin::divisions))
        .branch(case![Command::People].endpoint(admin::people))
        .branch(case![Command::Invites].endpoint(admin::invites))
        .branch(case![Command::Registry].endpoint(registry::registry))
        .branch(case![Command::Stats].endpoint(stats::stats))
        .branch(case![Command::Unknown(name)].endpoint(start::unknown_command));

    let messages = Update::filter_message()
        .filter_map_async(message_actor)
        .enter_dialogue::<Message, DbStorage, State>()
        .branch(case![State::Unreadable].endpoint(start::unreadable_state))
        .branch(commands)
        // A file from an authorized person is a Registry of processes (3.1).
        .branch(
            dptree::filter(|msg: Message, actor: Actor| {
                msg.document().is_some() && actor.role == Role::Admin
            })
            .endpoint(registry::on_document),
        )
        .branch(case![State::Report(draft)].endpoint(report::on_message))
        .branch(case![State::RejectReason { request_id, card }].endpoint(
            |bot, msg, app, actor, dialogue, (request_id, _card): (i64, Option<i32>)| {
                review::reject_reason(bot, msg, app, actor, dialogue, request_id)
            },
        ))
        .branch(case![State::AdminText { input, card }].endpoint(admin::on_text))
        .endpoint(start::fallback);

    let callbacks = Update::filter_callback_query()
        .filter_map_async(callback_actor)
        .enter_dialogue::<CallbackQuery, DbStorage, State>()
        .endpoint(flows::on_callback);

    dptree::entry().branch(messages).branch(callbacks)
}

/// Builds the bot from the settings and asks the server who it is (which also checks the
/// token). Errors are one readable line; the token is never part of them.
pub async fn prepare(settings: &Settings, pool: SqlitePool) -> Result<(TgBot, Arc<App>), String> {
    let policy = net::Policy {
        messages_per_second: settings.sends_per_second,
        ..Default::default()
    };
    prepare_with(settings, pool, policy).await
}

/// [`prepare`] with a retry policy of one's own (tests shorten its pauses).
pub async fn prepare_with(
    settings: &Settings,
    pool: SqlitePool,
    policy: net::Policy,
) -> Result<(TgBot, Arc<App>), String> {
    let token = settings.require_token()?;
    let mut bot = Bot::new(token);
    if let Some(url) = &settings.api_url {
        bot = bot.set_api_url(url.clone());
    }
    let bot = net::Retry::new(bot, policy);
    let me = bot
        .get_me()
        .await
        .map_err(|e| format!("the Bot API did not accept the bot (getMe): {e}"))?;
    let app = Arc::new(App {
        pool,
        i18n: I18n::load()?,
        admins: settings.admins.iter().copied().collect(),
        bot_username: me.username().to_string(),
        invite_ttl: chrono::Duration::days(settings.invite_days),
        schedule: settings.reminders.schedule(),
    });
    register_commands(&bot, &app).await;
    Ok((bot, app))
}

/// The dispatcher over the handler tree.
pub fn dispatcher(bot: TgBot, app: Arc<App>) -> Dispatcher<TgBot, HandlerError, DefaultKey> {
    dispatcher_for(bot, app, schema())
}

/// The dispatcher over a handler tree, with a panic in a handler caught (`guard`).
pub fn dispatcher_for(
    bot: TgBot,
    app: Arc<App>,
    tree: UpdateHandler<HandlerError>,
) -> Dispatcher<TgBot, HandlerError, DefaultKey> {
    let storage = DbStorage::new(app.pool.clone());
    Dispatcher::builder(bot, guard::guarded(tree))
        .dependencies(dptree::deps![app, storage])
        .default_handler(|_| async {})
        .build()
}

/// Runs the bot (long polling, or a webhook when its URL is set) until Ctrl-C or SIGTERM,
/// then lets the updates in flight finish.
pub async fn run(
    settings: &Settings,
    webhook: &crate::config::Webhook,
    pool: SqlitePool,
) -> Result<(), String> {
    let (bot, app) = prepare(settings, pool).await?;
    log::info!("started as @{}", app.bot_username);
    // Reminders (5.2): due times are in the database; this only looks at them every minute.
    let reminders = tokio::spawn(flows::remind::run(bot.clone(), app.clone()));
    let mut dispatcher = dispatcher(bot.clone(), app);
    let token = dispatcher.shutdown_token();
    tokio::spawn(async move {
        wait_for_stop_signal().await;
        log::info!("stop signal received: finishing the updates in flight");
        if let Ok(done) = token.shutdown() {
            done.await;
        }
    });
    let result = match &webhook.url {
        Some(_) => net::webhook(&mut dispatcher, bot, webhook).await,
        None => net::poll(&mut dispatcher, bot).await,
    };
    reminders.abort();
    log::info!("stopped");
    result
}

async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The command menu (`setMyCommands`): for each language, what a division head sees by
/// default, and the full menu in each authorized person's chat. Failures are logged, not
/// fatal: the menu is a convenience.
async fn register_commands(bot: &TgBot, app: &App) {
    let menu = |role: Role, lang: Lang| -> Vec<BotCommand> {
        commands::menu_for(role)
            .map(|e| BotCommand::new(e.name, app.i18n.label(lang, &format!("cmd-{}", e.name))))
            .collect()
    };
    for lang in Lang::ALL {
        let code = (*lang != Lang::Ru).then(|| lang.code().to_string());
        let mut req = bot.set_my_commands(menu(Role::Head, *lang));
        req.language_code = code.clone();
        if let Err(e) = req.await {
            log::warn!("setMyCommands ({}): {e}", lang.code());
        }
        for admin in &app.admins {
            let mut req =
                bot.set_my_commands(menu(Role::Admin, *lang))
                    .scope(BotCommandScope::Chat {
                        chat_id: Recipient::Id(ChatId(*admin)),
                    });
            req.language_code = code.clone();
            if let Err(e) = req.await {
                // The chat may not exist yet: the admin has not written to the bot.
                log::warn!("setMyCommands for admin {admin} ({}): {e}", lang.code());
            }
        }
    }
}

/// Re-exported for flows: entering the dialogue from a handler.
pub use dialogue::Dialogue;
