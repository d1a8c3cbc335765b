//! Batch plans for a team's allocation hub, or for moving the cases of someone who is leaving or
//! long-term sick: proposed by the solver beside its greedy yardstick, reviewed by the manager,
//! and accepted in whole or in part, all or nothing.

use hearth_domain::FieldError;
use hearth_domain::cases::deadlines::DeadlineSettings;
use hearth_domain::workload::{self as rules, WorkloadSettings};
use serde::Serialize;
use sqlx::Row;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{Compared, Decision, clear, hub_cases, plan_inputs, record, team_loads, ties_for};
use crate::audit::{self, AuditContext, Event};
use crate::cases::Expect;
use crate::cases::facts::{self, Which};
use crate::org::{NamedRef, named};
use crate::{Result, Store, StoreError, new_id, now, parse_id, parse_ts, ts};

/// A plan as the manager reviews it.
#[derive(Debug, Clone, Serialize)]
pub struct PlanView {
    pub id: Uuid,
    pub team: NamedRef,
    pub proposed_by: Option<NamedRef>,
    pub proposed_at: OffsetDateTime,
    pub allow_above_amber: bool,
    pub status: String,
    pub measures: Compared,
    pub items: Vec<PlanItem>,
    /// For a plan moving someone's cases: whose.
    pub moving_from: Option<NamedRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanItem {
    pub case_id: Uuid,
    pub reference: String,
    pub worker: Option<NamedRef>,
    pub priority: i64,
    pub weight: rules::Points,
    pub accepted: bool,
}

/// Proposes a plan for a team's hub and keeps it for review. Nothing is allocated yet.
pub async fn propose(store: &Store, ctx: &AuditContext, settings: &WorkloadSettings, deadlines: &DeadlineSettings, team_id: Uuid, allow_above_amber: bool, today: Date) -> Result<Uuid> {
    let (workers, waiting) = tokio::try_join!(team_loads(store, settings, team_id, today), facts::facts(store, Which::Hub(team_id), today))?;
    keep(store, ctx, settings, deadlines, team_id, None, workers, waiting, allow_above_amber, today).await
}

/// Proposes a plan moving the open cases of someone who is leaving or long-term sick to the rest
/// of their team. Cases nobody has room for go back to the hub when the plan is accepted.
pub async fn propose_moving(store: &Store, ctx: &AuditContext, settings: &WorkloadSettings, deadlines: &DeadlineSettings, worker_id: Uuid, allow_above_amber: bool, today: Date) -> Result<Uuid> {
    let team_id = crate::org::placement(store, worker_id).await?.team_id.ok_or(StoreError::Refused(FieldError::new("worker_id", "They are not in a team, so there is nobody to move their cases to")))?;
    let (mut workers, held) = tokio::try_join!(team_loads(store, settings, team_id, today), facts::facts(store, Which::CarriedBy(worker_id), today))?;
    if held.is_empty() {
        return Err(StoreError::Refused(FieldError::new("worker_id", "They hold no open cases to move")));
    }
    workers.retain(|w| w.member.id != worker_id);
    keep(store, ctx, settings, deadlines, team_id, Some(worker_id), workers, held, allow_above_amber, today).await
}

/// Solves a plan for the cases given and keeps it, beside greedy allocation as its yardstick.
#[allow(clippy::too_many_arguments)]
async fn keep(
    store: &Store,
    ctx: &AuditContext,
    settings: &WorkloadSettings,
    deadlines: &DeadlineSettings,
    team_id: Uuid,
    moving_from: Option<Uuid>,
    workers: Vec<super::WorkerLoad>,
    waiting: Vec<facts::CaseFacts>,
    allow_above_amber: bool,
    today: Date,
) -> Result<Uuid> {
    let case_ids: Vec<Uuid> = waiting.iter().map(|c| c.id).collect();
    let ties = ties_for(store, &case_ids).await?;
    let cases = hub_cases(settings, deadlines, waiting, today);
    let (plan_cases, plan_workers) = plan_inputs(settings, &cases, &workers, &ties, today);
    let plan = rules::plan(settings, &plan_cases, &plan_workers, allow_above_amber);
    let yardstick = rules::greedy(settings, &plan_cases, &plan_workers, allow_above_amber);
    let measures = Compared::of(rules::measure(settings, &plan_cases, &plan_workers, &plan), rules::measure(settings, &plan_cases, &plan_workers, &yardstick));
    let id = new_id();
    let mut tx = store.begin().await?;
    sqlx::query(
        "INSERT INTO allocation_plans (id, team_id, proposed_by, proposed_at, allow_above_amber, status, measures, moving_from) VALUES ($1, $2, $3, $4, $5, 'proposed', $6, $7)",
    )
    .bind(id.to_string())
    .bind(team_id.to_string())
    .bind(ctx.actor_id.map(|a| a.to_string()))
    .bind(ts(now()))
    .bind(allow_above_amber as i64)
    .bind(serde_json::to_string(&measures).expect("measures serialise"))
    .bind(moving_from.map(|m| m.to_string()))
    .execute(&mut *tx)
    .await?;
    for ((hub, _, _), to) in cases.iter().zip(&plan.assigned) {
        sqlx::query("INSERT INTO allocation_plan_items (plan_id, case_id, worker_id, priority, weight) VALUES ($1, $2, $3, $4, $5)")
            .bind(id.to_string())
            .bind(hub.facts.id.to_string())
            .bind(to.map(|j| workers[j].member.id.to_string()))
            .bind(hub.priority)
            .bind(hub.weight.points.0)
            .execute(&mut *tx)
            .await?;
    }
    audit::append(
        &mut tx,
        ctx,
        Event::success("allocation_plan.proposed")
            .about("team", team_id)
            .detail(serde_json::json!({ "plan_id": id, "waiting": cases.len(), "moving_from": moving_from, "measures": measures })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn get(store: &Store, id: Uuid) -> Result<PlanView> {
    let r = sqlx::query(
        "SELECT p.id, t.id, t.name, s.id, s.name, p.proposed_at, p.allow_above_amber, p.status, p.measures, m.id, m.name
         FROM allocation_plans p JOIN teams t ON t.id = p.team_id LEFT JOIN staff s ON s.id = p.proposed_by LEFT JOIN staff m ON m.id = p.moving_from WHERE p.id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(store.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let items = sqlx::query(
        "SELECT i.case_id, c.reference, s.id, s.name, i.priority, i.weight, i.accepted
         FROM allocation_plan_items i JOIN cases c ON c.id = i.case_id LEFT JOIN staff s ON s.id = i.worker_id
         WHERE i.plan_id = $1 ORDER BY i.priority DESC, c.received_on, c.reference",
    )
    .bind(id.to_string())
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(PlanItem {
            case_id: parse_id(&r.get::<String, _>(0))?,
            reference: r.get(1),
            worker: named(r.get(2), r.get(3))?,
            priority: r.get(4),
            weight: rules::Points(r.get(5)),
            accepted: r.get::<i64, _>(6) != 0,
        })
    })
    .collect::<Result<_>>()?;
    Ok(PlanView {
        id,
        team: named(r.get(1), r.get(2))?.ok_or(StoreError::NotFound)?,
        proposed_by: named(r.get(3), r.get(4))?,
        proposed_at: parse_ts(&r.get::<String, _>(5))?,
        allow_above_amber: r.get::<i64, _>(6) != 0,
        status: r.get(7),
        measures: serde_json::from_str(&r.get::<String, _>(8)).map_err(|e| StoreError::Database(sqlx::Error::Decode(e.into())))?,
        items,
        moving_from: named(r.get(9), r.get(10))?,
    })
}

/// The team a plan belongs to, for access checks.
pub async fn team_of(store: &Store, id: Uuid) -> Result<Uuid> {
    let r = sqlx::query("SELECT team_id FROM allocation_plans WHERE id = $1").bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?;
    parse_id(&r.get::<String, _>(0))
}

/// The team's plans, newest first.
pub async fn for_team(store: &Store, team_id: Uuid, limit: i64) -> Result<Vec<(Uuid, OffsetDateTime, String, Compared)>> {
    let rows = sqlx::query("SELECT id, proposed_at, status, measures FROM allocation_plans WHERE team_id = $1 ORDER BY proposed_at DESC LIMIT $2")
        .bind(team_id.to_string())
        .bind(limit)
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                parse_id(&r.get::<String, _>(0))?,
                parse_ts(&r.get::<String, _>(1))?,
                r.get(2),
                serde_json::from_str(&r.get::<String, _>(3)).map_err(|e| StoreError::Database(sqlx::Error::Decode(e.into())))?,
            ))
        })
        .collect()
}

