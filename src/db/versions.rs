//! The versions of the list's rows: the record. A version is a row as it stood from `at`
//! until `valid_to` (open — NULL — while it still stands): its six columns (`data`), its
//! status, its division, its function as named then, and where it came from (a report, an
//! import, the Registry). Every write to a row writes its new version and closes the last,
//! in the caller's transaction, so the open versions are always the current list; any
//! moment's list and any period's changes are read from here.

use chrono::{DateTime, Utc};
use sqlx::{Executor, Sqlite, SqlitePool};

use super::touchpoints::{Filter, Provenance};
use super::{parse_ts, ts, Tx};
use crate::domain::record::{ChangeKind, Origin};
use crate::domain::{ReasonKind, Row, RowStatus, TouchpointData};

/// One version of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub row: Row,
    pub at: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
    pub origin: Option<Origin>,
    pub reported_by: Option<i64>,
    pub accepted_by: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct VersionRecord {
    touchpoint_id: i64,
    version: i64,
    data: String,
    status: String,
    request_id: Option<i64>,
    reported_by: Option<i64>,
    accepted_by: Option<i64>,
    at: String,
    valid_to: Option<String>,
    division_id: Option<i64>,
    division_name: Option<String>,
    function_name: Option<String>,
    function_code: Option<String>,
    function_in_registry: Option<bool>,
    origin: String,
    origin_detail: Option<String>,
}

impl VersionRecord {
    /// `None` when its content cannot be read (written by an incompatible version).
    fn into_version(self) -> Option<Version> {
        let data: TouchpointData = serde_json::from_str(&self.data).ok()?;
        Some(Version {
            row: Row {
                id: self.touchpoint_id,
                data,
                function_name: self.function_name.unwrap_or_default(),
                function_code: self.function_code,
                function_in_registry: self.function_in_registry.unwrap_or(true),
                division_id: self.division_id.unwrap_or_default(),
                division_name: self.division_name.unwrap_or_default(),
                status: RowStatus::from_code(&self.status).unwrap_or(RowStatus::Active),
                version: self.version,
            },
            at: parse_ts(&self.at),
            valid_to: self.valid_to.as_deref().map(parse_ts),
            origin: Origin::from_parts(
                &self.origin,
                self.origin_detail.as_deref(),
                self.request_id,
            ),
            reported_by: self.reported_by,
            accepted_by: self.accepted_by,
        })
    }
}

const SELECT: &str = "SELECT v.touchpoint_id, v.version, v.data, v.status, v.request_id,
        v.reported_by, v.accepted_by, v.at, v.valid_to, v.division_id, d.name AS division_name,
        v.function_name, v.function_code, v.function_in_registry, v.origin, v.origin_detail
     FROM touchpoint_versions v
     LEFT JOIN divisions d ON d.id = v.division_id";

