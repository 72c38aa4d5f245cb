//! How fast the bot answers an update, and how much memory it holds with many dialogues
//! open (issues 7 and 14) — next to a minimal teloxide echo bot as the floor.
//!
//! Run: `cargo bench --bench bot` (a plain binary, `harness = false`; figures printed as
//! Markdown). Each bot runs as a process of its own against the fake Bot API of the tests
//! (`tests/common/fake_api.rs`, which checks every request against the Bot API
//! description) served from this process over HTTP on 127.0.0.1:
//!
//! - **touchpoints**: the `touchpoints` binary of this build (release), or the one named by
//!   `BENCH_BOT_BINARY` (the server's build: `cargo build --profile dist`, then
//!   `BENCH_BOT_BINARY=target/dist/touchpoints cargo bench --bench bot`), on a fresh SQLite
//!   file (WAL) with a division, a Registry function, one authorized person and 1,000
//!   division heads. A dialogue is `/new` to a sent report: `/new`, direction, function,
//!   kind, the point (typed), a need (toggled), `Готово`, no features, clients, `Отправить`
//!   — 10 steps, the last one writing the report and sending its card to the authorized
//!   person.
//! - **echo** (the floor): this program started with `--echo <url>`: teloxide's dispatcher
//!   with one handler that echoes a text with one button and answers a press.
//!
//! Both bots run at once, each on its own fake server, and their batches alternate (10
//! rounds), so that the drift of a shared machine falls on both alike. A step's latency is
//! from the moment the update is queued at the fake server to the moment the person has
//! its result: for a text, the bot's next message with buttons; for a press, its answer and
//! the card it brings (the next card, or the pressed one redrawn; for `Отправить`, the
//! confirmation), whichever comes last; for the echo's press, its answer. It includes the
//! long-poll pick-up. Steps per second: all steps over the wall time of the batches. Each
//! user's steps are sequential, as a person's are; 1 user, then 20 at once. Then a load
//! run: 50 heads at once, 3 reports each, with sends paced at 30 a second (production) and
//! unpaced. `BENCH_BOT_ONLY=memory` runs the memory table alone.
//!
//! Memory: `VmRSS`, `VmHWM`, `RssAnon` (heap, stacks) and `RssFile` (the binary's and
//! libraries' pages in memory) from `/proc/<pid>/status`, and the open files: idle after
//! start, and after 1,000 heads have each opened a dialogue (`/new`, then a direction: a
//! stored draft and a live per-chat worker in the dispatcher each); the echo bot idle and
//! after 1,000 chats.

#[path = "../tests/common/fake_api.rs"]
#[allow(dead_code)]
mod fake_api;

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fake_api::FakeApi;
use serde_json::{json, Value};

const ADMIN: i64 = 100;
const HEADS: i64 = 1_000;
const FIRST_HEAD: i64 = 10_000;

// ---------------------------------------------------------------------------------------
// The people, as the fake server sees them.

struct Client {
    api: FakeApi,
    /// Update ids are taken and queued under one lock: Telegram's ids grow in queue order,
    /// and the fake server confirms updates by the offset.
    next_update: std::sync::Mutex<i64>,
    next_message: AtomicI64,
}

impl Client {
    fn new(api: FakeApi) -> Arc<Client> {
        Arc::new(Client {
            api,
            next_update: std::sync::Mutex::new(1),
            next_message: AtomicI64::new(1),
        })
    }

    /// Queues the update `make(id)` with the next update id; returns the id.
    fn push(&self, make: impl FnOnce(i64) -> Value) -> i64 {
        let mut next = self.next_update.lock().unwrap();
        let id = *next;
        *next += 1;
        self.api.push_update(make(id));
        id
    }

    fn user(id: i64) -> Value {
        json!({ "id": id, "is_bot": false, "first_name": format!("Head {id}"), "language_code": "ru" })
    }

