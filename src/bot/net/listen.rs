//! Getting updates: long polling ([`poll`], with a bounded patience for 409 Conflict and a
//! stop on a revoked token) or a webhook ([`webhook`], behind a TLS proxy).

use std::sync::Arc;
use std::time::Duration;

use axum::response::IntoResponse;
use futures::future::BoxFuture;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use teloxide::{ApiError, RequestError};

use super::Retry;
use crate::bot::BotDispatcher;

/// Polls for updates until the dispatcher is shut down (a signal) or another process turns
/// out to be polling with the same token: [`Policy::conflicts`] 409 Conflicts in a row stop
/// the bot with an error that says so, instead of fighting the other process forever.
pub async fn poll(dispatcher: &mut BotDispatcher, bot: Retry) -> Result<(), String> {
    use teloxide::update_listeners::{Polling, UpdateListener};

    let policy = bot.policy().clone();
    let limit = policy.conflicts;
    let mut listener = Polling::builder(bot)
        .timeout(Duration::from_secs(10))
        .backoff_strategy(move |n| policy.poll_backoff(n))
        .delete_webhook()
        .await
        .build();
    let errors = Arc::new(ListenerErrors {
        stop: listener.stop_token(),
        limit,
        state: Default::default(),
    });
    dispatcher
        .dispatch_with_listener(listener, errors.clone())
        .await;
    let state = errors.state.lock().unwrap_or_else(|p| p.into_inner());
    match &state.fatal {
        Some(why) => Err(why.clone()),
        None => Ok(()),
    }
}

/// What went wrong with `getUpdates`, as the polling loop reports it.
struct ListenerErrors {
    stop: teloxide::stop::StopToken,
    limit: u32,
    state: std::sync::Mutex<ListenerState>,
}

#[derive(Default)]
struct ListenerState {
    /// 409 Conflicts so far, and when the last came: a pause longer than the polling
    /// backoff can explain means the other process went away, and the count starts afresh.
    conflicts: u32,
    last_conflict: Option<std::time::Instant>,
    /// Why polling was stopped, if it was stopped for a fault.
    fatal: Option<String>,
}

impl teloxide::error_handlers::ErrorHandler<RequestError> for ListenerErrors {
    fn handle_error(self: Arc<Self>, error: RequestError) -> BoxFuture<'static, ()> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match &error {
            RequestError::Api(ApiError::TerminatedByOtherGetUpdates) => {
                let now = std::time::Instant::now();
                let fresh = state
                    .last_conflict
                    .is_some_and(|t| now.duration_since(t) > Duration::from_secs(180));
                if fresh {
                    state.conflicts = 0;
                }
                state.conflicts += 1;
                state.last_conflict = Some(now);
                log::error!(
                    "getUpdates: 409 Conflict: another process is getting this bot's updates \
                     with the same token (a second touchpoints running?); only one may run \
                     ({} of {} in a row before this one stops)",
                    state.conflicts,
                    self.limit
                );
                if state.conflicts >= self.limit && state.fatal.is_none() {
                    state.fatal = Some(format!(
                        "another process is getting this bot's updates with the same token \
                         (409 Conflict from getUpdates {} times in a row): stop it, or this \
                         one, so that only one runs",
                        state.conflicts
                    ));
                    log::error!("stopping: only one process may poll with a token");
                    self.stop.stop();
                }
            }
            RequestError::Api(ApiError::InvalidToken) => {
                log::error!("getUpdates: the token is no longer valid (revoked in @BotFather?)");
                if state.fatal.is_none() {
                    state.fatal = Some(
                        "the Bot API refused the token (401 Unauthorized): it was revoked or \
                         replaced; give the new one in TELOXIDE_TOKEN"
                            .to_string(),
                    );
                    self.stop.stop();
                }
            }
            e => log::warn!("getUpdates: {e}"),
        }
        Box::pin(async {})
    }
}