/// Writes the row's current state (as `touchpoints` now holds it) as its new version, and
/// closes the version it replaces. Inside the caller's transaction.
pub async fn write(tx: &mut Tx<'_>, id: i64, who: &Provenance) -> Result<(), sqlx::Error> {
    let row = super::touchpoints::get(&mut **tx, id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let now = ts(Utc::now());
    sqlx::query(
        "UPDATE touchpoint_versions SET valid_to = ? WHERE touchpoint_id = ? AND valid_to IS NULL",
    )
    .bind(&now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO touchpoint_versions
             (touchpoint_id, version, data, status, request_id, reported_by, accepted_by, at,
              division_id, function_name, function_code, function_in_registry, origin,
              origin_detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(row.version)
    .bind(serde_json::to_string(&row.data).map_err(|e| sqlx::Error::Encode(Box::new(e)))?)
    .bind(row.status.code())
    .bind(who.origin.request_id())
    .bind(who.reported_by)
    .bind(who.accepted_by)
    .bind(&now)
    .bind(row.division_id)
    .bind(&row.function_name)
    .bind(&row.function_code)
    .bind(row.function_in_registry)
    .bind(who.origin.code())
    .bind(who.origin.detail())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The content of one version of a row.
pub async fn data<'e, E>(
    ex: E,
    row_id: i64,
    version: i64,
) -> Result<Option<TouchpointData>, sqlx::Error>
where
    E: Executor<'e, Database = Sqlite>,
{
    let data: Option<String> = sqlx::query_scalar(
        "SELECT data FROM touchpoint_versions WHERE touchpoint_id = ? AND version = ?",
    )
    .bind(row_id)
    .bind(version)
    .fetch_optional(ex)
    .await?;
    Ok(data.and_then(|d| serde_json::from_str(&d).ok()))
}

/// A row's versions, oldest first.
pub async fn of_row(pool: &SqlitePool, row_id: i64) -> Result<Vec<Version>, sqlx::Error> {
    let records: Vec<VersionRecord> = sqlx::query_as(&format!(
        "{SELECT} WHERE v.touchpoint_id = ? ORDER BY v.version"
    ))
    .bind(row_id)
    .fetch_all(pool)
    .await?;
    Ok(records
        .into_iter()
        .filter_map(VersionRecord::into_version)
        .collect())
}

/// The list as it stood at a moment: every row whose version then was in the list — the
/// state just before `at` (a change made at `at` or later is not in it). In the list's
/// order: by direction, then function, then row.
pub async fn list_at(
    pool: &SqlitePool,
    at: DateTime<Utc>,
    filter: Filter,
) -> Result<Vec<Row>, sqlx::Error> {
    let at = ts(at);
    let records: Vec<VersionRecord> = sqlx::query_as(&format!(
        "{SELECT} WHERE v.at < ?1 AND (v.valid_to IS NULL OR v.valid_to >= ?1)
           AND v.status = 'active' AND (?2 IS NULL OR v.division_id = ?2)"
    ))
    .bind(&at)
    .bind(filter.division_id)
    .fetch_all(pool)
    .await?;
    let mut rows: Vec<Row> = records
        .into_iter()
        .filter_map(VersionRecord::into_version)
        .map(|v| v.row)
        .filter(|r| filter.direction.is_none_or(|d| r.data.direction == d))
        .collect();
    sort(&mut rows);
    Ok(rows)
}

/// The list's order, as `touchpoints::list_active` has it: direction, function name (ASCII
/// case folded, as SQLite's NOCASE), function, row.
pub fn sort(rows: &mut [Row]) {
    rows.sort_by(|a, b| {
        (
            a.data.direction,
            a.function_name.to_ascii_lowercase(),
            a.data.function_id,
            a.id,
        )
            .cmp(&(
                b.data.direction,
                b.function_name.to_ascii_lowercase(),
                b.data.function_id,
                b.id,
            ))
    });
}

/// Whether anything was recorded before this moment (the list existed then).
pub async fn any_before(pool: &SqlitePool, at: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM touchpoint_versions WHERE at < ?")
        .bind(ts(at))
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}

/// One change of the list: a version, what it did, and the version before it; for a
/// report, why (5.1); who reported it and who decided, by name as the bot knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub version: Version,
    pub before: Option<Version>,
    /// The reason kind the report gave (5.1); `None` for an import or a Registry change.
    pub reason: Option<ReasonKind>,
    /// The names of `version.reported_by` and `version.accepted_by` (`None` when the
    /// person is not known to the bot, or there was none).
    pub reporter: Option<String>,
    pub acceptor: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ChangeRecord {
    #[sqlx(flatten)]
    version: VersionRecord,
    reason_kind: Option<String>,
    reporter_name: Option<String>,
    acceptor_name: Option<String>,
}

/// Every change made in `[from, to)`, in the order made: each version written then, with the
/// one it replaced, the report's reason and the people's names. Read on one connection.
pub async fn changes(
    pool: &SqlitePool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Change>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    // Times are whole seconds: within one, the order the versions were written in (rowid).
    let versions = SELECT.replacen("SELECT ", "SELECT v.rowid AS seq, ", 1);
    let records: Vec<ChangeRecord> = sqlx::query_as(&format!(
        "SELECT x.*, r.reason_kind, pr.name AS reporter_name, pa.name AS acceptor_name
         FROM ({versions} WHERE v.at >= ? AND v.at < ?) x
         LEFT JOIN change_requests r ON r.id = x.request_id AND x.origin = 'report'
         LEFT JOIN people pr ON pr.telegram_id = x.reported_by
         LEFT JOIN people pa ON pa.telegram_id = x.accepted_by
         ORDER BY x.at, x.seq"
    ))
    .bind(ts(from))
    .bind(ts(to))
    .fetch_all(&mut *conn)
    .await?;
    // The versions they replaced, in one read: each change's row at the version before.
    let befores: Vec<VersionRecord> = sqlx::query_as(&format!(
        "{SELECT} JOIN (SELECT touchpoint_id AS row_id, version - 1 AS prior
                        FROM touchpoint_versions WHERE at >= ? AND at < ?) p
             ON v.touchpoint_id = p.row_id AND v.version = p.prior"
    ))
    .bind(ts(from))
    .bind(ts(to))
    .fetch_all(&mut *conn)
    .await?;
    let mut befores: std::collections::HashMap<(i64, i64), Version> = befores
        .into_iter()
        .filter_map(VersionRecord::into_version)
        .map(|v| ((v.row.id, v.row.version), v))
        .collect();
    let mut out = Vec::with_capacity(records.len());
    for rec in records {
        let reason = rec.reason_kind.as_deref().and_then(ReasonKind::from_code);
        let (reporter, acceptor) = (rec.reporter_name, rec.acceptor_name);
        let Some(v) = rec.version.into_version() else {
            continue;
        };
        // Each version has one successor: the one it replaced is taken, not copied.
        let before = befores.remove(&(v.row.id, v.row.version - 1));
        let kind = match (&before, v.row.status) {
            (_, RowStatus::Excluded) => ChangeKind::Excluded,
            (None, _) => ChangeKind::Added,
            (Some(b), _) if b.row.status == RowStatus::Excluded => ChangeKind::Added,
            (Some(_), _) => ChangeKind::Changed,
        };
        out.push(Change {
            kind,
            version: v,
            before,
            reason,
            reporter,
            acceptor,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::db;
    use crate::db::touchpoints::tests::{sample, setup};
    use crate::db::touchpoints::{exclude, insert, list_active, update};

    fn who() -> Provenance {
        Provenance {
            origin: Origin::Import("перечень.xlsx".into()),
            reported_by: None,
            accepted_by: Some(1),
        }
    }

    /// Sets every version's time, so that moments between them can be asked for.
    async fn stamp(pool: &SqlitePool, row: i64, times: &[&str]) {
        for (i, t) in times.iter().enumerate() {
            let v = i as i64 + 1;
            sqlx::query(
                "UPDATE touchpoint_versions SET at = ? WHERE touchpoint_id = ? AND version = ?",
            )
            .bind(t)
            .bind(row)
            .bind(v)
            .execute(pool)
            .await
            .unwrap();
            let next = times.get(i + 1).copied();
            sqlx::query(
                "UPDATE touchpoint_versions SET valid_to = ? WHERE touchpoint_id = ? AND version = ?",
            )
            .bind(next)
            .bind(row)
            .bind(v)
            .execute(pool)
            .await
            .unwrap();
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        parse_ts(s)
    }

    #[tokio::test]
    async fn the_list_at_any_moment_is_rebuilt_from_the_versions() {
        let (pool, _dir) = db().await;
        let (d, f) = setup(&pool).await;
        let mut tx = pool.begin().await.unwrap();
        let a = insert(&mut tx, &sample(f, "a.ru"), d, who()).await.unwrap();
        let b = insert(&mut tx, &sample(f, "b.ru"), d, who()).await.unwrap();
        let mut changed = sample(f, "a.ru");
        changed.features = Some("Только по записи".into());
        update(&mut tx, a, &changed, who()).await.unwrap();
        exclude(&mut tx, b, who()).await.unwrap();
        tx.commit().await.unwrap();
        // The open versions are the current list.
        let later = Utc::now() + chrono::Duration::seconds(2);
        assert_eq!(
            list_at(&pool, later, Filter::default()).await.unwrap(),
            list_active(&pool, Filter::default()).await.unwrap()
        );
        // Written within a second or two: in the order written, not grouped by row.
        let now = changes(&pool, at("2026-01-01T00:00:00Z"), later)
            .await
            .unwrap()
            .iter()
            .map(|c| (c.version.row.id, c.kind))
            .collect::<Vec<_>>();
        assert_eq!(
            now,
            vec![
                (a, ChangeKind::Added),
                (b, ChangeKind::Added),
                (a, ChangeKind::Changed),
                (b, ChangeKind::Excluded)
            ]
        );
        stamp(&pool, a, &["2026-11-01T10:00:00Z", "2026-11-20T12:30:15Z"]).await;
        stamp(&pool, b, &["2026-11-05T09:00:00Z", "2026-11-25T00:00:00Z"]).await;
        let points = |rows: Vec<Row>| {
            rows.into_iter()
                .map(|r| (r.data.point, r.data.features, r.version))
                .collect::<Vec<_>>()
        };
        let pool = &pool;
        let list =
            |t| async move { points(list_at(pool, at(t), Filter::default()).await.unwrap()) };
        assert!(
            list("2026-11-01T10:00:00Z").await.is_empty(),
            "a change at the moment is not in it"
        );
        assert_eq!(list("2026-11-01T10:00:01Z").await.len(), 1);
        let old = Some("Круглосуточно".to_string());
        let new = Some("Только по записи".to_string());
        assert_eq!(
            list("2026-11-20T12:30:00Z").await,
            vec![
                ("a.ru".into(), old.clone(), 1),
                ("b.ru".into(), old.clone(), 1)
            ]
        );
        assert_eq!(
            list("2026-11-20T12:31:00Z").await,
            vec![
                ("a.ru".into(), new.clone(), 2),
                ("b.ru".into(), old.clone(), 1)
            ]
        );
        assert_eq!(
            list("2026-11-25T00:00:01Z").await,
            vec![("a.ru".into(), new, 2)]
        );
        assert!(!any_before(pool, at("2026-11-01T10:00:00Z")).await.unwrap());
        assert!(any_before(pool, at("2026-11-01T10:00:01Z")).await.unwrap());
        // By division: none in another.
        let other = Filter {
            direction: None,
            division_id: Some(d + 1),
        };
        assert!(list_at(pool, later, other).await.unwrap().is_empty());

        // The changes of November: two added, one changed, one excluded, each with what it
        // replaced.
        let all = changes(pool, at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"))
            .await
            .unwrap();
        let kinds: Vec<_> = all.iter().map(|c| (c.version.row.id, c.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                (a, ChangeKind::Added),
                (b, ChangeKind::Added),
                (a, ChangeKind::Changed),
                (b, ChangeKind::Excluded)
            ]
        );
        assert_eq!(all[2].before.as_ref().unwrap().row.data.features, old);
        assert_eq!(
            all[0].version.origin,
            Some(Origin::Import("перечень.xlsx".into()))
        );
        // Not a report: no reason; the acceptor is not a person the bot knows yet.
        assert_eq!((all[0].reason, all[0].acceptor.as_deref()), (None, None));
        let mut tx = pool.begin().await.unwrap();
        crate::db::people::assign(
            &mut tx,
            1,
            "Анна",
            crate::domain::Role::Admin,
            None,
            crate::domain::Lang::Ru,
            None,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let all = changes(pool, at("2026-11-01T00:00:00Z"), at("2026-12-01T00:00:00Z"))
            .await
            .unwrap();
        assert_eq!(all[3].acceptor.as_deref(), Some("Анна"));
        assert_eq!(all[3].reporter, None);
        let the_20th = changes(pool, at("2026-11-20T00:00:00Z"), at("2026-11-21T00:00:00Z"))
            .await
            .unwrap();
        assert_eq!(the_20th.len(), 1);
    }
}
