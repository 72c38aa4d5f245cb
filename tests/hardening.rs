//! End to end, issue 12: reminders whose send fails are not taken as sent (tried again in
//! the next minutes, or the head recorded as unreachable, and the summary says which); the
//! invitations of an authorized person removed from the settings are revoked at start.

mod common;

use chrono::{Duration, Utc};
use common::fake_api::Fault;
use common::{user, Bot, User, ADMIN, ADMIN2, HEAD};
use touchpoints::bot::flows::remind::{tick, Ticked};
use touchpoints::db;
use touchpoints::domain::{Lang, Role};
use touchpoints::tr;

const ANNA: User = user(ADMIN, "Анна");
const OLEG: User = user(400, "Олег");
const JULIA: User = user(401, "Юлия");
const YANA: User = user(402, "Яна");
const STRANGER: User = user(900, "Гость");

fn utc(s: &str) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .with_timezone(&Utc)
}

/// The reminders the fake Bot API took for a chat (faulted calls are not taken).
fn reminders_to(bot: &Bot, chat: i64) -> usize {
    bot.api
        .calls()
        .iter()
        .filter(|c| {
            c.method == "sendMessage"
                && c.chat_id() == Some(chat)
                && c.text().contains("Проверьте перечень")
        })
        .count()
}

#[tokio::test]
async fn a_failed_reminder_is_tried_again_an_unreachable_head_is_named_and_only_delivered_ones_count(
) {
    let bot = Bot::start(&[ADMIN]).await;
    bot.seed("Отдел обращений").await;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    for (head, division) in [
        (OLEG, "Комитет по печати"),
        (JULIA, "Архив"),
        (YANA, "Управление делами"),
    ] {
        let (d, _) = db::divisions::get_or_create(&mut tx, division, ADMIN)
            .await
            .unwrap();
        db::people::assign(
            &mut tx,
            head.id,
            head.first_name,
            Role::Head,
            Some(d.id),
            Lang::Ru,
            Some(ADMIN),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let (tg, app) = bot.handles().await;
    let none = Ticked::default();
    tick(&tg, &app, utc("2026-11-28T12:00:00Z")).await.unwrap();
    let round = db::reminders::open_round(&bot.pool).await.unwrap().unwrap();
    assert_eq!(round.due_at, utc("2026-12-01T07:00:00Z"));

    // The heads are reminded in the order of their names: Ирина, Олег, Юлия, Яна.
    // Irina's send breaks off every time (the first try and the Bot API retries), Oleg
    // has blocked the bot, Julia's chat is not found; Yana gets hers.
    let retries = common::fast_policy().retries as usize;
    bot.api.fail_n("sendMessage", retries + 1, Fault::Drop);
    bot.api.fail(
        "sendMessage",
        Fault::Forbidden("Forbidden: bot was blocked by the user"),
    );
    bot.api.fail(
        "sendMessage",
        Fault::BadRequest("Bad Request: chat not found"),
    );
    let morning = utc("2026-12-02T06:30:00Z");
    assert_eq!(
        tick(&tg, &app, morning).await.unwrap(),
        Ticked {
            reminded: 1,
            failed: 3,
            ..none
        }
    );
    assert_eq!(reminders_to(&bot, YANA.id), 1);
    for head in [HEAD, OLEG, JULIA] {
        assert_eq!(reminders_to(&bot, head.id), 0, "{head:?}");
    }
    // Only the delivered reminder waits for a confirmation.
    let waiting = db::reminders::unconfirmed(&bot.pool, round.id)
        .await
        .unwrap();
    assert_eq!(
        waiting.iter().map(|u| u.heads.clone()).collect::<Vec<_>>(),
        [vec!["Яна".to_string()]]
    );

    // The failed send is tried again a minute later (not sooner), and fails again: the
    // next try is two minutes after that.
    assert_eq!(
        tick(&tg, &app, morning + Duration::seconds(30))
            .await
            .unwrap(),
        none
    );
    bot.api.fail_n("sendMessage", retries + 1, Fault::Drop);
    let t1 = morning + Duration::minutes(1);
    assert_eq!(
        tick(&tg, &app, t1).await.unwrap(),
        Ticked { failed: 1, ..none }
    );
    assert_eq!(
        tick(&tg, &app, t1 + Duration::minutes(1)).await.unwrap(),
        none
    );
    let c = bot.api.cursor();
    assert_eq!(
        tick(&tg, &app, t1 + Duration::minutes(2)).await.unwrap(),
        Ticked {
            reminded: 1,
            ..none
        }
    );
    let r = bot.next_card(c, HEAD).await;
    assert!(r.text().contains("Проверьте перечень"), "{}", r.text());
    assert_eq!(
        bot.card_buttons(HEAD.id),
        ["Всё актуально", "Сообщить об изменениях"]
    );
    // The unreachable heads are not tried again; nobody gets a second reminder.
    assert_eq!(
        tick(&tg, &app, morning + Duration::hours(2)).await.unwrap(),
        none
    );
    for (head, n) in [(HEAD, 1), (OLEG, 0), (JULIA, 0), (YANA, 1)] {
        assert_eq!(reminders_to(&bot, head.id), n, "{head:?}");
    }
    // The round is still open: its summary is not due.
    assert_eq!(
        db::reminders::open_round(&bot.pool).await.unwrap(),
        Some(round.clone())
    );

    // Irina confirms. A week after the round the summary counts only the reminders
    // delivered, and names the heads it did not reach as such.
    bot.click(HEAD, "Всё актуально").await;
    let week = utc("2026-12-08T07:00:00Z");
    let c = bot.api.cursor();
    assert_eq!(
        tick(&tg, &app, week).await.unwrap(),
        Ticked {
            summaries: 1,
            ..none
        }
    );
    let s = bot.reply(c, ANNA).await;
    assert_eq!(
        s.text(),
        "<b>Актуальность перечня</b> (напоминание от 01.12.2026): нет подтверждения от 1 подразделения:\n\
         • «Управление делами» — Яна\n\
         Напоминание не получили 2 руководителя:\n\
         • «Архив» — Юлия: нет связи (бот заблокирован или чат не найден)\n\
         • «Комитет по печати» — Олег: нет связи (бот заблокирован или чат не найден)"
    );
    let next = db::reminders::open_round(&bot.pool).await.unwrap().unwrap();
    assert_eq!(next.due_at, utc("2027-01-01T07:00:00Z"));
    bot.finish().await;
}

/// A send that keeps failing until the summary is due: the head is named as not reached,
/// not as one who did not confirm.
#[tokio::test]
async fn a_reminder_never_delivered_is_named_as_such_in_the_summary() {
    let bot = Bot::start(&[ADMIN]).await;
    bot.seed("Отдел обращений").await;
    let (tg, app) = bot.handles().await;
    tick(&tg, &app, utc("2026-11-28T12:00:00Z")).await.unwrap();
    let retries = common::fast_policy().retries as usize;
    bot.api.fail_n("sendMessage", retries + 1, Fault::Drop);
    let morning = utc("2026-12-02T06:30:00Z");
    assert_eq!(tick(&tg, &app, morning).await.unwrap().failed, 1);
    // The bot was down until the summary was due: the last try fails too, then the
    // summary goes out.
    bot.api.fail_n("sendMessage", retries + 1, Fault::Drop);
    let c = bot.api.cursor();
    let week = utc("2026-12-08T07:00:00Z");
    assert_eq!(
        tick(&tg, &app, week).await.unwrap(),
        Ticked {
            failed: 1,
            summaries: 1,
            ..Ticked::default()
        }
    );
    assert_eq!(reminders_to(&bot, HEAD.id), 0);
    let s = bot.reply(c, ANNA).await;
    assert_eq!(
        s.text(),
        "<b>Актуальность перечня</b> (напоминание от 01.12.2026): все, кому напоминание доставлено, подтвердили.\n\
         Напоминание не получил 1 руководитель:\n\
         • «Отдел обращений» — Ирина: не удалось доставить (сбой связи с Telegram)"
    );
    bot.finish().await;
}

#[tokio::test]
async fn invitations_of_an_authorized_person_removed_from_the_settings_are_revoked_at_start() {
    let mut bot = Bot::start(&[ADMIN, ADMIN2]).await;
    let boris = user(ADMIN2, "Борис");
    let link_code = |text: &str| {
        let at = text.find("?start=").expect("a link") + "?start=".len();
        text[at..at + 40].to_string()
    };
    let invite = |who: User| {
        let bot = &bot;
        async move {
            let c = bot.send(who, "/invites");
            bot.next_card(c, who).await;
            let c = bot.api.cursor();
            bot.click(who, "➕ Наблюдатель").await;
            link_code(bot.reply(c, who).await.text())
        }
    };
    let by_boris = invite(boris).await;
    let by_anna = invite(ANNA).await;
    // An authorized person of the database (not of the settings) keeps theirs.
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    db::people::assign(
        &mut tx,
        150,
        "Вика",
        Role::Admin,
        None,
        Lang::Ru,
        Some(ADMIN),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let vika = user(150, "Вика");
    let by_vika = invite(vika).await;

    // Boris is taken out of TOUCHPOINTS_ADMINS; the bot starts again.
    bot.restart_with_admins(&[ADMIN]).await;
    let open = db::invites::open(&bot.pool, Utc::now()).await.unwrap();
    assert_eq!(open.len(), 2, "{open:?}");
    assert!(open.iter().all(|i| i.created_by != ADMIN2));
    let c = bot.send(STRANGER, &format!("/start {by_boris}"));
    let r = bot.reply(c, STRANGER).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "invite-revoked"));
    assert_eq!(db::people::get(&bot.pool, STRANGER.id).await.unwrap(), None);
    let revoked: Vec<(Option<i64>, String)> = sqlx::query_as(
        "SELECT actor_id, details FROM audit_log WHERE action = 'invite.revoke' ORDER BY id",
    )
    .fetch_all(&bot.pool)
    .await
    .unwrap();
    assert_eq!(revoked.len(), 1, "{revoked:?}");
    assert_eq!(revoked[0].0, None, "revoked by the bot at start");
    assert!(
        revoked[0].1.contains("no longer an authorized person"),
        "{}",
        revoked[0].1
    );
    // A second start finds nothing more to revoke.
    bot.restart_with_admins(&[ADMIN]).await;
    let n: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'invite.revoke'")
            .fetch_one(&bot.pool)
            .await
            .unwrap();
    assert_eq!(n, 1);
    // The others' invitations still work.
    for (code, who) in [(by_anna, user(901, "Пётр")), (by_vika, user(902, "Ольга"))] {
        let c = bot.send(who, &format!("/start {code}"));
        bot.reply(c, who).await;
        assert_eq!(
            db::people::get(&bot.pool, who.id)
                .await
                .unwrap()
                .unwrap()
                .role,
            Role::Viewer
        );
    }
    bot.finish().await;
}
