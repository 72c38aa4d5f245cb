//! Rows of the list. Every write here runs inside the caller's transaction, so that the
//! change, its version record and its audit record land together or not at all.

use std::collections::BTreeSet;

use chrono::Utc;
use sqlx::{Executor, Sqlite, SqlitePool};

use super::{audit, ts, Tx};
use crate::domain::record::Origin;
use crate::domain::{Channel, Clients, Direction, Kind, Need, Row, RowStatus, TouchpointData};

#[derive(sqlx::FromRow)]
struct RowRecord {
    id: i64,
    function_id: i64,
    division_id: i64,
    direction: String,
    kind: String,
    channel: String,
    point: String,
    other_need: Option<String>,
    features: Option<String>,
    clients: String,
    little_used: bool,
    status: String,
    version: i64,
    needs: Option<String>,
    function_name: String,
    function_code: Option<String>,
    function_in_registry: bool,
    division_name: String,
}

impl From<RowRecord> for Row {
    fn from(r: RowRecord) -> Self {
        let needs: BTreeSet<Need> = r
            .needs
            .as_deref()
            .unwrap_or("")
            .split(',')
            .filter_map(Need::from_code)
            .collect();
        Row {
            id: r.id,
            data: TouchpointData {
                direction: Direction::from_code(&r.direction).unwrap_or(Direction::Appeals),
                function_id: r.function_id,
                kind: Kind::from_code(&r.kind).unwrap_or(Kind::Website),
                channel: Channel::from_code(&r.channel).unwrap_or(Channel::Digital),
                point: r.point,
                needs,
                other_need: r.other_need,
                features: r.features,
                clients: Clients::from_code(&r.clients).unwrap_or(Clients::External),
                little_used: r.little_used,
            },
            function_name: r.function_name,
            function_code: r.function_code,
            function_in_registry: r.function_in_registry,
            division_id: r.division_id,
            division_name: r.division_name,
            status: RowStatus::from_code(&r.status).unwrap_or(RowStatus::Active),
            version: r.version,
        }
    }
}

const SELECT: &str = "SELECT t.id, t.function_id, t.division_id, t.direction, t.kind, t.channel,
        t.point, t.other_need, t.features, t.clients, t.little_used, t.status, t.version,
        (SELECT group_concat(n.need) FROM touchpoint_needs n WHERE n.touchpoint_id = t.id) AS needs,
        f.name AS function_name, f.code AS function_code, f.in_registry AS function_in_registry,
        d.name AS division_name
     FROM touchpoints t
     JOIN functions f ON f.id = t.function_id
     JOIN divisions d ON d.id = t.division_id";

/// The order of the list: by direction (3.5), then function, then row.
const ORDER: &str = "ORDER BY t.direction, f.name COLLATE NOCASE, f.id, t.id";

pub async fn get<'e, E>(ex: E, id: i64) -> Result<Option<Row>, sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    let r: Option<RowRecord> = sqlx::query_as(&format!("{SELECT} WHERE t.id = ?"))
        .bind(id)
        .fetch_optional(ex)
        .await?;
    Ok(r.map(Row::from))
}

/// Which rows of the list to take.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    pub direction: Option<Direction>,
    pub division_id: Option<i64>,
}

/// The current list (active rows), in the list's order.
pub async fn list_active(pool: &SqlitePool, filter: Filter) -> Result<Vec<Row>, sqlx::Error> {
    let rows: Vec<RowRecord> = sqlx::query_as(&active_sql())
        .bind(filter.direction.map(|d| d.code()))
        .bind(filter.division_id)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(Row::from).collect())
}

/// The SQL of the current list ([`list_active`]); `?1` a direction's code or NULL, `?2` a
/// division's id or NULL.
fn active_sql() -> String {
    format!(
        "{SELECT} WHERE t.status = 'active' AND (?1 IS NULL OR t.direction = ?1)
           AND (?2 IS NULL OR t.division_id = ?2) {ORDER}"
    )
}

