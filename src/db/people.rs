//! People who talk to the bot: their role, division and language.

use chrono::Utc;
use sqlx::SqlitePool;

use super::{audit, begin_write, ts, Tx};
use crate::domain::{Lang, Role};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub telegram_id: i64,
    pub name: String,
    pub role: Role,
    pub division_id: Option<i64>,
    pub division_name: Option<String>,
    pub lang: Lang,
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    telegram_id: i64,
    name: String,
    role: String,
    division_id: Option<i64>,
    division_name: Option<String>,
    language: String,
}

impl From<PersonRow> for Person {
    fn from(r: PersonRow) -> Self {
        Person {
            telegram_id: r.telegram_id,
            name: r.name,
            role: Role::from_code(&r.role).unwrap_or(Role::Stranger),
            division_id: r.division_id,
            division_name: r.division_name,
            lang: Lang::from_code(&r.language).unwrap_or_default(),
        }
    }
}

const SELECT: &str =
    "SELECT p.telegram_id, p.name, p.role, p.division_id, d.name AS division_name, p.language
     FROM people p LEFT JOIN divisions d ON d.id = p.division_id";

pub async fn get(pool: &SqlitePool, telegram_id: i64) -> Result<Option<Person>, sqlx::Error> {
    let row: Option<PersonRow> = sqlx::query_as(&format!("{SELECT} WHERE p.telegram_id = ?"))
        .bind(telegram_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(Person::from))
}

/// A person as the bot meets them on an update: who they are, if known, and their stored
/// dialogue (its JSON, opaque here), if any — one statement for both, the one read every
/// update makes before its flow (the dialogue is kept by the person's private chat, whose
/// id is theirs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub person: Option<Person>,
    pub dialogue: Option<String>,
}

struct VisitRow {
    telegram_id: Option<i64>,
    name: Option<String>,
    role: Option<String>,
    division_id: Option<i64>,
    division_name: Option<String>,
    language: Option<String>,
    dialogue: Option<String>,
}

/// [`Visit`] of this person, read on the calling thread ([`super::inline`]): the one read
/// every update makes.
pub fn visit(inline: &super::inline::Inline, telegram_id: i64) -> Result<Visit, sqlx::Error> {
    let r = inline.read(|c| {
        c.prepare_cached(
            "SELECT p.telegram_id, p.name, p.role, p.division_id, d.name AS division_name,
                    p.language, g.state AS dialogue
             FROM (SELECT ? AS id) k
             LEFT JOIN people p ON p.telegram_id = k.id
             LEFT JOIN divisions d ON d.id = p.division_id
             LEFT JOIN dialogues g ON g.chat_id = k.id",
        )?
        .query_row([telegram_id], |r| {
            Ok(VisitRow {
                telegram_id: r.get(0)?,
                name: r.get(1)?,
                role: r.get(2)?,
                division_id: r.get(3)?,
                division_name: r.get(4)?,
                language: r.get(5)?,
                dialogue: r.get(6)?,
            })
        })
    })?;
    let person = match (r.telegram_id, r.name, r.role, r.language) {
        (Some(telegram_id), Some(name), Some(role), Some(language)) => {
            Some(Person::from(PersonRow {
                telegram_id,
                name,
                role,
                division_id: r.division_id,
                division_name: r.division_name,
                language,
            }))
        }
        _ => None,
    };
    Ok(Visit {
        person,
        dialogue: r.dialogue,
    })
}

/// [`visit`] through the pool: when a read on the calling thread fails.
pub async fn visit_pooled(pool: &SqlitePool, telegram_id: i64) -> Result<Visit, sqlx::Error> {
    Ok(Visit {
        person: get(pool, telegram_id).await?,
        dialogue: super::dialogues::get(pool, telegram_id).await?,
    })
}

/// People with a stored role, by name.
pub async fn with_role(pool: &SqlitePool, role: Role) -> Result<Vec<Person>, sqlx::Error> {
    let rows: Vec<PersonRow> =
        sqlx::query_as(&format!("{SELECT} WHERE p.role = ? ORDER BY p.name"))
            .bind(role.code())
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().map(Person::from).collect())
}

