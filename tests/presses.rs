//! Any press, whatever it carries, is answered exactly once. Seeded random presses go
//! through the real handler tree against the fake Bot API: random UTF-8 data (up to 64
//! bytes) and real button data with random numbers, with and without a message (a press
//! on an inline message has none), from every role, in every kind of dialogue state —
//! including a person's very first update. `Bot::finish_racing` checks that each query got one
//! answer and that the server refused nothing.

mod common;

use common::{user, Bot, User, ADMIN, HEAD};
use serde_json::Value;
use touchpoints::db;
use touchpoints::domain::{Lang, Role};

const VIEWER: User = user(300, "Вера");

/// A small deterministic generator (xorshift64*): the same seed, the same presses.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Random UTF-8 of at most 64 bytes: ASCII, Cyrillic, symbols, any code point.
fn junk(rng: &mut Rng) -> String {
    let mut s = String::new();
    let len = rng.below(40);
    for _ in 0..len {
        let c = match rng.below(4) {
            0 => (b' ' + rng.below(95) as u8) as char,
            1 => char::from_u32(0x0410 + rng.below(64) as u32).unwrap(),
            2 => *rng.pick(&[':', '-', '0', '9', 'x', '\u{0}', '\u{FFFF}', '🙂']),
            _ => char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('?'),
        };
        if s.len() + c.len_utf8() > 64 {
            break;
        }
        s.push(c);
    }
    s
}

/// The shapes of the bot's own button data, with a number to fill in.
const SHAPES: &[&str] = &[
    "x",
    "lang:ru",
    "lang:en",
    "dv:{}",
    "d:{}",
    "f:{}",
    "pg:{}",
    "ft",
    "k:{}",
    "ch:digital",
    "ch:offline",
    "n:{}",
    "nd",
    "nf",
    "lu",
    "cl:both",
    "s",
    "e",
    "ef:fn",
    "ef:needs",
    "b",
    "r:{}",
    "dn:{}",
    "op",
    "xr:5.1.1",
    "xr:other",
    "w:{}",
    "my:{}",
    "rv:a:{}",
    "rv:r:{}",
    "rv:c:{}",
    "rv:b:{}",
    "rw:{}",
    "rw:{}:y",
    "rs:{}:1",
    "rs:1:{}:y",
    "kd",
    "hi:{}",
    "lf:xlsx",
    "lf:csv:{}",
    "ls:csv:a",
    "ls:csv:d{}",
    "ls:csv:v{}",
    "ad:l:{}",
    "ad:o:{}",
    "ad:n:{}",
    "ad:x:{}",
    "ad:u:{}",
    "ad:a",
    "ap:l:{}",
    "ap:o:{}",
    "ap:r:{}:viewer",
    "ap:h:{}",
    "ap:d:{}:1",
    "ap:x:{}",
    "ai:n:viewer",
    "ai:x:00000000000000{}",
    "ag:a:{}",
    "ag:d:{}",
    "li:a:{}",
    "li:d:{}",
    "li:c:{}:internal",
    "ac",
    "ok:{}",
    "chg",
    "?",
];

fn data(rng: &mut Rng) -> Option<String> {
    match rng.below(10) {
        0 => None,
        1..=4 => Some(junk(rng)),
        _ => {
            let n = *rng.pick(&[0i64, 1, 2, 3, 7, -1, 99_999, i64::MAX]);
            Some(rng.pick(SHAPES).replace("{}", &n.to_string()))
        }
    }
}

/// Dialogue states as the bot stores them (JSON), sane and not.
fn state(rng: &mut Rng, card: i64) -> Option<String> {
    let step = rng.pick(&[
        "Division",
        "Direction",
        "Function",
        "Kind",
        "Channel",
        "Point",
        "Needs",
        "Features",
        "Clients",
        "Summary",
        "EditWhich",
        "Duplicate",
        "PickRow",
        "ExcludeReason",
    ]);
    let mode = rng.pick(&["New", "Change", "Exclude"]);
    match rng.below(7) {
        0 => None,
        1 => Some(format!(
            r#"{{"Report":{{"mode":"{mode}","step":"{step}","card":{card},"division_id":1,"direction":"Appeals","function_id":1,"kind":"Website","channel":"Digital","point":"a.ru","needs":["Information"],"features":null,"clients":"External","row_id":1,"reason_kind":"Other","reason_text":"x"}}}}"#
        )),
        2 => Some(format!(
            r#"{{"Report":{{"mode":"{mode}","step":"{step}","card":{card}}}}}"#
        )),
        3 => Some(format!(
            r#"{{"RejectReason":{{"request_id":1,"card":{card}}}}}"#
        )),
        4 if rng.below(2) == 0 => Some(format!(
            r#"{{"ReturnNote":{{"request_id":1,"card":{card}}}}}"#
        )),
        4 => Some(format!(r#"{{"AdminText":{{"card":{card}}}}}"#)),
        5 => Some(r#"{"NoSuchState":{}}"#.to_string()),
        _ => Some(r#"{"Report":{"step":"PickFunction","page":65535}}"#.to_string()),
    }
}

#[tokio::test]
async fn ten_thousand_random_presses_are_each_answered_once() {
    let bot = Bot::start(&[ADMIN]).await;
    bot.seed("Отдел обращений").await;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    db::people::assign(
        &mut tx,
        VIEWER.id,
        "Вера",
        Role::Viewer,
        None,
        Lang::Ru,
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let admin = user(ADMIN, "Анна");
    // A message in every known chat, so that presses can carry a real one.
    for u in [admin, HEAD, VIEWER] {
        let c = bot.send(u, "/lang");
        bot.next_card(c, u).await;
    }
    let people: Vec<User> = vec![admin, HEAD, VIEWER, user(900, "Гость")];
    let mut rng = Rng(0x5EED_2026_1202);
    let mut pressed = 0;
    let mut stranger = 10_000;
    let total: usize = std::env::var("PRESSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    while pressed < total {
        // Now and then a new person whose first update is a press.
        let u = if rng.below(50) == 0 {
            stranger += 1;
            user(stranger, "Новый")
        } else {
            *rng.pick(&people)
        };
        let newest = bot.api.newest(u.id);
        let card = newest.as_ref().map(|(id, _)| *id).unwrap_or(1);
        if rng.below(20) == 0 {
            match state(&mut rng, card) {
                Some(s) => db::dialogues::put(&bot.pool, u.id, &s).await.unwrap(),
                None => db::dialogues::remove(&bot.pool, u.id).await.unwrap(),
            }
        }
        // Telegram only sends presses on messages the bot sent (or on inline messages):
        // the newest one, an older one as it stands now, or none.
        let message: Option<Value> = match rng.below(4) {
            0 => None,
            1 => {
                let id = 1 + rng.below(card.max(1) as u64) as i64;
                bot.api.message(u.id, id).or_else(|| newest.map(|(_, m)| m))
            }
            _ => newest.map(|(_, m)| m),
        };
        let d = data(&mut rng);
        bot.press_raw(u, message, d.as_deref());
        pressed += 1;
        // Let the bot keep pace: the queue of updates stays short.
        if pressed % 200 == 0 {
            while !bot.api.updates_drained() {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        }
    }
    bot.finish_racing().await;
}
