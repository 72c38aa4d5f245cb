//! A small Bot API server of our own for end-to-end tests: the bot under test talks to it
//! over real HTTP exactly as it talks to Telegram. It queues updates for `getUpdates`,
//! answers every method the bot uses with a well-formed result, records every request, and
//! checks each one against the Bot API's machine-readable description
//! (`tests/data/bot-api-10.1.json`): the method exists, required fields are present, no
//! field is unknown, values have the right types, texts fit Telegram's limits, callback data
//! fits 64 bytes, and HTML texts are well-formed with user text escaped.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Map, Value};
use tokio::sync::Notify;

pub const BOT_ID: i64 = 7_000_000_001;
pub const BOT_USERNAME: &str = "touchpoints_test_bot";

/// One request the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub params: Value,
    /// Files sent as multipart parts: (field, file name, bytes).
    pub files: Vec<(String, Option<String>, Vec<u8>)>,
}

impl Call {
    pub fn chat_id(&self) -> Option<i64> {
        self.params.get("chat_id").and_then(Value::as_i64)
    }
    pub fn text(&self) -> &str {
        self.params
            .get("text")
            .or_else(|| self.params.get("caption"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }
    /// The callback data of every inline button, row by row.
    pub fn buttons(&self) -> Vec<Vec<(String, String)>> {
        let Some(rows) = self
            .params
            .pointer("/reply_markup/inline_keyboard")
            .and_then(Value::as_array)
        else {
            return vec![];
        };
        rows.iter()
            .map(|row| {
                row.as_array()
                    .into_iter()
                    .flatten()
                    .map(|b| {
                        (
                            b["text"].as_str().unwrap_or("").to_string(),
                            b["callback_data"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .collect()
    }
}

/// A fault the server answers a call with (fault injection, see [`FakeApi::fail`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// 429 Too Many Requests, asking to wait this many seconds.
    RetryAfter(u32),
    /// 500 Internal Server Error (teloxide itself pauses 10 s after any 5xx).
    ServerError,
    /// 409 Conflict, as `getUpdates` answers when another process polls with the token.
    Conflict,
    /// The connection breaks before an answer arrives; the call is not handled.
    Drop,
    /// The call is handled, after this pause.
    Delay(Duration),
    /// 400 Bad Request with this description, e.g. "Bad Request: message is not modified".
    BadRequest(&'static str),
    /// 401 Unauthorized, as Telegram answers a revoked or mistyped token.
    Unauthorized,
    /// 403 Forbidden with this description, e.g. "Forbidden: bot was blocked by the user".
    Forbidden(&'static str),
}

#[derive(Default)]
struct Inner {
    /// The newest message the bot sent to each chat (an index for the benchmark).
    newest: HashMap<i64, i64>,
    /// Faults to answer the next calls of a method with, in order.
    faults: HashMap<String, VecDeque<Fault>>,
    /// Every fault served: (method, fault).
    faulted: Vec<(String, Fault)>,
    updates: VecDeque<Value>,
    calls: Vec<Call>,
    violations: Vec<String>,
    next_message_id: i64,
    /// Every message the bot has sent, as last edited, by (chat, message id).
    messages: HashMap<(i64, i64), Value>,
    /// Files people sent, by file id, for `getFile` and the download route.
    files: HashMap<String, Vec<u8>>,
}

pub struct Shared {
    inner: Mutex<Inner>,
    changed: Notify,
    spec: Value,
}

#[derive(Clone)]
pub struct FakeApi {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl FakeApi {
    pub async fn start() -> FakeApi {
        let spec_path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/bot-api-10.1.json");
        let spec: Value = serde_json::from_slice(&std::fs::read(spec_path).expect("bot api spec"))
            .expect("bot api spec parses");
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                next_message_id: 1000,
                ..Default::default()
            }),
            changed: Notify::new(),
            spec,
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeApi { addr, shared }
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Answers the next call of `method` (as the Bot API spells it, e.g. `sendMessage`)
    /// with `fault` instead of handling it; calls queue their faults in order.
    pub fn fail(&self, method: &str, fault: Fault) {
        self.fail_n(method, 1, fault);
    }

    /// [`Self::fail`] for the next `n` calls.
    pub fn fail_n(&self, method: &str, n: usize, fault: Fault) {
        let mut inner = self.shared.inner.lock().unwrap();
        let queue = inner.faults.entry(method.to_string()).or_default();
        queue.extend(std::iter::repeat_n(fault, n));
    }

    /// The faults served so far: (method, fault).
    pub fn faulted(&self) -> Vec<(String, Fault)> {
        self.shared.inner.lock().unwrap().faulted.clone()
    }

    /// Waits (up to 10 s) until `n` faults have been served.
    pub async fn wait_for_faults(&self, n: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.shared.changed.notified();
            if self.shared.inner.lock().unwrap().faulted.len() >= n {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("timed out waiting for {n} faults: {:?}", self.faulted());
            }
        }
    }

    /// Makes a file available as a person's upload: `getFile` describes it and
    /// `/file/bot<token>/<file_path>` serves its bytes.
    pub fn put_file(&self, file_id: &str, bytes: Vec<u8>) {
        let mut inner = self.shared.inner.lock().unwrap();
        inner.files.insert(file_id.to_string(), bytes);
    }

    /// Queues an update for `getUpdates`.
    pub fn push_update(&self, update: Value) {
        self.shared.inner.lock().unwrap().updates.push_back(update);
        self.shared.changed.notify_waiters();
    }

    /// How many requests have been recorded so far (a cursor for [`Self::wait_for`]).
    pub fn cursor(&self) -> usize {
        self.shared.inner.lock().unwrap().calls.len()
    }

    pub fn calls(&self) -> Vec<Call> {
        self.shared.inner.lock().unwrap().calls.clone()
    }

    pub fn violations(&self) -> Vec<String> {
        self.shared.inner.lock().unwrap().violations.clone()
    }

    /// A message the bot sent, as it stands now.
    pub fn message(&self, chat: i64, id: i64) -> Option<Value> {
        self.shared
            .inner
            .lock()
            .unwrap()
            .messages
            .get(&(chat, id))
            .cloned()
    }

    /// The newest message the bot sent to a chat that still has inline buttons.
    pub fn last_card(&self, chat: i64) -> Option<(i64, Value)> {
        let inner = self.shared.inner.lock().unwrap();
        inner
            .messages
            .iter()
            .filter(|((c, _), m)| {
                *c == chat
                    && m.pointer("/reply_markup/inline_keyboard")
                        .and_then(Value::as_array)
                        .is_some_and(|rows| !rows.is_empty())
            })
            .max_by_key(|((_, id), _)| *id)
            .map(|((_, id), m)| (*id, m.clone()))
    }

    /// The newest message the bot sent to a chat, as it stands now: its id and content.
    pub fn newest(&self, chat: i64) -> Option<(i64, Value)> {
        let inner = self.shared.inner.lock().unwrap();
        let id = *inner.newest.get(&chat)?;
        inner.messages.get(&(chat, id)).map(|m| (id, m.clone()))
    }

    /// Whether every queued update has been fetched and confirmed by the bot.
    pub fn updates_drained(&self) -> bool {
        self.shared.inner.lock().unwrap().updates.is_empty()
    }

    /// [`Self::wait_for`] with a longer wait, for calls held up on purpose (teloxide pauses
    /// 10 s after a 5xx answer).
    pub async fn wait_for_up_to(
        &self,
        limit: Duration,
        cursor: usize,
        what: &str,
        pred: impl Fn(&Call) -> bool,
    ) -> Call {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.shared.changed.notified();
            if let Some(c) = self.calls().into_iter().skip(cursor).find(|c| pred(c)) {
                return c;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("timed out waiting for {what}");
            }
        }
    }

    /// Waits (up to 10 s) for a request after `cursor` that matches; returns it.
    pub async fn wait_for(&self, cursor: usize, what: &str, pred: impl Fn(&Call) -> bool) -> Call {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.shared.changed.notified();
            {
                let inner = self.shared.inner.lock().unwrap();
                if let Some(c) = inner.calls.iter().skip(cursor).find(|c| pred(c)) {
                    return c.clone();
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let inner = self.shared.inner.lock().unwrap();
                let seen: Vec<String> = inner
                    .calls
                    .iter()
                    .skip(cursor)
                    .map(|c| format!("{} {}", c.method, c.params))
                    .collect();
                panic!("timed out waiting for {what}; requests since: {seen:#?}");
            }
        }
    }
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> axum::response::Response {
    let path = req.uri().path().to_string();
    // /file/bot<token>/<file_path>: a file's bytes, as Telegram serves downloads (teloxide
    // joins the path to the base URL's `/`, hence the leading slashes are not counted).
    if let Some(rest) = path.trim_start_matches('/').strip_prefix("file/") {
        let file_id = rest.rsplit('/').next().unwrap_or("");
        let bytes = shared.inner.lock().unwrap().files.get(file_id).cloned();
        return match bytes {
            Some(b) => b.into_response(),
            None => axum::http::StatusCode::NOT_FOUND.into_response(),
        };
    }
    // /bot<token>/<method>
    // Telegram reads method names without regard to case (teloxide sends `GetMe`);
    // record them as the Bot API spells them.
    let raw = path.rsplit('/').next().unwrap_or("");
    let method = shared.spec["methods"]
        .as_object()
        .and_then(|m| m.keys().find(|k| k.eq_ignore_ascii_case(raw)).cloned())
        .unwrap_or_else(|| raw.to_string());
    let is_multipart = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let mut files = vec![];
    let params = if is_multipart {
        let mut form = Multipart::from_request(req, &()).await.expect("multipart");
        let mut map = Map::new();
        while let Ok(Some(field)) = form.next_field().await {
            let name = field.name().unwrap_or("").to_string();
            let file_name = field.file_name().map(str::to_string);
            let data = field.bytes().await.unwrap_or_default();
            if file_name.is_some() {
                files.push((name.clone(), file_name, data.to_vec()));
                map.insert(name, Value::String("<file>".into()));
            } else {
                let s = String::from_utf8_lossy(&data).to_string();
                // Multipart values are strings; JSON-typed ones are JSON-encoded.
                let v = serde_json::from_str::<Value>(&s).unwrap_or(Value::String(s));
                map.insert(name, v);
            }
        }
        // A file may be sent as a part of its own, named by `attach://<part>` in its field.
        let attached: Vec<String> = map
            .values()
            .filter_map(|v| v.as_str()?.strip_prefix("attach://").map(str::to_string))
            .collect();
        for part in attached {
            if map.remove(&part).is_none() {
                let mut inner = shared.inner.lock().unwrap();
                inner
                    .violations
                    .push(format!("{method}: attach://{part} names no part"));
            }
        }
        Value::Object(map)
    } else {
        let body = Bytes::from_request(req, &()).await.unwrap_or_default();
        if body.is_empty() {
            json!({})
        } else {
            serde_json::from_slice(&body).unwrap_or(json!({}))
        }
    };

    let mut problems = check_request(&shared.spec, &method, &params, is_multipart);
    let fault = {
        let mut inner = shared.inner.lock().unwrap();
        let fault = inner.faults.get_mut(&method).and_then(VecDeque::pop_front);
        if let Some(f) = &fault {
            inner.faulted.push((method.clone(), f.clone()));
        }
        fault
    };
    if fault.is_some() {
        shared.changed.notify_waiters();
    }
    match fault {
        None => {}
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(f) => return fault_response(f),
    }
    if method == "getUpdates" {
        return get_updates(&shared, &params).await.into_response();
    }
    let result = {
        let mut inner = shared.inner.lock().unwrap();
        let result = respond(&mut inner, &method, &params, &files, &mut problems);
        // Telegram would refuse this request (an edit to identical content, of a message
        // that is not there, an unknown file): the bot made a request it should not have.
        // Faults a test injects on purpose never get here.
        if let Err((code, desc)) = &result {
            problems.push(format!(
                "refused by the server ({code}): {desc}; params {params}"
            ));
        }
        inner
            .violations
            .extend(problems.into_iter().map(|p| format!("{method}: {p}")));
        inner.calls.push(Call {
            method: method.clone(),
            params: params.clone(),
            files,
        });
        result
    };
    shared.changed.notify_waiters();
    match result {
        Ok(v) => Json(json!({ "ok": true, "result": v })).into_response(),
        Err((code, desc)) => (
            axum::http::StatusCode::from_u16(code).unwrap(),
            Json(json!({ "ok": false, "error_code": code, "description": desc })),
        )
            .into_response(),
    }
}

/// The answer to a call that meets a fault (other than a delay).
fn fault_response(fault: Fault) -> axum::response::Response {
    let (code, body) = match fault {
        Fault::RetryAfter(s) => (
            429,
            json!({ "ok": false, "error_code": 429,
                    "description": format!("Too Many Requests: retry after {s}"),
                    "parameters": { "retry_after": s } }),
        ),
        Fault::ServerError => (
            500,
            json!({ "ok": false, "error_code": 500, "description": "Internal Server Error" }),
        ),
        Fault::Conflict => (
            409,
            json!({ "ok": false, "error_code": 409,
                    "description": "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" }),
        ),
        Fault::Drop => {
            // Headers go out, then the body breaks off: the client sees a broken connection.
            let broken = futures::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "dropped by the fake server",
                ))
            });
            return axum::body::Body::from_stream(broken).into_response();
        }
        Fault::BadRequest(d) => (
            400,
            json!({ "ok": false, "error_code": 400, "description": d }),
        ),
        Fault::Unauthorized => (
            401,
            json!({ "ok": false, "error_code": 401, "description": "Unauthorized" }),
        ),
        Fault::Forbidden(d) => (
            403,
            json!({ "ok": false, "error_code": 403, "description": d }),
        ),
        Fault::Delay(_) => unreachable!("a delay is not an answer"),
    };
    (axum::http::StatusCode::from_u16(code).unwrap(), Json(body)).into_response()
}

async fn get_updates(shared: &Arc<Shared>, params: &Value) -> Json<Value> {
    let offset = params.get("offset").and_then(Value::as_i64).unwrap_or(0);
    let deadline = tokio::time::Instant::now() + Duration::from_millis(300);
    loop {
        let notified = shared.changed.notified();
        {
            let mut inner = shared.inner.lock().unwrap();
            // Updates below the offset are confirmed: forget them.
            while inner
                .updates
                .front()
                .is_some_and(|u| u["update_id"].as_i64().unwrap_or(0) < offset)
            {
                inner.updates.pop_front();
            }
            if !inner.updates.is_empty() {
                let ups: Vec<Value> = inner.updates.iter().cloned().collect();
                return Json(json!({ "ok": true, "result": ups }));
            }
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return Json(json!({ "ok": true, "result": [] }));
        }
    }
}

fn bot_user() -> Value {
    json!({ "id": BOT_ID, "is_bot": true, "first_name": "Touchpoints", "username": BOT_USERNAME })
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

type Reply = Result<Value, (u16, String)>;

fn respond(
    inner: &mut Inner,
    method: &str,
    p: &Value,
    files: &[(String, Option<String>, Vec<u8>)],
    problems: &mut Vec<String>,
) -> Reply {
    match method {
        "getMe" => {
            let mut me = bot_user();
            for f in [
                "can_join_groups",
                "can_read_all_group_messages",
                "supports_inline_queries",
                "has_main_web_app",
            ] {
                me[f] = json!(false);
            }
            Ok(me)
        }
        "getWebhookInfo" => {
            Ok(json!({ "url": "", "has_custom_certificate": false, "pending_update_count": 0 }))
        }
        "getFile" => {
            let id = p["file_id"].as_str().unwrap_or("");
            match inner.files.get(id) {
                Some(b) => Ok(json!({
                    "file_id": id,
                    "file_unique_id": format!("u-{id}"),
                    "file_size": b.len(),
                    "file_path": id,
                })),
                None => Err((400, "Bad Request: invalid file_id".into())),
            }
        }
        "deleteWebhook" | "setMyCommands" | "deleteMyCommands" | "answerCallbackQuery" => {
            Ok(json!(true))
        }
        // Webhook mode: the URL and secret are in the recorded call.
        "setWebhook" => Ok(json!(true)),
        "sendMessage" | "sendDocument" | "sendPhoto" => {
            let chat = p["chat_id"].as_i64().unwrap_or(0);
            inner.next_message_id += 1;
            let id = inner.next_message_id;
            let mut m = json!({
                "message_id": id,
                "date": now(),
                "chat": { "id": chat, "type": "private", "first_name": "User" },
                "from": bot_user(),
            });
            if let Some(t) = p.get("text") {
                m["text"] = json!(plain(p, t));
            }
            if let Some(c) = p.get("caption") {
                m["caption"] = c.clone();
            }
            if let Some(rm) = p.get("reply_markup") {
                m["reply_markup"] = rm.clone();
            }
            if method == "sendDocument" {
                let name = files.first().and_then(|f| f.1.clone());
                if name.as_deref().is_none_or(|n| !n.contains('.')) {
                    problems.push(format!(
                        "document without a file name with an extension: {name:?}"
                    ));
                }
                m["document"] = json!({ "file_id": format!("doc{id}"), "file_unique_id": format!("u{id}"), "file_name": name });
            }
            inner.messages.insert((chat, id), m.clone());
            inner.newest.insert(chat, id);
            Ok(m)
        }
        "editMessageText" | "editMessageReplyMarkup" => {
            let chat = p["chat_id"].as_i64().unwrap_or(0);
            let id = p["message_id"].as_i64().unwrap_or(0);
            let Some(m) = inner.messages.get_mut(&(chat, id)) else {
                return Err((400, "Bad Request: message to edit not found".into()));
            };
            let mut changed = false;
            if let Some(t) = p.get("text") {
                let t = json!(plain(p, t));
                changed |= m.get("text") != Some(&t);
                m["text"] = t;
            }
            let new_markup = p.get("reply_markup").cloned();
            changed |= m.get("reply_markup") != new_markup.as_ref();
            match new_markup {
                Some(rm) => m["reply_markup"] = rm,
                None => {
                    if let Some(o) = m.as_object_mut() {
                        o.remove("reply_markup");
                    }
                }
            }
            if !changed {
                return Err((
                    400,
                    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message".into(),
                ));
            }
            m["edit_date"] = json!(now());
            Ok(m.clone())
        }
        other => {
            problems.push(format!("the fake server does not know {other}"));
            Err((404, "Not Found".into()))
        }
    }
}

/// The text of a message as Telegram stores it: with `parse_mode` HTML, without the tags
/// and with the entities read back; without leading and trailing white space.
fn plain(p: &Value, t: &Value) -> String {
    let t = t.as_str().unwrap_or("");
    if p.get("parse_mode").and_then(Value::as_str) != Some("HTML") {
        return t.trim().to_string();
    }
    let mut out = String::new();
    let mut rest = t;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = rest[i..]
            .find('>')
            .map(|j| &rest[i + j + 1..])
            .unwrap_or("");
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

// ---------------------------------------------------------------------------------------
// Validation against the Bot API description.

fn check_request(spec: &Value, method: &str, params: &Value, multipart: bool) -> Vec<String> {
    let mut out = vec![];
    let Some(m) = spec["methods"].get(method) else {
        out.push("no such method in Bot API 10.1".into());
        return out;
    };
    check_fields(spec, m, params, "", &mut out, multipart);
    if let Some(t) = params.get("text").and_then(Value::as_str) {
        let n = t.chars().count();
        if n == 0 || n > 4096 {
            out.push(format!("text has {n} characters (1–4096 allowed)"));
        }
        if params.get("parse_mode").and_then(Value::as_str) == Some("HTML") {
            if let Err(e) = check_html(t) {
                out.push(format!("bad HTML ({e}) in {t:?}"));
            }
        }
    }
    if let Some(t) = params.get("text").and_then(Value::as_str) {
        if method == "answerCallbackQuery" && t.chars().count() > 200 {
            out.push("callback answer text over 200 characters".into());
        }
    }
    if let Some(rows) = params
        .pointer("/reply_markup/inline_keyboard")
        .and_then(Value::as_array)
    {
        for b in rows.iter().filter_map(Value::as_array).flatten() {
            if let Some(d) = b.get("callback_data").and_then(Value::as_str) {
                if d.is_empty() || d.len() > 64 {
                    out.push(format!("callback_data of {} bytes: {d:?}", d.len()));
                }
            }
            if b.get("text")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                out.push("inline button without text".into());
            }
        }
    }
    out
}

fn check_fields(
    spec: &Value,
    def: &Value,
    v: &Value,
    at: &str,
    out: &mut Vec<String>,
    multipart: bool,
) {
    let Some(obj) = v.as_object() else {
        out.push(format!("{at}: expected an object"));
        return;
    };
    let fields = def["fields"].as_array().cloned().unwrap_or_default();
    for f in &fields {
        let name = f["name"].as_str().unwrap_or("");
        match obj.get(name) {
            None if f["required"].as_bool() == Some(true) => {
                out.push(format!("{at}{name}: required, missing"))
            }
            None => {}
            Some(val) => {
                let types: Vec<&str> = f["types"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if !types.iter().any(|t| type_ok(spec, t, val, multipart)) {
                    out.push(format!("{at}{name}: {val} is not {types:?}"));
                }
            }
        }
    }
    for k in obj.keys() {
        if !fields.iter().any(|f| f["name"].as_str() == Some(k)) {
            out.push(format!("{at}{k}: unknown field"));
        }
    }
}

fn type_ok(spec: &Value, t: &str, v: &Value, multipart: bool) -> bool {
    if let Some(inner) = t.strip_prefix("Array of ") {
        return v
            .as_array()
            .is_some_and(|a| a.iter().all(|x| type_ok(spec, inner, x, multipart)));
    }
    match t {
        "Integer" => {
            v.is_i64()
                || v.is_u64()
                || (multipart && v.as_str().is_some_and(|s| s.parse::<i64>().is_ok()))
        }
        "Float" => v.is_number(),
        "String" => v.is_string() || (multipart && (v.is_number() || v.is_boolean())),
        "Boolean" => v.is_boolean(),
        "True" => v.as_bool() == Some(true),
        "InputFile" => true,
        name => match spec["types"].get(name) {
            Some(def) => {
                if let Some(subs) = def.get("subtypes").and_then(Value::as_array) {
                    subs.iter()
                        .filter_map(Value::as_str)
                        .any(|s| type_ok(spec, s, v, multipart))
                } else {
                    let mut errs = vec![];
                    check_fields(spec, def, v, &format!("{name}."), &mut errs, multipart);
                    errs.is_empty()
                }
            }
            None => false,
        },
    }
}

/// Telegram's HTML: only its tags, balanced, and `<`, `>`, `&` in text escaped.
pub fn check_html(s: &str) -> Result<(), String> {
    const TAGS: &[&str] = &[
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
        "tg-time",
    ];
    let mut stack: Vec<String> = vec![];
    let mut rest = s;
    while let Some(i) = rest.find(['<', '>', '&']) {
        let c = rest.as_bytes()[i];
        let after = &rest[i..];
        match c {
            b'>' => return Err("bare >".into()),
            b'&' => {
                let ok = ["&lt;", "&gt;", "&amp;", "&quot;"]
                    .iter()
                    .any(|e| after.starts_with(e))
                    || after.starts_with("&#");
                if !ok {
                    return Err(format!("bare & at {:?}", &after[..after.len().min(10)]));
                }
                rest = &after[1..];
            }
            _ => {
                let end = after.find('>').ok_or("unclosed <")?;
                let tag = &after[1..end];
                if let Some(name) = tag.strip_prefix('/') {
                    match stack.pop() {
                        Some(open) if open == name => {}
                        other => return Err(format!("</{name}> closes {other:?}")),
                    }
                } else {
                    let name = tag.split_whitespace().next().unwrap_or("");
                    if !TAGS.contains(&name) {
                        return Err(format!("tag <{name}> not allowed"));
                    }
                    stack.push(name.to_string());
                }
                rest = &after[end + 1..];
            }
        }
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err(format!("unclosed tags {stack:?}"))
    }
}
