//! Improvement plans and their reviews. Every read of a plan is audited, and every change.

use hearth_domain::FieldError;
use hearth_domain::org::Role;
use hearth_domain::people::improvement::{PlanDraft, PlanOutcome, Review};
use serde::Serialize;
use sqlx::Row;
use time::Date;
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::org::{NamedRef, named};
use crate::{Result, Store, StoreError, date_text, new_id, now, parse_date, parse_id};

#[derive(Debug, Clone, Serialize)]
pub struct PlanReview {
    pub reviewed_on: Date,
    pub progress: String,
    pub next_review_on: Date,
    pub recorded_by: NamedRef,
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub id: Uuid,
    pub worker: NamedRef,
    pub opened_by: NamedRef,
    pub hr_partner: NamedRef,
    pub goals: String,
    pub support: String,
    pub opened_on: Date,
    pub next_review_on: Date,
    pub closed_on: Option<Date>,
    pub outcome: Option<PlanOutcome>,
    pub summary: Option<String>,
    pub version: i64,
    pub reviews: Vec<PlanReview>,
}

/// A plan as a list shows it: (id, opened on, next review or closed on, outcome).
#[derive(Debug, Clone, Serialize)]
pub struct PlanSummary {
    pub id: Uuid,
    pub opened_on: Date,
    pub next_review_on: Date,
    pub closed_on: Option<Date>,
    pub outcome: Option<PlanOutcome>,
}

/// Opens a plan for `worker`, with an HR partner. Refused while another is open, or when the
/// partner named is not in HR.
pub async fn open(store: &Store, ctx: &AuditContext, worker: Uuid, by: Uuid, d: &PlanDraft) -> Result<Uuid> {
    if worker == by {
        return Err(StoreError::Refused(FieldError::new("goals", "Nobody opens an improvement plan for themselves")));
    }
    let mut tx = store.begin().await?;
    let hr = sqlx::query("SELECT 1 FROM staff_roles r JOIN staff s ON s.id = r.staff_id WHERE r.staff_id = $1 AND r.role = $2 AND s.status = 'active'")
        .bind(d.hr_partner.to_string())
        .bind(Role::Hr.code())
        .fetch_optional(&mut *tx)
        .await?;
    if hr.is_none() {
        return Err(StoreError::Refused(FieldError::new("hr_partner", "Choose the HR partner from the list")));
    }
    let open = sqlx::query("SELECT 1 FROM improvement_plans WHERE worker_id = $1 AND closed_on IS NULL").bind(worker.to_string()).fetch_optional(&mut *tx).await?;
    if open.is_some() {
        return Err(StoreError::NotEditable("They already have an open improvement plan: review or close it instead."));
    }
    let id = new_id();
    sqlx::query("INSERT INTO improvement_plans (id, worker_id, opened_by, hr_partner_id, goals, support, opened_on, next_review_on, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)")
        .bind(id.to_string())
        .bind(worker.to_string())
        .bind(by.to_string())
        .bind(d.hr_partner.to_string())
        .bind(&d.goals)
        .bind(&d.support)
        .bind(date_text(now().date()))
        .bind(date_text(d.first_review_on))
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, ctx, Event::success("improvement_plan.opened").about("staff", worker).detail(serde_json::json!({ "plan_id": id }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// A worker's plans, newest first.
pub async fn list_for(store: &Store, worker: Uuid) -> Result<Vec<PlanSummary>> {
    sqlx::query("SELECT id, opened_on, next_review_on, closed_on, outcome FROM improvement_plans WHERE worker_id = $1 ORDER BY opened_on DESC, id DESC")
        .bind(worker.to_string())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(PlanSummary {
                id: parse_id(&r.get::<String, _>(0))?,
                opened_on: parse_date(&r.get::<String, _>(1))?,
                next_review_on: parse_date(&r.get::<String, _>(2))?,
                closed_on: r.get::<Option<String>, _>(3).as_deref().map(parse_date).transpose()?,
                outcome: r.get::<Option<String>, _>(4).as_deref().and_then(PlanOutcome::from_code),
            })
        })
        .collect()
}

/// One plan with its reviews, read and audited. Found only under its own worker.
pub async fn view(store: &Store, ctx: &AuditContext, worker: Uuid, id: Uuid) -> Result<Plan> {
    let r = sqlx::query(
        "SELECT p.goals, p.support, p.opened_on, p.next_review_on, p.closed_on, p.outcome, p.summary, p.version, w.id, w.name, o.id, o.name, h.id, h.name
           FROM improvement_plans p JOIN staff w ON w.id = p.worker_id JOIN staff o ON o.id = p.opened_by JOIN staff h ON h.id = p.hr_partner_id
          WHERE p.id = $1 AND p.worker_id = $2",
    )
    .bind(id.to_string())
    .bind(worker.to_string())
    .fetch_optional(store.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let reviews = sqlx::query("SELECT v.reviewed_on, v.progress, v.next_review_on, s.id, s.name FROM improvement_reviews v JOIN staff s ON s.id = v.recorded_by WHERE v.plan_id = $1 ORDER BY v.reviewed_on, v.id")
        .bind(id.to_string())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|v| {
            Ok(PlanReview {
                reviewed_on: parse_date(&v.get::<String, _>(0))?,
                progress: v.get(1),
                next_review_on: parse_date(&v.get::<String, _>(2))?,
                recorded_by: named(v.get(3), v.get(4))?.ok_or(StoreError::NotFound)?,
            })
        })
        .collect::<Result<_>>()?;
    audit::record(store, ctx, Event::success("improvement_plan.viewed").about("staff", worker).detail(serde_json::json!({ "plan_id": id }))).await?;
    Ok(Plan {
        id,
        goals: r.get(0),
        support: r.get(1),
        opened_on: parse_date(&r.get::<String, _>(2))?,
        next_review_on: parse_date(&r.get::<String, _>(3))?,
        closed_on: r.get::<Option<String>, _>(4).as_deref().map(parse_date).transpose()?,
        outcome: r.get::<Option<String>, _>(5).as_deref().and_then(PlanOutcome::from_code),
        summary: r.get(6),
        version: r.get(7),
        worker: named(r.get(8), r.get(9))?.ok_or(StoreError::NotFound)?,
        opened_by: named(r.get(10), r.get(11))?.ok_or(StoreError::NotFound)?,
        hr_partner: named(r.get(12), r.get(13))?.ok_or(StoreError::NotFound)?,
        reviews,
    })
}

/// Moves an open plan on, if it is still at `version`: the shared guard of a review and a close.
async fn advance(tx: &mut sqlx::AnyConnection, worker: Uuid, id: Uuid, version: i64, set: &str, binds: &[String]) -> Result<()> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE improvement_plans SET {set}, version = version + 1 WHERE id = ${} AND worker_id = ${} AND version = ${} AND closed_on IS NULL",
        binds.len() + 1,
        binds.len() + 2,
        binds.len() + 3
    )));
    for b in binds {
        q = q.bind(b.clone());
    }
    let n = q.bind(id.to_string()).bind(worker.to_string()).bind(version).execute(&mut *tx).await?.rows_affected();
    if n == 0 {
        let r = sqlx::query("SELECT version, closed_on FROM improvement_plans WHERE id = $1 AND worker_id = $2").bind(id.to_string()).bind(worker.to_string()).fetch_optional(&mut *tx).await?.ok_or(StoreError::NotFound)?;
        return Err(if r.get::<Option<String>, _>(1).is_some() { StoreError::NotEditable("This plan is closed.") } else { StoreError::Conflict { current: r.get(0) } });
    }
    Ok(())
}

