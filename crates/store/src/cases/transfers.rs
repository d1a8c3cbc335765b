//! Moving a case between teams. The sending team offers it with a reason; the receiving team's
//! manager accepts (the case moves to their allocation hub, unallocated) or rejects it with a
//! reason (it stays where it was). The sender may withdraw an offer not yet decided.

use hearth_domain::cases::{CaseFlag, EntryKind};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{entry_row, insert_alerts, require_open, team_managers};
use crate::audit::{self, AuditContext, Event};
use crate::org::{NamedRef, named};
use crate::{Result, Store, StoreError, claim_version, new_id, now, parse_id, parse_ts, ts};

/// An offer of a case to another team, not yet decided.
#[derive(Debug, Clone, Serialize)]
pub struct Transfer {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_reference: String,
    pub from_team: NamedRef,
    pub to_team: NamedRef,
    pub to_service_area_id: Uuid,
    pub reason: String,
    pub requested_by: Option<NamedRef>,
    pub requested_at: OffsetDateTime,
}

/// How a transfer was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accepted,
    Rejected,
    Withdrawn,
}

impl Decision {
    fn code(self) -> &'static str {
        match self {
            Decision::Accepted => "accepted",
            Decision::Rejected => "rejected",
            Decision::Withdrawn => "withdrawn",
        }
    }
}

const SELECT: &str = "SELECT x.id, x.case_id, c.reference, f.id, f.name, t.id, t.name, t.service_area_id, x.reason, s.id, s.name, x.requested_at
     FROM case_transfers x JOIN cases c ON c.id = x.case_id JOIN teams f ON f.id = x.from_team_id JOIN teams t ON t.id = x.to_team_id
     LEFT JOIN staff s ON s.id = x.requested_by";

fn transfer(r: &AnyRow) -> Result<Transfer> {
    Ok(Transfer {
        id: parse_id(&r.get::<String, _>(0))?,
        case_id: parse_id(&r.get::<String, _>(1))?,
        case_reference: r.get(2),
        from_team: NamedRef { id: parse_id(&r.get::<String, _>(3))?, name: r.get(4) },
        to_team: NamedRef { id: parse_id(&r.get::<String, _>(5))?, name: r.get(6) },
        to_service_area_id: parse_id(&r.get::<String, _>(7))?,
        reason: r.get(8),
        requested_by: named(r.get(9), r.get(10))?,
        requested_at: parse_ts(&r.get::<String, _>(11))?,
    })
}

/// The undecided offer on a case, if there is one.
pub async fn open_for_case(store: &Store, case_id: Uuid) -> Result<Option<Transfer>> {
    let sql = format!("{SELECT} WHERE x.case_id = $1 AND x.decision IS NULL");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_id.to_string()).fetch_optional(store.pool()).await?.as_ref().map(transfer).transpose()
}

/// One undecided offer.
pub async fn open_transfer(store: &Store, id: Uuid) -> Result<Transfer> {
    let sql = format!("{SELECT} WHERE x.id = $1 AND x.decision IS NULL");
    transfer(&sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_string()).fetch_optional(store.pool()).await?.ok_or(StoreError::NotFound)?)
}

/// Offers waiting for any of these teams, oldest first.
pub async fn incoming(store: &Store, team_ids: &[Uuid]) -> Result<Vec<Transfer>> {
    if team_ids.is_empty() {
        return Ok(vec![]);
    }
    let marks: Vec<String> = (1..=team_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!("{SELECT} WHERE x.decision IS NULL AND x.to_team_id IN ({}) ORDER BY x.requested_at", marks.join(", "));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for t in team_ids {
        q = q.bind(t.to_string());
    }
    q.fetch_all(store.pool()).await?.iter().map(transfer).collect()
}

/// Offers the case to another team, at the case version read. Alerts the receiving team's managers.
pub async fn offer(store: &Store, ctx: &AuditContext, case_id: Uuid, to_team: Uuid, reason: &str, version: i64) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    claim_version(&mut tx, "cases", case_id, version).await?;
    let case = sqlx::query("SELECT team_id, reference FROM cases WHERE id = $1").bind(case_id.to_string()).fetch_one(&mut *tx).await?;
    let (from_team, reference): (String, String) = (case.get(0), case.get(1));
    if from_team == to_team.to_string() {
        return Err(StoreError::NotEditable("The case is already in that team. Choose another team."));
    }
    let to_name: String = sqlx::query("SELECT name FROM teams WHERE id = $1")
        .bind(to_team.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::MissingReference { field: "to_team_id" })?
        .get(0);
    let open = sqlx::query("SELECT 1 FROM case_transfers WHERE case_id = $1 AND decision IS NULL").bind(case_id.to_string()).fetch_optional(&mut *tx).await?;
    if open.is_some() {
        return Err(StoreError::Duplicate { field: "to_team_id" });
    }
    let id = new_id();
    let at = now();
    sqlx::query("INSERT INTO case_transfers (id, case_id, from_team_id, to_team_id, reason, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id.to_string())
        .bind(case_id.to_string())
        .bind(&from_team)
        .bind(to_team.to_string())
        .bind(reason)
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(at))
        .execute(&mut *tx)
        .await?;
    let managers = team_managers(&mut tx, &to_team.to_string()).await?;
    insert_alerts(&mut tx, &managers, case_id, &format!("{reference} has been offered to {to_name}. Accept or reject it from the allocation hub."), at).await?;
    entry_row(&mut tx, case_id, EntryKind::Allocation, at.date(), &format!("Offered to {to_name}"), Some(reason), ctx.actor_id).await?;
    audit::append(&mut tx, ctx, Event::success("case.transfer_offered").about("case", case_id).detail(serde_json::json!({ "transfer_id": id, "to_team_id": to_team }))).await?;
    tx.commit().await?;
    Ok(id)
}