    /// The person types `text`; returns when the bot's next message with buttons arrives.
    async fn say(&self, chat: i64, text: &str) -> Duration {
        let cursor = self.api.cursor();
        let t = Instant::now();
        self.say_only(chat, text);
        self.api
            .wait_for(cursor, "a card", |c| {
                c.method == "sendMessage"
                    && c.chat_id() == Some(chat)
                    && c.params.get("reply_markup").is_some()
            })
            .await;
        t.elapsed()
    }

    /// The person types `text`; returns when the bot's next message to the chat arrives,
    /// with or without buttons (`/help`, an echo).
    async fn say_reply(&self, chat: i64, text: &str) -> Duration {
        let cursor = self.api.cursor();
        let t = Instant::now();
        self.say_only(chat, text);
        self.api
            .wait_for(cursor, "a reply", |c| {
                c.method == "sendMessage" && c.chat_id() == Some(chat)
            })
            .await;
        t.elapsed()
    }

    /// Queues the person's text message.
    fn say_only(&self, chat: i64, text: &str) {
        let mut message = json!({
            "message_id": self.next_message.fetch_add(1, Ordering::Relaxed),
            "date": 1_764_000_000,
            "chat": { "id": chat, "type": "private", "first_name": "Head" },
            "from": Self::user(chat),
            "text": text,
        });
        if text.starts_with('/') {
            let len = text.split_whitespace().next().unwrap_or("").len();
            message["entities"] = json!([{ "type": "bot_command", "offset": 0, "length": len }]);
        }
        self.push(|id| json!({ "update_id": id, "message": message }));
    }

    /// The person presses the button whose label contains `label` on the newest message in
    /// the chat; returns when the press is answered and the bot's `screen` has arrived.
    async fn press(&self, chat: i64, label: &str, screen: Screen) -> Duration {
        let (_, m) = self.api.newest(chat).expect("a message to press on");
        let data = m["reply_markup"]["inline_keyboard"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|row| row.as_array().into_iter().flatten())
            .find(|b| b["text"].as_str().unwrap_or("").contains(label))
            .unwrap_or_else(|| panic!("no button {label:?} in {m}"))["callback_data"]
            .as_str()
            .unwrap()
            .to_string();
        let cursor = self.api.cursor();
        let t = Instant::now();
        let update = self.push(|id| {
            json!({
                "update_id": id,
                "callback_query": {
                    "id": format!("q{id}"),
                    "from": Self::user(chat),
                    "chat_instance": "ci",
                    "message": m,
                    "data": data,
                }
            })
        });
        let query = format!("q{update}");
        self.api
            .wait_for(cursor, &format!("the answer to {label} in {chat}"), |c| {
                c.method == "answerCallbackQuery" && c.params["callback_query_id"] == query.as_str()
            })
            .await;
        let to_chat = |c: &fake_api::Call| c.chat_id() == Some(chat);
        match screen {
            Screen::Answer => {}
            Screen::Card => {
                self.api
                    .wait_for(cursor, &format!("the card after {label} in {chat}"), |c| {
                        matches!(c.method.as_str(), "sendMessage" | "editMessageText")
                            && to_chat(c)
                            && c.params.get("reply_markup").is_some()
                    })
                    .await;
            }
            Screen::Message => {
                self.api
                    .wait_for(
                        cursor,
                        &format!("the message after {label} in {chat}"),
                        |c| c.method == "sendMessage" && to_chat(c),
                    )
                    .await;
            }
        }
        t.elapsed()
    }
}

/// What a press waits for besides its answer: a step is over when the person sees its
/// result, whatever order the bot sends the two in.
#[derive(Clone, Copy)]
enum Screen {
    /// The answer alone (the echo bot's press).
    Answer,
    /// A card with buttons: a new message, or the pressed one edited.
    Card,
    /// A new message, with or without buttons.
    Message,
}

/// The steps of [`dialogue`], in order: what the person does | what the bot sends.
const STEPS: [&str; 10] = [
    "`/new` | the first card",
    "a direction | the card closed, the answer; the next card",
    "a function | the card closed, the answer; the next card",
    "a kind | the card closed, the answer; the next card",
    "the point, typed | the next card",
    "a need | the card redrawn, the answer",
    "`Готово` | the card closed, the answer; the next card",
    "no features | the card closed, the answer; the next card",
    "clients | the card closed, the answer; the summary",
    "`Отправить` | the report written, the answer; the card closed, a confirmation (measured to it); the report's card to the authorized person",
];

