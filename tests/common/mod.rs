//! The end-to-end harness: the real handler tree and dispatcher, long-polling a fake Bot
//! API server over HTTP, with a database in a temporary file. A test sends updates as
//! Telegram would and checks what the bot sent and what the database holds.
#![allow(dead_code)]

pub mod fake_api;

use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};
use sqlx::SqlitePool;
use teloxide::dispatching::{ShutdownToken, UpdateHandler};
use tokio::task::JoinHandle;

#[allow(unused_imports)] // only the fault tests inject faults
pub use fake_api::Fault;
pub use fake_api::{Call, FakeApi};
use touchpoints::bot::HandlerError;
use touchpoints::config::Settings;
use touchpoints::i18n::I18n;

pub const ADMIN: i64 = 100;
/// The division head of [`Bot::seed`].
pub const HEAD: User = user(200, "Ирина");
pub const ADMIN2: i64 = 101;

/// A person in the tests.
#[derive(Debug, Clone, Copy)]
pub struct User {
    pub id: i64,
    pub first_name: &'static str,
    pub language_code: &'static str,
}

pub const fn user(id: i64, first_name: &'static str) -> User {
    User {
        id,
        first_name,
        language_code: "ru",
    }
}

/// The ids of the updates the handler tree is done with.
#[derive(Default)]
pub struct Handled {
    ids: std::sync::Mutex<std::collections::HashSet<u32>>,
    changed: tokio::sync::Notify,
}

impl Handled {
    /// Waits (up to 10 s) until the tree is done with update `id`.
    async fn wait(&self, id: u32) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let notified = self.changed.notified();
            if self.ids.lock().unwrap().contains(&id) {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("timed out waiting for the bot to be done with update {id}");
            }
        }
    }
}

/// Records an update as handled when the tree after it is done with it — a panic in it
/// included (the guard that catches it is outside this link).
struct MarkOnDrop(Arc<Handled>, u32);

impl Drop for MarkOnDrop {
    fn drop(&mut self) {
        self.0.ids.lock().unwrap().insert(self.1);
        self.0.changed.notify_waiters();
    }
}

/// The harness's first link inside the product's own (the press answered, the panic
/// guard): marks each update handled when the tree is done with it.
fn marked(handled: Arc<Handled>) -> UpdateHandler<HandlerError> {
    let location = std::panic::Location::caller();
    dptree::from_fn_with_description(
        <teloxide::dispatching::DpHandlerDescription as dptree::HandlerDescription>::entry(),
        move |deps: dptree::di::DependencyMap, cont| {
            let handled = handled.clone();
            async move {
                let update: Arc<teloxide::types::Update> = deps.get();
                let _mark = MarkOnDrop(handled, update.id.0);
                cont(deps).await
            }
        },
        dptree::HandlerSignature::Other {
            obligations: [(dptree::Type::of::<teloxide::types::Update>(), location)]
                .into_iter()
                .collect(),
            guaranteed_outcomes: Default::default(),
            conditional_outcomes: Default::default(),
            continues: true,
        },
    )
}

/// How a test bot is built: its retry policy and its handler tree.
#[derive(Clone)]
pub struct Launch {
    pub policy: touchpoints::bot::net::Policy,
    pub tree: fn() -> UpdateHandler<HandlerError>,
}

impl Default for Launch {
    /// The real handler tree; retry pauses of milliseconds instead of seconds.
    fn default() -> Self {
        Launch {
            policy: fast_policy(),
            tree: touchpoints::bot::schema,
        }
    }
}

/// The production policy with pauses short enough for tests.
pub fn fast_policy() -> touchpoints::bot::net::Policy {
    touchpoints::bot::net::Policy {
        backoff: std::time::Duration::from_millis(10),
        max_backoff: std::time::Duration::from_millis(50),
        poll_backoff: std::time::Duration::from_millis(10),
        max_poll_backoff: std::time::Duration::from_millis(50),
        messages_per_second: 0,
        ..Default::default()
    }
}

