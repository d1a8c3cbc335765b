//! What a supervision needs from the cases it discusses: the facts its agenda is built from, and
//! the check (and writes) that put a manager's decision into a case's record. The people area
//! calls these: it never touches the case tables itself.

use std::collections::HashMap;

use hearth_domain::cases::EntryKind;
use sqlx::{AnyConnection, Row};
use time::Date;
use uuid::Uuid;

use super::{entry_row, insert_task, require_open};
use crate::{Result, Store, StoreError, date_text, parse_date, parse_id};

/// For each of the worker's open cases that `viewer` may see: its overdue tasks and the date of
/// its newest chronology entry. A restricted case not naming the viewer is left out altogether,
/// so an agenda never shows its reference or flags to them. One query, so an agenda for thirty
/// cases is one round trip here.
pub async fn activity(store: &Store, worker: Uuid, viewer: Uuid, today: Date) -> Result<HashMap<Uuid, (i64, Option<Date>)>> {
    let rows = sqlx::query(
        "SELECT c.id,
                (SELECT COUNT(*) FROM tasks k WHERE k.case_id = c.id AND k.done_at IS NULL AND k.due_on < $2),
                (SELECT MAX(e.occurred_on) FROM chronology e WHERE e.case_id = c.id)
           FROM cases c WHERE c.allocated_to = $1 AND c.status = 'open'
            AND (c.allocated_to = $3
                 OR NOT EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id AND f.flag = 'restricted')
                 OR EXISTS (SELECT 1 FROM case_named_staff n WHERE n.case_id = c.id AND n.staff_id = $3))",
    )
    .bind(worker.to_string())
    .bind(date_text(today))
    .bind(viewer.to_string())
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((parse_id(&r.get::<String, _>(0))?, (r.get::<i64, _>(1), r.get::<Option<String>, _>(2).as_deref().map(parse_date).transpose()?))))
        .collect()
}

/// Writes a manager's decision on a case discussed in supervision into the case: a management
/// oversight entry, and the action as a task for the worker. The case must be open and held by
/// the worker; a restricted case only by a manager named on it. Refusals name the case, so the
/// whole supervision is refused and nothing of it is kept.
pub(crate) async fn record_oversight(conn: &mut AnyConnection, o: &Oversight<'_>) -> Result<Uuid> {
    let row = sqlx::query(
        "SELECT c.reference, c.allocated_to,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id AND f.flag = 'restricted') THEN 1 ELSE 0 END AS BIGINT),
                CAST(CASE WHEN EXISTS (SELECT 1 FROM case_named_staff n WHERE n.case_id = c.id AND n.staff_id = $2) THEN 1 ELSE 0 END AS BIGINT)
           FROM cases c WHERE c.id = $1",
    )
    .bind(o.case_id.to_string())
    .bind(o.manager.to_string())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| refused("A case chosen is not one of theirs. Choose cases from the list".into()))?;
    let reference: String = row.get(0);
    if row.get::<Option<String>, _>(1).as_deref() != Some(o.worker.to_string().as_str()) {
        return Err(refused(format!("{reference} is not allocated to them. Choose cases from the list")));
    }
    if row.get::<i64, _>(2) != 0 && row.get::<i64, _>(3) == 0 {
        return Err(refused(format!("{reference} is restricted: only staff named on it may discuss it")));
    }
    require_open(conn, o.case_id).await.map_err(|e| match e {
        StoreError::Closed => refused(format!("{reference} has closed, so nothing more can be added to it")),
        e => e,
    })?;
    let entry = entry_row(conn, o.case_id, EntryKind::ManagementOversight, o.held_on, o.summary, Some(o.body), Some(o.manager)).await?;
    if let Some((title, due_on)) = o.action {
        insert_task(conn, o.case_id, title, Some(o.worker), due_on, None).await?;
    }
    Ok(entry)
}

/// Writes a management oversight entry again after its supervision was changed within the edit
/// window: the same entry, its words replaced and reindexed, marked edited, as a note is. A
/// case closed since refuses the change, naming it.
pub(crate) async fn revise_oversight(conn: &mut AnyConnection, case_id: Uuid, entry_id: Uuid, summary: &str, body: &str) -> Result<()> {
    require_open(conn, case_id).await.map_err(|e| match e {
        StoreError::Closed => StoreError::NotEditable("A case discussed has closed since, so its record cannot change. Add an addendum instead."),
        e => e,
    })?;
    sqlx::query("UPDATE chronology SET summary = $1, body = $2, edited_at = $3, version = version + 1 WHERE id = $4 AND case_id = $5 AND kind = 'management_oversight'")
        .bind(summary)
        .bind(body)
        .bind(crate::ts(crate::now()))
        .bind(entry_id.to_string())
        .bind(case_id.to_string())
        .execute(&mut *conn)
        .await?;
    super::search::reindex_entry(conn, entry_id, case_id, summary, Some(body)).await
}

/// One case's part of a supervision, as the case records it.
pub(crate) struct Oversight<'a> {
    pub case_id: Uuid,
    pub worker: Uuid,
    pub manager: Uuid,
    pub held_on: Date,
    pub summary: &'a str,
    pub body: &'a str,
    pub action: Option<(&'a str, Option<Date>)>,
}

fn refused(message: String) -> StoreError {
    StoreError::Refused(hearth_domain::FieldError::new("discussions", message))
}
