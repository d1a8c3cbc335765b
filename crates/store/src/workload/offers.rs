//! Offers of a waiting case to the bank and associate pool. Several people can be offered one
//! case; the first to accept takes it and the other offers are withdrawn in that transaction.
//! An open offer past its time reads as expired and can no longer be accepted.

use hearth_domain::FieldError;
use hearth_domain::workload::{OfferStatus, WorkloadSettings};
use serde::Serialize;
use sqlx::Row;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Decision, clear, record};
use crate::audit::{self, AuditContext, Event};
use crate::cases::{code, insert_alerts, opt_id};
use crate::org::{NamedRef, named};
use crate::{Result, Store, StoreError, new_id, now, parse_id, parse_ts, ts};

#[derive(Debug, Clone, Serialize)]
pub struct Offer {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_reference: String,
    pub team: NamedRef,
    pub worker: NamedRef,
    pub offered_by: Option<NamedRef>,
    pub offered_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// As it stands now: an open offer past its time is expired.
    pub status: OfferStatus,
    pub answered_at: Option<OffsetDateTime>,
    pub note: Option<String>,
}

const SELECT: &str = "SELECT o.id, o.case_id, c.reference, t.id, t.name, w.id, w.name, b.id, b.name, o.offered_at, o.expires_at, o.status, o.answered_at, o.note
     FROM offers o JOIN cases c ON c.id = o.case_id JOIN teams t ON t.id = c.team_id JOIN staff w ON w.id = o.staff_id LEFT JOIN staff b ON b.id = o.offered_by";

fn offer(r: &sqlx::any::AnyRow, at: OffsetDateTime) -> Result<Offer> {
    let expires_at = parse_ts(&r.get::<String, _>(10))?;
    let mut status = code(r.get(11), OfferStatus::from_code)?;
    if status == OfferStatus::Open && expires_at <= at {
        status = OfferStatus::Expired;
    }
    Ok(Offer {
        id: parse_id(&r.get::<String, _>(0))?,
        case_id: parse_id(&r.get::<String, _>(1))?,
        case_reference: r.get(2),
        team: named(r.get(3), r.get(4))?.ok_or(StoreError::NotFound)?,
        worker: named(r.get(5), r.get(6))?.ok_or(StoreError::NotFound)?,
        offered_by: named(r.get(7), r.get(8))?,
        offered_at: parse_ts(&r.get::<String, _>(9))?,
        expires_at,
        status,
        answered_at: r.get::<Option<String>, _>(12).map(|t| parse_ts(&t)).transpose()?,
        note: r.get(13),
    })
}

/// The offers made to a worker in the last 30 days, open ones first.
pub async fn for_worker(store: &Store, staff_id: Uuid) -> Result<Vec<Offer>> {
    let at = now();
    let sql = format!("{SELECT} WHERE o.staff_id = $1 AND o.offered_at >= $2 ORDER BY CASE WHEN o.status = 'open' THEN 0 ELSE 1 END, o.offered_at DESC");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(staff_id.to_string()).bind(ts(at - time::Duration::days(30))).fetch_all(store.pool()).await?;
    rows.iter().map(|r| offer(r, at)).collect()
}

/// Every offer of a case, newest first.
pub async fn on_case(store: &Store, case_id: Uuid) -> Result<Vec<Offer>> {
    let at = now();
    let sql = format!("{SELECT} WHERE o.case_id = $1 ORDER BY o.offered_at DESC, w.name");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_id.to_string()).fetch_all(store.pool()).await?;
    rows.iter().map(|r| offer(r, at)).collect()
}

pub async fn get(store: &Store, id: Uuid) -> Result<Offer> {
    let sql = format!("{SELECT} WHERE o.id = $1");
    offer(&sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?, now())
}

/// Offers a waiting case to these pool workers: bank and associate workers of the case's
/// service area whom nothing bars from it (`clear`, the check every allocation passes, so an
/// offer is never made to someone who could not accept it). The case must still be in the hub;
/// anyone with an open offer of it already is skipped.
pub async fn make(store: &Store, ctx: &AuditContext, settings: &WorkloadSettings, case_id: Uuid, workers: &[Uuid], note: Option<&str>) -> Result<usize> {
    let at = now();
    let area = crate::cases::placement(store, case_id).await?.service_area_id;
    let mut tx = store.begin().await?;
    let waiting = sqlx::query("SELECT 1 FROM cases WHERE id = $1 AND status = 'open' AND allocated_to IS NULL").bind(case_id.to_string()).fetch_optional(&mut *tx).await?;
    if waiting.is_none() {
        return Err(StoreError::Refused(FieldError::new("worker_ids", "Only a case waiting in the allocation hub can be offered")));
    }
    let pool = crate::org::members_on(&mut *tx, crate::org::Members::PoolOf(area)).await?;
    let mut made = 0;
    for w in workers {
        if !pool.iter().any(|m| m.id == *w && m.practitioner) {
            return Err(StoreError::Refused(FieldError::new("worker_ids", "Offer the case only to bank and associate practitioners of its service area")));
        }
        clear(&mut tx, settings, case_id, *w, at.date()).await.map_err(|e| match e {
            StoreError::Refused(why) => StoreError::Refused(FieldError::new("worker_ids", why.message)),
            e => e,
        })?;
        let open = sqlx::query("SELECT 1 FROM offers WHERE case_id = $1 AND staff_id = $2 AND status = 'open' AND expires_at > $3")
            .bind(case_id.to_string())
            .bind(w.to_string())
            .bind(ts(at))
            .fetch_optional(&mut *tx)
            .await?;
        if open.is_some() {
            continue;
        }
        // An expired offer is closed off so the partial unique index allows a new one.
        sqlx::query("UPDATE offers SET status = 'expired' WHERE case_id = $1 AND staff_id = $2 AND status = 'open'").bind(case_id.to_string()).bind(w.to_string()).execute(&mut *tx).await?;
        let id = new_id();
        sqlx::query("INSERT INTO offers (id, case_id, staff_id, offered_by, offered_at, expires_at, status, note) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7)")
            .bind(id.to_string())
            .bind(case_id.to_string())
            .bind(w.to_string())
            .bind(ctx.actor_id.map(|a| a.to_string()))
            .bind(ts(at))
            .bind(ts(expires(settings, at)))
            .bind(note)
            .execute(&mut *tx)
            .await?;
        insert_alerts(&mut tx, &[w.to_string()], case_id, "You have been offered a case. Accept or decline it under Offers of work.", at).await?;
        audit::append(&mut tx, ctx, Event::success("offer.made").about("case", case_id).detail(serde_json::json!({ "offer_id": id, "staff_id": w }))).await?;
        made += 1;
    }
    tx.commit().await?;
    Ok(made)
}

