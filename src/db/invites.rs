//! One-time invitation codes: an authorized person invites someone into a role, and whoever
//! opens the link takes it. Codes are random (160 bits), single use and expire. Only a
//! code's SHA-256 is stored ([`hash`]): the database does not hold a usable code, and the
//! revoke button's handle comes from the hash, not from the code.

use chrono::{DateTime, Duration, Utc};
use sqlx::SqlitePool;

use super::{audit, begin_write, parse_ts, people, ts};
use crate::domain::{Lang, Role};

/// How long an invitation is valid by default.
pub const DEFAULT_TTL_DAYS: i64 = 7;
const CODE_BYTES: usize = 20;

/// A fresh random code: 40 lowercase hex digits (fits Telegram's `start` parameter:
/// at most 64 characters of `A-Za-z0-9_-`).
pub fn new_code() -> String {
    let mut buf = [0u8; CODE_BYTES];
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a text can be a code at all (checked before touching the database).
pub fn looks_like_code(s: &str) -> bool {
    s.len() == CODE_BYTES * 2
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The stored form of a code: its SHA-256, 64 lowercase hex digits.
pub fn hash(code: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(code.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Replaces the codes stored in clear (made before codes were hashed: 40 hex digits) by
/// their hash. Runs at every start (`db::connect`); returns how many it replaced.
pub async fn hash_clear_codes(pool: &SqlitePool) -> Result<u64, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let clear: Vec<String> =
        sqlx::query_scalar("SELECT code_hash FROM invites WHERE length(code_hash) = ?")
            .bind(CODE_BYTES as i64 * 2)
            .fetch_all(&mut *tx)
            .await?;
    for code in &clear {
        sqlx::query("UPDATE invites SET code_hash = ? WHERE code_hash = ?")
            .bind(hash(code))
            .bind(code)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(clear.len() as u64)
}

/// A new invitation. `code` is the clear code for the link, shown once and never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub code: String,
    pub division_id: Option<i64>,
    pub role: Role,
    pub created_by: i64,
    pub expires_at: DateTime<Utc>,
}

/// Creates an invitation with its audit record.
pub async fn create(
    pool: &SqlitePool,
    division_id: Option<i64>,
    role: Role,
    created_by: i64,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<Invite, sqlx::Error> {
    let code = new_code();
    let expires_at = now + ttl;
    let mut tx = begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO invites (code_hash, division_id, role, created_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(hash(&code))
    .bind(division_id)
    .bind(role.code())
    .bind(created_by)
    .bind(ts(now))
    .bind(ts(expires_at))
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(created_by),
        "invite.create",
        "invite",
        None,
        serde_json::json!({ "division_id": division_id, "role": role.code(), "expires_at": ts(expires_at) }),
    )
    .await?;
    tx.commit().await?;
    Ok(Invite {
        code,
        division_id,
        role,
        created_by,
        expires_at,
    })
}

/// Why a code cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    Unknown,
    Used,
    Expired,
    Revoked,
    /// The person already has this role or a higher one: an invitation never lowers a
    /// role (an authorized person opening a viewer's link stays an authorized person), and
    /// the code stays unused for the one it was meant for.
    AlreadyMember,
}

/// What redeeming a code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redeemed {
    pub role: Role,
    pub division_name: Option<String>,
    pub invited_by: i64,
}

#[derive(sqlx::FromRow)]
struct InviteRow {
    division_id: Option<i64>,
    role: String,
    created_by: i64,
    expires_at: String,
    used_at: Option<String>,
    revoked_at: Option<String>,
    division_name: Option<String>,
}

/// Redeems a code for a person in one write transaction: marks it used, gives the person
/// the role, writes the audit record. Exactly one of two people racing for a code wins.
pub async fn redeem(
    pool: &SqlitePool,
    code: &str,
    telegram_id: i64,
    name: &str,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<Result<Redeemed, Refused>, sqlx::Error> {
    if !looks_like_code(code) {
        return Ok(Err(Refused::Unknown));
    }
    let code = hash(code);
    let mut tx = begin_write(pool).await?;
    let row: Option<InviteRow> = sqlx::query_as(
        "SELECT i.division_id, i.role, i.created_by, i.expires_at, i.used_at, i.revoked_at,
                d.name AS division_name
         FROM invites i LEFT JOIN divisions d ON d.id = i.division_id WHERE i.code_hash = ?",
    )
    .bind(&code)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(InviteRow {
        division_id,
        role,
        created_by,
        expires_at,
        used_at,
        revoked_at,
        division_name,
    }) = row
    else {
        return Ok(Err(Refused::Unknown));
    };
    if used_at.is_some() {
        return Ok(Err(Refused::Used));
    }
    if revoked_at.is_some() {
        return Ok(Err(Refused::Revoked));
    }
    if parse_ts(&expires_at) <= now {
        return Ok(Err(Refused::Expired));
    }
    let role = Role::from_code(&role).unwrap_or(Role::Viewer);
    let current: Option<String> =
        sqlx::query_scalar("SELECT role FROM people WHERE telegram_id = ?")
            .bind(telegram_id)
            .fetch_optional(&mut *tx)
            .await?;
    let rank = |r: Role| match r {
        Role::Admin => 3,
        Role::Head => 2,
        Role::Viewer => 1,
        Role::Stranger => 0,
    };
    let current = current
        .as_deref()
        .and_then(Role::from_code)
        .unwrap_or(Role::Stranger);
    // A head may be invited as the head of another division (a move); nothing else that
    // keeps or lowers a role is taken.
    if rank(current) > rank(role) || (current == role && role != Role::Head) {
        return Ok(Err(Refused::AlreadyMember));
    }
    sqlx::query(
        "UPDATE invites SET used_by = ?, used_at = ? WHERE code_hash = ? AND used_at IS NULL",
    )
    .bind(telegram_id)
    .bind(ts(now))
    .bind(&code)
    .execute(&mut *tx)
    .await?;
    people::assign(
        &mut tx,
        telegram_id,
        name,
        role,
        division_id,
        lang,
        Some(created_by),
    )
    .await?;
    audit::record(
        &mut tx,
        Some(telegram_id),
        "invite.redeem",
        "invite",
        None,
        serde_json::json!({ "role": role.code(), "division_id": division_id, "invited_by": created_by }),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Redeemed {
        role,
        division_name,
        invited_by: created_by,
    }))
}

/// An invitation not yet used, revoked or expired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInvite {
    /// What the revoke button carries ([`handle`]).
    pub handle: u64,
    pub role: Role,
    pub division_name: Option<String>,
    pub created_by: i64,
    pub created_by_name: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// The short handle of an invitation in buttons: the first 64 bits of its code's hash
/// (as stored), so that a button never carries a part of a code. Codes are random, so two
/// open invitations never share it in practice; revoking checks it names exactly one.
pub fn handle(code_hash: &str) -> u64 {
    code_hash
        .get(..16)
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .unwrap_or(0)
}

/// The handle of the invitation with this clear code.
pub fn handle_of_code(code: &str) -> u64 {
    handle(&hash(code))
}

#[derive(sqlx::FromRow)]
struct OpenRow {
    code_hash: String,
    role: String,
    division_name: Option<String>,
    created_by: i64,
    created_by_name: Option<String>,
    expires_at: String,
}

/// The open invitations, soonest to expire first.
pub async fn open(pool: &SqlitePool, now: DateTime<Utc>) -> Result<Vec<OpenInvite>, sqlx::Error> {
    let rows: Vec<OpenRow> = sqlx::query_as(
        "SELECT i.code_hash, i.role, d.name AS division_name, i.created_by,
                p.name AS created_by_name, i.expires_at
         FROM invites i
         LEFT JOIN divisions d ON d.id = i.division_id
         LEFT JOIN people p ON p.telegram_id = i.created_by
         WHERE i.used_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?
         ORDER BY i.expires_at, i.code_hash",
    )
    .bind(ts(now))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OpenInvite {
            handle: handle(&r.code_hash),
            role: Role::from_code(&r.role).unwrap_or(Role::Viewer),
            division_name: r.division_name,
            created_by: r.created_by,
            created_by_name: r.created_by_name,
            expires_at: parse_ts(&r.expires_at),
        })
        .collect())
}