pub struct Bot {
    pub api: FakeApi,
    pub pool: SqlitePool,
    pub i18n: I18n,
    dir: tempfile::TempDir,
    settings: Settings,
    running: Option<(ShutdownToken, JoinHandle<Result<(), String>>)>,
    launch: Launch,
    /// Every callback query sent, to check that each was answered exactly once.
    queries: std::sync::Mutex<Vec<String>>,
    /// The updates the handler tree is done with (across restarts).
    handled: Arc<Handled>,
    next_update: AtomicI64,
    next_incoming_message: AtomicI64,
}

impl Bot {
    /// Starts the bot with these authorized persons.
    pub async fn start(admins: &[i64]) -> Bot {
        Bot::start_with(admins, Launch::default()).await
    }

    /// Starts the bot with these authorized persons, a retry policy and a handler tree.
    pub async fn start_with(admins: &[i64], launch: Launch) -> Bot {
        let _ = env_logger::builder().is_test(true).try_init();
        let api = FakeApi::start().await;
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            token: Some("123456:TEST-TOKEN".into()),
            api_url: Some(api.url().parse().unwrap()),
            db: dir.path().join("touchpoints.db"),
            admins: admins.to_vec(),
            invite_days: 7,
            reminders: Default::default(),
            sends_per_second: 0,
        };
        let pool = touchpoints::db::connect(&settings.db).await.unwrap();
        let mut bot = Bot {
            api,
            pool,
            i18n: I18n::load().unwrap(),
            dir,
            settings,
            running: None,
            launch,
            queries: Default::default(),
            handled: Default::default(),
            next_update: AtomicI64::new(1),
            next_incoming_message: AtomicI64::new(1),
        };
        bot.launch().await;
        bot
    }

    async fn launch(&mut self) {
        let (tg, app) = touchpoints::bot::prepare_with(
            &self.settings,
            self.pool.clone(),
            self.launch.policy.clone(),
        )
        .await
        .expect("bot starts");
        let tree = marked(self.handled.clone()).chain((self.launch.tree)());
        let mut dispatcher = touchpoints::bot::dispatcher_for(tg.clone(), app, tree);
        let token = dispatcher.shutdown_token();
        let handle =
            tokio::spawn(async move { touchpoints::bot::net::poll(&mut dispatcher, tg).await });
        self.running = Some((token, handle));
    }

    /// The usual world of a test: a division with its head [`HEAD`] and the Registry
    /// function Ф-012 «Рассмотрение обращений граждан» (3.5.1). Returns (division, function).
    pub async fn seed(&self, division: &str) -> (i64, i64) {
        use touchpoints::db;
        use touchpoints::domain::{Direction, Lang, Role};
        let mut tx = touchpoints::db::begin_write(&self.pool).await.unwrap();
        let (d, _) = db::divisions::get_or_create(&mut tx, division, ADMIN)
            .await
            .unwrap();
        let f = db::functions::add(
            &mut tx,
            db::functions::NewFunction {
                code: Some("Ф-012"),
                name: "Рассмотрение обращений граждан",
                is_service: false,
                direction: Direction::Appeals,
                division_id: d.id,
                in_registry: true,
            },
            ADMIN,
        )
        .await
        .unwrap();
        db::people::assign(
            &mut tx,
            HEAD.id,
            HEAD.first_name,
            Role::Head,
            Some(d.id),
            Lang::Ru,
            Some(ADMIN),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (d.id, f)
    }

    /// Stops the bot the way SIGTERM does (in-flight updates finish), as a process would.
    pub async fn stop(&mut self) {
        if let Some((token, handle)) = self.running.take() {
            // Shutdown may be asked before the dispatcher is idle-ready; retry briefly.
            for _ in 0..100 {
                match token.shutdown() {
                    Ok(done) => {
                        done.await;
                        break;
                    }
                    Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
                }
            }
            handle.await.unwrap().expect("the bot stops cleanly");
        }
    }

    /// Waits for the bot to stop by itself (a fault it gives up on); returns why.
    pub async fn stopped(&mut self) -> Result<(), String> {
        let (_, handle) = self.running.take().expect("the bot runs");
        tokio::time::timeout(std::time::Duration::from_secs(10), handle)
            .await
            .expect("the bot stops within 10 s")
            .unwrap()
    }

    /// Stops and starts the bot again on the same database: a restart.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.pool.close().await;
        self.pool = touchpoints::db::connect(&self.settings.db).await.unwrap();
        self.launch().await;
    }

    /// A restart with another list of authorized persons in the settings
    /// (`TOUCHPOINTS_ADMINS` edited between two starts).
    pub async fn restart_with_admins(&mut self, admins: &[i64]) {
        self.settings.admins = admins.to_vec();
        self.restart().await;
    }

    pub fn db_path(&self) -> PathBuf {
        self.settings.db.clone()
    }

    fn user_json(u: User) -> Value {
        json!({ "id": u.id, "is_bot": false, "first_name": u.first_name, "language_code": u.language_code })
    }

    fn update_id(&self) -> i64 {
        self.next_update.fetch_add(1, Ordering::SeqCst)
    }

    /// The person sends a text message; returns the cursor of requests before it.
    pub fn send(&self, u: User, text: &str) -> usize {
        let cursor = self.api.cursor();
        let mut message = json!({
            "message_id": self.next_incoming_message.fetch_add(1, Ordering::SeqCst),
            "date": 1_764_000_000,
            "chat": { "id": u.id, "type": "private", "first_name": u.first_name },
            "from": Self::user_json(u),
            "text": text,
        });
        if text.starts_with('/') {
            let len = text
                .split_whitespace()
                .next()
                .unwrap_or("")
                .encode_utf16()
                .count();
            message["entities"] = json!([{ "type": "bot_command", "offset": 0, "length": len }]);
        }
        self.api
            .push_update(json!({ "update_id": self.update_id(), "message": message }));
        cursor
    }

    /// The bot's handle and dependencies as a running bot has them (on the same database
    /// and server), for calling a periodic job such as the reminders at a chosen time.
    pub async fn handles(
        &self,
    ) -> (
        touchpoints::bot::TgBot,
        std::sync::Arc<touchpoints::bot::App>,
    ) {
        touchpoints::bot::prepare_with(
            &self.settings,
            self.pool.clone(),
            self.launch.policy.clone(),
        )
        .await
        .expect("bot starts")
    }

    /// The person sends a file (a document) with this name and content.
    pub fn send_document(&self, u: User, file_name: &str, bytes: Vec<u8>) -> usize {
        let cursor = self.api.cursor();
        let n = self.next_incoming_message.fetch_add(1, Ordering::SeqCst);
        let file_id = format!("upload{n}");
        let size = bytes.len();
        self.api.put_file(&file_id, bytes);
        let message = json!({
            "message_id": n,
            "date": 1_764_000_000,
            "chat": { "id": u.id, "type": "private", "first_name": u.first_name },
            "from": Self::user_json(u),
            "document": {
                "file_id": file_id, "file_unique_id": format!("u{file_id}"),
                "file_name": file_name, "file_size": size
            },
        });
        self.api
            .push_update(json!({ "update_id": self.update_id(), "message": message }));
        cursor
    }

    /// The person sends something that is not text (a sticker).
    pub fn send_sticker(&self, u: User) -> usize {
        let cursor = self.api.cursor();
        let message = json!({
            "message_id": self.next_incoming_message.fetch_add(1, Ordering::SeqCst),
            "date": 1_764_000_000,
            "chat": { "id": u.id, "type": "private", "first_name": u.first_name },
            "from": Self::user_json(u),
            "sticker": {
                "file_id": "stk", "file_unique_id": "stku", "type": "regular",
                "width": 512, "height": 512, "is_animated": false, "is_video": false
            },
        });
        self.api
            .push_update(json!({ "update_id": self.update_id(), "message": message }));
        cursor
    }

    /// The person presses an inline button with `data` under the bot's message `message_id`
    /// in their chat. Returns the cursor and the callback query's id.
    pub fn press(&self, u: User, message_id: i64, data: &str) -> (usize, String) {
        let cursor = self.api.cursor();
        let message = self
            .api
            .message(u.id, message_id)
            .unwrap_or_else(|| panic!("no bot message {message_id} in chat {}", u.id));
        let id = format!("cq{}", self.next_update.load(Ordering::SeqCst));
        self.queries.lock().unwrap().push(id.clone());
        self.api.push_update(json!({
            "update_id": self.update_id(),
            "callback_query": {
                "id": id,
                "from": Self::user_json(u),
                "chat_instance": "ci",
                "message": message,
                "data": data,
            }
        }));
        (cursor, id)
    }

    /// A press as anyone could forge it: any data (or none), on a message given as Telegram
    /// would describe it, or on an inline message (no `message`, an `inline_message_id`).
    /// Tracked like [`Self::press`]: [`Self::finish`] checks it was answered exactly once.
    pub fn press_raw(&self, u: User, message: Option<Value>, data: Option<&str>) -> String {
        let n = self.next_update.load(Ordering::SeqCst);
        let id = format!("cq{n}");
        self.queries.lock().unwrap().push(id.clone());
        let mut q = json!({
            "id": id,
            "from": Self::user_json(u),
            "chat_instance": "ci",
        });
        match message {
            Some(m) => q["message"] = m,
            None => q["inline_message_id"] = json!(format!("inline{n}")),
        }
        if let Some(d) = data {
            q["data"] = json!(d);
        }
        self.api
            .push_update(json!({ "update_id": self.update_id(), "callback_query": q }));
        id
    }

    /// Presses the button whose label contains `label` on the newest card in this person's
    /// chat, and waits for the bot's answer to the press.
    pub async fn click(&self, u: User, label: &str) -> Call {
        let (cursor, q) = self.press_label(u, label);
        self.answer(cursor, &q).await
    }

    /// [`Self::press`], for a press whose answer may never come (the bot is killed while
    /// handling it): [`Self::finish`] does not expect it answered.
    pub fn press_untracked(&self, u: User, message_id: i64, data: &str) -> (usize, String) {
        let r = self.press(u, message_id, data);
        self.queries.lock().unwrap().retain(|q| *q != r.1);
        r
    }

    /// Presses a button by its label without waiting; returns the cursor and query id.
    pub fn press_label(&self, u: User, label: &str) -> (usize, String) {
        let (id, m) = self
            .api
            .last_card(u.id)
            .unwrap_or_else(|| panic!("no card with buttons in chat {}", u.id));
        let data = m["reply_markup"]["inline_keyboard"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|row| row.as_array().unwrap().iter())
            .find(|b| b["text"].as_str().unwrap_or("").contains(label))
            .unwrap_or_else(|| panic!("no button {label:?} on card {id}: {}", m["reply_markup"]))
            ["callback_data"]
            .as_str()
            .unwrap()
            .to_string();
        self.press(u, id, &data)
    }

    /// The text of the newest card with buttons in a chat.
    pub fn card_text(&self, chat: i64) -> String {
        self.api
            .last_card(chat)
            .map(|(_, m)| m["text"].as_str().unwrap_or("").to_string())
            .unwrap_or_default()
    }

    /// The labels of the newest card's buttons.
    pub fn card_buttons(&self, chat: i64) -> Vec<String> {
        self.api
            .last_card(chat)
            .map(|(_, m)| {
                m["reply_markup"]["inline_keyboard"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|row| row.as_array().unwrap().iter())
                    .map(|b| b["text"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits for the bot's next text message to this person after `cursor`.
    pub async fn reply(&self, cursor: usize, u: User) -> Call {
        self.api
            .wait_for(cursor, &format!("a message to {}", u.id), |c| {
                c.method == "sendMessage" && c.chat_id() == Some(u.id)
            })
            .await
    }

    /// Waits for the bot's next question (a message with buttons) to this person.
    pub async fn next_card(&self, cursor: usize, u: User) -> Call {
        self.api
            .wait_for(cursor, &format!("a card to {}", u.id), |c| {
                c.method == "sendMessage"
                    && c.chat_id() == Some(u.id)
                    && c.params.get("reply_markup").is_some()
            })
            .await
    }

    /// Sends text that the current step refuses: returns the bot's explanation, after the
    /// question has been asked again.
    pub async fn refused(&self, u: User, text: &str) -> Call {
        let c = self.send(u, text);
        let why = self.reply(c, u).await;
        self.next_card(c, u).await;
        why
    }

    /// Waits for the bot's answer to a callback query.
    ///
    /// A press may be answered before the bot is done with it (a screen's press is answered
    /// as the screen is drawn): this also waits until the handler tree is done with the
    /// update, as a person who presses the next button on the card they see would.
    pub async fn answer(&self, cursor: usize, query_id: &str) -> Call {
        let answer = self
            .api
            .wait_for(cursor, &format!("the answer to {query_id}"), |c| {
                c.method == "answerCallbackQuery" && c.params["callback_query_id"] == query_id
            })
            .await;
        if let Some(update) = query_id.strip_prefix("cq").and_then(|n| n.parse().ok()) {
            self.handled.wait(update).await;
        }
        answer
    }

    /// A text from the locales, for comparing with what the bot said.
    pub fn t(
        &self,
        lang: touchpoints::domain::Lang,
        key: &str,
        args: &[(&str, touchpoints::i18n::Arg<'_>)],
    ) -> String {
        self.i18n.text(lang, key, args)
    }

    /// Stops the bot and checks that every request it made was valid and that every
    /// callback query was answered exactly once.
    pub async fn finish(self) {
        self.finish_allowing(|_| false).await
    }

    /// [`Self::finish`] for presses sent faster than the bot handles them. Each carries its
    /// message as it stood when pressed, as a quick double tap does, so an edit can aim at
    /// what an earlier press already drew; Telegram refuses it as «not modified» and the
    /// bot takes that as done. Only that refusal is allowed.
    pub async fn finish_racing(self) {
        self.finish_allowing(|v| v.contains("message is not modified"))
            .await
    }

    async fn finish_allowing(mut self, allowed: impl Fn(&str) -> bool) {
        let queries = self.queries.lock().unwrap().clone();
        let answers = |api: &FakeApi| {
            let mut n: std::collections::HashMap<String, usize> = Default::default();
            for c in api.calls() {
                if c.method == "answerCallbackQuery" {
                    if let Some(id) = c.params["callback_query_id"].as_str() {
                        *n.entry(id.to_string()).or_default() += 1;
                    }
                }
            }
            n
        };
        // Every press answered (waiting up to 30 s without progress).
        let mut waited = std::time::Duration::ZERO;
        let mut before = usize::MAX;
        loop {
            let n = answers(&self.api);
            let missing: Vec<&String> = queries.iter().filter(|q| !n.contains_key(*q)).collect();
            if missing.is_empty() {
                break;
            }
            if missing.len() < before {
                before = missing.len();
                waited = std::time::Duration::ZERO;
            }
            if waited > std::time::Duration::from_secs(30) {
                panic!(
                    "{} callback queries never answered: {:?}",
                    missing.len(),
                    &missing[..missing.len().min(10)]
                );
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            waited += std::time::Duration::from_millis(50);
        }
        self.stop().await;
        let n = answers(&self.api);
        for q in &queries {
            let n = n.get(q).copied().unwrap_or(0);
            assert_eq!(n, 1, "callback query {q} answered {n} times");
        }
        let v: Vec<String> = self
            .api
            .violations()
            .into_iter()
            .filter(|v| !allowed(v))
            .collect();
        assert!(v.is_empty(), "invalid Bot API requests: {v:#?}");
    }
}