/// One report, from `/new` to `Отправить`: 10 steps, their latencies.
async fn dialogue(c: &Client, head: i64) -> Vec<Duration> {
    // Each report names a point of its own (3.7 refuses a second report of the same one).
    static POINTS: AtomicI64 = AtomicI64::new(0);
    let n = POINTS.fetch_add(1, Ordering::Relaxed);
    let mut t = Vec::with_capacity(10);
    t.push(c.say(head, "/new").await);
    t.push(
        c.press(head, "Рассмотрение обращений и запросов", Screen::Card)
            .await,
    );
    t.push(c.press(head, "Ф-012", Screen::Card).await);
    t.push(c.press(head, "Официальные сайты", Screen::Card).await);
    t.push(
        c.say(head, &format!("https://lenobl.ru/bench/{head}/{n}"))
            .await,
    );
    t.push(c.press(head, "Получение информации", Screen::Card).await);
    t.push(c.press(head, "Готово", Screen::Card).await);
    t.push(c.press(head, "Нет особенностей", Screen::Card).await);
    t.push(c.press(head, "внешние", Screen::Card).await);
    // Sent: the answer names the report; then the card closes and a message confirms it.
    t.push(c.press(head, "Отправить", Screen::Message).await);
    t
}

/// The echo bot's steps: a text, then a press on its answer; `steps` in all.
async fn echo_steps(c: &Client, user: i64, steps: usize) -> Vec<Duration> {
    let mut t = Vec::with_capacity(steps);
    for i in 0..steps {
        if i % 2 == 0 {
            t.push(c.say(user, &format!("echo {i}")).await);
        } else {
            t.push(c.press(user, "again", Screen::Answer).await);
        }
    }
    t
}

#[derive(Default)]
struct Run {
    users: usize,
    steps: usize,
    wall: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    /// Another batch of the same measure: its steps, time and latencies added (in order).
    fn add(&mut self, other: Run) {
        self.users = other.users;
        self.steps += other.steps;
        self.wall += other.wall;
        self.latencies.extend(other.latencies);
    }

    fn quantile(&mut self, p: f64) -> f64 {
        self.latencies.sort();
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i].as_secs_f64() * 1e3
    }

    fn row(&mut self, bot: &str, what: &str) -> String {
        let (p50, p95, p99, max) = (
            self.quantile(0.5),
            self.quantile(0.95),
            self.quantile(0.99),
            self.quantile(1.0),
        );
        format!(
            "| {bot} | {what} | {} | {} | {:.0} | {:.2} ms | {:.2} ms | {:.2} ms | {:.1} ms |",
            self.users,
            self.steps,
            self.steps as f64 / self.wall.as_secs_f64(),
            p50,
            p95,
            p99,
            max,
        )
    }
}

/// `users` users at once, each doing `per_user` rounds of `f`.
async fn run<F, Fut>(client: &Arc<Client>, users: usize, f: F) -> Run
where
    F: Fn(Arc<Client>, i64) -> Fut,
    Fut: std::future::Future<Output = Vec<Duration>> + Send + 'static,
{
    let t = Instant::now();
    let tasks: Vec<_> = (0..users as i64)
        .map(|u| tokio::spawn(f(client.clone(), FIRST_HEAD + u)))
        .collect();
    let mut latencies = vec![];
    for task in tasks {
        latencies.extend(task.await.expect("a user's run"));
    }
    Run {
        users,
        steps: latencies.len(),
        wall: t.elapsed(),
        latencies,
    }
}

// ---------------------------------------------------------------------------------------
// The processes.

