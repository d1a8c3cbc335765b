//! Quality: each worker's earned autonomy per work type, its history, and dip samples.
//!
//! The standing itself is decided by `hearth_domain::quality`; this module keeps it. The
//! `autonomy` row is the standing now and `autonomy_events` what moved it, both written in the
//! transaction of the grade, revocation or reset, with an audit event for every change in
//! authority.

use hearth_domain::quality::{Autonomy, AutonomyChange, AutonomyEvent, AutonomySettings, Grade, WorkType};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::cases::code;
use crate::org::{NamedRef, named};
use crate::{Result, Store, StoreError, new_id, now, parse_id, parse_ts, ts};

pub mod bulk;
pub mod insight;
pub mod samples;

/// What moved a standing, for the worker's and manager's views.
#[derive(Debug, Clone, Serialize)]
pub struct AutonomyEntry {
    pub work_type: WorkType,
    /// `graded`, `revoked` or `reset`.
    pub event: String,
    pub grade: Option<Grade>,
    pub change: Option<AutonomyChange>,
    pub reason: Option<String>,
    pub work_id: Option<Uuid>,
    pub sample_id: Option<Uuid>,
    pub by: Option<NamedRef>,
    pub at: OffsetDateTime,
    pub after: Autonomy,
}

/// Where a change to a standing came from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Source<'a> {
    pub work_id: Option<Uuid>,
    pub sample_id: Option<Uuid>,
    pub reason: Option<&'a str>,
}

/// A worker's standing in every work type they have one in; the others stand at none.
pub async fn standing(store: &Store, staff_id: Uuid) -> Result<Vec<(WorkType, Autonomy)>> {
    let rows = sqlx::query("SELECT work_type, authorised, streak FROM autonomy WHERE staff_id = $1").bind(staff_id.to_string()).fetch_all(store.pool()).await?;
    let mut out: Vec<(WorkType, Autonomy)> = WorkType::ALL.iter().map(|t| (*t, Autonomy::NONE)).collect();
    for r in &rows {
        let t = code(r.get(0), WorkType::from_code)?;
        if let Some(slot) = out.iter_mut().find(|(w, _)| *w == t) {
            slot.1 = Autonomy { authorised: r.get::<i64, _>(1) != 0, streak: r.get::<i64, _>(2) as u32 };
        }
    }
    Ok(out)
}

/// What moved a worker's standing, newest first.
pub async fn history(store: &Store, staff_id: Uuid, limit: i64) -> Result<Vec<AutonomyEntry>> {
    let rows = sqlx::query(
        "SELECT e.work_type, e.event, e.grade, e.change, e.reason, e.work_id, e.sample_id, s.id, s.name, e.at, e.authorised_after, e.streak_after
         FROM autonomy_events e LEFT JOIN staff s ON s.id = e.by_id WHERE e.staff_id = $1 ORDER BY e.at DESC, e.id DESC LIMIT $2",
    )
    .bind(staff_id.to_string())
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AutonomyEntry {
                work_type: code(r.get(0), WorkType::from_code)?,
                event: r.get(1),
                grade: r.get::<Option<String>, _>(2).map(|g| code(g, Grade::from_code)).transpose()?,
                change: r.get::<Option<String>, _>(3).map(|c| code(c, AutonomyChange::from_code)).transpose()?,
                reason: r.get(4),
                work_id: r.get::<Option<String>, _>(5).map(|i| parse_id(&i)).transpose()?,
                sample_id: r.get::<Option<String>, _>(6).map(|i| parse_id(&i)).transpose()?,
                by: named(r.get(7), r.get(8))?,
                at: parse_ts(&r.get::<String, _>(9))?,
                after: Autonomy { authorised: r.get::<i64, _>(10) != 0, streak: r.get::<i64, _>(11) as u32 },
            })
        })
        .collect()
}