/// Revokes the open invitation with this handle, with its audit record. Returns what it
/// was, or `None` when no open invitation has it (used, revoked, expired, or unknown).
pub async fn revoke(
    pool: &SqlitePool,
    handle_: u64,
    actor_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<OpenInvite>, sqlx::Error> {
    let prefix = format!("{handle_:016x}");
    let mut tx = begin_write(pool).await?;
    let found: Vec<(String, String, Option<String>, i64, String)> = sqlx::query_as(
        "SELECT i.code_hash, i.role, d.name, i.created_by, i.expires_at
         FROM invites i LEFT JOIN divisions d ON d.id = i.division_id
         WHERE substr(i.code_hash, 1, 16) = ? AND i.used_at IS NULL AND i.revoked_at IS NULL
           AND i.expires_at > ?",
    )
    .bind(&prefix)
    .bind(ts(now))
    .fetch_all(&mut *tx)
    .await?;
    let mut found = found.into_iter();
    let (Some((code, role, division_name, created_by, expires_at)), None) =
        (found.next(), found.next())
    else {
        return Ok(None);
    };
    sqlx::query("UPDATE invites SET revoked_at = ? WHERE code_hash = ?")
        .bind(ts(now))
        .bind(&code)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        Some(actor_id),
        "invite.revoke",
        "invite",
        None,
        serde_json::json!({ "role": role, "division": division_name, "created_by": created_by }),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(OpenInvite {
        handle: handle(&code),
        role: Role::from_code(&role).unwrap_or(Role::Viewer),
        division_name,
        created_by,
        created_by_name: None,
        expires_at: parse_ts(&expires_at),
    }))
}

