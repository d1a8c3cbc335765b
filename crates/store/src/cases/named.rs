//! The staff named on a restricted case. With its allocated worker, they are the only people who
//! see it: not the team, not the managers above, not national roles, and never by break-glass.

use hearth_domain::cases::EntryKind;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use super::{entry_row, require_open};
use crate::audit::{self, AuditContext, Event};
use crate::org::NamedRef;
use crate::{Result, Store, StoreError, now, parse_id, ts};

/// The staff named on a case, by name.
pub async fn named_staff(store: &Store, case_id: Uuid) -> Result<Vec<NamedRef>> {
    let rows = sqlx::query("SELECT s.id, s.name FROM case_named_staff n JOIN staff s ON s.id = n.staff_id WHERE n.case_id = $1 ORDER BY s.name")
        .bind(case_id.to_string())
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(|r| Ok(NamedRef { id: parse_id(&r.get::<String, _>(0))?, name: r.get(1) })).collect()
}

/// Names someone on the case (no audit: the caller's change records it, or the demo loader
/// builds it). Naming twice is harmless.
pub async fn insert_named(conn: &mut AnyConnection, case_id: Uuid, staff_id: Uuid, by: Option<Uuid>) -> Result<()> {
    sqlx::query("INSERT INTO case_named_staff (case_id, staff_id, named_by, named_at) VALUES ($1, $2, $3, $4) ON CONFLICT (case_id, staff_id) DO NOTHING")
        .bind(case_id.to_string())
        .bind(staff_id.to_string())
        .bind(by.map(|b| b.to_string()))
        .bind(ts(now()))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes every name off a case whose restriction is lifted (no audit: the caller's edit records it).
pub(crate) async fn clear(conn: &mut AnyConnection, case_id: Uuid) -> Result<()> {
    sqlx::query("DELETE FROM case_named_staff WHERE case_id = $1").bind(case_id.to_string()).execute(&mut *conn).await?;
    Ok(())
}

/// Names a member of staff on a restricted case, so they may see it.
pub async fn name_staff(store: &Store, ctx: &AuditContext, case_id: Uuid, staff_id: Uuid) -> Result<()> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    let restricted = sqlx::query("SELECT 1 FROM case_flags WHERE case_id = $1 AND flag = 'restricted'").bind(case_id.to_string()).fetch_optional(&mut *tx).await?;
    if restricted.is_none() {
        return Err(StoreError::NotEditable("Only a restricted case has named staff: everyone with a reason to see this case already can."));
    }
    let name: String = sqlx::query("SELECT name FROM staff WHERE id = $1 AND status = 'active'")
        .bind(staff_id.to_string())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::MissingReference { field: "staff_id" })?
        .get(0);
    insert_named(&mut tx, case_id, staff_id, ctx.actor_id).await?;
    entry_row(&mut tx, case_id, EntryKind::Allocation, now().date(), &format!("{name} named on the restricted case"), None, ctx.actor_id).await?;
    audit::append(&mut tx, ctx, Event::success("case.staff_named").about("case", case_id).detail(serde_json::json!({ "staff_id": staff_id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes a name off the case. They lose sight of it on their next request.
pub async fn unname_staff(store: &Store, ctx: &AuditContext, case_id: Uuid, staff_id: Uuid) -> Result<()> {
    let mut tx = store.begin().await?;
    require_open(&mut tx, case_id).await?;
    let removed = sqlx::query("DELETE FROM case_named_staff WHERE case_id = $1 AND staff_id = $2")
        .bind(case_id.to_string())
        .bind(staff_id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    let name: String = sqlx::query("SELECT name FROM staff WHERE id = $1").bind(staff_id.to_string()).fetch_one(&mut *tx).await?.get(0);
    entry_row(&mut tx, case_id, EntryKind::Allocation, now().date(), &format!("{name} no longer named on the restricted case"), None, ctx.actor_id).await?;
    audit::append(&mut tx, ctx, Event::success("case.staff_unnamed").about("case", case_id).detail(serde_json::json!({ "staff_id": staff_id }))).await?;
    tx.commit().await?;
    Ok(())
}

/// Who may be named on a case: active staff of its service area, by name.
pub async fn nameable_staff(store: &Store, service_area_id: Uuid) -> Result<Vec<NamedRef>> {
    let rows = sqlx::query(
        "SELECT s.id, s.name FROM staff s JOIN teams t ON t.id = s.team_id WHERE t.service_area_id = $1 AND s.status = 'active' ORDER BY s.name",
    )
    .bind(service_area_id.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter().map(|r| Ok(NamedRef { id: parse_id(&r.get::<String, _>(0))?, name: r.get(1) })).collect()
}
