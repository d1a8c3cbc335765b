//! Sign-in's tables: credentials on the staff record, server-side sessions, sign-in attempts and
//! API tokens. Session and token values are stored only as SHA-256 hashes.

use hearth_domain::audit::Outcome;
use hearth_domain::auth::{MFA_MEMORY, PasswordFailures};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::{Result, Store, StoreError, new_id, now, parse_id, parse_ts, ts};

pub fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// What sign-in needs to know about an account.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub staff_id: Uuid,
    pub email: String,
    pub active: bool,
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
}

const CREDENTIALS: &str = "SELECT id, status, password_hash, totp_secret, totp_last_step, email FROM staff";

fn credentials(row: &sqlx::any::AnyRow) -> Result<Credentials> {
    Ok(Credentials {
        staff_id: parse_id(&row.get::<String, _>(0))?,
        email: row.get(5),
        active: row.get::<String, _>(1) == "active",
        password_hash: row.get(2),
        totp_secret: row.get(3),
        totp_last_step: row.get(4),
    })
}

pub async fn credentials_by_email(store: &Store, email: &str) -> Result<Option<Credentials>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{CREDENTIALS} WHERE email = $1")))
        .bind(email)
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(credentials).transpose()
}

pub async fn credentials_by_id(store: &Store, staff_id: Uuid) -> Result<Option<Credentials>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{CREDENTIALS} WHERE id = $1")))
        .bind(staff_id.to_string())
        .fetch_optional(store.pool())
        .await?;
    row.as_ref().map(credentials).transpose()
}

/// The key sign-in attempts are counted under: a hash of the normalised email, so the count works
/// for accounts that do not exist without storing what was typed.
pub fn account_key(email: &str) -> String {
    sha256_hex(&email.trim().to_lowercase())
}

/// Which step of sign-in an attempt was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Password,
    Mfa,
}

impl Step {
    fn code(self) -> &'static str {
        match self {
            Step::Password => "password",
            Step::Mfa => "mfa",
        }
    }
}

/// Where an attempt came from, as stored: a hash of the address, or of a device that has
/// completed MFA for the account before. Never the address itself.
pub fn source_key(address: Option<std::net::IpAddr>, known_device: Option<&str>) -> String {
    match (known_device, address) {
        (Some(device), _) => format!("device:{}", sha256_hex(device)),
        (None, Some(ip)) => format!("address:{}", sha256_hex(&ip.to_string())),
        (None, None) => "address:unknown".to_string(),
    }
}

/// Password failures since `since`, counted as `SignInLimit` needs them, in one read.
pub async fn password_failures(store: &Store, account_key: &str, source_key: &str, since: OffsetDateTime) -> Result<PasswordFailures> {
    let r = sqlx::query(
        "SELECT COALESCE(SUM(CASE WHEN account_key = $1 AND source_key = $2 THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN source_key = $2 THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN account_key = $1 THEN 1 ELSE 0 END), 0),
                COUNT(*)
         FROM sign_in_attempts WHERE step = 'password' AND at >= $3",
    )
    .bind(account_key)
    .bind(source_key)
    .bind(ts(since))
    .fetch_one(store.pool())
    .await?;
    Ok(PasswordFailures { account_and_source: r.get(0), address: r.get(1), account: r.get(2), overall: r.get(3) })
}

/// Wrong MFA codes for an account since `since`, and when the last was.
pub async fn mfa_failures(store: &Store, account_key: &str, since: OffsetDateTime) -> Result<(i64, Option<OffsetDateTime>)> {
    let r = sqlx::query("SELECT COUNT(*), MAX(at) FROM sign_in_attempts WHERE account_key = $1 AND step = 'mfa' AND at >= $2")
        .bind(account_key)
        .bind(ts(since))
        .fetch_one(store.pool())
        .await?;
    Ok((r.get(0), r.get::<Option<String>, _>(1).map(|t| parse_ts(&t)).transpose()?))
}

/// One sign-in attempt, as recorded.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    pub account_key: &'a str,
    pub source_key: &'a str,
    pub step: Step,
    pub staff_id: Option<Uuid>,
}

