//! Break-glass access to a case someone is not working on, and the alerts it (and other
//! events) send to managers.

use super::*;

/// The active team managers of a team: whom a case's alerts go to when it has no worker.
pub(crate) async fn team_managers(conn: &mut AnyConnection, team_id: &str) -> Result<Vec<String>> {
    let rows = sqlx::query("SELECT s.id FROM staff s JOIN staff_roles r ON r.staff_id = s.id AND r.role = 'team_manager' WHERE s.team_id = $1 AND s.status = 'active'")
        .bind(team_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Alerts each recipient about a case, on their home page until they dismiss it.
pub(crate) async fn insert_alerts(conn: &mut AnyConnection, recipients: &[String], case_id: Uuid, message: &str, at: OffsetDateTime) -> Result<()> {
    for r in recipients {
        sqlx::query("INSERT INTO alerts (id, recipient_id, case_id, message, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_id().to_string())
            .bind(r)
            .bind(case_id.to_string())
            .bind(message)
            .bind(ts(at))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// An alert about something other than a case, linking to the page where it is acted on.
pub(crate) async fn insert_notice(conn: &mut AnyConnection, recipient: Uuid, message: &str, link: &str, at: OffsetDateTime) -> Result<()> {
    sqlx::query("INSERT INTO alerts (id, recipient_id, message, created_at, link) VALUES ($1, $2, $3, $4, $5)")
        .bind(new_id().to_string())
        .bind(recipient.to_string())
        .bind(message)
        .bind(ts(at))
        .bind(link)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Opens a case to someone with no standing grant, for `hours`, with their reason. The grant, an
/// alert to whoever manages the case (the allocated worker's line manager, or the team's managers
/// when nobody is allocated) and the audit event commit together.
pub async fn break_glass(store: &Store, ctx: &AuditContext, case_id: Uuid, staff_id: Uuid, reason: &str, hours: i64) -> Result<()> {
    let mut tx = store.begin().await?;
    let case = sqlx::query(
        "SELECT c.reference, c.team_id, m.line_manager_id, s.name
         FROM cases c LEFT JOIN staff m ON m.id = c.allocated_to JOIN staff s ON s.id = $2 WHERE c.id = $1",
    )
    .bind(case_id.to_string())
    .bind(staff_id.to_string())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let (reference, team_id, manager, who): (String, String, Option<String>, String) = (case.get(0), case.get(1), case.get(2), case.get(3));
    let at = now();
    sqlx::query("INSERT INTO case_access_grants (id, case_id, staff_id, reason, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(new_id().to_string())
        .bind(case_id.to_string())
        .bind(staff_id.to_string())
        .bind(reason)
        .bind(ts(at))
        .bind(ts(at + time::Duration::hours(hours)))
        .execute(&mut *tx)
        .await?;
    let recipients: Vec<String> = match manager {
        Some(m) => vec![m],
        None => team_managers(&mut tx, &team_id).await?,
    };
    let message = format!("{who} used break-glass to open {reference}. Their reason: {reason}");
    insert_alerts(&mut tx, &recipients, case_id, &message, at).await?;
    audit::append(
        &mut tx,
        ctx,
        Event::success("case.break_glass").about("case", case_id).detail(serde_json::json!({ "reason": reason, "hours": hours, "alerted": recipients })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether a person holds a live break-glass grant on a case.
pub async fn has_break_glass(store: &Store, case_id: Uuid, staff_id: Uuid) -> Result<bool> {
    Ok(sqlx::query("SELECT 1 FROM case_access_grants WHERE case_id = $1 AND staff_id = $2 AND expires_at > $3")
        .bind(case_id.to_string())
        .bind(staff_id.to_string())
        .bind(ts(now()))
        .fetch_optional(store.pool())
        .await?
        .is_some())
}

#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    pub id: Uuid,
    pub case_id: Option<Uuid>,
    pub message: String,
    pub created_at: OffsetDateTime,
    /// Where to act on an alert that is not about a case: a path inside Hearth.
    pub link: Option<String>,
}

/// A person's undismissed alerts, newest first.
pub async fn alerts_for(store: &Store, staff_id: Uuid) -> Result<Vec<Alert>> {
    let rows = sqlx::query("SELECT id, case_id, message, created_at, link FROM alerts WHERE recipient_id = $1 AND read_at IS NULL ORDER BY created_at DESC LIMIT 20")
        .bind(staff_id.to_string())
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| Ok(Alert { id: parse_id(&r.get::<String, _>(0))?, case_id: opt_id(r.get(1))?, message: r.get(2), created_at: parse_ts(&r.get::<String, _>(3))?, link: r.get(4) }))
        .collect()
}

/// Dismisses one of the person's own alerts.
pub async fn dismiss_alert(store: &Store, ctx: &AuditContext, staff_id: Uuid, alert_id: Uuid) -> Result<()> {
    let mut tx = store.begin().await?;
    let n = sqlx::query("UPDATE alerts SET read_at = $1 WHERE id = $2 AND recipient_id = $3 AND read_at IS NULL")
        .bind(ts(now()))
        .bind(alert_id.to_string())
        .bind(staff_id.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(&mut tx, ctx, Event::success("alert.dismissed").about("alert", alert_id)).await?;
    tx.commit().await?;
    Ok(())
}