pub async fn review(store: &Store, ctx: &AuditContext, worker: Uuid, id: Uuid, version: i64, by: Uuid, r: &Review) -> Result<()> {
    let mut tx = store.begin().await?;
    advance(&mut tx, worker, id, version, "next_review_on = $1", &[date_text(r.next_review_on)]).await?;
    sqlx::query("INSERT INTO improvement_reviews (id, plan_id, reviewed_on, progress, next_review_on, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(new_id().to_string())
        .bind(id.to_string())
        .bind(date_text(now().date()))
        .bind(&r.progress)
        .bind(date_text(r.next_review_on))
        .bind(by.to_string())
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, ctx, Event::success("improvement_plan.reviewed").about("staff", worker).detail(serde_json::json!({ "plan_id": id }))).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn close(store: &Store, ctx: &AuditContext, worker: Uuid, id: Uuid, version: i64, outcome: PlanOutcome, summary: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    advance(&mut tx, worker, id, version, "closed_on = $1, outcome = $2, summary = $3", &[date_text(now().date()), outcome.code().into(), summary.into()]).await?;
    audit::append(&mut tx, ctx, Event::success("improvement_plan.closed").about("staff", worker).detail(serde_json::json!({ "plan_id": id, "outcome": outcome }))).await?;
    tx.commit().await?;
    Ok(())
}

/// HR staff who can partner a plan, by name.
pub async fn hr_partners(store: &Store) -> Result<Vec<NamedRef>> {
    sqlx::query("SELECT s.id, s.name FROM staff s JOIN staff_roles r ON r.staff_id = s.id WHERE r.role = $1 AND s.status = 'active' ORDER BY s.name")
        .bind(Role::Hr.code())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok(NamedRef { id: parse_id(&r.get::<String, _>(0))?, name: r.get(1) }))
        .collect()
}
