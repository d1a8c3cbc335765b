//! Group supervision and reflective practice sessions: the session and who came, written
//! together. The people in it must be the team's own, whichever way it is recorded.

use hearth_domain::FieldError;
use hearth_domain::people::group::{SessionDraft, SessionKind};
use serde::Serialize;
use sqlx::Row;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, AuditContext, Event};
use crate::org::{NamedRef, named};
use crate::{
    Page, PageRequest, Result, Store, StoreError, date_text, new_id, now, parse_date, parse_id,
    parse_ts, ts,
};

/// A session as a list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SessionSummary {
    pub id: Uuid,
    pub team_id: Uuid,
    pub kind: SessionKind,
    pub held_on: Date,
    pub theme: String,
    pub facilitator: NamedRef,
    pub attendees: i64,
}

/// A whole session.
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    pub id: Uuid,
    pub team_id: Uuid,
    pub kind: SessionKind,
    pub held_on: Date,
    pub theme: String,
    pub notes: String,
    pub facilitator: NamedRef,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    pub attendees: Vec<NamedRef>,
}

/// Records a session of `team` led by `facilitator`, with who came, all or nothing. Someone who
/// is not an active member of the team refuses the session, however it was sent.
pub async fn record(
    store: &Store,
    ctx: &AuditContext,
    team: Uuid,
    facilitator: Uuid,
    d: &SessionDraft,
) -> Result<Uuid> {
    let mut tx = store.begin().await?;
    let id = insert(&mut tx, team, facilitator, d).await?;
    audit::append(&mut tx, ctx, Event::success("group_session.recorded").about("team", team).detail(serde_json::json!({ "session_id": id, "kind": d.kind, "attendees": d.attendees.len() }))).await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert(
    tx: &mut sqlx::AnyConnection,
    team: Uuid,
    facilitator: Uuid,
    d: &SessionDraft,
) -> Result<Uuid> {
    for a in &d.attendees {
        let member =
            sqlx::query("SELECT 1 FROM staff WHERE id = $1 AND team_id = $2 AND status = 'active'")
                .bind(a.to_string())
                .bind(team.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        if member.is_none() || *a == facilitator {
            return Err(StoreError::Refused(FieldError::new(
                "attendees",
                "Choose who came from the team's list",
            )));
        }
    }
    let id = new_id();
    sqlx::query("INSERT INTO group_sessions (id, team_id, kind, facilitator_id, held_on, theme, notes, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id.to_string())
        .bind(team.to_string())
        .bind(d.kind.code())
        .bind(facilitator.to_string())
        .bind(date_text(d.held_on))
        .bind(&d.theme)
        .bind(&d.notes)
        .bind(ts(now()))
        .execute(&mut *tx)
        .await?;
    for a in &d.attendees {
        sqlx::query("INSERT INTO group_session_attendees (session_id, staff_id) VALUES ($1, $2)")
            .bind(id.to_string())
            .bind(a.to_string())
            .execute(&mut *tx)
            .await?;
    }
    Ok(id)
}

const SUMMARY: &str = "SELECT g.id, g.team_id, g.kind, g.held_on, g.theme, f.id, f.name, (SELECT COUNT(*) FROM group_session_attendees a WHERE a.session_id = g.id)
   FROM group_sessions g JOIN staff f ON f.id = g.facilitator_id";

fn summary_of(r: &sqlx::any::AnyRow) -> Result<SessionSummary> {
    Ok(SessionSummary {
        id: parse_id(&r.get::<String, _>(0))?,
        team_id: parse_id(&r.get::<String, _>(1))?,
        kind: SessionKind::from_code(&r.get::<String, _>(2)).ok_or(StoreError::NotFound)?,
        held_on: parse_date(&r.get::<String, _>(3))?,
        theme: r.get(4),
        facilitator: named(r.get(5), r.get(6))?.ok_or(StoreError::NotFound)?,
        attendees: r.get(7),
    })
}

/// A team's sessions, newest first.
pub async fn list_for_team(
    store: &Store,
    team: Uuid,
    page: PageRequest,
) -> Result<Page<SessionSummary>> {
    let total: i64 = sqlx::query("SELECT COUNT(*) FROM group_sessions WHERE team_id = $1")
        .bind(team.to_string())
        .fetch_one(store.pool())
        .await?
        .get(0);
    let items = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SUMMARY} WHERE g.team_id = $1 ORDER BY g.held_on DESC, g.id DESC LIMIT $2 OFFSET $3"
    )))
    .bind(team.to_string())
    .bind(page.per_page)
    .bind(page.offset())
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(summary_of)
    .collect::<Result<_>>()?;
    Ok(Page {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
        more: false,
    })
}

/// The sessions someone came to, newest first: the last ten, for their supervision page.
pub async fn attended_by(store: &Store, staff: Uuid) -> Result<Vec<SessionSummary>> {
    sqlx::query(sqlx::AssertSqlSafe(format!("{SUMMARY} WHERE g.id IN (SELECT session_id FROM group_session_attendees WHERE staff_id = $1) ORDER BY g.held_on DESC, g.id DESC LIMIT 10")))
        .bind(staff.to_string())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(summary_of)
        .collect()
}

/// One session of `team`, its read audited.
pub async fn view(store: &Store, ctx: &AuditContext, team: Uuid, id: Uuid) -> Result<Session> {
    let r = sqlx::query("SELECT g.kind, g.held_on, g.theme, g.notes, f.id, f.name, g.recorded_at FROM group_sessions g JOIN staff f ON f.id = g.facilitator_id WHERE g.id = $1 AND g.team_id = $2")
        .bind(id.to_string())
        .bind(team.to_string())
        .fetch_optional(store.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    let attendees = sqlx::query("SELECT s.id, s.name FROM group_session_attendees a JOIN staff s ON s.id = a.staff_id WHERE a.session_id = $1 ORDER BY s.name")
        .bind(id.to_string())
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|a| named(a.get(0), a.get(1))?.ok_or(StoreError::NotFound))
        .collect::<Result<_>>()?;
    audit::record(
        store,
        ctx,
        Event::success("group_session.viewed")
            .about("team", team)
            .detail(serde_json::json!({ "session_id": id })),
    )
    .await?;
    Ok(Session {
        id,
        team_id: team,
        kind: SessionKind::from_code(&r.get::<String, _>(0)).ok_or(StoreError::NotFound)?,
        held_on: parse_date(&r.get::<String, _>(1))?,
        theme: r.get(2),
        notes: r.get(3),
        facilitator: named(r.get(4), r.get(5))?.ok_or(StoreError::NotFound)?,
        recorded_at: parse_ts(&r.get::<String, _>(6))?,
        attendees,
    })
}

/// Demo sessions, as (team, facilitator, draft), without audit.
pub async fn load_demo(store: &Store, sessions: &[(Uuid, Uuid, SessionDraft)]) -> Result<()> {
    let mut tx = store.begin().await?;
    for (team, facilitator, d) in sessions {
        insert(&mut tx, *team, *facilitator, d).await?;
    }
    tx.commit().await?;
    Ok(())
}
