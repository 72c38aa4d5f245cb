//! End to end: the administration — `/divisions`, `/people`, `/invites` — by an authorized
//! person against the fake Bot API server; role checks on every press, audit records,
//! and the invitation life cycle (use, reuse, expiry, revoke).

mod common;

use chrono::{Duration, Utc};
use common::{user, Bot, User, ADMIN};
use touchpoints::db;
use touchpoints::db::functions::NewFunction;
use touchpoints::db::requests::NewRequest;
use touchpoints::domain::*;
use touchpoints::tr;

const ANNA: User = user(ADMIN, "Анна");
const HEAD: User = user(200, "Ирина");
const VERA: User = user(300, "Вера");
const STRANGER: User = user(900, "Гость");

/// One division with a head, a Registry function and a pending report of the head.
async fn world() -> (Bot, i64) {
    let bot = Bot::start(&[ADMIN]).await;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    let (d, _) = db::divisions::get_or_create(&mut tx, "Отдел обращений", ADMIN)
        .await
        .unwrap();
    let f = db::functions::add(
        &mut tx,
        NewFunction {
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
        "Ирина",
        Role::Head,
        Some(d.id),
        Lang::Ru,
        Some(ADMIN),
    )
    .await
    .unwrap();
    let data = TouchpointData {
        direction: Direction::Appeals,
        function_id: f,
        kind: Kind::Website,
        channel: Channel::Digital,
        point: "https://lenobl.ru/appeal".into(),
        needs: [Need::Information].into_iter().collect(),
        other_need: None,
        features: None,
        clients: Clients::External,
        little_used: false,
    };
    db::requests::create(
        &mut tx,
        NewRequest {
            action: Action::Add,
            touchpoint_id: None,
            division_id: d.id,
            reporter_id: HEAD.id,
            payload: Some(&data),
            reason_kind: ReasonKind::Registry,
            reason_text: None,
            idempotency_key: "test-1",
            base_version: None,
            typed_function: None,
            previous_id: None,
            restores_version: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (bot, d.id)
}

async fn audit_actions(bot: &Bot, entity: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log WHERE entity = ? ORDER BY id")
        .bind(entity)
        .fetch_all(&bot.pool)
        .await
        .unwrap()
}

fn link_code(text: &str) -> String {
    let start = text.find("https://t.me/").expect("a link");
    text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .rsplit('=')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn divisions_are_added_renamed_retired_and_restored_from_chat() {
    let (bot, dept) = world().await;
    let c = bot.send(ANNA, "/divisions");
    let list = bot.next_card(c, ANNA).await;
    assert!(
        list.text()
            .contains("Отдел обращений — 1 руководитель, 0 строк, 1 функция"),
        "{}",
        list.text()
    );

    // Asked for a name, the authorized person may cancel.
    let c = bot.api.cursor();
    bot.click(ANNA, "Добавить подразделение").await;
    bot.next_card(c, ANNA).await;
    let a = bot.click(ANNA, "Отмена").await;
    assert_eq!(a.params["text"], tr!(bot.i18n, Lang::Ru, "cancel-done"));
    assert_eq!(db::dialogues::get(&bot.pool, ADMIN).await.unwrap(), None);

    // Add: the name is asked, a duplicate is refused and asked again, then added.
    let c = bot.send(ANNA, "/divisions");
    bot.next_card(c, ANNA).await;
    bot.click(ANNA, "Добавить подразделение").await;
    let c = bot.send(ANNA, "отдел   ОБРАЩЕНИЙ");
    let r = bot.reply(c, ANNA).await;
    assert_eq!(
        r.text(),
        tr!(
            bot.i18n,
            Lang::Ru,
            "division-exists",
            name = "Отдел обращений"
        )
    );
    let c = bot.send(ANNA, "Комитет <по> печати");
    let r = bot.reply(c, ANNA).await;
    assert_eq!(
        r.text(),
        "Добавлено подразделение «Комитет &lt;по&gt; печати»."
    );
    let all = db::divisions::list(&bot.pool).await.unwrap();
    assert_eq!(all.len(), 2);
    let press = all.iter().find(|d| d.id != dept).unwrap().id;

    // Rename it.
    let c = bot.send(ANNA, "/divisions");
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Комитет <по> печати").await;
    let card = bot.next_card(c, ANNA).await;
    assert!(card.text().contains("действует"), "{}", card.text());
    assert!(
        card.text()
            .ends_with(&tr!(bot.i18n, Lang::Ru, "division-never-confirmed")),
        "{}",
        card.text()
    );
    bot.click(ANNA, "Переименовать").await;
    let c = bot.send(ANNA, "Комитет по печати");
    let r = bot.reply(c, ANNA).await;
    assert!(
        r.text().contains("переименовано в «Комитет по печати»"),
        "{}",
        r.text()
    );
    assert_eq!(
        db::divisions::get(&bot.pool, press)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Комитет по печати"
    );

    // Retire: refused while a head, rows or functions depend on it; done when nothing does.
    let c = bot.send(ANNA, "/divisions");
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Отдел обращений").await;
    bot.next_card(c, ANNA).await;
    let a = bot.click(ANNA, "Упразднить").await;
    assert_eq!(a.params["show_alert"], true);
    assert!(
        a.params["text"]
            .as_str()
            .unwrap()
            .contains("руководители — 1"),
        "{}",
        a.params
    );
    assert!(
        !db::divisions::get(&bot.pool, dept)
            .await
            .unwrap()
            .unwrap()
            .retired
    );

    let c = bot.send(ANNA, "/divisions");
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Комитет по печати").await;
    bot.next_card(c, ANNA).await;
    let a = bot.click(ANNA, "Упразднить").await;
    assert_eq!(
        a.params["text"],
        "Подразделение «Комитет по печати» упразднено."
    );
    assert!(
        db::divisions::get(&bot.pool, press)
            .await
            .unwrap()
            .unwrap()
            .retired
    );
    assert_eq!(db::divisions::list(&bot.pool).await.unwrap().len(), 1);
    // Nobody is invited into a retired division.
    let c = bot.send(ANNA, "/invite Комитет по печати");
    let r = bot.reply(c, ANNA).await;
    assert!(r.text().contains("упразднено"), "{}", r.text());
    // …until it is restored.
    bot.click(ANNA, "Восстановить").await;
    assert!(
        !db::divisions::get(&bot.pool, press)
            .await
            .unwrap()
            .unwrap()
            .retired
    );

    assert_eq!(
        audit_actions(&bot, "division").await,
        vec![
            "division.create",
            "division.create",
            "division.rename",
            "division.retire",
            "division.restore"
        ]
    );
    bot.finish().await;
}

#[tokio::test]
async fn only_an_authorized_person_administers_even_with_a_forged_button() {
    let (bot, dept) = world().await;
    for cmd in ["/divisions", "/people", "/invites"] {
        for u in [HEAD, STRANGER] {
            let c = bot.send(u, cmd);
            let r = bot.reply(c, u).await;
            assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "only-admin"), "{cmd}");
        }
    }
    // The head forges administration buttons on a message of their own chat.
    let c = bot.send(HEAD, "/lang");
    let m = bot.next_card(c, HEAD).await;
    let _ = m;
    let (mid, _) = bot.api.last_card(HEAD.id).unwrap();
    for data in [
        format!("ad:x:{dept}"),
        format!("ap:r:{}:admin", HEAD.id),
        format!("ap:y:{ADMIN}"),
        "ai:n:admin".to_string(),
    ] {
        let (c, q) = bot.press(HEAD, mid, &data);
        let a = bot.answer(c, &q).await;
        assert_eq!(a.params["text"], tr!(bot.i18n, Lang::Ru, "only-admin"));
        assert_eq!(a.params["show_alert"], true);
    }
    let p = db::people::get(&bot.pool, HEAD.id).await.unwrap().unwrap();
    assert_eq!(p.role, Role::Head);
    assert!(
        !db::divisions::get(&bot.pool, dept)
            .await
            .unwrap()
            .unwrap()
            .retired
    );
    let invites: i64 = sqlx::query_scalar("SELECT count(*) FROM invites")
        .fetch_one(&bot.pool)
        .await
        .unwrap();
    assert_eq!(invites, 0);
    // Garbage in the administration's namespace is a stale button, answered.
    let (c, q) = bot.press(HEAD, mid, "ap:r:5:none");
    let a = bot.answer(c, &q).await;
    assert_eq!(a.params["text"], tr!(bot.i18n, Lang::Ru, "button-stale"));
    bot.finish().await;
}

#[tokio::test]
async fn roles_change_and_access_is_revoked_with_the_person_told() {
    let (bot, dept) = world().await;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    let (other, _) = db::divisions::get_or_create(&mut tx, "Комитет по печати", ADMIN)
        .await
        .unwrap();
    db::people::assign(
        &mut tx,
        VERA.id,
        "Вера",
        Role::Viewer,
        None,
        Lang::En,
        Some(ADMIN),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let c = bot.send(ANNA, "/people");
    let list = bot.next_card(c, ANNA).await;
    let t = list.text();
    assert!(
        t.contains("Анна (ID <code>100</code>) — из настроек"),
        "{t}"
    );
    assert!(
        t.contains("Ирина (ID <code>200</code>) — «Отдел обращений»"),
        "{t}"
    );
    assert!(t.contains("<b>Наблюдатели</b>\n• Вера"), "{t}");

    // The settings' authorized person: shown, not changeable from chat (also forged).
    let c = bot.api.cursor();
    bot.click(ANNA, "Анна").await;
    let r = bot.reply(c, ANNA).await;
    assert!(
        r.text().contains("назначенное в настройках бота"),
        "{}",
        r.text()
    );
    let (mid, _) = bot.api.last_card(ADMIN).unwrap();
    let (c, q) = bot.press(ANNA, mid, &format!("ap:r:{ADMIN}:viewer"));
    let a = bot.answer(c, &q).await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "person-in-settings")
    );

    // Vera, a viewer, becomes the head of the press committee; she is told in English.
    let c = bot.send(ANNA, "/people");
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Вера").await;
    let card = bot.next_card(c, ANNA).await;
    assert!(card.text().contains("Роль: наблюдатель"), "{}", card.text());
    let c = bot.api.cursor();
    bot.click(ANNA, "Сделать руководителем").await;
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Комитет по печати").await;
    let told = bot.reply(c, VERA).await;
    assert_eq!(
        told.text(),
        "Your role has changed: head of the division “Комитет по печати”. What you can do — /help."
    );
    let p = db::people::get(&bot.pool, VERA.id).await.unwrap().unwrap();
    assert_eq!((p.role, p.division_id), (Role::Head, Some(other.id)));

    // Irina, a head with a pending report and a report under way, loses her access.
    let c = bot.send(HEAD, "/new");
    bot.next_card(c, HEAD).await;
    let c = bot.send(ANNA, "/people");
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Ирина").await;
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Отозвать доступ").await;
    let confirm = bot.next_card(c, ANNA).await;
    assert!(
        confirm.text().contains(
            "Ирина больше не сможет работать с ним. В очереди на рассмотрение останутся: 1 отчёт."
        ),
        "{}",
        confirm.text()
    );
    let c = bot.api.cursor();
    bot.click(ANNA, "Да, отозвать").await;
    let told = bot.reply(c, HEAD).await;
    assert_eq!(told.text(), tr!(bot.i18n, Lang::Ru, "your-access-revoked"));
    let p = db::people::get(&bot.pool, HEAD.id).await.unwrap().unwrap();
    assert_eq!((p.role, p.division_id), (Role::Stranger, None));
    // Her report stays for review; her draft is gone; she can no longer report.
    let pending = db::review::pending(&bot.pool).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].reporter_id, HEAD.id);
    assert_eq!(db::dialogues::get(&bot.pool, HEAD.id).await.unwrap(), None);
    let c = bot.send(HEAD, "/new");
    let r = bot.reply(c, HEAD).await;
    assert_eq!(
        r.text(),
        tr!(bot.i18n, Lang::Ru, "only-reporters", id = HEAD.id)
    );
    // The division is no longer held by a head of the old record.
    let _ = dept;

    // Vera is made an authorized person: she gets the full menu in her chat.
    let c = bot.send(ANNA, "/people");
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Вера").await;
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Сделать уполномоченным").await;
    bot.api
        .wait_for(c, "Vera's menu", |call| {
            call.method == "setMyCommands"
                && call.params.pointer("/scope/chat_id") == Some(&serde_json::json!(VERA.id))
        })
        .await;
    let c = bot.send(VERA, "/people");
    let r = bot.next_card(c, VERA).await;
    assert!(r.text().contains("Who is who"), "{}", r.text());
    // She cannot change or revoke her own role.
    let (mid, _) = bot.api.last_card(VERA.id).unwrap();
    for data in [
        format!("ap:r:{}:viewer", VERA.id),
        format!("ap:y:{}", VERA.id),
    ] {
        let (c, q) = bot.press(VERA, mid, &data);
        let a = bot.answer(c, &q).await;
        assert_eq!(a.params["show_alert"], true, "{data}");
    }
    assert_eq!(
        db::people::get(&bot.pool, VERA.id)
            .await
            .unwrap()
            .unwrap()
            .role,
        Role::Admin
    );

    let actions = audit_actions(&bot, "person").await;
    assert_eq!(
        &actions[actions.len() - 3..],
        ["person.role", "person.revoke", "person.role"]
    );
    bot.finish().await;
}