/// Webhook mode: listens on `hook.listen`, asks Telegram to post updates to `hook.url`
/// with the secret (given, or a random one for this start) that every post must carry —
/// [`guard_secret`] answers 401 to a post without it, before teloxide's router sees it —
/// and serves until the dispatcher is shut down, when it removes the webhook
/// (`deleteWebhook`).
pub async fn webhook(
    dispatcher: &mut BotDispatcher,
    bot: Retry,
    hook: &crate::config::Webhook,
) -> Result<(), String> {
    use teloxide::update_listeners::webhooks;

    let Some(url) = hook.url.clone() else {
        return Err("webhook mode needs --webhook-url".into());
    };
    // Bound first, so that a taken port is a clear error before Telegram is told anything.
    let tcp = tokio::net::TcpListener::bind(hook.listen)
        .await
        .map_err(|e| format!("listening on {} for the webhook: {e}", hook.listen))?;
    let mut options = webhooks::Options::new(hook.listen, url.clone());
    if let Some(secret) = &hook.secret {
        options = options.secret_token(secret.clone());
    }
    // The secret Telegram is given (generated for this start when none is set), checked by
    // our own layer in front of teloxide's router.
    let secret = options.get_or_gen_secret_token().to_owned();
    let (listener, stopped, router) = webhooks::axum_to_router(bot, options)
        .await
        .map_err(|e| format!("the Bot API did not take the webhook (setWebhook): {e}"))?;
    let router = guard_secret(router, &secret);
    log::info!(
        "webhook: listening on {} for posts to {}{}",
        hook.listen,
        url.origin().ascii_serialization(),
        url.path()
    );
    let server = tokio::spawn(async move {
        axum::serve(tcp, router)
            .with_graceful_shutdown(stopped)
            .await
    });
    dispatcher
        .dispatch_with_listener(
            listener,
            teloxide::error_handlers::LoggingErrorHandler::with_custom_text("webhook"),
        )
        .await;
    match server.await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("the webhook server failed: {e}")),
        Err(e) => Err(format!("the webhook server failed: {e}")),
    }
}

/// The header Telegram sends the webhook's secret in.
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// Puts our own check of the secret header in front of a webhook router: a request whose
/// header is missing or is not the secret is answered 401 and goes no further. The check
/// takes the same time whatever the header holds — the SHA-256 digests of the header and
/// of the secret are compared in constant time (`subtle`) — so its timing tells nothing of
/// the secret (teloxide's own check compares the bytes with `!=`, which stops at the first
/// difference; it stays behind ours, never the one relied on).
pub fn guard_secret(router: axum::Router, secret: &str) -> axum::Router {
    let expected: Arc<[u8; 32]> = Arc::new(Sha256::digest(secret.as_bytes()).into());
    router.layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| {
            let expected = expected.clone();
            async move {
                let given = req.headers().get(SECRET_HEADER).map(|v| v.as_bytes());
                if secret_matches(&expected, given) {
                    next.run(req).await
                } else {
                    log::warn!("webhook: a post without the right secret was refused");
                    axum::http::StatusCode::UNAUTHORIZED.into_response()
                }
            }
        },
    ))
}

/// Whether a header holds the secret whose SHA-256 is `expected`, in constant time.
fn secret_matches(expected: &[u8; 32], given: Option<&[u8]>) -> bool {
    let Some(given) = given else {
        return false;
    };
    let given: [u8; 32] = Sha256::digest(given).into();
    given.ct_eq(expected).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_matches_only_itself() {
        let expected: [u8; 32] = Sha256::digest(b"s3cr3t").into();
        assert!(secret_matches(&expected, Some(b"s3cr3t")));
        for wrong in [&b""[..], b"s3cr3", b"s3cr3t ", b"S3cr3t", b"x"] {
            assert!(!secret_matches(&expected, Some(wrong)), "{wrong:?}");
        }
        assert!(!secret_matches(&expected, None));
    }

    /// Our layer refuses by itself: the router behind it takes every post.
    #[tokio::test]
    async fn the_guard_refuses_a_missing_or_wrong_secret_and_lets_the_right_one_through() {
        let open = axum::Router::new().route(
            "/hook",
            axum::routing::post(|| async { axum::http::StatusCode::OK }),
        );
        let app = guard_secret(open, "right-secret");
        let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = tcp.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(tcp, app).await });
        let http = teloxide::net::default_reqwest_settings().build().unwrap();
        let url = format!("http://{addr}/hook");
        let status = |secret: Option<&'static str>| {
            let mut req = http.post(&url).body("{}");
            if let Some(s) = secret {
                req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
            }
            async move { req.send().await.unwrap().status().as_u16() }
        };
        assert_eq!(status(None).await, 401);
        assert_eq!(status(Some("wrong-secret")).await, 401);
        assert_eq!(status(Some("right-secre")).await, 401);
        assert_eq!(status(Some("right-secret")).await, 200);
    }
}