/// The offered worker accepts (taking the case, and withdrawing everyone else's offers of it)
/// or declines. An offer that is no longer open, or has expired, is refused with why; so is an
/// acceptance by someone whom something now bars from the case (`clear`: a conflict declared
/// since the offer, time away begun, a case cap reached).
pub async fn answer(store: &Store, settings: &WorkloadSettings, ctx: &AuditContext, id: Uuid, staff_id: Uuid, accept: bool, note: Option<&str>) -> Result<()> {
    let at = now();
    let o = get(store, id).await?;
    if o.worker.id != staff_id {
        return Err(StoreError::NotFound);
    }
    let mut tx = store.begin().await?;
    let n = sqlx::query("UPDATE offers SET status = $1, answered_at = $2, note = COALESCE($3, note) WHERE id = $4 AND status = 'open' AND expires_at > $2")
        .bind(if accept { "accepted" } else { "declined" })
        .bind(ts(at))
        .bind(note)
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        let why = match o.status {
            OfferStatus::Expired | OfferStatus::Open => "This offer has expired",
            OfferStatus::Withdrawn => "This offer was withdrawn: the case has gone to someone else or back to the team",
            _ => "This offer has already been answered",
        };
        return Err(StoreError::Refused(FieldError::new("answer", why)));
    }
    if accept {
        let cleared = clear(&mut tx, settings, o.case_id, staff_id, at.date()).await.map_err(|e| match e {
            StoreError::Refused(why) => StoreError::Refused(FieldError::new("answer", why.message)),
            e => e,
        })?;
        crate::cases::allocate_in(&mut tx, ctx, o.case_id, Some(&cleared), "Accepted an offer from the bank and associate pool", crate::cases::Expect::Waiting).await.map_err(|e| match e {
            StoreError::Conflict { .. } => StoreError::Refused(FieldError::new("answer", "This case has already been allocated")),
            e => e,
        })?;
        record(&mut tx, o.case_id, Some(staff_id), o.offered_by.as_ref().map(|b| b.id), Decision::default(), None, Some(id)).await?;
        sqlx::query("UPDATE offers SET status = 'withdrawn', answered_at = $1 WHERE case_id = $2 AND status = 'open' AND id <> $3").bind(ts(at)).bind(o.case_id.to_string()).bind(id.to_string()).execute(&mut *tx).await?;
    }
    if let Some(by) = &o.offered_by {
        let message = if accept { format!("{} accepted the offer of the case.", o.worker.name) } else { format!("{} declined the offer of the case.", o.worker.name) };
        insert_alerts(&mut tx, &[by.id.to_string()], o.case_id, &message, at).await?;
    }
    audit::append(&mut tx, ctx, Event::success(if accept { "offer.accepted" } else { "offer.declined" }).about("case", o.case_id).detail(serde_json::json!({ "offer_id": id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// The manager withdraws an open offer.
pub async fn withdraw(store: &Store, ctx: &AuditContext, id: Uuid) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    let r = sqlx::query("UPDATE offers SET status = 'withdrawn', answered_at = $1 WHERE id = $2 AND status = 'open' RETURNING case_id")
        .bind(ts(now()))
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::Refused(FieldError::new("offer", "This offer is no longer open")))?;
    let case_id = parse_id(&r.get::<String, _>(0))?;
    audit::append(&mut tx, ctx, Event::success("offer.withdrawn").about("case", case_id).detail(serde_json::json!({ "offer_id": id }))).await?;
    tx.commit().await?;
    Ok(case_id)
}

/// The case an offer is of, and who it was made to: for access checks.
pub async fn parties(store: &Store, id: Uuid) -> Result<(Uuid, Uuid, Option<Uuid>)> {
    let r = sqlx::query("SELECT case_id, staff_id, offered_by FROM offers WHERE id = $1").bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    Ok((parse_id(&r.get::<String, _>(0))?, parse_id(&r.get::<String, _>(1))?, opt_id(r.get(2))?))
}

fn expires(settings: &WorkloadSettings, at: OffsetDateTime) -> OffsetDateTime {
    at + time::Duration::hours(settings.offer_hours)
}