#[tokio::test]
async fn invitations_are_listed_used_once_revoked_and_expire() {
    let (bot, _) = world().await;
    let c = bot.send(ANNA, "/invites");
    let list = bot.next_card(c, ANNA).await;
    assert!(
        list.text().contains("Открытые приглашения</b>: 0"),
        "{}",
        list.text()
    );
    assert!(list.text().contains("7 дней"), "{}", list.text());

    // A viewer is invited; the link works once and tells the inviter.
    let c = bot.api.cursor();
    bot.click(ANNA, "Наблюдатель").await;
    let r = bot.reply(c, ANNA).await;
    let viewer_code = link_code(r.text());
    let (created, expires): (String, String) =
        sqlx::query_as("SELECT created_at, expires_at FROM invites WHERE code_hash = ?")
            .bind(db::invites::hash(&viewer_code))
            .fetch_one(&bot.pool)
            .await
            .unwrap();
    assert_eq!(
        db::parse_ts(&expires) - db::parse_ts(&created),
        Duration::days(7),
        "the default expiry"
    );
    let c = bot.send(STRANGER, &format!("/start {viewer_code}"));
    let r = bot.reply(c, STRANGER).await;
    assert!(
        r.text()
            .starts_with("Приглашение принято: ваша роль — наблюдатель."),
        "{}",
        r.text()
    );
    let told = bot.reply(c, ANNA).await;
    assert!(
        told.text().contains("— теперь наблюдатель"),
        "{}",
        told.text()
    );
    assert_eq!(
        db::people::get(&bot.pool, STRANGER.id)
            .await
            .unwrap()
            .unwrap()
            .role,
        Role::Viewer
    );
    let other = user(901, "Олег");
    let c = bot.send(other, &format!("/start {viewer_code}"));
    let r = bot.reply(c, other).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "invite-used"));

    // Two more: an authorized person and a head; both listed; the first is revoked.
    let c = bot.send(ANNA, "/invites");
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Уполномоченное лицо").await;
    let admin_code = link_code(bot.reply(c, ANNA).await.text());
    let c = bot.send(ANNA, "/invite Отдел обращений");
    let head_code = link_code(bot.reply(c, ANNA).await.text());
    let c = bot.send(ANNA, "/invites");
    let list = bot.next_card(c, ANNA).await;
    assert!(
        list.text().contains("Открытые приглашения</b>: 2"),
        "{}",
        list.text()
    );
    assert!(
        list.text()
            .contains("• Роль: руководитель подразделения «Отдел обращений» · кто пригласил: Анна · действует до "),
        "{}",
        list.text()
    );
    let a = bot.click(ANNA, "Отозвать: уполномоченное лицо").await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "invite-revoked-done")
    );
    let open = db::invites::open(&bot.pool, Utc::now()).await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].role, Role::Head);
    // The list was redrawn without it.
    assert_eq!(
        bot.card_buttons(ADMIN)
            .iter()
            .filter(|b| b.contains("Отозвать"))
            .count(),
        1
    );
    let c = bot.send(other, &format!("/start {admin_code}"));
    let r = bot.reply(c, other).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "invite-revoked"));
    assert_eq!(db::people::get(&bot.pool, other.id).await.unwrap(), None);
    // Revoking it again (a second press of an old button) is refused, not repeated.
    let (mid, _) = bot.api.last_card(ADMIN).unwrap();
    let (c, q) = bot.press(
        ANNA,
        mid,
        &format!("ai:x:{:016x}", db::invites::handle_of_code(&admin_code)),
    );
    let a = bot.answer(c, &q).await;
    assert_eq!(a.params["text"], tr!(bot.i18n, Lang::Ru, "invite-not-open"));

    // Expiry: the head's invitation runs out before it is used.
    assert_eq!(open[0].handle, db::invites::handle_of_code(&head_code));
    sqlx::query("UPDATE invites SET expires_at = ? WHERE code_hash = ?")
        .bind(db::ts(Utc::now() - Duration::minutes(1)))
        .bind(db::invites::hash(&head_code))
        .execute(&bot.pool)
        .await
        .unwrap();
    let c = bot.send(other, &format!("/start {head_code}"));
    let r = bot.reply(c, other).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "invite-expired"));
    let c = bot.send(ANNA, "/invites");
    let list = bot.next_card(c, ANNA).await;
    assert!(
        list.text().contains("Открытые приглашения</b>: 0"),
        "{}",
        list.text()
    );

    let actions = audit_actions(&bot, "invite").await;
    assert_eq!(
        actions,
        vec![
            "invite.create",
            "invite.redeem",
            "invite.create",
            "invite.create",
            "invite.revoke"
        ]
    );
    bot.finish().await;
}