/// A `kB` field of /proc/<pid>/status, in KiB.
fn status_kb(pid: u32, field: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// `VmRSS | VmHWM | RssAnon | RssFile | open files` of the process.
fn memory_row(pid: u32) -> String {
    let files = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0);
    let mut cells = ["VmRSS", "VmHWM", "RssAnon", "RssFile"].map(|f| mib(status_kb(pid, f)));
    cells[3] = format!("{} | {files}", cells[3]);
    cells.join(" | ")
}

fn mib(kb: u64) -> String {
    format!("{:.1} MiB", kb as f64 / 1024.0)
}

/// Waits until the bot answers: a stranger's `/help` (touchpoints) or a text (echo).
async fn ready(client: &Client) {
    const STRANGER: i64 = 1;
    let cursor = client.api.cursor();
    client.say_only(STRANGER, "/help");
    client
        .api
        .wait_for(cursor, "the bot's first answer", |c| {
            c.method == "sendMessage" && c.chat_id() == Some(STRANGER)
        })
        .await;
}

/// A bot's process; killed if the benchmark fails half-way.
struct Proc(Child);

impl Proc {
    fn id(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Stops a bot as systemd would (SIGTERM) and waits for it.
fn stop(mut child: Proc) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.0.wait();
}

async fn prepare_database(path: &std::path::Path) {
    use touchpoints::db;
    use touchpoints::domain::{Direction, Lang, Role};
    let pool = db::connect(path).await.expect("database");
    let mut tx = pool.begin().await.unwrap();
    let (d, _) = db::divisions::get_or_create(&mut tx, "Отдел по работе с обращениями", ADMIN)
        .await
        .unwrap();
    db::functions::add(
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
    for h in 0..HEADS {
        let id = FIRST_HEAD + h;
        db::people::assign(
            &mut tx,
            id,
            &format!("Head {id}"),
            Role::Head,
            Some(d.id),
            Lang::Ru,
            Some(ADMIN),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    pool.close().await;
}

/// The bot on `db`; `pace`: sends a second over all chats (0: unpaced, the bot's own
/// speed; 30: as in production, Telegram's limit).
fn spawn_touchpoints(api: &FakeApi, db: &std::path::Path, pace: u32) -> Proc {
    Proc(
        // `BENCH_BOT_BINARY`: another build of the bot (another profile, say) to measure.
        Command::new(
            std::env::var("BENCH_BOT_BINARY")
                .unwrap_or_else(|_| env!("CARGO_BIN_EXE_touchpoints").to_string()),
        )
        .env(
            "TELOXIDE_TOKEN",
            "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Q",
        )
        .env("TELOXIDE_API_URL", api.url())
        .env("TOUCHPOINTS_DB", db)
        .env("TOUCHPOINTS_ADMINS", ADMIN.to_string())
        .env("TOUCHPOINTS_SENDS_PER_SECOND", pace.to_string())
        .env(
            "RUST_LOG",
            std::env::var("BENCH_BOT_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::null())
        .spawn()
        .expect("the touchpoints binary"),
    )
}

fn spawn_echo(api: &FakeApi) -> Proc {
    Proc(
        Command::new(std::env::current_exe().expect("this program"))
            .args(["--echo", &api.url()])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("the echo bot"),
    )
}

/// The floor: teloxide's dispatcher, one handler, no database.
async fn echo_bot(url: &str) {
    use teloxide::prelude::*;
    use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
    let bot = Bot::new("7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw-Q")
        .set_api_url(url.parse().expect("url"));
    let handler = dptree::entry()
        .branch(
            Update::filter_message().endpoint(|bot: Bot, m: Message| async move {
                let kb =
                    InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("again", "again")]]);
                bot.send_message(m.chat.id, m.text().unwrap_or("?"))
                    .reply_markup(kb)
                    .await?;
                Ok::<(), teloxide::RequestError>(())
            }),
        )
        .branch(Update::filter_callback_query().endpoint(
            |bot: Bot, q: CallbackQuery| async move {
                bot.answer_callback_query(q.id).await?;
                Ok::<(), teloxide::RequestError>(())
            },
        ));
    Dispatcher::builder(bot, handler)
        .enable_ctrlc_handler()
        .build()
        .dispatch()
        .await;
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if let Some(i) = args.iter().position(|a| a == "--echo") {
        let url = args.get(i + 1).cloned().unwrap_or_default();
        // SIGTERM ends it: the default action, nothing to finish.
        rt.block_on(echo_bot(&url));
        return;
    }
    rt.block_on(bench());
}

async fn bench() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("bench.db");
    prepare_database(&db).await;

    // `BENCH_BOT_ONLY=memory`: the memory table alone (quicker, when looking into it).
    let timing = std::env::var("BENCH_BOT_ONLY").map_or(true, |v| v != "memory");
    if timing {
        timings(&db).await;
    }
    memory(&db).await;
}

/// The latency tables: the echo floor, then touchpoints, then the load runs.
async fn timings(db: &std::path::Path) {
    println!("| bot | what | users at once | steps | steps/s | p50 | p95 | p99 | max |");
    println!("|---|---|---|---|---|---|---|---|---|");

    // Both bots at once, each on its own fake server, their batches alternating: the
    // machine's drift (this one is shared) falls on both alike. Echo: a text answered (as
    // `/help` is), a step (a text or a press); touchpoints: `/help`, the dialogue's steps.
    let echo_api = FakeApi::start().await;
    let echo_child = spawn_echo(&echo_api);
    let echo = Client::new(echo_api);
    ready(&echo).await;
    let tp_api = FakeApi::start().await;
    let tp_child = spawn_touchpoints(&tp_api, db, 0);
    let tp = Client::new(tp_api);
    ready(&tp).await;
    // Warm up: a few steps, one dialogue.
    run(&echo, 1, |c, u| async move { echo_steps(&c, u, 20).await }).await;
    run(&tp, 1, |c, u| async move { dialogue(&c, u).await }).await;

    const ROUNDS: usize = 10;
    let mut echo_text = Run::default();
    let mut echo_step = Run::default();
    let mut tp_help = Run::default();
    let mut tp_step = Run::default();
    for _ in 0..ROUNDS {
        echo_text.add(
            run(&echo, 1, |c, u| async move {
                let mut t = vec![];
                for i in 0..30 {
                    t.push(c.say_reply(u, &format!("echo {i}")).await);
                }
                t
            })
            .await,
        );
        tp_help.add(
            run(&tp, 1, |c, u| async move {
                let mut t = vec![];
                for _ in 0..30 {
                    t.push(c.say_reply(u, "/help").await);
                }
                t
            })
            .await,
        );
        echo_step.add(run(&echo, 1, |c, u| async move { echo_steps(&c, u, 30).await }).await);
        tp_step.add(
            run(&tp, 1, |c, u| async move {
                let mut t = vec![];
                for _ in 0..3 {
                    t.extend(dialogue(&c, u).await);
                }
                t
            })
            .await,
        );
    }
    // The steps in order (one user's latencies are kept in order, a dialogue at a time).
    let by_step: Vec<(&str, Duration)> = (0..STEPS.len())
        .map(|i| {
            let mut l: Vec<Duration> = tp_step
                .latencies
                .iter()
                .skip(i)
                .step_by(STEPS.len())
                .copied()
                .collect();
            l.sort();
            (STEPS[i], l[l.len() / 2])
        })
        .collect();
    // 20 people at once, alternating in halves.
    let mut echo_20 = Run::default();
    let mut tp_20 = Run::default();
    for _ in 0..2 {
        echo_20.add(run(&echo, 20, |c, u| async move { echo_steps(&c, u, 50).await }).await);
        tp_20.add(
            run(&tp, 20, |c, u| async move {
                let mut t = vec![];
                for _ in 0..5 {
                    t.extend(dialogue(&c, u).await);
                }
                t
            })
            .await,
        );
    }
    stop(echo_child);
    stop(tp_child);
    println!(
        "{}",
        echo_text.row("echo (teloxide floor)", "a text answered")
    );
    println!("{}", tp_help.row("touchpoints", "`/help`"));
    println!(
        "{}",
        echo_step.row("echo (teloxide floor)", "text or press")
    );
    println!("{}", tp_step.row("touchpoints", "dialogue step"));
    println!("{}", echo_20.row("echo (teloxide floor)", "text or press"));
    println!("{}", tp_20.row("touchpoints", "dialogue step"));
    println!();
    println!("One user's steps, p50 each:");
    println!();
    println!("| step | what the bot does | p50 |");
    println!("|---|---|---|");
    for (step, d) in by_step {
        println!("| {step} | {:.2} ms |", d.as_secs_f64() * 1e3);
    }
    println!();

    println!("| bot | what | users at once | steps | steps/s | p50 | p95 | p99 | max |");
    println!("|---|---|---|---|---|---|---|---|---|");
    // Load: 50 heads at once, each sending 3 reports, with sends paced at 30 a second over
    // all chats as in production, and unpaced. Every dialogue must complete (a step that
    // never gets its answer fails the run after 10 s).
    for pace in [30u32, 0] {
        let api = FakeApi::start().await;
        let child = spawn_touchpoints(&api, db, pace);
        let client = Client::new(api);
        ready(&client).await;
        let mut r = run(&client, 50, |c, u| async move {
            let mut t = vec![];
            for _ in 0..3 {
                t.extend(dialogue(&c, u).await);
            }
            t
        })
        .await;
        let what = if pace == 0 {
            "load, unpaced".to_string()
        } else {
            format!("load, paced {pace}/s")
        };
        println!("{}", r.row("touchpoints", &what));
        stop(child);
    }
}

/// `f` for each of the 1,000 heads, 50 at a time.
async fn every_head<F, Fut>(client: &Arc<Client>, f: F)
where
    F: Fn(Arc<Client>, i64) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    const BATCH: i64 = 50;
    for first in (0..HEADS).step_by(BATCH as usize) {
        let tasks: Vec<_> = (first..(first + BATCH).min(HEADS))
            .map(|h| tokio::spawn(f(client.clone(), FIRST_HEAD + h)))
            .collect();
        for t in tasks {
            t.await.expect("a head's updates");
        }
    }
}

/// Memory, idle and with 1,000 open dialogues, in a fresh touchpoints process; the echo
/// bot's idle memory as the floor.
async fn memory(db: &std::path::Path) {
    println!();
    println!("| bot | state | VmRSS | VmHWM | of it: heap and stacks (RssAnon) | the binary and libraries (RssFile) | open files |");
    println!("|---|---|---|---|---|---|---|");
    let api = FakeApi::start().await;
    let child = spawn_touchpoints(&api, db, 0);
    let client = Client::new(api);
    ready(&client).await;
    let pid = child.id();
    println!("| touchpoints | idle after start | {} |", memory_row(pid));
    every_head(&client, |c, head| async move {
        c.say(head, "/new").await;
        c.press(head, "Рассмотрение обращений и запросов", Screen::Card)
            .await;
    })
    .await;
    let open: i64 = {
        let pool = touchpoints::db::connect(db).await.expect("database");
        let n = sqlx::query_scalar("SELECT count(*) FROM dialogues")
            .fetch_one(&pool)
            .await
            .unwrap_or(0);
        pool.close().await;
        n
    };
    println!(
        "| touchpoints | {open} open dialogues | {} |",
        memory_row(pid)
    );
    stop(child);
    let api = FakeApi::start().await;
    let child = spawn_echo(&api);
    let client = Client::new(api);
    ready(&client).await;
    println!(
        "| echo (teloxide floor) | idle after start | {} |",
        memory_row(child.id())
    );
    // The floor's own cost of 1,000 chats: teloxide keeps a worker (a task and its queue)
    // for every chat it has seen.
    every_head(&client, |c, head| async move {
        c.say(head, "hello").await;
    })
    .await;
    println!(
        "| echo (teloxide floor) | {HEADS} chats seen | {} |",
        memory_row(child.id())
    );
    stop(child);
    let size = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
    println!();
    println!(
        "database after the runs: {:.1} MiB (without its WAL)",
        size as f64 / 1_048_576.0
    );
}
