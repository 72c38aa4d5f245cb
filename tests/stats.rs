//! End to end: the chart `/stats` sends is a PNG that Telegram accepts as a photo, in the
//! reader's language, with many divisions and long names.

mod common;

use common::{user, Bot, Call, User, ADMIN, HEAD};
use touchpoints::db;
use touchpoints::domain::*;
use touchpoints::tr;

const ANNA: User = user(ADMIN, "Анна");

/// Width and height of a PNG, read by a decoder (which also checks the whole image).
fn dimensions(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader
        .next_frame(&mut buf)
        .expect("the whole image decodes");
    (info.width, info.height)
}

/// The photo of a `sendPhoto` call, checked against the Bot API's limits for sendPhoto:
/// at most 10 MB, width + height ≤ 10000, sides at most 20:1.
fn sendable_photo(call: &Call) -> Vec<u8> {
    assert_eq!(call.method, "sendPhoto");
    let (_, name, bytes) = &call.files[0];
    assert_eq!(name.as_deref(), Some("stats.png"));
    assert!(bytes.len() <= 10 * 1024 * 1024, "{} bytes", bytes.len());
    let (w, h) = dimensions(bytes);
    assert!(w + h <= 10_000, "{w}×{h}");
    assert!(w.max(h) <= 20 * w.min(h), "{w}×{h}");
    assert_eq!(w, touchpoints::stats::chart::WIDTH);
    bytes.clone()
}

async fn stats_photo(bot: &Bot) -> Call {
    let c = bot.send(ANNA, "/stats");
    let text = bot.reply(c, ANNA).await;
    assert!(text.method == "sendMessage", "{text:?}");
    bot.api
        .wait_for(c, "the chart", |call| {
            call.method == "sendPhoto" && call.chat_id() == Some(ADMIN)
        })
        .await
}

#[tokio::test]
async fn the_chart_of_320_divisions_with_long_names_is_a_photo_telegram_accepts() {
    let bot = Bot::start(&[ADMIN]).await;
    let (dept, f) = bot.seed("Отдел обращений").await;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    for k in 0..319 {
        let name = match k % 3 {
            0 => format!("{k} {}", "Комитет по очень длинному названию ".repeat(6))
                .chars()
                .take(200)
                .collect(),
            1 => format!("{k}{}", "Ж".repeat(195)),
            _ => format!("Комитет № {k}"),
        };
        db::divisions::get_or_create(&mut tx, &name, ADMIN)
            .await
            .unwrap();
    }
    let who = db::touchpoints::Provenance {
        origin: touchpoints::domain::record::Origin::Import("test".into()),
        reported_by: Some(HEAD.id),
        accepted_by: Some(ADMIN),
    };
    for (k, kind) in Kind::ALL.iter().enumerate() {
        let data = TouchpointData {
            direction: Direction::Appeals,
            function_id: f,
            kind: *kind,
            channel: Channel::Digital,
            point: format!("https://lenobl.ru/{k}"),
            needs: [Need::Information].into_iter().collect(),
            other_need: None,
            features: None,
            clients: Clients::External,
            little_used: false,
        };
        db::touchpoints::insert(&mut tx, &data, dept, who.clone())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    let ru = stats_photo(&bot).await;
    let ru_png = sendable_photo(&ru);
    assert!(ru.text().starts_with("Перечень на "), "{}", ru.text());

    let c = bot.send(ANNA, "/lang en");
    let r = bot.reply(c, ANNA).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::En, "lang-set"));
    let en = stats_photo(&bot).await;
    let en_png = sendable_photo(&en);
    assert!(en.text().starts_with("The list on "), "{}", en.text());
    // The same figures, in other words.
    assert_ne!(ru_png, en_png);
    bot.finish().await;
}