// ---- the Registry of processes (3.1) and actualization (5.1) ----------------------------

const REGISTRY_V1: &str = "\u{feff}Код;Наименование;Вид;Направление;Подразделение\n\
Ф-012;Рассмотрение обращений граждан;функция;3.5.1;Отдел обращений\n\
Ф-020;Приём граждан;функция;Рассмотрение обращений и запросов;Отдел обращений\n\
С-001;Портал <открытых> данных;сервис;3.5.2;Отдел информации\n";

fn registry_v2_xlsx() -> Vec<u8> {
    // Ф-012 leaves the Registry; Ф-020 is renamed; С-001 stays; columns in another order.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [
        ["подразделение", "КОД", "наименование", "вид", "направление"],
        [
            "Отдел обращений",
            "Ф-020",
            "Личный приём граждан",
            "функция",
            "3.5.1",
        ],
        [
            "Отдел информации",
            "С-001",
            "Портал <открытых> данных",
            "сервис",
            "3.5.2",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

async fn codes(bot: &Bot) -> Vec<(String, bool)> {
    sqlx::query_as(
        "SELECT code, removed_at IS NOT NULL FROM functions WHERE code IS NOT NULL ORDER BY code",
    )
    .fetch_all(&bot.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_registry_file_with_bad_rows_is_refused_whole_with_line_numbers() {
    let (bot, _) = world().await;
    let before = codes(&bot).await;
    let file = "Код,Наименование,Вид,Направление,Подразделение\n\
                Ф-1,Первая,функция,3.5.1,Отдел\n\
                Ф-2,Вторая,процесс,3.5.1,Отдел\n\
                Ф-1,Третья,сервис,3.5.7,\n";
    let c = bot.send_document(ANNA, "реестр.csv", file.as_bytes().to_vec());
    let r = bot.reply(c, ANNA).await;
    let t = r.text();
    assert!(
        t.starts_with("В файле 4 ошибки, ничего не загружено."),
        "{t}"
    );
    assert!(
        t.contains("Строка 3: «Вид» должен быть «функция» или «сервис», а не «процесс»"),
        "{t}"
    );
    assert!(
        t.contains("Строка 4: не заполнен столбец «Подразделение»"),
        "{t}"
    );
    assert!(t.contains("Строка 4: код Ф-1 уже указан в строке 2"), "{t}");
    assert!(t.contains("Строка 4: «Направление» должно быть"), "{t}");
    assert_eq!(codes(&bot).await, before, "nothing is half-imported");

    // A file that is not a table at all.
    let c = bot.send_document(ANNA, "scan.pdf", b"%PDF-1.4 \xff\xfe".to_vec());
    let r = bot.reply(c, ANNA).await;
    assert!(
        r.text().starts_with("Не удалось прочитать файл"),
        "{}",
        r.text()
    );

    // A head's file is not a Registry: the bot says it did not understand.
    let c = bot.send_document(HEAD, "реестр.csv", REGISTRY_V1.as_bytes().to_vec());
    let r = bot.reply(c, HEAD).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "not-understood"));
    let staged: i64 = sqlx::query_scalar("SELECT count(*) FROM registry_uploads")
        .fetch_one(&bot.pool)
        .await
        .unwrap();
    assert_eq!(staged, 0);
    bot.finish().await;
}

#[tokio::test]
async fn a_registry_import_is_previewed_applied_once_and_asks_the_heads() {
    let (bot, dept) = world().await;
    // The world holds Ф-012 already (with a pending report under it).
    let c = bot.send_document(ANNA, "реестр.csv", REGISTRY_V1.as_bytes().to_vec());
    let preview = bot.next_card(c, ANNA).await;
    let t = preview.text();
    assert!(
        t.starts_with("<b>Реестр из файла «реестр.csv»</b>: 3 записи."),
        "{t}"
    );
    assert!(
        t.contains("<b>Добавятся</b> (2):\n• Ф-020 — Приём граждан («Отдел обращений»)\n• С-001 — Портал &lt;открытых&gt; данных («Отдел информации»)"),
        "{t}"
    );
    assert!(
        t.contains("<b>Новые подразделения</b> (1):\n• Отдел информации"),
        "{t}"
    );
    assert!(t.contains("Без изменений: 1."), "{t}");
    assert_eq!(bot.card_buttons(ADMIN), vec!["Применить", "Отменить"]);
    assert_eq!(
        codes(&bot).await.len(),
        1,
        "nothing before the confirmation"
    );

    // Applied: the head of «Отдел обращений» is asked to report Ф-020's touchpoints.
    let c = bot.api.cursor();
    bot.click(ANNA, "Применить").await;
    let asked = bot.reply(c, HEAD).await;
    assert!(
        asked
            .text()
            .starts_with(&tr!(bot.i18n, Lang::Ru, "actual-added")),
        "{}",
        asked.text()
    );
    assert!(
        asked.text().contains("• Ф-020 — Приём граждан"),
        "{}",
        asked.text()
    );
    let done = bot.reply(c, ANNA).await;
    assert!(
        done.text().starts_with("Реестр обновлён: добавлено 2"),
        "{}",
        done.text()
    );
    assert_eq!(
        codes(&bot).await,
        [
            ("С-001".to_string(), false),
            ("Ф-012".to_string(), false),
            ("Ф-020".to_string(), false)
        ]
    );
    assert_eq!(db::divisions::list(&bot.pool).await.unwrap().len(), 2);
    // The preview lost its buttons; a second press of the old button changes nothing.
    assert!(bot.api.last_card(ADMIN).is_none());
    let preview_id = preview_message(&bot);
    let data = preview.buttons()[0][0].1.clone();
    let (c, q) = bot.press(ANNA, preview_id, &data);
    let a = bot.answer(c, &q).await;
    assert_eq!(a.params["text"], "Этот файл уже применён.");

    // A row stands under Ф-012; the next file (XLSX) drops Ф-012 and renames Ф-020.
    let f012: i64 = sqlx::query_scalar("SELECT id FROM functions WHERE code = 'Ф-012'")
        .fetch_one(&bot.pool)
        .await
        .unwrap();
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    db::touchpoints::insert(
        &mut tx,
        &TouchpointData {
            direction: Direction::Appeals,
            function_id: f012,
            kind: Kind::Phone,
            channel: Channel::Offline,
            point: "+7 812 000-00-00".into(),
            needs: [Need::Consultation].into_iter().collect(),
            other_need: None,
            features: None,
            clients: Clients::External,
            little_used: false,
        },
        dept,
        db::touchpoints::Provenance {
            origin: touchpoints::domain::record::Origin::Import("test".into()),
            reported_by: Some(HEAD.id),
            accepted_by: Some(ADMIN),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let c = bot.send_document(ANNA, "реестр-2.xlsx", registry_v2_xlsx());
    let preview = bot.next_card(c, ANNA).await;
    let t = preview.text();
    assert!(
        t.contains(
            "• Ф-020 — Личный приём граждан: наименование «Приём граждан» → «Личный приём граждан»"
        ),
        "{t}"
    );
    assert!(
        t.contains("<b>Будут исключены из Реестра</b> (1):\n• Ф-012 — Рассмотрение обращений граждан («Отдел обращений») — в перечне 1 строка"),
        "{t}"
    );
    let c = bot.api.cursor();
    bot.click(ANNA, "Применить").await;
    let asked = bot.reply(c, HEAD).await;
    assert!(
        asked
            .text()
            .starts_with(&tr!(bot.i18n, Lang::Ru, "actual-removed")),
        "{}",
        asked.text()
    );
    assert!(
        asked
            .text()
            .contains("• Ф-012 — Рассмотрение обращений граждан: 1 строка"),
        "{}",
        asked.text()
    );
    // The row is flagged: the authorized person sees it outstanding in /registry.
    let c = bot.send(ANNA, "/registry");
    let r = bot.reply(c, ANNA).await;
    let t = r.text();
    assert!(t.contains("действует 2, исключено 1"), "{t}");
    assert!(
        t.contains("• «Отдел обращений»: Ф-012 — Рассмотрение обращений граждан, 1 строка"),
        "{t}"
    );
    assert!(
        t.contains("Функции Реестра без точек взаимодействия</b> — подразделение должно сообщить о них (2)"),
        "{t}"
    );
    let imports = audit_actions(&bot, "registry_upload").await;
    assert_eq!(imports, ["registry.import", "registry.import"]);
    bot.finish().await;
}

/// The message id of the newest message to the authorized person that had the preview's
/// buttons (found among the calls).
fn preview_message(bot: &Bot) -> i64 {
    bot.api
        .calls()
        .iter()
        .rfind(|c| c.method == "editMessageReplyMarkup" && c.chat_id() == Some(ADMIN))
        .and_then(|c| c.params["message_id"].as_i64())
        .expect("the preview's buttons were dropped")
}

#[tokio::test]
async fn discarding_a_preview_changes_nothing() {
    let (bot, _) = world().await;
    let c = bot.send_document(ANNA, "реестр.csv", REGISTRY_V1.as_bytes().to_vec());
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Отменить").await;
    let r = bot.reply(c, ANNA).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "registry-discarded"));
    assert_eq!(codes(&bot).await.len(), 1);
    bot.finish().await;
}

#[tokio::test]
async fn the_command_line_previews_and_applies_a_registry_file() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("t.db");
    let file = dir.path().join("реестр.csv");
    std::fs::write(&file, REGISTRY_V1).unwrap();
    let run = |yes: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_touchpoints"));
        cmd.arg("--db")
            .arg(&db_path)
            .args(["registry", "import"])
            .arg(&file);
        if yes {
            cmd.arg("--yes");
        }
        cmd.env_remove("TELOXIDE_TOKEN").output().unwrap()
    };
    let out = run(false);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Реестр из файла «реестр.csv»: 3 записи."),
        "{text}"
    );
    assert!(text.contains("Портал <открытых> данных"), "{text}");
    assert!(text.contains("--yes"), "{text}");
    let pool = db::connect(&db_path).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM functions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0, "a preview writes nothing");
    let out = run(true);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Реестр обновлён: добавлено 3"), "{text}");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM functions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 3);
    // A bad file: the rows are named, the exit status says so.
    std::fs::write(&file, "Код;Наименование\nФ-1;x\n").unwrap();
    let out = run(true);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("В первой строке нет столбцов: Вид, Направление, Подразделение"),
        "{err}"
    );
}