/// Records a sign-in attempt and its audit event together. A failure is kept for the limits;
/// a correct password clears that account's password failures from that source only, and a
/// correct code clears the account's wrong codes. Nothing else clears a count, so a correct
/// password never resets MFA's.
pub async fn record_attempt(store: &Store, ctx: &AuditContext, attempt: Attempt<'_>, action: &str, outcome: Outcome, reason: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    let succeeded = outcome == Outcome::Success;
    match (succeeded, attempt.step) {
        (true, Step::Password) => {
            sqlx::query("DELETE FROM sign_in_attempts WHERE account_key = $1 AND source_key = $2 AND step = 'password'")
                .bind(attempt.account_key)
                .bind(attempt.source_key)
                .execute(&mut *tx)
                .await?;
        }
        (true, Step::Mfa) => {
            sqlx::query("DELETE FROM sign_in_attempts WHERE account_key = $1 AND step = 'mfa'").bind(attempt.account_key).execute(&mut *tx).await?;
        }
        // A refusal under a limit is not another guess: counting it would extend the lock.
        (false, _) if outcome == Outcome::Denied => {}
        (false, step) => {
            sqlx::query("INSERT INTO sign_in_attempts (id, account_key, source_key, step, at) VALUES ($1, $2, $3, $4, $5)")
                .bind(new_id().to_string())
                .bind(attempt.account_key)
                .bind(attempt.source_key)
                .bind(step.code())
                .bind(ts(now()))
                .execute(&mut *tx)
                .await?;
        }
    }
    let mut event = Event::success(action).outcome(outcome).detail(serde_json::json!({ "reason": reason }));
    if let Some(id) = attempt.staff_id {
        event = event.about("staff", id);
    }
    let ctx = AuditContext { actor_id: attempt.staff_id.filter(|_| succeeded).or(ctx.actor_id), ..ctx.clone() };
    audit::append(&mut tx, &ctx, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets attempts older than any limit looks back (a day, for MFA's growing lock).
pub async fn purge_attempts(store: &Store) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM sign_in_attempts WHERE at < $1").bind(ts(now() - MFA_MEMORY)).execute(store.pool()).await?.rows_affected())
}

/// Remembers a browser that has completed MFA for a member of staff, and returns the value for
/// its device cookie. Only its hash is kept.
pub async fn remember_device(conn: &mut AnyConnection, staff_id: Uuid) -> Result<String> {
    let token = hearth_domain::auth::random_token();
    let at = ts(now());
    sqlx::query("INSERT INTO known_devices (token_hash, staff_id, created_at, last_used_at) VALUES ($1, $2, $3, $3)")
        .bind(sha256_hex(&token))
        .bind(staff_id.to_string())
        .bind(&at)
        .execute(conn)
        .await?;
    Ok(token)
}

/// Whether this device cookie is one remembered for this member of staff.
pub async fn is_known_device(store: &Store, staff_id: Uuid, token: &str) -> Result<bool> {
    Ok(sqlx::query("SELECT 1 FROM known_devices WHERE token_hash = $1 AND staff_id = $2")
        .bind(sha256_hex(token))
        .bind(staff_id.to_string())
        .fetch_optional(store.pool())
        .await?
        .is_some())
}

/// A server-side session.
#[derive(Debug, Clone)]
pub struct Session {
    pub id_hash: String,
    pub staff_id: Uuid,
    pub mfa_verified: bool,
    pub pending_totp_secret: Option<String>,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
}

/// Starts a session and returns the cookie value. Only its hash is stored.
pub async fn create_session(conn: &mut AnyConnection, staff_id: Uuid, mfa_verified: bool) -> Result<String> {
    let token = hearth_domain::auth::random_token();
    let at = ts(now());
    sqlx::query(
        "INSERT INTO sessions (id_hash, staff_id, mfa_verified, pending_totp_secret, created_at, last_seen_at) VALUES ($1, $2, $3, NULL, $4, $4)",
    )
    .bind(sha256_hex(&token))
    .bind(staff_id.to_string())
    .bind(mfa_verified)
    .bind(&at)
    .execute(conn)
    .await?;
    Ok(token)
}

pub async fn session(store: &Store, token: &str) -> Result<Option<Session>> {
    let row = sqlx::query(
        "SELECT id_hash, staff_id, mfa_verified, pending_totp_secret, created_at, last_seen_at FROM sessions WHERE id_hash = $1",
    )
    .bind(sha256_hex(token))
    .fetch_optional(store.pool())
    .await?;
    row.map(|r| {
        Ok(Session {
            id_hash: r.get(0),
            staff_id: parse_id(&r.get::<String, _>(1))?,
            mfa_verified: crate::bool_col(&r, 2),
            pending_totp_secret: r.get(3),
            created_at: parse_ts(&r.get::<String, _>(4))?,
            last_seen_at: parse_ts(&r.get::<String, _>(5))?,
        })
    })
    .transpose()
}

/// A session and, in the same round trip, the person it belongs to (every signed-in request asks).
pub async fn session_and_principal(store: &Store, token: &str) -> Result<Option<(Session, Option<crate::org::Principal>)>> {
    let sql = crate::org::principal_sql(
        "SELECT staff_id FROM sessions WHERE id_hash = $1",
        "UNION ALL SELECT CAST(3 AS BIGINT), id_hash, pending_totp_secret, created_at, last_seen_at, staff_id, CAST(CASE WHEN mfa_verified THEN 1 ELSE 0 END AS BIGINT) FROM sessions WHERE id_hash = $1",
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(sha256_hex(token)).fetch_all(store.pool()).await?;
    let Some(r) = rows.iter().find(|r| r.get::<i64, _>(0) == 3) else { return Ok(None) };
    let session = Session {
        id_hash: r.get(1),
        staff_id: parse_id(&r.get::<String, _>(5))?,
        mfa_verified: r.get::<i64, _>(6) != 0,
        pending_totp_secret: r.get(2),
        created_at: parse_ts(&r.get::<String, _>(3))?,
        last_seen_at: parse_ts(&r.get::<String, _>(4))?,
    };
    let principal = crate::org::principal_from(&rows, session.staff_id)?;
    Ok(Some((session, principal)))
}

/// The person an API token belongs to, in one round trip, if it is live.
pub async fn token_principal(store: &Store, token: &str) -> Result<Option<crate::org::Principal>> {
    let sql = crate::org::principal_sql(
        "SELECT staff_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
        "UNION ALL SELECT CAST(3 AS BIGINT), staff_id, NULL, NULL, NULL, NULL, CAST(0 AS BIGINT) FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(sha256_hex(token)).bind(ts(now())).fetch_all(store.pool()).await?;
    let Some(r) = rows.iter().find(|r| r.get::<i64, _>(0) == 3) else { return Ok(None) };
    crate::org::principal_from(&rows, parse_id(&r.get::<String, _>(1))?)
}

/// Marks a session as used now. Skipped when it was marked in the last minute, to spare writes.
pub async fn touch_session(store: &Store, session: &Session) -> Result<()> {
    let at = now();
    if at - session.last_seen_at >= Duration::minutes(1) {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(ts(at))
            .bind(&session.id_hash)
            .execute(store.pool())
            .await?;
    }
    Ok(())
}

pub async fn delete_session(store: &Store, id_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(store.pool()).await?;
    Ok(())
}

/// Signs a person out: this session only.
pub async fn sign_out(store: &Store, ctx: &AuditContext, session: &Session) -> Result<()> {
    let mut tx = store.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(&session.id_hash).execute(&mut *tx).await?;
    audit::append(&mut tx, ctx, Event::success("auth.signed_out").about("staff", session.staff_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends every session of one person, inside the caller's transaction. Returns how many ended.
pub async fn end_all_sessions(conn: &mut AnyConnection, staff_id: Uuid) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
        .bind(staff_id.to_string())
        .execute(conn)
        .await?
        .rows_affected())
}

/// Revokes every live API token of one person, inside the caller's transaction (a leaver's).
pub async fn revoke_all_tokens(conn: &mut AnyConnection, staff_id: Uuid) -> Result<u64> {
    Ok(sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE staff_id = $2 AND revoked_at IS NULL")
        .bind(ts(now()))
        .bind(staff_id.to_string())
        .execute(conn)
        .await?
        .rows_affected())
}

/// "Sign out everywhere".
pub async fn sign_out_everywhere(store: &Store, ctx: &AuditContext, staff_id: Uuid) -> Result<u64> {
    let mut tx = store.begin().await?;
    let n = end_all_sessions(&mut tx, staff_id).await?;
    audit::append(
        &mut tx,
        ctx,
        Event::success("auth.signed_out_everywhere").about("staff", staff_id).detail(serde_json::json!({ "sessions": n })),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// Removes sessions that can no longer be live. Run now and then; liveness is also checked on use.
pub async fn purge_sessions(store: &Store, older_than: OffsetDateTime) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(ts(older_than))
        .bind(ts(older_than - Duration::hours(24)))
        .execute(store.pool())
        .await?
        .rows_affected())
}

/// Remembers the secret offered at MFA enrolment until the person proves they have it.
pub async fn set_pending_totp(store: &Store, session: &Session, secret: &str) -> Result<()> {
    sqlx::query("UPDATE sessions SET pending_totp_secret = $1 WHERE id_hash = $2")
        .bind(secret)
        .bind(&session.id_hash)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// What completing MFA gives the browser: its new session, and a device cookie if it was not a
/// known device for this person already.
#[derive(Debug, Clone)]
pub struct Completed {
    pub session: String,
    pub device: Option<String>,
}

/// Completes MFA after a correct code: records the code's step as used (refusing it if that step or
/// a later one was already used), saves the secret when enrolling, replaces the session with a
/// new fully-signed-in one, and remembers the device unless it is known already. `None` if the
/// code was already used.
pub async fn complete_mfa(
    store: &Store,
    ctx: &AuditContext,
    session: &Session,
    step: i64,
    enrolled_secret: Option<&str>,
    known_device: bool,
) -> Result<Option<Completed>> {
    let mut tx = store.begin().await?;
    let updated = sqlx::query(
        "UPDATE staff SET totp_last_step = $1, totp_secret = COALESCE($2, totp_secret)
         WHERE id = $3 AND status = 'active' AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(enrolled_secret)
    .bind(session.staff_id.to_string())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Ok(None);
    }
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(&session.id_hash).execute(&mut *tx).await?;
    let token = create_session(&mut tx, session.staff_id, true).await?;
    let device = if known_device { None } else { Some(remember_device(&mut tx, session.staff_id).await?) };
    let action = if enrolled_secret.is_some() { "auth.mfa_enrolled" } else { "auth.mfa_verified" };
    let ctx = AuditContext::actor(session.staff_id, ctx.request_id.clone());
    audit::append(&mut tx, &ctx, Event::success(action).about("staff", session.staff_id)).await?;
    tx.commit().await?;
    Ok(Some(Completed { session: token, device }))
}

/// Sets a password hash inside the caller's transaction.
pub async fn set_password_hash(conn: &mut AnyConnection, staff_id: Uuid, hash: &str) -> Result<()> {
    sqlx::query("UPDATE staff SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(ts(now()))
        .bind(staff_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Makes a one-time link for someone's first sign-in, for `INVITATION_DAYS`, ending any earlier
/// one, and audits it. Returns the token, shown once; only its hash is kept. Refused once they
/// have a password (they sign in as everyone does), and to anyone who may not give the roles
/// they hold (audited).
pub async fn invite(store: &Store, ctx: &AuditContext, staff_id: Uuid) -> Result<String> {
    let token = hearth_domain::auth::random_token();
    let at = now();
    let expires = at + Duration::days(hearth_domain::auth::INVITATION_DAYS);
    let mut tx = store.begin().await?;
    let row = sqlx::query("SELECT status, password_hash FROM staff WHERE id = $1").bind(staff_id.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
    if row.get::<String, _>(0) != "active" {
        return Err(StoreError::NotEditable("They have left, so they cannot be invited to sign in."));
    }
    if row.get::<Option<String>, _>(1).is_some() {
        return Err(StoreError::NotEditable("They have already chosen a password, so they sign in as everyone does."));
    }
    // Whoever holds the link chooses the password and sets up the authenticator: making one
    // hands over the account's roles, so it is allowed only to those who may give those roles
    // (`org::may_change_roles`): HR cannot take over a new administrator's first sign-in.
    let roles = crate::org::roles_in(&mut tx, staff_id).await?;
    if let Err(e) = crate::org::check_role_change(&mut tx, ctx, &[], &roles).await {
        drop(tx);
        return Err(crate::org::refused_roles(store, ctx, staff_id, &roles, e).await);
    }
    sqlx::query("UPDATE invitations SET used_at = $1 WHERE staff_id = $2 AND used_at IS NULL").bind(ts(at)).bind(staff_id.to_string()).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO invitations (id, staff_id, token_hash, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(new_id().to_string())
        .bind(staff_id.to_string())
        .bind(sha256_hex(&token))
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(at))
        .bind(ts(expires))
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, ctx, Event::success("auth.invitation_made").about("staff", staff_id).detail(serde_json::json!({ "expires_at": ts(expires) }))).await?;
    tx.commit().await?;
    Ok(token)
}

/// Who a live invitation (unused, unexpired, for someone still here) is for: id, name and email.
pub async fn invited(store: &Store, token: &str) -> Result<Option<(Uuid, String, String)>> {
    let row = sqlx::query(
        "SELECT s.id, s.name, s.email FROM invitations i JOIN staff s ON s.id = i.staff_id
         WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND s.status = 'active' AND s.password_hash IS NULL",
    )
    .bind(sha256_hex(token))
    .bind(ts(now()))
    .fetch_optional(store.pool())
    .await?;
    row.map(|r| Ok((parse_id(&r.get::<String, _>(0))?, r.get(1), r.get(2)))).transpose()
}

/// Spends a live invitation on the password chosen with it: the password and the invitation's
/// use commit together, audited as the person themselves. `NotFound` when the link was used or
/// ran out meanwhile.
pub async fn accept_invitation(store: &Store, token: &str, password_hash: &str, request_id: Option<String>) -> Result<Uuid> {
    let at = now();
    let mut tx = store.begin().await?;
    let row = sqlx::query(
        "SELECT i.id, s.id FROM invitations i JOIN staff s ON s.id = i.staff_id
         WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND s.status = 'active' AND s.password_hash IS NULL",
    )
    .bind(sha256_hex(token))
    .bind(ts(at))
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let (invitation, staff_id): (String, String) = (row.get(0), row.get(1));
    let staff_id = parse_id(&staff_id)?;
    let spent = sqlx::query("UPDATE invitations SET used_at = $1 WHERE id = $2 AND used_at IS NULL").bind(ts(at)).bind(&invitation).execute(&mut *tx).await?;
    if spent.rows_affected() != 1 {
        return Err(StoreError::NotFound);
    }
    set_password_hash(&mut tx, staff_id, password_hash).await?;
    audit::append(&mut tx, &AuditContext::actor(staff_id, request_id), Event::success("auth.invitation_used").about("staff", staff_id)).await?;
    tx.commit().await?;
    Ok(staff_id)
}

/// Whether someone has chosen a password yet (an invitation is offered until they have).
pub async fn has_password(store: &Store, staff_id: Uuid) -> Result<bool> {
    Ok(credentials_by_id(store, staff_id).await?.is_some_and(|c| c.password_hash.is_some()))
}

/// Creates an API token for a member of staff and returns it. It is shown once; only its hash is kept.
pub async fn create_api_token(store: &Store, ctx: &AuditContext, staff_id: Uuid, label: &str, ttl: Duration) -> Result<String> {
    let token = format!("hearth_{}", hearth_domain::auth::random_token());
    let id = new_id();
    let at = now();
    let mut tx = store.begin().await?;
    sqlx::query(
        "INSERT INTO api_tokens (id, staff_id, token_hash, label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id.to_string())
    .bind(staff_id.to_string())
    .bind(sha256_hex(&token))
    .bind(label)
    .bind(ts(at))
    .bind(ts(at + ttl))
    .execute(&mut *tx)
    .await?;
    audit::append(
        &mut tx,
        ctx,
        Event::success("auth.api_token_created")
            .about("staff", staff_id)
            .detail(serde_json::json!({ "token_id": id, "expires_at": ts(at + ttl) })),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The owner of a live (unexpired, unrevoked) API token.
pub async fn api_token_owner(store: &Store, token: &str) -> Result<Option<Uuid>> {
    let row = sqlx::query("SELECT staff_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2")
        .bind(sha256_hex(token))
        .bind(ts(now()))
        .fetch_optional(store.pool())
        .await?;
    row.map(|r| parse_id(&r.get::<String, _>(0))).transpose()
}

/// Sets an enrolled TOTP secret directly: only for demo accounts, whose secret is documented.
pub async fn set_totp_secret(conn: &mut AnyConnection, staff_id: Uuid, secret: &str) -> Result<()> {
    sqlx::query("UPDATE staff SET totp_secret = $1, totp_last_step = NULL WHERE id = $2")
        .bind(secret)
        .bind(staff_id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}
