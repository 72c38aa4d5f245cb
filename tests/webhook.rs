//! Webhook mode, end to end: the built binary listens for Telegram's posts, refuses those
//! without the secret, answers through the fake Bot API, and removes the webhook when
//! stopped.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{user, Bot, User, ADMIN};
use serde_json::json;

const STRANGER: User = user(900, "Гость");
const SECRET: &str = "s3cr3t-Of_the-hook";

/// A port free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_with_the_secret_are_handled_others_refused() {
    let mut bot = Bot::start(&[ADMIN]).await;
    bot.stop().await;
    let port = free_port();
    let hook = format!("http://127.0.0.1:{port}/telegram-hook");
    let cursor = bot.api.cursor();
    let mut child = Command::new(env!("CARGO_BIN_EXE_touchpoints"))
        .env_remove("TOUCHPOINTS_WEBHOOK_SECRET")
        .env(
            "TELOXIDE_TOKEN",
            "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Q",
        )
        .env("TELOXIDE_API_URL", bot.api.url())
        .env("TOUCHPOINTS_DB", bot.db_path())
        .env("TOUCHPOINTS_ADMINS", ADMIN.to_string())
        .args([
            "--webhook-url",
            &hook,
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .args(["--webhook-secret", SECRET])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let set = bot
        .api
        .wait_for(cursor, "setWebhook", |c| c.method == "setWebhook")
        .await;
    assert_eq!(set.params["url"], hook.as_str());
    assert_eq!(set.params["secret_token"], SECRET);

    let update = |id: i64| {
        json!({
            "update_id": id,
            "message": {
                "message_id": id, "date": 1_764_000_000,
                "chat": { "id": STRANGER.id, "type": "private", "first_name": "Гость" },
                "from": { "id": STRANGER.id, "is_bot": false, "first_name": "Гость", "language_code": "ru" },
                "text": "/start",
                "entities": [{ "type": "bot_command", "offset": 0, "length": 6 }],
            }
        })
        .to_string()
    };
    let http = teloxide::net::default_reqwest_settings().build().unwrap();
    let post = |body: String, secret: Option<&str>| {
        let mut req = http
            .post(&hook)
            .header("content-type", "application/json")
            .body(body);
        if let Some(s) = secret {
            req = req.header("X-Telegram-Bot-Api-Secret-Token", s);
        }
        req.send()
    };
    // The router may take a moment after setWebhook to accept connections.
    let mut status = 0;
    for _ in 0..100 {
        match post(update(1), Some("wrong-secret")).await {
            Ok(r) => {
                status = r.status().as_u16();
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    assert_eq!(status, 401, "a wrong secret is refused");
    let r = post(update(2), None).await.unwrap();
    assert_eq!(r.status().as_u16(), 401, "no secret is refused");

    let c = bot.api.cursor();
    let r = post(update(3), Some(SECRET)).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let reply = bot.reply(c, STRANGER).await;
    assert!(
        reply.text().contains(&STRANGER.id.to_string()),
        "{}",
        reply.text()
    );
    // Only the post with the secret was handled.
    let replies = bot
        .api
        .calls()
        .iter()
        .filter(|call| call.method == "sendMessage" && call.chat_id() == Some(STRANGER.id))
        .count();
    assert_eq!(replies, 1);

    let c = bot.api.cursor();
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let mut exited = None;
    for _ in 0..500 {
        if let Some(s) = child.try_wait().unwrap() {
            exited = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let Some(status) = exited else {
        child.kill().ok();
        panic!("the bot did not exit within 10 s");
    };
    assert!(status.success(), "{status}");
    bot.api
        .wait_for(c, "deleteWebhook", |call| call.method == "deleteWebhook")
        .await;
    bot.finish().await;
}