// ---- reminders (5.2) -------------------------------------------------------------------

fn utc(s: &str) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .with_timezone(&Utc)
}

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
async fn reminders_are_due_quiet_at_night_sent_once_across_a_restart_and_summarised() {
    use touchpoints::bot::flows::remind::{tick, Ticked};
    let (mut bot, dept) = world().await;
    const OLEG: User = user(400, "Олег");
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    let (press, _) = db::divisions::get_or_create(&mut tx, "Комитет по печати", ADMIN)
        .await
        .unwrap();
    db::people::assign(
        &mut tx,
        OLEG.id,
        "Олег",
        Role::Head,
        Some(press.id),
        Lang::Ru,
        Some(ADMIN),
    )
    .await
    .unwrap();
    let f: i64 = sqlx::query_scalar("SELECT id FROM functions WHERE code = 'Ф-012'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    db::touchpoints::insert(
        &mut tx,
        &TouchpointData {
            direction: Direction::Appeals,
            function_id: f,
            kind: Kind::Website,
            channel: Channel::Digital,
            point: "https://lenobl.ru/<appeal>".into(),
            needs: [Need::Information].into_iter().collect(),
            other_need: None,
            features: None,
            clients: Clients::External,
            little_used: false,
        },
        dept,
        db::touchpoints::Provenance {
            origin: touchpoints::domain::record::Origin::Import("test".into()),
            reported_by: Some(HEAD.id),
            accepted_by: Some(ADMIN),
        },
    )
    .await
    .unwrap();
    // Ф-012 has left the Registry: its row is flagged in the reminder.
    sqlx::query("UPDATE functions SET removed_at = '2026-11-20T00:00:00Z' WHERE id = ?")
        .bind(f)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // The first pass schedules the monthly round: the 1st at 10:00 Moscow time.
    let (tg, app) = bot.handles().await;
    let none = Ticked::default();
    assert_eq!(
        tick(&tg, &app, utc("2026-11-28T12:00:00Z")).await.unwrap(),
        none
    );
    let round = db::reminders::open_round(&bot.pool).await.unwrap().unwrap();
    assert_eq!(round.due_at, utc("2026-12-01T07:00:00Z"));
    assert_eq!(
        tick(&tg, &app, utc("2026-12-01T06:59:00Z")).await.unwrap(),
        none
    );
    // Due, but the bot was down until 22:00 Moscow time: quiet hours, nothing is sent.
    assert_eq!(
        tick(&tg, &app, utc("2026-12-01T19:00:00Z")).await.unwrap(),
        none
    );
    // 09:30 the next morning: each head gets one reminder.
    let morning = utc("2026-12-02T06:30:00Z");
    let c = bot.api.cursor();
    assert_eq!(
        tick(&tg, &app, morning).await.unwrap(),
        Ticked {
            reminded: 2,
            ..none
        }
    );
    let r = bot.next_card(c, HEAD).await;
    assert!(
        r.text().starts_with(
            "<b>Проверьте перечень</b> (п. 5.2). Подразделение «Отдел обращений»: 1 точка."
        ),
        "{}",
        r.text()
    );
    assert!(
        r.text()
            .contains("— https://lenobl.ru/&lt;appeal&gt; (Рассмотрение обращений граждан) — ⚠ функция исключена из Реестра"),
        "{}",
        r.text()
    );
    assert_eq!(
        bot.card_buttons(HEAD.id),
        ["Всё актуально", "Сообщить об изменениях"]
    );
    assert_eq!(tick(&tg, &app, morning).await.unwrap(), none);

    // A restart: the due times are in the database; nothing is sent twice.
    bot.restart().await;
    let (tg, app) = bot.handles().await;
    assert_eq!(
        tick(&tg, &app, morning + Duration::hours(1)).await.unwrap(),
        none
    );
    assert_eq!(reminders_to(&bot, HEAD.id), 1);
    assert_eq!(reminders_to(&bot, OLEG.id), 1);
    // The round stays open until its summary is due (a failed send is tried again
    // meanwhile).
    assert_eq!(
        db::reminders::open_round(&bot.pool).await.unwrap(),
        Some(round.clone())
    );

    // Irina confirms; a second press says when she did.
    let (card, _) = bot.api.last_card(HEAD.id).unwrap();
    let data = bot.api.message(HEAD.id, card).unwrap()["reply_markup"]["inline_keyboard"][0][0]
        ["callback_data"]
        .as_str()
        .unwrap()
        .to_string();
    let a = bot.click(HEAD, "Всё актуально").await;
    let today = Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap())
        .format("%d.%m.%Y")
        .to_string();
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "confirm-done", date = today.as_str())
    );
    let (c, q) = bot.press(HEAD, card, &data);
    let a = bot.answer(c, &q).await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "confirm-already", date = today.as_str())
    );
    let confirmed = db::reminders::last_confirmations(&bot.pool).await.unwrap();
    assert_eq!(confirmed.len(), 1);
    assert_eq!(confirmed[0].0, dept);
    // The authorized person sees the date on the division's card.
    let c = bot.send(ANNA, "/divisions");
    bot.next_card(c, ANNA).await;
    let c = bot.api.cursor();
    bot.click(ANNA, "Отдел обращений").await;
    let card = bot.next_card(c, ANNA).await;
    assert!(
        card.text()
            .contains(&format!("Актуальность строк подтверждена: {today}")),
        "{}",
        card.text()
    );
    // A viewer cannot confirm, even with the button's data.
    let c = bot.send(VERA, "/lang");
    bot.next_card(c, VERA).await;
    let (mid, _) = bot.api.last_card(VERA.id).unwrap();
    let (c, q) = bot.press(VERA, mid, &data);
    let a = bot.answer(c, &q).await;
    assert_eq!(
        a.params["text"],
        tr!(bot.i18n, Lang::Ru, "confirm-only-head")
    );
    // Oleg would rather report changes.
    let c = bot.api.cursor();
    bot.click(OLEG, "Сообщить об изменениях").await;
    let r = bot.reply(c, OLEG).await;
    assert_eq!(r.text(), tr!(bot.i18n, Lang::Ru, "report-changes-how"));

    // A week after the round: the authorized person hears who has not confirmed — once.
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
        "<b>Актуальность перечня</b> (напоминание от 01.12.2026): нет подтверждения от 1 подразделения:\n• «Комитет по печати» — Олег"
    );
    assert_eq!(tick(&tg, &app, week).await.unwrap(), none);
    let next = db::reminders::open_round(&bot.pool).await.unwrap().unwrap();
    assert_eq!(
        next.due_at,
        utc("2027-01-01T07:00:00Z"),
        "the next month's round"
    );
    bot.finish().await;
}