/// At start: revokes the open invitations whose creator is no longer an authorized
/// person — neither in the settings' list (`admins`) nor one in the database (taken out of
/// `TOUCHPOINTS_ADMINS` between two starts) — with an audit record per creator. Returns
/// how many it revoked.
pub async fn revoke_of_former_admins(
    pool: &SqlitePool,
    admins: &[i64],
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let admins = serde_json::to_string(admins).unwrap_or_else(|_| "[]".into());
    let mut tx = begin_write(pool).await?;
    let revoked: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT created_by, count(*) FROM invites
         WHERE used_at IS NULL AND revoked_at IS NULL AND expires_at > ?1
           AND created_by NOT IN (SELECT value FROM json_each(?2))
           AND created_by NOT IN (SELECT telegram_id FROM people WHERE role = 'admin')
         GROUP BY created_by ORDER BY created_by",
    )
    .bind(ts(now))
    .bind(&admins)
    .fetch_all(&mut *tx)
    .await?;
    let mut total = 0;
    for (creator, count) in revoked {
        sqlx::query(
            "UPDATE invites SET revoked_at = ?
             WHERE created_by = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
        )
        .bind(ts(now))
        .bind(creator)
        .bind(ts(now))
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            None,
            "invite.revoke",
            "person",
            Some(creator),
            serde_json::json!({
                "reason": "creator is no longer an authorized person (checked at start)",
                "count": count
            }),
        )
        .await?;
        total += count as u64;
    }
    tx.commit().await?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{divisions, testing::db};

    async fn division(pool: &SqlitePool) -> i64 {
        let mut tx = pool.begin().await.unwrap();
        let (d, _) = divisions::get_or_create(&mut tx, "Отдел", 1).await.unwrap();
        tx.commit().await.unwrap();
        d.id
    }

    #[test]
    fn codes_are_random_and_well_formed() {
        let a = new_code();
        let b = new_code();
        assert_ne!(a, b);
        assert!(looks_like_code(&a), "{a}");
        assert!(a.len() * 4 >= 128);
        assert!(!looks_like_code("abc"));
        assert!(!looks_like_code(&a.to_uppercase()));
    }

    /// The database holds no usable code, and a revoke button carries nothing of one.
    #[tokio::test]
    async fn codes_are_stored_as_their_hash_and_the_handle_comes_from_the_hash() {
        let (pool, _dir) = db().await;
        let now = Utc::now();
        let inv = create(&pool, None, Role::Viewer, 1, now, Duration::days(7))
            .await
            .unwrap();
        let dump: Vec<String> = sqlx::query_scalar(
            "SELECT coalesce(code_hash, '') || '|' || role || '|' || created_at FROM invites",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(dump.len(), 1);
        assert!(!dump[0].contains(&inv.code), "{dump:?}");
        assert!(dump[0].starts_with(&hash(&inv.code)), "{dump:?}");
        assert_eq!(hash(&inv.code).len(), 64);
        let h = format!("{:016x}", open(&pool, now).await.unwrap()[0].handle);
        assert!(
            !inv.code.contains(&h),
            "the handle {h} is a part of the code"
        );
        assert_eq!(h, hash(&inv.code)[..16]);
        // The hash is what SHA-256 gives (a known vector).
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        // The code still works.
        assert!(redeem(&pool, &inv.code, 50, "Анна", Lang::Ru, now)
            .await
            .unwrap()
            .is_ok());
    }

    #[tokio::test]
    async fn a_code_makes_a_head_once() {
        let (pool, _dir) = db().await;
        let d = division(&pool).await;
        let now = Utc::now();
        let inv = create(&pool, Some(d), Role::Head, 1, now, Duration::days(7))
            .await
            .unwrap();
        let r = redeem(&pool, &inv.code, 50, "Анна", Lang::Ru, now)
            .await
            .unwrap();
        assert_eq!(
            r,
            Ok(Redeemed {
                role: Role::Head,
                division_name: Some("Отдел".into()),
                invited_by: 1
            })
        );
        let p = people::get(&pool, 50).await.unwrap().unwrap();
        assert_eq!((p.role, p.division_id), (Role::Head, Some(d)));
        let again = redeem(&pool, &inv.code, 51, "Пётр", Lang::Ru, now)
            .await
            .unwrap();
        assert_eq!(again, Err(Refused::Used));
        assert_eq!(people::get(&pool, 51).await.unwrap(), None);
    }

    #[tokio::test]
    async fn an_invitation_never_lowers_a_role_but_moves_a_head() {
        let (pool, _dir) = db().await;
        let d = division(&pool).await;
        let now = Utc::now();
        let mut tx = pool.begin().await.unwrap();
        people::assign(&mut tx, 70, "Админ", Role::Admin, None, Lang::Ru, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let viewer = create(&pool, None, Role::Viewer, 1, now, Duration::days(7))
            .await
            .unwrap();
        let r = redeem(&pool, &viewer.code, 70, "Админ", Lang::Ru, now)
            .await
            .unwrap();
        assert_eq!(r, Err(Refused::AlreadyMember));
        assert_eq!(
            people::get(&pool, 70).await.unwrap().unwrap().role,
            Role::Admin
        );
        // The code is still there for the one it was meant for.
        assert!(redeem(&pool, &viewer.code, 71, "Зритель", Lang::Ru, now)
            .await
            .unwrap()
            .is_ok());
        // A head invited as the head of another division moves there.
        let mut tx = pool.begin().await.unwrap();
        let (other, _) = divisions::get_or_create(&mut tx, "Другой", 1)
            .await
            .unwrap();
        people::assign(&mut tx, 72, "Глава", Role::Head, Some(d), Lang::Ru, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let head = create(&pool, Some(other.id), Role::Head, 1, now, Duration::days(7))
            .await
            .unwrap();
        assert!(redeem(&pool, &head.code, 72, "Глава", Lang::Ru, now)
            .await
            .unwrap()
            .is_ok());
        assert_eq!(
            people::get(&pool, 72).await.unwrap().unwrap().division_id,
            Some(other.id)
        );
    }

    #[tokio::test]
    async fn a_demoted_authorized_persons_open_invitations_are_revoked() {
        let (pool, _dir) = db().await;
        let d = division(&pool).await;
        let now = Utc::now();
        let mut tx = pool.begin().await.unwrap();
        people::assign(&mut tx, 80, "Бывший", Role::Admin, None, Lang::Ru, None)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let inv = create(&pool, None, Role::Admin, 80, now, Duration::days(7))
            .await
            .unwrap();
        let other = create(&pool, Some(d), Role::Head, 1, now, Duration::days(7))
            .await
            .unwrap();
        let mut tx = pool.begin().await.unwrap();
        assert!(people::revoke(&mut tx, 80, 1).await.unwrap());
        tx.commit().await.unwrap();
        let r = redeem(&pool, &inv.code, 81, "Кто-то", Lang::Ru, now)
            .await
            .unwrap();
        assert_eq!(r, Err(Refused::Revoked));
        // Invitations of others are untouched.
        assert!(redeem(&pool, &other.code, 82, "Глава", Lang::Ru, now)
            .await
            .unwrap()
            .is_ok());
    }

    #[tokio::test]
    async fn expired_and_unknown_codes_are_refused() {
        let (pool, _dir) = db().await;
        let d = division(&pool).await;
        let then = Utc::now() - Duration::days(8);
        let inv = create(&pool, Some(d), Role::Head, 1, then, Duration::days(7))
            .await
            .unwrap();
        let r = redeem(&pool, &inv.code, 50, "Анна", Lang::Ru, Utc::now())
            .await
            .unwrap();
        assert_eq!(r, Err(Refused::Expired));
        let r = redeem(&pool, &new_code(), 50, "Анна", Lang::Ru, Utc::now())
            .await
            .unwrap();
        assert_eq!(r, Err(Refused::Unknown));
        let r = redeem(
            &pool,
            "'; DROP TABLE invites; --",
            50,
            "x",
            Lang::Ru,
            Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!(r, Err(Refused::Unknown));
    }

    #[tokio::test]
    async fn two_people_racing_for_one_code_one_wins() {
        let (pool, _dir) = db().await;
        let d = division(&pool).await;
        let now = Utc::now();
        let inv = create(&pool, Some(d), Role::Head, 1, now, Duration::days(7))
            .await
            .unwrap();
        let (a, b) = tokio::join!(
            redeem(&pool, &inv.code, 60, "A", Lang::Ru, now),
            redeem(&pool, &inv.code, 61, "B", Lang::Ru, now)
        );
        let results = [a.unwrap(), b.unwrap()];
        assert_eq!(
            results.iter().filter(|r| r.is_ok()).count(),
            1,
            "{results:?}"
        );
        assert_eq!(
            results.iter().filter(|r| **r == Err(Refused::Used)).count(),
            1
        );
    }

    #[tokio::test]
    async fn open_invitations_are_listed_and_revoked_once() {
        let (pool, _dir) = db().await;
        let d = division(&pool).await;
        let now = Utc::now();
        let head = create(&pool, Some(d), Role::Head, 1, now, Duration::days(7))
            .await
            .unwrap();
        let viewer = create(&pool, None, Role::Viewer, 1, now, Duration::days(3))
            .await
            .unwrap();
        let used = create(&pool, None, Role::Admin, 1, now, Duration::days(7))
            .await
            .unwrap();
        redeem(&pool, &used.code, 70, "A", Lang::Ru, now)
            .await
            .unwrap()
            .unwrap();
        create(
            &pool,
            None,
            Role::Viewer,
            1,
            now - Duration::days(9),
            Duration::days(7),
        )
        .await
        .unwrap();
        let open_now = open(&pool, now).await.unwrap();
        assert_eq!(
            open_now.iter().map(|i| i.handle).collect::<Vec<_>>(),
            vec![handle_of_code(&viewer.code), handle_of_code(&head.code)]
        );
        assert_eq!(open_now[1].division_name.as_deref(), Some("Отдел"));
        let r = revoke(&pool, handle_of_code(&head.code), 1, now)
            .await
            .unwrap();
        assert_eq!(r.map(|i| i.role), Some(Role::Head));
        assert_eq!(
            revoke(&pool, handle_of_code(&head.code), 1, now)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            revoke(&pool, handle_of_code(&used.code), 1, now)
                .await
                .unwrap(),
            None
        );
        assert_eq!(revoke(&pool, 0, 1, now).await.unwrap(), None);
        let r = redeem(&pool, &head.code, 71, "B", Lang::Ru, now)
            .await
            .unwrap();
        assert_eq!(r, Err(Refused::Revoked));
        assert_eq!(open(&pool, now).await.unwrap().len(), 1);
    }
}
