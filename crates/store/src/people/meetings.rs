//! Team meetings: the meeting, its attendance and its actions, written together.

use hearth_domain::people::meetings::{Attendance, MeetingDraft};
use serde::Serialize;
use sqlx::Row;
use time::Date;
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::org::{NamedRef, named};
use crate::{Page, PageRequest, Result, Store, StoreError, date_text, new_id, now, parse_date, parse_id, ts};

/// A meeting as a list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct MeetingSummary {
    pub id: Uuid,
    pub held_on: Date,
    pub office: Option<String>,
    pub in_office: i64,
    pub remote: i64,
    pub absent: i64,
    pub actions: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttendeeRecord {
    pub staff: NamedRef,
    pub attendance: Attendance,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionRecord {
    pub title: String,
    pub owner: NamedRef,
    pub due_on: Option<Date>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Meeting {
    pub id: Uuid,
    pub team_id: Uuid,
    pub held_on: Date,
    pub office: Option<String>,
    pub agenda: String,
    pub recorded_by: Option<NamedRef>,
    pub attendees: Vec<AttendeeRecord>,
    pub actions: Vec<ActionRecord>,
}

/// Records a meeting of `team`: the meeting, everyone's attendance and the actions, all or nothing.
pub async fn record(store: &Store, ctx: &AuditContext, team: Uuid, by: Option<Uuid>, d: &MeetingDraft) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    let id = insert(&mut tx, team, by, d).await?;
    audit::append(&mut tx, ctx, Event::success("team_meeting.recorded").about("team", team).detail(serde_json::json!({ "meeting_id": id, "attendees": d.attendees.len(), "actions": d.actions.len() }))).await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert(tx: &mut sqlx::AnyConnection, team: Uuid, by: Option<Uuid>, d: &MeetingDraft) -> Result<Uuid> {
    let id = new_id();
    sqlx::query("INSERT INTO team_meetings (id, team_id, held_on, office_id, agenda, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id.to_string())
        .bind(team.to_string())
        .bind(date_text(d.held_on))
        .bind(d.office_id.map(|o| o.to_string()))
        .bind(&d.agenda)
        .bind(by.map(|b| b.to_string()))
        .bind(ts(now()))
        .execute(&mut *tx)
        .await?;
    for a in &d.attendees {
        sqlx::query("INSERT INTO team_meeting_attendance (meeting_id, staff_id, attendance, reason) VALUES ($1, $2, $3, $4)")
            .bind(id.to_string())
            .bind(a.staff_id.to_string())
            .bind(a.attendance.code())
            .bind(a.reason.as_deref())
            .execute(&mut *tx)
            .await?;
    }
    for a in &d.actions {
        sqlx::query("INSERT INTO team_meeting_actions (id, meeting_id, title, owner_id, due_on) VALUES ($1, $2, $3, $4, $5)")
            .bind(new_id().to_string())
            .bind(id.to_string())
            .bind(&a.title)
            .bind(a.owner.to_string())
            .bind(a.due_on.map(date_text))
            .execute(&mut *tx)
            .await?;
    }
    Ok(id)
}

const SUMMARY: &str = "SELECT m.id, m.held_on, o.name,
        (SELECT COUNT(*) FROM team_meeting_attendance a WHERE a.meeting_id = m.id AND a.attendance = 'office'),
        (SELECT COUNT(*) FROM team_meeting_attendance a WHERE a.meeting_id = m.id AND a.attendance = 'remote'),
        (SELECT COUNT(*) FROM team_meeting_attendance a WHERE a.meeting_id = m.id AND a.attendance = 'absent'),
        (SELECT COUNT(*) FROM team_meeting_actions x WHERE x.meeting_id = m.id)
   FROM team_meetings m LEFT JOIN offices o ON o.id = m.office_id WHERE m.team_id = $1";

fn summary_of(r: &sqlx::any::AnyRow) -> Result<MeetingSummary> {
    Ok(MeetingSummary { id: parse_id(&r.get::<String, _>(0))?, held_on: parse_date(&r.get::<String, _>(1))?, office: r.get(2), in_office: r.get(3), remote: r.get(4), absent: r.get(5), actions: r.get(6) })
}

/// A team's meetings, newest first.
pub async fn list_for_team(store: &Store, team: Uuid, page: PageRequest) -> Result<Page<MeetingSummary>> {
    let total: i64 = sqlx::query("SELECT COUNT(*) FROM team_meetings WHERE team_id = $1").bind(team.to_string()).fetch_one(store.pool()).await?.get(0);
    let items = sqlx::query(sqlx::AssertSqlSafe(format!("{SUMMARY} ORDER BY m.held_on DESC, m.id DESC LIMIT $2 OFFSET $3")))
        .bind(team.to_string())
        .bind(page.per_page)
        .bind(page.offset())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(summary_of)
        .collect::<Result<_>>()?;
    Ok(Page { items, total, page: page.page, per_page: page.per_page, more: false })
}

/// A team's latest meeting, for My People's figure.
pub async fn latest(store: &Store, team: Uuid) -> Result<Option<MeetingSummary>> {
    sqlx::query(sqlx::AssertSqlSafe(format!("{SUMMARY} ORDER BY m.held_on DESC, m.id DESC LIMIT 1"))).bind(team.to_string()).fetch_optional(store.pool()).await?.as_ref().map(summary_of).transpose()
}

/// One meeting of `team`, with who came and the actions.
pub async fn view(store: &Store, team: Uuid, id: Uuid) -> Result<Meeting> {
    let r = sqlx::query("SELECT m.held_on, o.name, m.agenda, b.id, b.name FROM team_meetings m LEFT JOIN offices o ON o.id = m.office_id LEFT JOIN staff b ON b.id = m.recorded_by WHERE m.id = $1 AND m.team_id = $2")
        .bind(id.to_string())
        .bind(team.to_string())
        .fetch_optional(store.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    let attendees = sqlx::query("SELECT s.id, s.name, a.attendance, a.reason FROM team_meeting_attendance a JOIN staff s ON s.id = a.staff_id WHERE a.meeting_id = $1 ORDER BY s.name")
        .bind(id.to_string())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|a| Ok(AttendeeRecord { staff: named(a.get(0), a.get(1))?.ok_or(StoreError::NotFound)?, attendance: Attendance::from_code(&a.get::<String, _>(2)).unwrap_or(Attendance::Absent), reason: a.get(3) }))
        .collect::<Result<_>>()?;
    let actions = sqlx::query("SELECT x.title, s.id, s.name, x.due_on FROM team_meeting_actions x JOIN staff s ON s.id = x.owner_id WHERE x.meeting_id = $1 ORDER BY x.due_on, x.title")
        .bind(id.to_string())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|a| Ok(ActionRecord { title: a.get(0), owner: named(a.get(1), a.get(2))?.ok_or(StoreError::NotFound)?, due_on: a.get::<Option<String>, _>(3).as_deref().map(parse_date).transpose()? }))
        .collect::<Result<_>>()?;
    Ok(Meeting { id, team_id: team, held_on: parse_date(&r.get::<String, _>(0))?, office: r.get(1), agenda: r.get(2), recorded_by: named(r.get(3), r.get(4))?, attendees, actions })
}

/// Actions from team meetings owned by someone, due from `from` on or with no date, soonest
/// first: (team id, meeting id, title, due on).
pub async fn actions_for(store: &Store, owner: Uuid, from: Date) -> Result<Vec<(Uuid, Uuid, String, Option<Date>)>> {
    sqlx::query("SELECT m.team_id, m.id, x.title, x.due_on FROM team_meeting_actions x JOIN team_meetings m ON m.id = x.meeting_id WHERE x.owner_id = $1 AND (x.due_on IS NULL OR x.due_on >= $2) ORDER BY x.due_on, x.title LIMIT 10")
        .bind(owner.to_string())
        .bind(date_text(from))
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok((parse_id(&r.get::<String, _>(0))?, parse_id(&r.get::<String, _>(1))?, r.get(2), r.get::<Option<String>, _>(3).as_deref().map(parse_date).transpose()?)))
        .collect()
}

/// Demo meetings, as (team, draft), without audit.
pub async fn load_demo(store: &Store, meetings: &[(Uuid, MeetingDraft)]) -> Result<()> {
    let mut tx = store.begin().await?;
    for (team, d) in meetings {
        insert(&mut tx, *team, None, d).await?;
    }
    tx.commit().await?;
    Ok(())
}