/// Settles an open offer. Accepting moves the case to the receiving team's hub: unallocated, its
/// open tasks unassigned until a worker is chosen there. A restricted case names the person who
/// accepted it, so it is not lost to everyone. Rejecting or withdrawing leaves the case as it was.
pub async fn decide(store: &Store, ctx: &AuditContext, transfer_id: Uuid, decision: Decision, reason: Option<&str>) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    let at = now();
    let row = sqlx::query(
        "SELECT x.case_id, x.from_team_id, x.to_team_id, t.name, c.reference, x.requested_by FROM case_transfers x
         JOIN teams t ON t.id = x.to_team_id JOIN cases c ON c.id = x.case_id WHERE x.id = $1 AND x.decision IS NULL",
    )
    .bind(transfer_id.to_string())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let (case_id, to_team, to_name, reference): (String, String, String, String) = (row.get(0), row.get(2), row.get(3), row.get(4));
    let requested_by: Option<String> = row.get(5);
    let case = parse_id(&case_id)?;
    require_open(&mut tx, case).await?;
    // Only one decision lands: the second finds the offer already settled.
    let settled = sqlx::query("UPDATE case_transfers SET decision = $1, decided_by = $2, decided_at = $3, decision_reason = $4 WHERE id = $5 AND decision IS NULL")
        .bind(decision.code())
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(at))
        .bind(reason)
        .bind(transfer_id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if settled == 0 {
        return Err(StoreError::NotFound);
    }
    let summary = match decision {
        Decision::Accepted => {
            sqlx::query("UPDATE cases SET team_id = $1, allocated_to = NULL, allocated_on = NULL, version = version + 1, updated_at = $2 WHERE id = $3")
                .bind(&to_team)
                .bind(ts(at))
                .bind(&case_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE tasks SET assigned_to = NULL, version = version + 1 WHERE case_id = $1 AND done_at IS NULL").bind(&case_id).execute(&mut *tx).await?;
            super::record_holder(&mut tx, case, None).await?;
            // Its people are now found by the receiving team's searches.
            sqlx::query("UPDATE case_name_keys SET team_id = $1 WHERE case_id = $2").bind(&to_team).bind(&case_id).execute(&mut *tx).await?;
            let restricted = sqlx::query("SELECT 1 FROM case_flags WHERE case_id = $1 AND flag = $2")
                .bind(&case_id)
                .bind(CaseFlag::Restricted.code())
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            if let (true, Some(actor)) = (restricted, ctx.actor_id) {
                super::named::insert_named(&mut tx, case, actor, Some(actor)).await?;
            }
            format!("Transferred to {to_name}, awaiting allocation")
        }
        Decision::Rejected => format!("{to_name} did not accept the transfer"),
        Decision::Withdrawn => format!("Offer to {to_name} withdrawn"),
    };
    if decision == Decision::Rejected {
        if let Some(requester) = &requested_by {
            let message = format!("{to_name} did not accept {reference}. Their reason: {}", reason.unwrap_or(""));
            insert_alerts(&mut tx, std::slice::from_ref(requester), case, &message, at).await?;
        }
    }
    entry_row(&mut tx, case, EntryKind::Allocation, at.date(), &summary, reason, ctx.actor_id).await?;
    audit::append(
        &mut tx,
        ctx,
        Event::success("case.transfer_decided").about("case", case).detail(serde_json::json!({ "transfer_id": transfer_id, "decision": decision.code(), "reason": reason })),
    )
    .await?;
    tx.commit().await?;
    Ok(case)
}
