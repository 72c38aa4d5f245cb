//! Functions and services of the Registry (3.1), and those a head typed because they are
//! missing from it.

use chrono::Utc;
use sqlx::{Executor, Sqlite, SqlitePool};

use super::{audit, ts, Tx};
use crate::domain::Direction;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    pub is_service: bool,
    pub direction: Direction,
    pub division_id: i64,
    pub in_registry: bool,
}

#[derive(sqlx::FromRow)]
struct FunctionRow {
    id: i64,
    code: Option<String>,
    name: String,
    is_service: bool,
    direction: String,
    division_id: i64,
    in_registry: bool,
}

impl From<FunctionRow> for Function {
    fn from(r: FunctionRow) -> Self {
        Function {
            id: r.id,
            code: r.code,
            name: r.name,
            is_service: r.is_service,
            direction: Direction::from_code(&r.direction).unwrap_or(Direction::Appeals),
            division_id: r.division_id,
            in_registry: r.in_registry,
        }
    }
}

const SELECT: &str =
    "SELECT id, code, name, is_service, direction, division_id, in_registry FROM functions";

/// What is needed to add a function.
#[derive(Debug, Clone)]
pub struct NewFunction<'a> {
    pub code: Option<&'a str>,
    pub name: &'a str,
    pub is_service: bool,
    pub direction: Direction,
    pub division_id: i64,
    pub in_registry: bool,
}

/// Adds a function with its audit record.
pub async fn add(tx: &mut Tx<'_>, f: NewFunction<'_>, actor_id: i64) -> Result<i64, sqlx::Error> {
    let id = sqlx::query(
        "INSERT INTO functions (code, name, is_service, direction, division_id, in_registry, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(f.code)
    .bind(f.name)
    .bind(f.is_service)
    .bind(f.direction.code())
    .bind(f.division_id)
    .bind(f.in_registry)
    .bind(ts(Utc::now()))
    .execute(&mut **tx)
    .await?
    .last_insert_rowid();
    audit::record(
        tx,
        Some(actor_id),
        "function.add",
        "function",
        Some(id),
        serde_json::json!({ "code": f.code, "name": f.name, "in_registry": f.in_registry }),
    )
    .await?;
    Ok(id)
}

/// The key under which a typed function is the same function: its direction and its name
/// folded (case, runs of spaces).
pub fn typed_key(direction: Direction, name: &str) -> String {
    format!("{}|{}", direction.code(), super::divisions::name_key(name))
}

/// The function of this name (folded) that the division performs in this direction, from
/// the Registry or typed before and accepted, if any (not removed from the Registry).
pub async fn find_by_name<'e, E>(
    ex: E,
    division_id: i64,
    direction: Direction,
    name: &str,
) -> Result<Option<i64>, sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    let key = super::divisions::name_key(name);
    let all: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, name FROM functions
         WHERE division_id = ? AND direction = ? AND removed_at IS NULL
         ORDER BY in_registry DESC, id",
    )
    .bind(division_id)
    .bind(direction.code())
    .fetch_all(ex)
    .await?;
    Ok(all
        .into_iter()
        .find(|(_, n)| super::divisions::name_key(n) == key)
        .map(|(id, _)| id))
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<Option<Function>, sqlx::Error> {
    let r: Option<FunctionRow> = sqlx::query_as(&format!("{SELECT} WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(r.map(Function::from))
}

/// The functions a division performs in a direction (not removed from the Registry),
/// Registry entries first, then by name.
pub async fn for_division(
    pool: &SqlitePool,
    division_id: i64,
    direction: Direction,
) -> Result<Vec<Function>, sqlx::Error> {
    let rows: Vec<FunctionRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE division_id = ? AND direction = ? AND removed_at IS NULL
         ORDER BY in_registry DESC, name COLLATE NOCASE, id"
    ))
    .bind(division_id)
    .bind(direction.code())
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Function::from).collect())
}

/// The functions of a division in a direction that have rows in the list.
pub async fn with_rows(
    pool: &SqlitePool,
    division_id: i64,
    direction: Direction,
) -> Result<Vec<Function>, sqlx::Error> {
    let rows: Vec<FunctionRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE id IN (SELECT function_id FROM touchpoints
             WHERE division_id = ? AND direction = ? AND status = 'active')
         ORDER BY name COLLATE NOCASE, id"
    ))
    .bind(division_id)
    .bind(direction.code())
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Function::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{divisions, testing::db};

    #[tokio::test]
    async fn functions_are_listed_per_division_and_direction() {
        let (pool, _dir) = db().await;
        let mut tx = pool.begin().await.unwrap();
        let (d, _) = divisions::get_or_create(&mut tx, "Отдел", 1).await.unwrap();
        let (other, _) = divisions::get_or_create(&mut tx, "Другой", 1)
            .await
            .unwrap();
        let mk = |name, dir, div, reg| NewFunction {
            code: None,
            name,
            is_service: false,
            direction: dir,
            division_id: div,
            in_registry: reg,
        };
        let typed = add(&mut tx, mk("Я-набрано", Direction::Appeals, d.id, false), 1)
            .await
            .unwrap();
        let b = add(&mut tx, mk("Б", Direction::Appeals, d.id, true), 1)
            .await
            .unwrap();
        let a = add(
            &mut tx,
            NewFunction {
                code: Some("Ф-012"),
                ..mk("А", Direction::Appeals, d.id, true)
            },
            1,
        )
        .await
        .unwrap();
        add(&mut tx, mk("В", Direction::Internal, d.id, true), 1)
            .await
            .unwrap();
        add(&mut tx, mk("Г", Direction::Appeals, other.id, true), 1)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let ids: Vec<_> = for_division(&pool, d.id, Direction::Appeals)
            .await
            .unwrap()
            .into_iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(ids, vec![a, b, typed]);
        let f = get(&pool, a).await.unwrap().unwrap();
        assert_eq!(f.code.as_deref(), Some("Ф-012"));
        assert!(f.in_registry);
    }

    #[tokio::test]
    async fn registry_codes_are_unique() {
        let (pool, _dir) = db().await;
        let mut tx = pool.begin().await.unwrap();
        let (d, _) = divisions::get_or_create(&mut tx, "Отдел", 1).await.unwrap();
        let f = NewFunction {
            code: Some("Ф-1"),
            name: "x",
            is_service: true,
            direction: Direction::Information,
            division_id: d.id,
            in_registry: true,
        };
        add(&mut tx, f.clone(), 1).await.unwrap();
        assert!(add(&mut tx, f, 1).await.is_err());
    }
}
