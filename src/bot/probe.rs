//! Asks the Bot API who the bot is (`getMe`): once, without retries, within a bounded time,
//! for the command line's `check`. The answer or a one-line reason; never the token.

use std::time::Duration;

use teloxide::prelude::*;
use teloxide::{ApiError, RequestError};

use crate::config::Settings;

/// How long `check` waits for the Bot API.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The bot as the Bot API knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Me {
    /// Without the `@`.
    pub username: String,
    pub name: String,
}

/// `getMe` with the settings' token, at the settings' Bot API server (`TELOXIDE_API_URL`),
/// within [`TIMEOUT`].
pub async fn who_am_i(settings: &Settings) -> Result<Me, String> {
    who_am_i_within(settings, TIMEOUT).await
}

/// [`who_am_i`] within `limit`.
pub async fn who_am_i_within(settings: &Settings, limit: Duration) -> Result<Me, String> {
    let token = settings.require_token()?;
    let mut bot = Bot::new(token);
    let server = match &settings.api_url {
        Some(url) => {
            bot = bot.set_api_url(url.clone());
            let mut shown = url.clone();
            let _ = shown.set_username("");
            let _ = shown.set_password(None);
            shown.to_string()
        }
        None => "https://api.telegram.org".to_string(),
    };
    let answer = tokio::time::timeout(limit, async { bot.get_me().await }).await;
    let reason = match answer {
        Err(_) => format!("no answer from the Bot API at {server} within {limit:?}"),
        Ok(Ok(me)) => {
            return match me.user.username.clone() {
                Some(username) => Ok(Me {
                    username,
                    name: me.user.full_name(),
                }),
                None => Err(format!(
                    "the Bot API at {server} answered getMe without the bot's username"
                )),
            }
        }
        Ok(Err(RequestError::Api(ApiError::InvalidToken))) => format!(
            "the Bot API at {server} refused the token (Unauthorized): \
             it was revoked or mistyped; @BotFather shows the current one"
        ),
        Ok(Err(RequestError::Network(e))) => {
            format!("cannot reach the Bot API at {server}: {}", with_causes(&*e))
        }
        Ok(Err(RequestError::InvalidJson { source, .. })) => format!(
            "the Bot API at {server} answered getMe with something else than its JSON: {source}"
        ),
        Ok(Err(e)) => format!("the Bot API at {server} answered getMe with an error: {e}"),
    };
    Err(scrub(&reason, token))
}

/// An error and its causes on one line (reqwest's own message leaves the cause out).
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// The text with the token taken out, as it is and as a URL spells it; its secret part
/// too when long enough not to be an ordinary word.
fn scrub(text: &str, token: &str) -> String {
    let mut out = text.replace(token, "<token>");
    out = out.replace(&token.replace(':', "%3A"), "<token>");
    out = out.replace(&token.replace(':', "%3a"), "<token>");
    if let Some((_, secret)) = token.split_once(':') {
        if secret.len() >= 8 {
            out = out.replace(secret, "<token>");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(api_url: &str) -> Settings {
        use clap::Parser;
        let mut s = crate::config::Cli::try_parse_from(["touchpoints"])
            .unwrap()
            .settings;
        s.token = Some("7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Q".into());
        s.api_url = Some(api_url.parse().unwrap());
        s
    }

    #[test]
    fn the_token_is_scrubbed_in_every_spelling() {
        let t = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Q";
        let text = format!(
            "url (http://h/bot{t}/GetMe) bot7000000001%3AAAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Q \
             AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Q"
        );
        let out = scrub(&text, t);
        assert!(!out.contains("AAHdqTcv"), "{out}");
        assert!(out.contains("/bot<token>/GetMe"), "{out}");
    }

    #[tokio::test]
    async fn a_server_that_never_answers_is_given_up_on() {
        // Connections are accepted by the system, and nothing is ever answered.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let err = who_am_i_within(&settings(&url), Duration::from_millis(300))
            .await
            .unwrap_err();
        assert!(err.contains("no answer") && err.contains("300ms"), "{err}");
        assert!(!err.contains("AAHdqTcv"), "{err}");
        drop(listener);
    }
}
