//! People who talk to the bot: their role, division and language.

use chrono::Utc;
use sqlx::SqlitePool;

use super::{audit, ts, Tx};
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
/// A known person keeps their language; the name is refreshed from Telegram.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{divisions, testing::db};

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
}