/// Why [`read_active`] stopped: the database, or the caller's own error.
#[derive(Debug)]
pub enum ReadError<E> {
    Db(rusqlite::Error),
    Caller(E),
}

/// The current list as [`list_active`] has it, each row handed to `each` as SQLite steps
/// to it, on the calling thread (blocking), never held all at once: for `export`, which
/// writes each row out. It opens the database file at `path` read-only on its own
/// connection (rusqlite): sqlx's connections hand each row over from a worker thread,
/// which for a 10,000-row list took longer than writing the file.
pub fn read_active<E>(
    path: &std::path::Path,
    filter: Filter,
    mut each: impl FnMut(Row) -> Result<(), E>,
) -> Result<(), ReadError<E>> {
    use rusqlite::OpenFlags;
    let db = |e| ReadError::Db(e);
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(db)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(db)?;
    let mut stmt = conn.prepare(&active_sql()).map_err(db)?;
    let mut rows = stmt
        .query(rusqlite::params![
            filter.direction.map(|d| d.code()),
            filter.division_id
        ])
        .map_err(db)?;
    while let Some(r) = rows.next().map_err(db)? {
        let record = RowRecord {
            id: r.get(0).map_err(db)?,
            function_id: r.get(1).map_err(db)?,
            division_id: r.get(2).map_err(db)?,
            direction: r.get(3).map_err(db)?,
            kind: r.get(4).map_err(db)?,
            channel: r.get(5).map_err(db)?,
            point: r.get(6).map_err(db)?,
            other_need: r.get(7).map_err(db)?,
            features: r.get(8).map_err(db)?,
            clients: r.get(9).map_err(db)?,
            little_used: r.get(10).map_err(db)?,
            status: r.get(11).map_err(db)?,
            version: r.get(12).map_err(db)?,
            needs: r.get(13).map_err(db)?,
            function_name: r.get(14).map_err(db)?,
            function_code: r.get(15).map_err(db)?,
            function_in_registry: r.get(16).map_err(db)?,
            division_name: r.get(17).map_err(db)?,
        };
        each(Row::from(record)).map_err(ReadError::Caller)?;
    }
    Ok(())
}

/// The active row that already holds this point under this function (3.7), if any.
pub async fn find_same_point<'e, E>(
    ex: E,
    function_id: i64,
    kind: Kind,
    point: &str,
) -> Result<Option<i64>, sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    sqlx::query_scalar(
        "SELECT id FROM touchpoints WHERE function_id = ? AND point_key = ? AND status = 'active'",
    )
    .bind(function_id)
    .bind(crate::domain::point_key(kind, point))
    .fetch_optional(ex)
    .await
}

/// Who made a version of a row, and how.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub origin: Origin,
    pub reported_by: Option<i64>,
    pub accepted_by: Option<i64>,
}

/// Why a write to the list was refused.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the point already stands under this function as row {0}")]
    Duplicate(i64),
    #[error("row {0} is not in the list")]
    NotActive(i64),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