// ---- /stats ----------------------------------------------------------------------------

#[tokio::test]
async fn stats_give_the_figures_of_a_known_list_as_text_and_a_chart() {
    let (bot, dept) = world().await;
    let mut tx = db::begin_write(&bot.pool).await.unwrap();
    db::divisions::get_or_create(&mut tx, "Комитет по печати", ADMIN)
        .await
        .unwrap();
    let f: i64 = sqlx::query_scalar("SELECT id FROM functions WHERE code = 'Ф-012'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let who = db::touchpoints::Provenance {
        origin: touchpoints::domain::record::Origin::Import("test".into()),
        reported_by: Some(HEAD.id),
        accepted_by: Some(ADMIN),
    };
    let row = |kind, channel, point: &str, needs: &[Need]| TouchpointData {
        direction: Direction::Appeals,
        function_id: f,
        kind,
        channel,
        point: point.into(),
        needs: needs.iter().copied().collect(),
        other_need: None,
        features: None,
        clients: Clients::External,
        little_used: false,
    };
    db::touchpoints::insert(
        &mut tx,
        &row(
            Kind::Website,
            Channel::Digital,
            "https://lenobl.ru",
            &[Need::Information, Need::Consultation],
        ),
        dept,
        who.clone(),
    )
    .await
    .unwrap();
    db::touchpoints::insert(
        &mut tx,
        &row(
            Kind::Phone,
            Channel::Offline,
            "+7 812 000",
            &[Need::Information],
        ),
        dept,
        who,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let c = bot.send(VERA, "/stats");
    let r = bot.reply(c, VERA).await;
    assert_eq!(
        r.text(),
        tr!(bot.i18n, Lang::Ru, "help-stranger", id = VERA.id)
    );

    let c = bot.send(ANNA, "/stats");
    let r = bot.reply(c, ANNA).await;
    let t = r.text();
    assert!(
        t.contains("</b> на ") && t.contains(": 2 точки; на рассмотрении — 1 отчёт."),
        "{t}"
    );
    for line in [
        "3.5.1 Рассмотрение обращений и запросов — 2",
        "3.5.2 Обеспечение доступа к информации о деятельности Администрации — 0",
        "4.2.1 Официальные сайты (порталы) — 1",
        "4.2.5 Телефонная связь, колл-центры — 1",
        "4.2.7 Личный приём — 0",
        "цифровых — 1, офлайн — 1",
        "3.7.1 Получение информации — 2",
        "3.7.2 Получение консультации — 1",
        "3.7.10 Другие удовлетворяемые потребности клиента — 0",
        "#1 «Комитет по печати» — 0",
        "#2 «Отдел обращений» — 2",
        "<b>Подразделения без строк</b> (1): «Комитет по печати»",
    ] {
        assert!(t.contains(line), "{line}\n{t}");
    }
    let photo = bot
        .api
        .wait_for(c, "the chart", |call| {
            call.method == "sendPhoto" && call.chat_id() == Some(ADMIN)
        })
        .await;
    let (_, name, bytes) = &photo.files[0];
    assert_eq!(name.as_deref(), Some("stats.png"));
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(photo.text().contains("потребности 3.7"), "{}", photo.text());
    bot.finish().await;
}