/// Accepts the chosen items of a proposed plan (the whole plan when `chosen` is `None`): each
/// case is allocated to its planned worker, all in one transaction. If any chosen case has been
/// allocated or closed since the plan was made, or anything now bars its planned worker (a
/// conflict declared, time away begun, a case cap reached: `clear`, checked again here),
/// nothing is allocated and the item is named with why, so the manager can leave it out or
/// propose again.
pub async fn accept(store: &Store, settings: &WorkloadSettings, ctx: &AuditContext, id: Uuid, chosen: Option<&[Uuid]>) -> Result<usize> {
    let plan = get(store, id).await?;
    let mut tx = store.begin().await?;
    decide(&mut tx, ctx, id, "accepted").await?;
    let mut count = 0;
    let today = now().date();
    // A hub plan allocates the cases it placed; a plan moving someone's cases moves every case
    // chosen, and those nobody had room for go back to the hub rather than stay with them.
    let moving = plan.moving_from.as_ref().map(|m| m.id);
    for item in plan.items.iter().filter(|i| (i.worker.is_some() || moving.is_some()) && chosen.is_none_or(|c| c.contains(&i.case_id))) {
        let cleared = match &item.worker {
            Some(w) => Some(clear(&mut tx, settings, item.case_id, w.id, today).await.map_err(|e| match e {
                StoreError::Refused(why) => StoreError::Refused(FieldError::new("cases", format!("{}: {}. Nothing was allocated: leave it out or propose a new plan.", item.reference, why.message))),
                e => e,
            })?),
            None => None,
        };
        let (expect, reason) = match (&plan.moving_from, &item.worker) {
            (Some(from), Some(_)) => (Expect::HeldBy(from.id), format!("Moved from {} by a plan", from.name)),
            (Some(from), None) => (Expect::HeldBy(from.id), format!("Moved from {}: nobody in the team had room", from.name)),
            (None, _) => (Expect::Waiting, "Batch allocation plan".to_string()),
        };
        crate::cases::allocate_in(&mut tx, ctx, item.case_id, cleared.as_ref(), &reason, expect).await.map_err(|e| match e {
            StoreError::Conflict { .. } | StoreError::Refused(_) => StoreError::Refused(FieldError::new(
                "cases",
                format!("{} has been allocated, moved or closed since this plan was made. Nothing was allocated: propose a new plan.", item.reference),
            )),
            e => e,
        })?;
        record(&mut tx, item.case_id, item.worker.as_ref().map(|w| w.id), ctx.actor_id, Decision::default(), Some(id), None).await?;
        sqlx::query("UPDATE allocation_plan_items SET accepted = 1 WHERE plan_id = $1 AND case_id = $2").bind(id.to_string()).bind(item.case_id.to_string()).execute(&mut *tx).await?;
        count += 1;
    }
    if count == 0 {
        return Err(StoreError::Refused(FieldError::new("cases", "Select at least one planned allocation to accept")));
    }
    audit::append(&mut tx, ctx, Event::success("allocation_plan.accepted").about("team", plan.team.id).detail(serde_json::json!({ "plan_id": id, "allocated": count }))).await?;
    tx.commit().await?;
    Ok(count)
}

/// Sets a proposed plan aside without allocating anything.
pub async fn discard(store: &Store, ctx: &AuditContext, id: Uuid) -> Result<()> {
    let mut tx = store.begin().await?;
    decide(&mut tx, ctx, id, "discarded").await?;
    audit::append(&mut tx, ctx, Event::success("allocation_plan.discarded").about("allocation_plan", id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Marks a proposed plan decided, or refuses if someone decided it first.
async fn decide(conn: &mut sqlx::AnyConnection, ctx: &AuditContext, id: Uuid, status: &str) -> Result<()> {
    let n = sqlx::query("UPDATE allocation_plans SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND status = 'proposed'")
        .bind(status)
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(now()))
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::Refused(FieldError::new("plan", "This plan has already been decided")));
    }
    Ok(())
}