/// Keeps the name Telegram gives for a person: refreshed for a known person, and stored
/// (without a stored role) for an authorized person named in the settings, so that cards
/// and histories show names rather than numbers.
pub async fn remember_name(
    pool: &SqlitePool,
    telegram_id: i64,
    name: &str,
) -> Result<(), sqlx::Error> {
    let now = ts(Utc::now());
    sqlx::query(
        "INSERT INTO people (telegram_id, name, role, created_at, updated_at)
         VALUES (?, ?, 'none', ?, ?)
         ON CONFLICT (telegram_id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at
         WHERE people.name <> excluded.name",
    )
    .bind(telegram_id)
    .bind(name)
    .bind(&now)
    .bind(&now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Stores a person's language; a person not yet known is stored without a role.
pub async fn set_language(
    pool: &SqlitePool,
    telegram_id: i64,
    name: &str,
    lang: Lang,
) -> Result<(), sqlx::Error> {
    let now = ts(Utc::now());
    sqlx::query(
        "INSERT INTO people (telegram_id, name, role, language, created_at, updated_at)
         VALUES (?, ?, 'none', ?, ?, ?)
         ON CONFLICT (telegram_id) DO UPDATE SET language = excluded.language,
             updated_at = excluded.updated_at",
    )
    .bind(telegram_id)
    .bind(name)
    .bind(lang.code())
    .bind(&now)
    .bind(&now)
    .execute(pool)
    .await?;
    Ok(())
}

/// Gives a person a role (and division), creating them when new, with the audit record.
/// A known person keeps their language; the name is refreshed from Telegram. Their reports
/// returned for correction that the new role cannot correct are withdrawn.
pub async fn assign(
    tx: &mut Tx<'_>,
    telegram_id: i64,
    name: &str,
    role: Role,
    division_id: Option<i64>,
    lang: Lang,
    actor_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let now = ts(Utc::now());
    sqlx::query(
        "INSERT INTO people (telegram_id, name, role, division_id, language, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (telegram_id) DO UPDATE SET name = excluded.name, role = excluded.role,
             division_id = excluded.division_id, updated_at = excluded.updated_at",
    )
    .bind(telegram_id)
    .bind(name)
    .bind(role.code())
    .bind(division_id)
    .bind(lang.code())
    .bind(&now)
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    // A report returned to them that they can no longer correct holds its row no more.
    super::requests::close_returns(tx, telegram_id, actor_id).await?;
    audit::record(
        tx,
        actor_id,
        "person.assign",
        "person",
        Some(telegram_id),
        serde_json::json!({ "role": role.code(), "division_id": division_id }),
    )
    .await
}

/// How many of a person's reports await a decision.
pub async fn pending_reports(pool: &SqlitePool, telegram_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT count(*) FROM change_requests WHERE reporter_id = ? AND status = 'pending'",
    )
    .bind(telegram_id)
    .fetch_one(pool)
    .await
}

/// Everyone with access (a stored role), authorized persons first, then heads, then
/// viewers, each by name.
pub async fn members(pool: &SqlitePool) -> Result<Vec<Person>, sqlx::Error> {
    let rows: Vec<PersonRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE p.role <> 'none'
         ORDER BY CASE p.role WHEN 'admin' THEN 0 WHEN 'head' THEN 1 ELSE 2 END,
                  p.name COLLATE NOCASE, p.telegram_id"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Person::from).collect())
}

/// Changes a known person's role (and division: a head's own, none for the other roles),
/// with the audit record; their reports returned for correction that the new role cannot
/// correct are withdrawn. False when the person is not known to the bot.
pub async fn set_role(
    tx: &mut Tx<'_>,
    telegram_id: i64,
    role: Role,
    division_id: Option<i64>,
    actor_id: i64,
) -> Result<bool, sqlx::Error> {
    let division_id = if role == Role::Head {
        division_id
    } else {
        None
    };
    let before: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT role, division_id FROM people WHERE telegram_id = ?")
            .bind(telegram_id)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((old_role, old_division)) = before else {
        return Ok(false);
    };
    sqlx::query(
        "UPDATE people SET role = ?, division_id = ?, updated_at = ? WHERE telegram_id = ?",
    )
    .bind(role.code())
    .bind(division_id)
    .bind(ts(Utc::now()))
    .bind(telegram_id)
    .execute(&mut **tx)
    .await?;
    // A report returned to them that they can no longer correct holds its row no more.
    super::requests::close_returns(tx, telegram_id, Some(actor_id)).await?;
    if old_role == Role::Admin.code() && role != Role::Admin {
        // What an authorized person set in motion goes with their authority: their open
        // invitations are revoked with them.
        let revoked = sqlx::query(
            "UPDATE invites SET revoked_at = ? WHERE created_by = ? AND used_at IS NULL
                 AND revoked_at IS NULL",
        )
        .bind(ts(Utc::now()))
        .bind(telegram_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if revoked > 0 {
            audit::record(
                tx,
                Some(actor_id),
                "invite.revoke",
                "person",
                Some(telegram_id),
                serde_json::json!({ "reason": "creator lost the authorized person's role", "count": revoked }),
            )
            .await?;
        }
    }
    audit::record(
        tx,
        Some(actor_id),
        if role == Role::Stranger {
            "person.revoke"
        } else {
            "person.role"
        },
        "person",
        Some(telegram_id),
        serde_json::json!({
            "from": { "role": old_role, "division_id": old_division },
            "to": { "role": role.code(), "division_id": division_id },
        }),
    )
    .await?;
    Ok(true)
}

/// Takes a person's access away (their role becomes none) and drops their unfinished
/// dialogue; their reports stay as they are. False when they had no access.
pub async fn revoke(tx: &mut Tx<'_>, telegram_id: i64, actor_id: i64) -> Result<bool, sqlx::Error> {
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM people WHERE telegram_id = ?")
        .bind(telegram_id)
        .fetch_optional(&mut **tx)
        .await?;
    if role.as_deref().is_none_or(|r| r == Role::Stranger.code()) {
        return Ok(false);
    }
    set_role(tx, telegram_id, Role::Stranger, None, actor_id).await?;
    super::dialogues::remove(&mut **tx, telegram_id).await?;
    Ok(true)
}

/// What came of changing a person's role from chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleChange {
    /// Done; for a head, the name of their division.
    Done { division_name: Option<String> },
    /// The division is gone or retired.
    DivisionGone,
    /// The person has no access (any more): nothing to change.
    NoAccess,
}

/// Gives a person with access another role (a head: with the division), in one write
/// transaction that checks the person and the division inside it, so that a revocation or
/// a retirement at the same moment cannot be undone. A person who stops being a head loses
/// their unfinished report with it (it would fail at sending).
pub async fn change_role(
    pool: &SqlitePool,
    telegram_id: i64,
    role: Role,
    division_id: Option<i64>,
    actor_id: i64,
) -> Result<RoleChange, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let division_name = match division_id {
        Some(d) => {
            let found: Option<(String, bool)> =
                sqlx::query_as("SELECT name, retired FROM divisions WHERE id = ?")
                    .bind(d)
                    .fetch_optional(&mut *tx)
                    .await?;
            match found {
                Some((name, false)) => Some(name),
                _ => return Ok(RoleChange::DivisionGone),
            }
        }
        None => None,
    };
    let current: Option<String> =
        sqlx::query_scalar("SELECT role FROM people WHERE telegram_id = ?")
            .bind(telegram_id)
            .fetch_optional(&mut *tx)
            .await?;
    if current
        .as_deref()
        .is_none_or(|r| r == Role::Stranger.code())
    {
        return Ok(RoleChange::NoAccess);
    }
    if !set_role(&mut tx, telegram_id, role, division_id, actor_id).await? {
        return Ok(RoleChange::NoAccess);
    }
    if role != Role::Head {
        super::dialogues::remove(&mut *tx, telegram_id).await?;
    }
    tx.commit().await?;
    Ok(RoleChange::Done { division_name })
}

/// Takes a person's access away, in a transaction of its own (see [`revoke`]). False when
/// they had none.
pub async fn revoke_access(
    pool: &SqlitePool,
    telegram_id: i64,
    actor_id: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let done = revoke(&mut tx, telegram_id, actor_id).await?;
    tx.commit().await?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{divisions, testing::db};

    /// The one read of an update: the person as `get` reads them, and their dialogue, each
    /// present or not.
    #[tokio::test]
    async fn a_visit_reads_the_person_and_their_dialogue_at_once() {
        let (pool, _dir) = db().await;
        let inline = crate::db::inline::Inline::new(&pool);
        let visit = |id| visit(&inline, id).unwrap();
        let nobody = visit(42);
        assert_eq!((nobody.person, nobody.dialogue), (None, None));
        crate::db::dialogues::put(&pool, 42, "{\"a\":1}")
            .await
            .unwrap();
        let v = visit(42);
        assert_eq!((v.person, v.dialogue.as_deref()), (None, Some("{\"a\":1}")));

        let mut tx = pool.begin().await.unwrap();
        let (d, _) = divisions::get_or_create(&mut tx, "Отдел", 1).await.unwrap();
        assign(
            &mut tx,
            42,
            "Иван",
            Role::Head,
            Some(d.id),
            Lang::En,
            Some(1),
        )
        .await
        .unwrap();
        assign(&mut tx, 43, "Пётр", Role::Viewer, None, Lang::Ru, Some(1))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let v = visit(42);
        assert_eq!(v.person, get(&pool, 42).await.unwrap());
        assert_eq!(
            v.person.as_ref().unwrap().division_name.as_deref(),
            Some("Отдел")
        );
        assert_eq!(v.dialogue.as_deref(), Some("{\"a\":1}"));
        assert_eq!(visit_pooled(&pool, 42).await.unwrap(), v);
        let v = visit(43);
        assert_eq!(v.person, get(&pool, 43).await.unwrap());
        assert!(v.person.is_some());
        assert_eq!(v.dialogue, None);
    }

    #[tokio::test]
    async fn language_of_a_stranger_is_kept_and_survives_an_assignment() {
        let (pool, _dir) = db().await;
        assert_eq!(get(&pool, 42).await.unwrap(), None);
        set_language(&pool, 42, "Иван", Lang::En).await.unwrap();
        let p = get(&pool, 42).await.unwrap().unwrap();
        assert_eq!((p.role, p.lang), (Role::Stranger, Lang::En));

        let mut tx = pool.begin().await.unwrap();
        let (d, _) = divisions::get_or_create(&mut tx, "Отдел", 1).await.unwrap();
        assign(
            &mut tx,
            42,
            "Иван Петров",
            Role::Head,
            Some(d.id),
            Lang::Ru,
            Some(1),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let p = get(&pool, 42).await.unwrap().unwrap();
        assert_eq!(p.role, Role::Head);
        assert_eq!(p.lang, Lang::En, "an existing person keeps their language");
        assert_eq!(p.name, "Иван Петров");
        assert_eq!(p.division_name.as_deref(), Some("Отдел"));
        assert_eq!(with_role(&pool, Role::Head).await.unwrap(), vec![p]);
    }

    #[tokio::test]
    async fn a_head_without_a_division_is_refused_by_the_database() {
        let (pool, _dir) = db().await;
        let mut tx = pool.begin().await.unwrap();
        assert!(assign(&mut tx, 1, "x", Role::Head, None, Lang::Ru, None)
            .await
            .is_err());
    }

    #[tokio::test]
    async fn role_changes_and_revocation_are_audited_and_keep_reports() {
        let (pool, _dir) = db().await;
        let mut tx = pool.begin().await.unwrap();
        let (d, _) = divisions::get_or_create(&mut tx, "Отдел", 1).await.unwrap();
        assign(&mut tx, 7, "Вера", Role::Viewer, None, Lang::Ru, Some(1))
            .await
            .unwrap();
        assign(&mut tx, 8, "Антон", Role::Admin, None, Lang::Ru, Some(1))
            .await
            .unwrap();
        assert!(set_role(&mut tx, 7, Role::Head, Some(d.id), 1)
            .await
            .unwrap());
        assert!(!set_role(&mut tx, 999, Role::Viewer, None, 1).await.unwrap());
        tx.commit().await.unwrap();
        let m = members(&pool).await.unwrap();
        assert_eq!(
            m.iter()
                .map(|p| (p.telegram_id, p.role))
                .collect::<Vec<_>>(),
            vec![(8, Role::Admin), (7, Role::Head)]
        );
        assert_eq!(m[1].division_id, Some(d.id));
        crate::db::dialogues::put(&pool, 7, "{}").await.unwrap();
        let mut tx = pool.begin().await.unwrap();
        assert!(revoke(&mut tx, 7, 1).await.unwrap());
        assert!(!revoke(&mut tx, 7, 1).await.unwrap(), "already revoked");
        tx.commit().await.unwrap();
        let p = get(&pool, 7).await.unwrap().unwrap();
        assert_eq!((p.role, p.division_id), (Role::Stranger, None));
        assert_eq!(crate::db::dialogues::get(&pool, 7).await.unwrap(), None);
        let actions: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM audit_log WHERE entity = 'person' AND entity_id = 7 ORDER BY id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(
            actions,
            vec!["person.assign", "person.role", "person.revoke"]
        );
    }
}