/// Takes the lock on a worker's standing in a work type and says whether they hold authority now.
/// Inside a filing transaction this is the check that counts: an UPDATE waits for any revocation
/// in flight and then re-reads the row, so authority taken away a moment earlier is never used.
pub(crate) async fn lock_authority(conn: &mut AnyConnection, staff_id: Uuid, work_type: WorkType) -> Result<bool> {
    let n = sqlx::query("UPDATE autonomy SET changed_at = changed_at WHERE staff_id = $1 AND work_type = $2 AND authorised = 1")
        .bind(staff_id.to_string())
        .bind(work_type.code())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// Applies one event to a worker's standing in the caller's transaction: locks the row, works out
/// the next standing by the domain rule, keeps it and its event, and audits any change in
/// authority. Gives the change, if there was one.
pub(crate) async fn apply(
    conn: &mut AnyConnection,
    ctx: &AuditContext,
    staff_id: Uuid,
    work_type: WorkType,
    event: AutonomyEvent,
    source: Source<'_>,
    settings: &AutonomySettings,
) -> Result<Option<AutonomyChange>> {
    let at = ts(now());
    let (staff, kind) = (staff_id.to_string(), work_type.code());
    sqlx::query("INSERT INTO autonomy (staff_id, work_type, authorised, streak, changed_at) VALUES ($1, $2, 0, 0, $3) ON CONFLICT DO NOTHING")
        .bind(&staff)
        .bind(kind)
        .bind(&at)
        .execute(&mut *conn)
        .await?;
    // The lock, before the read: two grades at once are applied one after the other.
    sqlx::query("UPDATE autonomy SET changed_at = changed_at WHERE staff_id = $1 AND work_type = $2").bind(&staff).bind(kind).execute(&mut *conn).await?;
    let row = sqlx::query("SELECT authorised, streak FROM autonomy WHERE staff_id = $1 AND work_type = $2").bind(&staff).bind(kind).fetch_one(&mut *conn).await?;
    let before = Autonomy { authorised: row.get::<i64, _>(0) != 0, streak: row.get::<i64, _>(1) as u32 };
    let (after, change) = before.after(event, settings);
    sqlx::query("UPDATE autonomy SET authorised = $1, streak = $2, changed_at = $3 WHERE staff_id = $4 AND work_type = $5")
        .bind(after.authorised as i64)
        .bind(after.streak as i64)
        .bind(&at)
        .bind(&staff)
        .bind(kind)
        .execute(&mut *conn)
        .await?;
    let (event_code, grade) = match event {
        AutonomyEvent::Graded(g) => ("graded", Some(g.code())),
        AutonomyEvent::Revoked => ("revoked", None),
        AutonomyEvent::Reset => ("reset", None),
    };
    let id = new_id();
    sqlx::query(
        "INSERT INTO autonomy_events (id, staff_id, work_type, event, grade, change, reason, work_id, sample_id, by_id, at, authorised_after, streak_after)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(id.to_string())
    .bind(&staff)
    .bind(kind)
    .bind(event_code)
    .bind(grade)
    .bind(change.map(|c| c.code()))
    .bind(source.reason)
    .bind(source.work_id.map(|w| w.to_string()))
    .bind(source.sample_id.map(|s| s.to_string()))
    .bind(ctx.actor_id.map(|a| a.to_string()))
    .bind(&at)
    .bind(after.authorised as i64)
    .bind(after.streak as i64)
    .execute(&mut *conn)
    .await?;
    if let Some(change) = change {
        audit::append(
            conn,
            ctx,
            Event::success(match change {
                AutonomyChange::Granted => "autonomy.granted",
                AutonomyChange::Lost => "autonomy.lost",
                AutonomyChange::Revoked => "autonomy.revoked",
                AutonomyChange::Reset => "autonomy.reset",
            })
            .about("staff", staff_id)
            .detail(serde_json::json!({ "work_type": work_type, "reason": source.reason, "work_id": source.work_id, "sample_id": source.sample_id, "grade": grade })),
        )
        .await?;
    }
    Ok(change)
}

/// A manager takes a worker's authority for a work type away, with a reason.
pub async fn revoke(store: &Store, ctx: &AuditContext, staff_id: Uuid, work_type: WorkType, reason: &str, settings: &AutonomySettings) -> Result<()> {
    let mut tx = store.begin().await?;
    if !lock_authority(&mut tx, staff_id, work_type).await? {
        return Err(StoreError::Refused(hearth_domain::FieldError::new(
            "work_type",
            format!("They do not hold authority for the {} now, so there is nothing to revoke", work_type.label().to_lowercase()),
        )));
    }
    apply(&mut tx, ctx, staff_id, work_type, AutonomyEvent::Revoked, Source { reason: Some(reason), ..Default::default() }, settings).await?;
    tx.commit().await?;
    Ok(())
}

/// A manager starts a worker's count again in a work type, for someone back from a long absence.
pub async fn reset(store: &Store, ctx: &AuditContext, staff_id: Uuid, work_type: WorkType, reason: &str, settings: &AutonomySettings) -> Result<()> {
    let mut tx = store.begin().await?;
    apply(&mut tx, ctx, staff_id, work_type, AutonomyEvent::Reset, Source { reason: Some(reason), ..Default::default() }, settings).await?;
    tx.commit().await?;
    Ok(())
}

/// The standings of several workers at once, for a team's grid: only the work types where
/// each has a standing row.
pub async fn standings(store: &Store, workers: &[Uuid]) -> Result<Vec<(Uuid, WorkType, Autonomy)>> {
    if workers.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!("SELECT staff_id, work_type, authorised, streak FROM autonomy WHERE staff_id IN ({})", crate::placeholders(1, workers.len()));
    crate::bind_ids(sqlx::query(sqlx::AssertSqlSafe(sql)), workers)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok((parse_id(&r.get::<String, _>(0))?, code(r.get(1), WorkType::from_code)?, Autonomy { authorised: r.get::<i64, _>(2) != 0, streak: r.get::<i64, _>(3) as u32 })))
        .collect()
}
