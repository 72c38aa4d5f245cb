//! The Telegram side: the only module that imports teloxide. [`schema`] is the whole
//! handler tree — the trunk (`route`), then one branch per flow (`flows/`), then what no
//! flow took; [`dispatcher_for`] puts it under the press-answering and panic-catching
//! links; [`run`] starts it.

pub mod access;
pub mod app;
pub mod callback;
pub mod commands;
pub mod flows;
pub mod guard;
pub mod menu;
pub mod net;
pub mod press;
pub mod probe;
pub mod route;
pub mod state;
pub mod ui;

use std::sync::Arc;

use sqlx::SqlitePool;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;

pub use app::{Actor, App, HandlerError, HandlerResult, TgBot};

/// The dispatcher, with one queue per person (their updates in order).
pub type BotDispatcher = Dispatcher<TgBot, HandlerError, teloxide::types::UserId>;

use crate::config::Settings;
use crate::i18n::I18n;
use state::DbStorage;

/// The whole handler tree: the trunk (who, their dialogue, what the update is), one line
/// per flow, and the fallback. Flows that take a kind of message before others come first
/// (an unreadable dialogue, a Registry or list file before a draft's typed answer).
pub fn schema() -> UpdateHandler<HandlerError> {
    use flows::*;
    route::trunk()
        .branch(start::schema())
        .branch(registry::schema())
        .branch(list_import::schema())
        .branch(report::schema())
        .branch(my::schema())
        .branch(review::schema())
        .branch(history::schema())
        .branch(list::schema())
        .branch(invite::schema())
        .branch(admin::schema())
        .branch(remind::schema())
        .branch(stats::schema())
        .branch(changes::schema())
        .branch(start::fallback())
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
    let mut bot = Bot::with_client(token, net::client()?);
    if let Some(url) = &settings.api_url {
        bot = bot.set_api_url(url.clone());
    }
    let bot = net::Retry::new(bot, policy);
    let me = bot
        .get_me()
        .await
        .map_err(|e| format!("the Bot API did not accept the bot (getMe): {e}"))?;
    // Authority does not outlive its holder: the open invitations of someone taken out of
    // TOUCHPOINTS_ADMINS since the last start are revoked now.
    let revoked =
        crate::db::invites::revoke_of_former_admins(&pool, &settings.admins, chrono::Utc::now())
            .await
            .map_err(|e| format!("revoking the invitations of former authorized persons: {e}"))?;
    if revoked > 0 {
        log::warn!(
            "revoked {revoked} open invitations made by people who are no longer authorized persons"
        );
    }
    let app = Arc::new(App {
        inline: crate::db::inline::Inline::new(&pool),
        pool,
        i18n: I18n::load()?,
        admins: settings.admins.iter().copied().collect(),
        bot_username: me.username().to_string(),
        invite_ttl: chrono::Duration::days(settings.invite_days),
        schedule: settings.reminders.schedule(),
        review_notice: settings.reminders.review_notice,
    });
    menu::register(&bot, &app).await;
    Ok((bot, app))
}

/// The dispatcher over the handler tree.
pub fn dispatcher(bot: TgBot, app: Arc<App>) -> BotDispatcher {
    dispatcher_for(bot, app, schema())
}

/// The dispatcher over a handler tree. Every update first gets its [`press::Press`] (a
/// callback query is answered exactly once, whatever the tree does), then a panic anywhere
/// in the tree is caught (`guard`). One person's updates are handled in order, different
/// people's concurrently.
pub fn dispatcher_for(
    bot: TgBot,
    app: Arc<App>,
    tree: UpdateHandler<HandlerError>,
) -> BotDispatcher {
    let storage = DbStorage::new(app.pool.clone());
    let tree = press::answered_once().chain(guard::guarded(tree));
    Dispatcher::builder(bot, tree)
        .dependencies(dptree::deps![app, storage])
        .distribution_function(|upd| upd.from().map(|u| u.id))
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
    // Reports waiting for review: a notice to their authors, a daily digest (issue 15).
    let notices = tokio::spawn(flows::notices::run(bot.clone(), app.clone()));
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
    notices.abort();
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