async fn write_needs(tx: &mut Tx<'_>, id: i64, needs: &BTreeSet<Need>) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM touchpoint_needs WHERE touchpoint_id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for n in needs {
        sqlx::query("INSERT INTO touchpoint_needs (touchpoint_id, need) VALUES (?, ?)")
            .bind(id)
            .bind(n.code())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Adds a row to the list with its first version and audit record. The caller validated
/// the data; the one-point-per-process rule is checked here and by the database.
pub async fn insert(
    tx: &mut Tx<'_>,
    data: &TouchpointData,
    division_id: i64,
    who: Provenance,
) -> Result<i64, WriteError> {
    if let Some(existing) =
        find_same_point(&mut **tx, data.function_id, data.kind, &data.point).await?
    {
        return Err(WriteError::Duplicate(existing));
    }
    let now = ts(Utc::now());
    let id = sqlx::query(
        "INSERT INTO touchpoints (function_id, division_id, direction, kind, channel, point,
             point_key, other_need, features, clients, little_used, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(data.function_id)
    .bind(division_id)
    .bind(data.direction.code())
    .bind(data.kind.code())
    .bind(data.channel.code())
    .bind(data.point.trim())
    .bind(data.point_key())
    .bind(data.other_need.as_deref())
    .bind(data.features.as_deref())
    .bind(data.clients.code())
    .bind(data.little_used)
    .bind(&now)
    .bind(&now)
    .execute(&mut **tx)
    .await?
    .last_insert_rowid();
    write_needs(tx, id, &data.needs).await?;
    super::versions::write(tx, id, &who).await?;
    audit::record(
        tx,
        who.accepted_by,
        "touchpoint.add",
        "touchpoint",
        Some(id),
        serde_json::json!({ "origin": who.origin, "data": data }),
    )
    .await?;
    Ok(id)
}

/// Replaces an active row's content, keeping its earlier version in the history.
pub async fn update(
    tx: &mut Tx<'_>,
    id: i64,
    data: &TouchpointData,
    who: Provenance,
) -> Result<(), WriteError> {
    if let Some(existing) =
        find_same_point(&mut **tx, data.function_id, data.kind, &data.point).await?
    {
        if existing != id {
            return Err(WriteError::Duplicate(existing));
        }
    }
    rewrite(tx, id, data, who, RowStatus::Active, "touchpoint.change").await
}

/// Brings an excluded row back into the list with this content, as its next version (a
/// version restored): the same row, its history kept.
pub async fn reinstate(
    tx: &mut Tx<'_>,
    id: i64,
    data: &TouchpointData,
    who: Provenance,
) -> Result<(), WriteError> {
    if let Some(existing) =
        find_same_point(&mut **tx, data.function_id, data.kind, &data.point).await?
    {
        return Err(WriteError::Duplicate(existing));
    }
    rewrite(
        tx,
        id,
        data,
        who,
        RowStatus::Excluded,
        "touchpoint.reinstate",
    )
    .await
}

/// Writes a row's new content as its next version (active), with its needs, version and
/// audit record; only when the row stands as `from`.
async fn rewrite(
    tx: &mut Tx<'_>,
    id: i64,
    data: &TouchpointData,
    who: Provenance,
    from: RowStatus,
    action: &str,
) -> Result<(), WriteError> {
    let done = sqlx::query(
        "UPDATE touchpoints SET function_id = ?, direction = ?, kind = ?, channel = ?, point = ?,
             point_key = ?, other_need = ?, features = ?, clients = ?, little_used = ?,
             status = 'active', version = version + 1, updated_at = ?
         WHERE id = ? AND status = ?",
    )
    .bind(data.function_id)
    .bind(data.direction.code())
    .bind(data.kind.code())
    .bind(data.channel.code())
    .bind(data.point.trim())
    .bind(data.point_key())
    .bind(data.other_need.as_deref())
    .bind(data.features.as_deref())
    .bind(data.clients.code())
    .bind(data.little_used)
    .bind(ts(Utc::now()))
    .bind(id)
    .bind(from.code())
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(WriteError::NotActive(id));
    }
    write_needs(tx, id, &data.needs).await?;
    super::versions::write(tx, id, &who).await?;
    audit::record(
        tx,
        who.accepted_by,
        action,
        "touchpoint",
        Some(id),
        serde_json::json!({ "origin": who.origin, "data": data }),
    )
    .await?;
    Ok(())
}

/// Excludes an active row from the list (it stays in the database with its history).
pub async fn exclude(tx: &mut Tx<'_>, id: i64, who: Provenance) -> Result<(), WriteError> {
    let done = sqlx::query(
        "UPDATE touchpoints SET status = 'excluded', version = version + 1, updated_at = ?
         WHERE id = ? AND status = 'active'",
    )
    .bind(ts(Utc::now()))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(WriteError::NotActive(id));
    }
    super::versions::write(tx, id, &who).await?;
    audit::record(
        tx,
        who.accepted_by,
        "touchpoint.exclude",
        "touchpoint",
        Some(id),
        serde_json::json!({ "origin": who.origin }),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::db::{divisions, functions, testing::db};

    pub fn sample(function_id: i64, point: &str) -> TouchpointData {
        TouchpointData {
            direction: Direction::Appeals,
            function_id,
            kind: Kind::Website,
            channel: Channel::Digital,
            point: point.into(),
            needs: [Need::Information, Need::Other].into_iter().collect(),
            other_need: Some("Запись".into()),
            features: Some("Круглосуточно".into()),
            clients: Clients::Both,
            little_used: true,
        }
    }

    fn who() -> Provenance {
        Provenance {
            origin: Origin::Import("test".into()),
            reported_by: Some(10),
            accepted_by: Some(1),
        }
    }

    /// A division with one Registry function: (division id, function id).
    pub async fn setup(pool: &SqlitePool) -> (i64, i64) {
        let mut tx = pool.begin().await.unwrap();
        let (d, _) = divisions::get_or_create(&mut tx, "Отдел", 1).await.unwrap();
        let f = functions::add(
            &mut tx,
            functions::NewFunction {
                code: Some("Ф-012"),
                name: "Рассмотрение обращений граждан",
                is_service: false,
                direction: Direction::Appeals,
                division_id: d.id,
                in_registry: true,
            },
            1,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (d.id, f)
    }

    #[tokio::test]
    async fn insert_then_read_back_the_whole_row() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        let data = sample(f, "https://lenobl.ru/appeal");
        let mut tx = pool.begin().await.unwrap();
        let id = insert(&mut tx, &data, d, who()).await.unwrap();
        tx.commit().await.unwrap();
        let row = get(&pool, id).await.unwrap().unwrap();
        assert_eq!(row.data, data);
        assert_eq!(row.function_name, "Рассмотрение обращений граждан");
        assert_eq!(row.function_code.as_deref(), Some("Ф-012"));
        assert_eq!(row.division_name, "Отдел");
        assert_eq!(row.status, RowStatus::Active);
        let list = list_active(&pool, Filter::default()).await.unwrap();
        assert_eq!(list, vec![row]);
        let versions: i64 =
            sqlx::query_scalar("SELECT count(*) FROM touchpoint_versions WHERE touchpoint_id = ?")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(versions, 1);
    }

    #[tokio::test]
    async fn read_active_gives_what_list_active_gives_and_stops_at_the_callers_error() {
        let (pool, dir) = db().await;
        let (d, f) = setup(&pool).await;
        let mut tx = pool.begin().await.unwrap();
        for (i, p) in ["b", "a", "c"].iter().enumerate() {
            let mut data = sample(f, p);
            data.little_used = i == 1;
            data.features = (i != 2).then(|| format!("Особенности {i}"));
            insert(&mut tx, &data, d, who()).await.unwrap();
        }
        tx.commit().await.unwrap();
        let path = dir.path().join("test.db");
        for filter in [
            Filter::default(),
            Filter {
                direction: Some(Direction::Internal),
                division_id: None,
            },
            Filter {
                direction: Some(Direction::Appeals),
                division_id: Some(d),
            },
        ] {
            let mut read = Vec::new();
            read_active(&path, filter, |r| {
                read.push(r);
                Ok::<(), ()>(())
            })
            .unwrap();
            assert_eq!(
                read,
                list_active(&pool, filter).await.unwrap(),
                "{filter:?}"
            );
        }
        let mut seen = 0;
        let stopped = read_active(&path, Filter::default(), |_| {
            seen += 1;
            Err("stop")
        });
        assert!(matches!(stopped, Err(ReadError::Caller("stop"))));
        assert_eq!(seen, 1);
        let missing = read_active(&dir.path().join("none.db"), Filter::default(), |_| {
            Ok::<(), ()>(())
        });
        assert!(matches!(missing, Err(ReadError::Db(_))));
    }

    #[tokio::test]
    async fn the_same_point_twice_under_one_function_is_refused() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        let mut tx = pool.begin().await.unwrap();
        let id = insert(&mut tx, &sample(f, "https://lenobl.ru/appeal"), d, who())
            .await
            .unwrap();
        let again = insert(&mut tx, &sample(f, "www.LENOBL.ru/appeal/"), d, who()).await;
        assert!(
            matches!(again, Err(WriteError::Duplicate(x)) if x == id),
            "{again:?}"
        );
        tx.commit().await.unwrap();
    }

    #[tokio::test]
    async fn the_database_itself_refuses_a_duplicate_key() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        let mut tx = pool.begin().await.unwrap();
        let id = insert(&mut tx, &sample(f, "lenobl.ru"), d, who())
            .await
            .unwrap();
        let id2 = insert(&mut tx, &sample(f, "other.ru"), d, who())
            .await
            .unwrap();
        // Bypass the check in Rust: the unique index still holds.
        let key: String = sqlx::query_scalar("SELECT point_key FROM touchpoints WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        let res = sqlx::query("UPDATE touchpoints SET point_key = ? WHERE id = ?")
            .bind(key)
            .bind(id2)
            .execute(&mut *tx)
            .await;
        assert!(res.is_err());
    }

    #[tokio::test]
    async fn update_and_exclude_keep_history_and_free_the_point() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        let mut tx = pool.begin().await.unwrap();
        let id = insert(&mut tx, &sample(f, "lenobl.ru"), d, who())
            .await
            .unwrap();
        let mut changed = sample(f, "lenobl.ru");
        changed.needs = [Need::Consultation].into_iter().collect();
        changed.other_need = None;
        update(&mut tx, id, &changed, who()).await.unwrap();
        exclude(&mut tx, id, who()).await.unwrap();
        assert!(matches!(
            exclude(&mut tx, id, who()).await,
            Err(WriteError::NotActive(_))
        ));
        assert!(matches!(
            update(&mut tx, id, &changed, who()).await,
            Err(WriteError::NotActive(_))
        ));
        // An excluded point may return as a new row.
        insert(&mut tx, &sample(f, "lenobl.ru"), d, who())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let versions: Vec<(i64, String)> = sqlx::query_as(
            "SELECT version, status FROM touchpoint_versions WHERE touchpoint_id = ? ORDER BY version",
        )
        .bind(id)
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(
            versions,
            vec![
                (1, "active".into()),
                (2, "active".into()),
                (3, "excluded".into())
            ]
        );
        let row = get(&pool, id).await.unwrap().unwrap();
        assert_eq!(row.status, RowStatus::Excluded);
        assert_eq!(row.data.needs, changed.needs);
        assert_eq!(
            list_active(&pool, Filter::default()).await.unwrap().len(),
            1
        );
        let audits: i64 =
            sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE entity = 'touchpoint'")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(audits, 4);
    }

    #[tokio::test]
    async fn list_filters_by_direction_and_division() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        let mut tx = pool.begin().await.unwrap();
        insert(&mut tx, &sample(f, "a.ru"), d, who()).await.unwrap();
        tx.commit().await.unwrap();
        let by_dir = |dir| Filter {
            direction: Some(dir),
            division_id: None,
        };
        assert_eq!(
            list_active(&pool, by_dir(Direction::Appeals))
                .await
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            list_active(&pool, by_dir(Direction::Internal))
                .await
                .unwrap()
                .len(),
            0
        );
        let by_div = |id| Filter {
            direction: None,
            division_id: Some(id),
        };
        assert_eq!(list_active(&pool, by_div(d)).await.unwrap().len(), 1);
        assert_eq!(list_active(&pool, by_div(d + 100)).await.unwrap().len(), 0);
    }
}
