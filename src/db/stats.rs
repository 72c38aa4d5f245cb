//! The figures of `/stats`, counted from the active rows.

use std::collections::HashMap;

use sqlx::SqlitePool;

use crate::domain::{Direction, Kind, Need};
use crate::stats::Stats;

async fn counts(pool: &SqlitePool, sql: &str) -> Result<HashMap<String, i64>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(sql).fetch_all(pool).await?;
    Ok(rows.into_iter().collect())
}

/// Every figure of the list now.
pub async fn collect(pool: &SqlitePool) -> Result<Stats, sqlx::Error> {
    let by_direction = counts(
        pool,
        "SELECT direction, count(*) FROM touchpoints WHERE status = 'active' GROUP BY direction",
    )
    .await?;
    let by_kind = counts(
        pool,
        "SELECT kind, count(*) FROM touchpoints WHERE status = 'active' GROUP BY kind",
    )
    .await?;
    let by_channel = counts(
        pool,
        "SELECT channel, count(*) FROM touchpoints WHERE status = 'active' GROUP BY channel",
    )
    .await?;
    let by_need = counts(
        pool,
        "SELECT n.need, count(*) FROM touchpoint_needs n
         JOIN touchpoints t ON t.id = n.touchpoint_id AND t.status = 'active'
         GROUP BY n.need",
    )
    .await?;
    let by_division: Vec<(String, i64)> = sqlx::query_as(
        "SELECT d.name, (SELECT count(*) FROM touchpoints t
                         WHERE t.division_id = d.id AND t.status = 'active')
         FROM divisions d WHERE d.retired = 0 ORDER BY d.name_key",
    )
    .fetch_all(pool)
    .await?;
    let pending: i64 =
        sqlx::query_scalar("SELECT count(*) FROM change_requests WHERE status = 'pending'")
            .fetch_one(pool)
            .await?;
    let n = |m: &HashMap<String, i64>, code: &str| m.get(code).copied().unwrap_or(0);
    Ok(Stats {
        rows: by_channel.values().sum(),
        by_direction: Direction::ALL
            .iter()
            .map(|d| (*d, n(&by_direction, d.code())))
            .collect(),
        by_kind: Kind::ALL
            .iter()
            .map(|k| (*k, n(&by_kind, k.code())))
            .collect(),
        digital: n(&by_channel, "digital"),
        offline: n(&by_channel, "offline"),
        by_need: Need::ALL
            .iter()
            .map(|x| (*x, n(&by_need, x.code())))
            .collect(),
        by_division,
        pending,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::db;
    use crate::db::touchpoints::{self, tests::sample, Provenance};
    use crate::db::{divisions, functions};

    #[tokio::test]
    async fn figures_count_active_rows_only() {
        let (pool, _dir) = db().await;
        let mut tx = pool.begin().await.unwrap();
        let (d, _) = divisions::get_or_create(&mut tx, "Отдел", 1).await.unwrap();
        divisions::get_or_create(&mut tx, "Пустой", 1)
            .await
            .unwrap();
        let f = functions::add(
            &mut tx,
            functions::NewFunction {
                code: Some("Ф-1"),
                name: "Ф",
                is_service: false,
                direction: Direction::Appeals,
                division_id: d.id,
                in_registry: true,
            },
            1,
        )
        .await
        .unwrap();
        let who = || Provenance {
            origin: crate::domain::record::Origin::Import("test".into()),
            reported_by: None,
            accepted_by: Some(1),
        };
        touchpoints::insert(&mut tx, &sample(f, "a.ru"), d.id, who())
            .await
            .unwrap();
        let gone = touchpoints::insert(&mut tx, &sample(f, "b.ru"), d.id, who())
            .await
            .unwrap();
        touchpoints::exclude(&mut tx, gone, who()).await.unwrap();
        tx.commit().await.unwrap();
        let s = collect(&pool).await.unwrap();
        assert_eq!(s.rows, 1);
        assert_eq!(s.by_direction[0], (Direction::Appeals, 1));
        assert_eq!(s.by_kind[0], (Kind::Website, 1));
        assert_eq!((s.digital, s.offline), (1, 0));
        // The sample serves 3.7.1 and 3.7.10.
        assert_eq!(s.by_need.iter().map(|(_, n)| n).sum::<i64>(), 2);
        assert_eq!(
            s.by_division,
            vec![("Отдел".to_string(), 1), ("Пустой".to_string(), 0)]
        );
        assert_eq!(s.divisions_without_rows().collect::<Vec<_>>(), ["Пустой"]);
    }
}
