//! What limits whom a case can go to: time away, duties that take capacity, contracted case caps
//! and declared conflicts of interest. Each change takes the worker's allocation lock, so it cannot
//! race an allocation that is checking the same worker.

use super::*;

/// A person's current and future absences.
pub async fn absences_of(store: &Store, staff_id: Uuid, today: Date) -> Result<Vec<Absence>> {
    Ok(absences_for(store.pool(), &[staff_id], today).await?.remove(&staff_id).unwrap_or_default())
}

/// Records time away. Overlapping an absence already recorded is refused, naming the dates.
/// Annual leave is refused here: it is asked for and approved (`people::leave`), so it always
/// comes off the balance.
pub async fn record_absence(store: &Store, ctx: &AuditContext, staff_id: Uuid, kind: AbsenceKind, first: Date, last: Date) -> Result<Uuid> {
    if kind == AbsenceKind::AnnualLeave {
        return Err(StoreError::Refused(FieldError::new("kind", "Annual leave is asked for and approved on the person's leave page, so it comes off their balance")));
    }
    let mut tx = store.begin().await?;
    lock_worker(&mut tx, staff_id).await?;
    let clash = sqlx::query("SELECT first_day, last_day FROM absences WHERE staff_id = $1 AND cancelled_at IS NULL AND first_day <= $3 AND last_day >= $2")
        .bind(staff_id.to_string())
        .bind(date_text(first))
        .bind(date_text(last))
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(r) = clash {
        let (a, b) = (parse_date(&r.get::<String, _>(0))?, parse_date(&r.get::<String, _>(1))?);
        return Err(StoreError::Refused(FieldError::new(
            "first_day",
            format!("This overlaps time away already recorded, {} to {}", hearth_domain::text::long_date(a), hearth_domain::text::long_date(b)),
        )));
    }
    let id = new_id();
    sqlx::query("INSERT INTO absences (id, staff_id, kind, first_day, last_day, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id.to_string())
        .bind(staff_id.to_string())
        .bind(kind.code())
        .bind(date_text(first))
        .bind(date_text(last))
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(now()))
        .execute(&mut *tx)
        .await?;
    let at = now();
    crate::workplace::cancel_for_absence(&mut tx, staff_id, first, last, hearth_domain::workplace::CancelledBecause::of_absence(kind), at).await?;
    audit::append(&mut tx, ctx, Event::success("absence.recorded").about("staff", staff_id).detail(serde_json::json!({ "absence_id": id, "kind": kind, "first": first.to_string(), "last": last.to_string() }))).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn cancel_absence(store: &Store, ctx: &AuditContext, staff_id: Uuid, absence_id: Uuid) -> Result<()> {
    let mut tx = store.begin().await?;
    let n = sqlx::query("UPDATE absences SET cancelled_at = $1 WHERE id = $2 AND staff_id = $3 AND cancelled_at IS NULL")
        .bind(ts(now()))
        .bind(absence_id.to_string())
        .bind(staff_id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(&mut tx, ctx, Event::success("absence.cancelled").about("staff", staff_id).detail(serde_json::json!({ "absence_id": absence_id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Records a duty that takes capacity; without points, the national figure for its kind.
pub async fn add_duty(store: &Store, ctx: &AuditContext, staff_id: Uuid, kind: DutyKind, points: Points, first: Date, last: Option<Date>) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    let id = insert_duty(&mut tx, ctx, staff_id, kind, points, first, last).await?;
    tx.commit().await?;
    Ok(id)
}

/// A duty written in the caller's transaction, with its audit event: mentoring a new starter is
/// added when their induction starts.
pub(crate) async fn insert_duty(tx: &mut sqlx::AnyConnection, ctx: &AuditContext, staff_id: Uuid, kind: DutyKind, points: Points, first: Date, last: Option<Date>) -> Result<Uuid> {
    let id = new_id();
    sqlx::query("INSERT INTO duties (id, staff_id, kind, points, first_day, last_day, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id.to_string())
        .bind(staff_id.to_string())
        .bind(kind.code())
        .bind(points.0)
        .bind(date_text(first))
        .bind(last.map(date_text))
        .bind(ctx.actor_id.map(|a| a.to_string()))
        .bind(ts(now()))
        .execute(&mut *tx)
        .await?;
    audit::append(tx, ctx, Event::success("duty.recorded").about("staff", staff_id).detail(serde_json::json!({ "duty_id": id, "kind": kind, "points": points.0 }))).await?;
    Ok(id)
}

/// Ends a duty from today: it stops counting against capacity tomorrow.
pub async fn end_duty(store: &Store, ctx: &AuditContext, staff_id: Uuid, duty_id: Uuid, today: Date) -> Result<()> {
    let mut tx = store.begin().await?;
    let n = sqlx::query("UPDATE duties SET last_day = $1 WHERE id = $2 AND staff_id = $3")
        .bind(date_text(today))
        .bind(duty_id.to_string())
        .bind(staff_id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(&mut tx, ctx, Event::success("duty.ended").about("staff", staff_id).detail(serde_json::json!({ "duty_id": duty_id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a person's own contracted case threshold, or with `None` returns them to the national one.
pub async fn set_case_cap(store: &Store, ctx: &AuditContext, staff_id: Uuid, cap: Option<i64>) -> Result<()> {
    let mut tx = store.begin().await?;
    lock_worker(&mut tx, staff_id).await?;
    sqlx::query("DELETE FROM case_caps WHERE staff_id = $1").bind(staff_id.to_string()).execute(&mut *tx).await?;
    if let Some(c) = cap {
        sqlx::query("INSERT INTO case_caps (staff_id, case_cap, version) VALUES ($1, $2, 1)").bind(staff_id.to_string()).bind(c).execute(&mut *tx).await?;
    }
    audit::append(&mut tx, ctx, Event::success("case_cap.set").about("staff", staff_id).detail(serde_json::json!({ "case_cap": cap }))).await?;
    tx.commit().await?;
    Ok(())
}

/// A declared conflict of interest.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub id: Uuid,
    pub person: NamedRef,
    pub reason: String,
    pub declared_at: OffsetDateTime,
}

pub async fn conflicts_of(store: &Store, staff_id: Uuid) -> Result<Vec<Conflict>> {
    let rows = sqlx::query("SELECT x.id, p.id, p.full_name, x.reason, x.declared_at FROM conflicts x JOIN people p ON p.id = x.person_id WHERE x.staff_id = $1 ORDER BY x.declared_at DESC")
        .bind(staff_id.to_string())
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Conflict {
                id: parse_id(&r.get::<String, _>(0))?,
                person: named(r.get(1), r.get(2))?.ok_or(StoreError::NotFound)?,
                reason: r.get(3),
                declared_at: parse_ts(&r.get::<String, _>(4))?,
            })
        })
        .collect()
}

/// A worker declares a conflict of interest with someone in a case. Declaring it again is
/// refused, naming the field.
pub async fn declare_conflict(store: &Store, ctx: &AuditContext, staff_id: Uuid, case_id: Uuid, person_id: Uuid, reason: &str) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    lock_worker(&mut tx, staff_id).await?;
    let in_case = sqlx::query("SELECT 1 FROM case_participants WHERE case_id = $1 AND person_id = $2").bind(case_id.to_string()).bind(person_id.to_string()).fetch_optional(&mut *tx).await?;
    if in_case.is_none() {
        return Err(StoreError::MissingReference { field: "person_id" });
    }
    let id = new_id();
    sqlx::query("INSERT INTO conflicts (id, staff_id, person_id, reason, declared_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id.to_string())
        .bind(staff_id.to_string())
        .bind(person_id.to_string())
        .bind(reason)
        .bind(ts(now()))
        .execute(&mut *tx)
        .await
        .map_err(|e| crate::unique_violation(e, "conflicts_staff_person", "person_id"))?;
    // If they hold the case, their managers need to know to reallocate it.
    let holds = sqlx::query("SELECT c.team_id FROM cases c WHERE c.id = $1 AND c.allocated_to = $2").bind(case_id.to_string()).bind(staff_id.to_string()).fetch_optional(&mut *tx).await?;
    if let Some(r) = holds {
        let managers = crate::cases::team_managers(&mut tx, &r.get::<String, _>(0)).await?;
        insert_alerts(&mut tx, &managers, case_id, "The allocated worker has declared a conflict of interest with someone in this case: consider reallocating it.", now()).await?;
    }
    audit::append(&mut tx, ctx, Event::success("conflict.declared").about("case", case_id).detail(serde_json::json!({ "conflict_id": id, "staff_id": staff_id, "person_id": person_id }))).await?;
    tx.commit().await?;
    Ok(id)
}
